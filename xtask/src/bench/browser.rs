//! Start-up and typing timings in headless Chromium: each run is a fresh browser with a
//! fresh profile (so nothing is cached), pointed at a bench page on 127.0.0.1 whose
//! probe script posts its `performance.now()` figures back to the bench server.

use super::http::{Routes, Server};
use crate::cmd::{Failure, Result};
use crate::setup::CHROMIUM;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// The flags every run uses: those of the browser tests (`webdriver.json`); each run
/// adds a fresh `--user-data-dir`.
pub const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
];

/// How long one page may take before the run counts as failed.
const RUN_TIMEOUT: Duration = Duration::from_secs(40);

/// A page to time, and the anchor files it needs.
pub struct Page {
    pub key: &'static str,
    pub path: String,
    /// Its own query (`cardFields=inline`), before the run number.
    pub query: &'static str,
}

/// What one page gave over all runs.
#[derive(Default)]
pub struct Runs {
    /// Navigation start → ready (ours) or → script evaluated (anchors), ms.
    pub start: Vec<f64>,
    /// Navigation start → last byte of the main file (our wasm, the anchor's script), ms.
    pub loaded: Vec<f64>,
    /// Last byte of the main file → ready / evaluated, per run: the page's own work.
    pub after_load: Vec<f64>,
    /// Navigation start → the widget's `ready` DOM event, in the runs that saw one, ms.
    pub ready_event: Vec<f64>,
    /// Cumulative layout shift until a second after ready (ours only), per run.
    pub cls: Vec<f64>,
    /// Per-keystroke times by field (ours only), ms.
    pub typing: Vec<(String, Vec<f64>)>,
    /// What the fields held after typing, from the last run (a sanity check).
    pub typed_values: Vec<(String, String)>,
    pub errors: Vec<String>,
}

/// The generated bench pages: our demo page with the probe first in `<head>` and the
/// widget's files on the payments origin, and one page per anchor (`{name}.js` and
/// `{name}.css` in the anchors' out folder).
pub fn routes(
    dist: &Path,
    anchors_out: &Path,
    anchor_names: &[&str],
    payments: &super::payments::PaymentsOrigin,
) -> Result<Routes> {
    let index = std::fs::read_to_string(dist.join("index.html"))
        .map_err(|e| Failure::new(format!("{}/index.html: {e}", dist.display())))?;
    let index = super::payments::with_widget_from(&index, &payments.origin);
    let ours = with_probe(&index)
        .ok_or_else(|| Failure::new("the built index.html has neither <head> nor <html>"))?;
    let mut generated =
        vec![
        ("ours.html".to_owned(), ours),
        (
            "probe.js".to_owned(),
            include_str!("pages/probe.js").to_owned(),
        ),
        (
            "warm.html".to_owned(),
            "<!doctype html>\n<title>warm-up</title>\n<script src=\"/__bench/warm.js\"></script>\n"
                .to_owned(),
        ),
        ("warm.js".to_owned(), include_str!("pages/warm.js").to_owned()),
        (
            "anchor-probe.js".to_owned(),
            include_str!("pages/anchor-probe.js").to_owned(),
        ),
    ];
    for name in anchor_names {
        generated.push((
            format!("{name}.html"),
            include_str!("pages/anchor.html").replace("{name}", name),
        ));
    }
    Ok(Routes {
        dist: dist.to_path_buf(),
        anchors: anchors_out.to_path_buf(),
        generated,
        json: payments.api_answers(),
    })
}

/// The page with the probe as the first script: after `<head>`, or after the `<html>`
/// tag when the release build's HTML minifier left the optional `<head>` out.
fn with_probe(index: &str) -> Option<String> {
    const PROBE: &str = "<script src=\"/__bench/probe.js\"></script>";
    let at = match index.find("<head>") {
        Some(head) => head + "<head>".len(),
        None => {
            let html = index.find("<html")?;
            html + index[html..].find('>')? + 1
        }
    };
    Some(format!("{}{PROBE}{}", &index[..at], &index[at..]))
}

/// Runs each page `runs` times, interleaved (ours, anchor, anchor, ours, …) so that the
/// machine's noise falls on all of them alike; the bench server listens on `listener`.
pub fn measure(
    listener: std::net::TcpListener,
    routes: Routes,
    pages: &[Page],
    runs: usize,
    scratch: &Path,
) -> Result<Vec<Runs>> {
    let (server, results) = Server::start_on(listener, routes)?;
    let mut all: Vec<Runs> = pages.iter().map(|_| Runs::default()).collect();
    for run in 0..runs {
        for (page, out) in pages.iter().zip(all.iter_mut()) {
            // The warm-up page passes the browser on to the measured page (`next` is
            // a path with its own query, percent-encoded).
            let query = if page.query.is_empty() {
                String::new()
            } else {
                [&page.query.replace('=', "%3D"), "%26"].concat()
            };
            let url = format!(
                "http://{}/__bench/warm.html?next=%2F__bench%2F{}%3F{query}run%3D{run}",
                server.addr, page.path
            );
            let profile = scratch.join(format!("profile-{}-{run}", page.key));
            match one_run(&url, &profile, &results, run) {
                Ok(value) => record(&value, out),
                Err(e) => out.errors.push(e.to_string()),
            }
            let _ = std::fs::remove_dir_all(&profile);
        }
        print!(".");
        use std::io::Write;
        let _ = std::io::stdout().flush();
    }
    println!();
    drop(server);
    Ok(all)
}

fn record(value: &Value, out: &mut Runs) {
    if let Some(error) = value.get("error").and_then(Value::as_str) {
        out.errors.push(error.to_owned());
        return;
    }
    let start = value
        .get("ready")
        .or_else(|| value.get("evaluated"))
        .and_then(Value::as_f64);
    let loaded = value.get("loaded").and_then(Value::as_f64);
    if let Some(t) = start {
        out.start.push(t);
    }
    if let Some(t) = loaded {
        out.loaded.push(t);
    }
    if let (Some(start), Some(loaded)) = (start, loaded) {
        out.after_load.push(start - loaded);
    }
    if let Some(t) = value.get("ready_event").and_then(Value::as_f64) {
        out.ready_event.push(t);
    }
    if let Some(shift) = value.get("cls").and_then(Value::as_f64) {
        out.cls.push(shift);
    }
    if let Some(typed) = value.get("typed").and_then(Value::as_object) {
        for (field, figures) in typed {
            let samples: Vec<f64> = figures
                .get("samples")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_f64).collect())
                .unwrap_or_default();
            match out.typing.iter_mut().find(|(f, _)| f == field) {
                Some((_, all)) => all.extend(samples),
                None => out.typing.push((field.clone(), samples)),
            }
            let shown = figures.get("value").and_then(Value::as_str).unwrap_or("");
            out.typed_values.retain(|(f, _)| f != field);
            out.typed_values.push((field.clone(), shown.to_owned()));
        }
    }
}

/// One fresh browser on one page; its result, or why there is none.
fn one_run(url: &str, profile: &Path, results: &Receiver<String>, run: usize) -> Result<Value> {
    let _ = std::fs::remove_dir_all(profile);
    std::fs::create_dir_all(profile)
        .map_err(|e| Failure::new(format!("{}: {e}", profile.display())))?;
    let browser = Browser::launch(url, profile)?;
    let deadline = Instant::now() + RUN_TIMEOUT;
    let outcome = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match results.recv_timeout(left) {
            Ok(body) => {
                let value: Value = serde_json::from_str(&body)
                    .map_err(|e| Failure::new(format!("bad bench result {body:?}: {e}")))?;
                // A late post from an earlier run's page is not this run's figure.
                if value.get("run").and_then(Value::as_str) == Some(&run.to_string()) {
                    break Ok(value);
                }
            }
            Err(_) => {
                break Err(Failure::new(format!(
                    "no result from {url} within {} s",
                    RUN_TIMEOUT.as_secs()
                )))
            }
        }
    };
    drop(browser);
    outcome
}

/// A headless Chromium, stopped with its children when dropped. It stays in our process
/// group, so that Ctrl-C on the bench reaches it too.
struct Browser {
    child: Child,
}

impl Browser {
    fn launch(url: &str, profile: &Path) -> Result<Browser> {
        let child = Command::new(CHROMIUM)
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(url)
            // Whatever Chromium leaves in its temporary directory stays in the bench's
            // scratch folder, not in /tmp.
            .env("TMPDIR", profile.parent().unwrap_or(profile))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| Failure::new(format!("cannot start {CHROMIUM}: {e}")))?;
        Ok(Browser { child })
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // SIGTERM lets the browser take its renderer and GPU processes down with it;
        // SIGKILL if it has not gone within a few seconds.
        let pid = self.child.id().to_string();
        let _ = Command::new("kill")
            .args(["-TERM", &pid])
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where per-run browser profiles go.
pub fn scratch_dir(bench_dir: &Path) -> PathBuf {
    bench_dir.join("chromium")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_probe_goes_first_with_or_without_head() {
        let probe = "<script src=\"/__bench/probe.js\"></script>";
        assert_eq!(
            with_probe("<html><head><title>t</title>").unwrap(),
            format!("<html><head>{probe}<title>t</title>")
        );
        assert_eq!(
            with_probe("<!doctype html><html lang=en><meta charset=utf-8>").unwrap(),
            format!("<!doctype html><html lang=en>{probe}<meta charset=utf-8>")
        );
        assert_eq!(with_probe("<p>no page</p>"), None);
    }

    #[test]
    fn records_start_and_pools_keystrokes() {
        let mut runs = Runs::default();
        let first = json!({"run": "0", "ready": 120.5, "loaded": 80.0, "ready_event": 121.0, "cls": 0.25, "typed": {
            "number": {"samples": [0.5, 0.25], "value": "42"}}});
        let second = json!({"run": "1", "ready": 130.0, "typed": {
            "number": {"samples": [0.75], "value": "424"}}});
        record(&first, &mut runs);
        record(&second, &mut runs);
        record(&json!({"error": "boom"}), &mut runs);
        assert_eq!(runs.start, vec![120.5, 130.0]);
        assert_eq!(runs.ready_event, vec![121.0]);
        assert_eq!(runs.cls, vec![0.25]);
        assert_eq!(runs.loaded, vec![80.0]);
        assert_eq!(runs.after_load, vec![40.5]);
        assert_eq!(
            runs.typing,
            vec![("number".to_owned(), vec![0.5, 0.25, 0.75])]
        );
        assert_eq!(
            runs.typed_values,
            vec![("number".to_owned(), "424".to_owned())]
        );
        assert_eq!(runs.errors, vec!["boom".to_owned()]);
    }
}
