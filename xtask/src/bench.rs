//! `cargo xtask bench`: size, start-up, typing and server load, measured side by side
//! with the drop-ins merchants use today (the anchors), printed as one table and written
//! to `target/bench/report.json`. Also the size check of `cargo xtask test`.

mod anchors;
mod browser;
pub mod budget;
mod http;
mod server;
pub mod size;
mod stats;
mod table;
mod twiggy;

use crate::cmd::{self, Failure, Result};
use serde_json::{json, Value};
use size::{kb, Asset, Part, Sizes};
use stats::Summary;
use std::path::PathBuf;
use std::process::Command;
use table::{ms, ratio, Table};

/// Start-up runs per page unless `--runs N` says otherwise.
const DEFAULT_RUNS: usize = 11;
const TWIGGY_TOP: usize = 15;

struct Options {
    runs: usize,
    server: bool,
}

fn options(args: &[String]) -> Result<Options> {
    let mut options = Options {
        runs: DEFAULT_RUNS,
        server: true,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => {
                options.runs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| (1..=100).contains(&n))
                    .ok_or_else(|| Failure::new("--runs takes a number from 1 to 100"))?;
            }
            "--no-server" => options.server = false,
            other => return Err(Failure::new(format!("bench: unknown option {other}"))),
        }
    }
    Ok(options)
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| cmd::root().join("target"))
}

/// `trunk build --release` into dist/.
fn build_release_widget() -> Result {
    println!("\n== building the widget (trunk build --release)");
    cmd::run(
        Command::new("trunk")
            .current_dir(cmd::root())
            .args(["build", "--release"]),
        "trunk build --release",
    )
}

/// The gzip total of the release widget against the budget, for `cargo xtask test`.
pub struct SizeCheck {
    pub gzip_total: u64,
    pub budget: u64,
}

impl SizeCheck {
    pub fn ok(&self) -> bool {
        self.gzip_total <= self.budget
    }

    /// `48.1 KB gzip of 50.5 KB budget (95%)`.
    pub fn summary(&self) -> String {
        format!(
            "{} gzip of {} budget ({:.0}%, {})",
            kb(self.gzip_total),
            kb(self.budget),
            100.0 * self.gzip_total as f64 / self.budget.max(1) as f64,
            budget::FILE
        )
    }
}

/// Builds the release widget and measures it against `size-budget.toml`.
pub fn size_check() -> Result<SizeCheck> {
    let budget = budget::load()?;
    build_release_widget()?;
    let assets = size::widget_assets(&cmd::root().join("dist"))?;
    for asset in &assets {
        println!("   {:<44} {:>10} gzip", asset.name, kb(asset.sizes.gzip));
    }
    Ok(SizeCheck {
        gzip_total: size::total(&assets).gzip,
        budget: budget.gzip_total_bytes,
    })
}

/// What machine the figures come from.
fn machine_info() -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown CPU".to_owned(), |(_, m)| m.trim().to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    // The machine is shared: how busy it was says how far to trust the timings.
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_default();
    json!({
        "cores": cores,
        "cpu": cpu,
        "memory_gib": (mem_kib as f64 / 1024.0 / 1024.0 * 10.0).round() / 10.0,
        "load_average_1min": load,
        "chromium": cmd::version_of(crate::setup::CHROMIUM, &["--version"]).unwrap_or_default(),
        "date": cmd::version_of("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_default(),
    })
}

fn machine_line(m: &Value) -> String {
    format!(
        "{} cores ({}), {} GiB, load {}, {} — {}",
        m["cores"],
        m["cpu"].as_str().unwrap_or(""),
        m["memory_gib"],
        m["load_average_1min"].as_str().unwrap_or("?"),
        m["chromium"].as_str().unwrap_or(""),
        m["date"].as_str().unwrap_or("")
    )
}

fn sizes_json(s: Sizes) -> Value {
    json!({ "raw": s.raw, "gzip": s.gzip, "brotli": s.brotli })
}

fn assets_json(assets: &[Asset]) -> Value {
    Value::Array(
        assets
            .iter()
            .map(|a| json!({ "file": a.name, "part": a.part.as_str(), "sizes": sizes_json(a.sizes) }))
            .collect(),
    )
}

fn summary_json(s: Option<Summary>) -> Value {
    match s {
        Some(s) => json!({ "runs": s.runs, "median_ms": s.median, "p95_ms": s.p95,
                           "min_ms": s.min, "max_ms": s.max }),
        None => Value::Null,
    }
}

/// `180 ms (150–260, n=11)`.
fn spread(s: Option<Summary>) -> String {
    match s {
        Some(s) => format!("{} ({:.0}–{:.0}, n={})", ms(s.median), s.min, s.max, s.runs),
        None => "no figure".to_owned(),
    }
}

pub fn run(args: &[String]) -> Result {
    let options = options(args)?;
    let root = cmd::root();
    let bench_dir = target_dir().join("bench");
    std::fs::create_dir_all(&bench_dir)
        .map_err(|e| Failure::new(format!("{}: {e}", bench_dir.display())))?;
    let machine = machine_info();
    println!("== bench on {}", machine_line(&machine));

    // 1. Our transfer size.
    build_release_widget()?;
    let dist = root.join("dist");
    let ours = size::widget_assets(&dist)?;
    let ours_total = size::total(&ours);
    // Other builds share target/: keep this build's artefact before one replaces it.
    let artefact = target_dir().join("wasm32-unknown-unknown/release/payment_element.wasm");
    let twiggy_dir = bench_dir.join("twiggy");
    let kept = twiggy_dir.join("payment_element.wasm");
    let _ = std::fs::create_dir_all(&twiggy_dir);
    std::fs::copy(&artefact, &kept)
        .map_err(|e| Failure::new(format!("{}: {e}", artefact.display())))?;

    // 2. The anchors, measured the same way.
    println!("\n== anchors (npm, esbuild)");
    let anchors = anchors::build(&bench_dir.join("anchors"))?;

    // Where the wasm bytes go.
    println!("\n== twiggy");
    let release_wasm = size::total_of(&ours, Part::Wasm).raw;
    let profile = twiggy::profile(&kept, &twiggy_dir, TWIGGY_TOP).and_then(|p| {
        // The named rebuild must be the module dist/ holds, give or take wasm-opt's
        // handling of names; otherwise another build replaced cargo's artefact.
        let off = p.code_bytes.abs_diff(release_wasm) as f64 / release_wasm.max(1) as f64;
        if off > 0.03 {
            Err(Failure::new(format!(
                "the wasm twiggy read ({}) is not the one in dist/ ({}): another build \
                 replaced cargo's artefact meanwhile; run the bench again",
                kb(p.code_bytes),
                kb(release_wasm)
            )))
        } else {
            Ok(p)
        }
    });

    // 3 and 4. Start-up and typing in headless Chromium.
    println!(
        "\n== start-up and typing in headless Chromium ({} runs per page)",
        options.runs
    );
    let anchor_keys: Vec<&str> = anchors.iter().map(|a| a.key).collect();
    let routes = browser::routes(&dist, &bench_dir.join("anchors/out"), &anchor_keys)?;
    let mut pages = vec![browser::Page {
        key: "ours",
        path: "ours.html".to_owned(),
    }];
    pages.extend(anchors.iter().map(|a| browser::Page {
        key: a.key,
        path: format!("{}.html", a.key),
    }));
    let scratch = browser::scratch_dir(&bench_dir);
    let timings = browser::measure(routes, &pages, options.runs, &scratch)?;
    let _ = std::fs::remove_dir_all(&scratch);

    // 5. The server under load.
    let load = if options.server {
        println!("\n== server load (wrk)");
        server::measure(&root, &bench_dir)
    } else {
        Err("skipped (--no-server)".to_owned())
    };

    // The table.
    let mut table = Table::new(&[
        "measure",
        "ours",
        &anchors[0].label,
        &anchors[1].label,
        "ours/Adyen",
        "ours/Braintree",
    ]);
    table.section(
        "transfer size: the release dist the demo serves (wasm, JS glue + boot.js, widget CSS)",
    );
    for (part, label) in [(Part::Wasm, "wasm"), (Part::Js, "JS"), (Part::Css, "CSS")] {
        let mine = size::total_of(&ours, part);
        let theirs: Vec<Sizes> = anchors
            .iter()
            .map(|a| size::total_of(&a.assets, part))
            .collect();
        let cell = |s: Sizes| {
            if s.raw == 0 {
                "—".to_owned()
            } else {
                format!("{} / {}", kb(s.raw), kb(s.gzip))
            }
        };
        table.row(vec![
            format!("{label} raw / gzip -9"),
            cell(mine),
            cell(theirs[0]),
            cell(theirs[1]),
        ]);
    }
    let totals: Vec<Sizes> = anchors.iter().map(|a| size::total(&a.assets)).collect();
    for (label, pick) in [
        ("total raw", (|s: Sizes| s.raw) as fn(Sizes) -> u64),
        ("total gzip -9", |s: Sizes| s.gzip),
        ("total brotli q11", |s: Sizes| s.brotli),
    ] {
        let mine = pick(ours_total);
        table.row(vec![
            label.to_owned(),
            kb(mine),
            kb(pick(totals[0])),
            kb(pick(totals[1])),
            ratio(Some(mine as f64), Some(pick(totals[0]) as f64)),
            ratio(Some(mine as f64), Some(pick(totals[1]) as f64)),
        ]);
    }

    table.section("start-up (fresh browser, warmed on an empty page, nothing cached), navigation start → ours: widget rendered and interactive; anchors: script evaluated (they cannot render offline)");
    let starts: Vec<Option<Summary>> = timings.iter().map(|t| stats::summarize(&t.start)).collect();
    table.row(vec![
        "median (min–max, runs)".to_owned(),
        spread(starts[0]),
        spread(starts[1]),
        spread(starts[2]),
        ratio(starts[0].map(|s| s.median), starts[1].map(|s| s.median)),
        ratio(starts[0].map(|s| s.median), starts[2].map(|s| s.median)),
    ]);

    table.row(vec![
        "fastest run".to_owned(),
        starts[0].map_or("—".to_owned(), |s| ms(s.min)),
        starts[1].map_or("—".to_owned(), |s| ms(s.min)),
        starts[2].map_or("—".to_owned(), |s| ms(s.min)),
        ratio(starts[0].map(|s| s.min), starts[1].map(|s| s.min)),
        ratio(starts[0].map(|s| s.min), starts[2].map(|s| s.min)),
    ]);
    let loaded: Vec<Option<Summary>> = timings
        .iter()
        .map(|t| stats::summarize(&t.loaded))
        .collect();
    table.row(vec![
        "of which: last byte of wasm / script received, median".to_owned(),
        loaded[0].map_or("—".to_owned(), |s| ms(s.median)),
        loaded[1].map_or("—".to_owned(), |s| ms(s.median)),
        loaded[2].map_or("—".to_owned(), |s| ms(s.median)),
    ]);
    let after: Vec<Option<Summary>> = timings
        .iter()
        .map(|t| stats::summarize(&t.after_load))
        .collect();
    table.row(vec![
        "then the page's own work (→ ready / evaluated), median".to_owned(),
        after[0].map_or("—".to_owned(), |s| ms(s.median)),
        after[1].map_or("—".to_owned(), |s| ms(s.median)),
        after[2].map_or("—".to_owned(), |s| ms(s.median)),
        ratio(after[0].map(|s| s.median), after[1].map(|s| s.median)),
        ratio(after[0].map(|s| s.median), after[2].map(|s| s.median)),
    ]);
    let ready_event = stats::summarize(&timings[0].ready_event);
    if ready_event.is_some() {
        table.row(vec![
            "ours: → `ready` DOM event".to_owned(),
            spread(ready_event),
            "n/a".to_owned(),
            "n/a".to_owned(),
            ratio(ready_event.map(|s| s.median), starts[1].map(|s| s.median)),
            ratio(ready_event.map(|s| s.median), starts[2].map(|s| s.median)),
        ]);
    }

    table.section("typing, per keystroke: input event → DOM updated (handler + reactive updates), synthetic input events");
    let mut typing_json = serde_json::Map::new();
    let mut all_keys = Vec::new();
    let mut typed = timings[0].typing.clone();
    // The order the probe types them in, not alphabetical.
    typed.sort_by_key(|(field, _)| ["number", "expiry", "cvc"].iter().position(|f| f == field));
    for (field, samples) in &typed {
        all_keys.extend_from_slice(samples);
        let s = stats::summarize(samples);
        let shown = timings[0]
            .typed_values
            .iter()
            .find(|(f, _)| f == field)
            .map_or("", |(_, v)| v.as_str());
        typing_json.insert(
            field.clone(),
            json!({ "summary": summary_json(s), "value_after_typing": shown }),
        );
        table.row(vec![
            format!("{field}: median / p95"),
            s.map_or("no figure".to_owned(), |s| {
                format!("{} / {} (n={})", ms(s.median), ms(s.p95), s.runs)
            }),
            "n/a".to_owned(),
            "n/a".to_owned(),
        ]);
    }
    let all = stats::summarize(&all_keys);
    let shown: Vec<String> = typed
        .iter()
        .filter_map(|(field, _)| {
            let (_, value) = timings[0].typed_values.iter().find(|(f, _)| f == field)?;
            Some(format!("{field} {value:?}"))
        })
        .collect();
    if timings[0].typing.len() > 1 {
        table.row(vec![
            "all fields: median / p95".to_owned(),
            all.map_or("no figure".to_owned(), |s| {
                format!("{} / {} (n={})", ms(s.median), ms(s.p95), s.runs)
            }),
        ]);
    }
    let missing: Vec<&str> = [
        ("number", "cc-number"),
        ("expiry", "cc-exp"),
        ("cvc", "cc-csc"),
    ]
    .iter()
    .filter(|(f, _)| !timings[0].typing.iter().any(|(t, _)| t == f))
    .map(|(_, a)| *a)
    .collect();
    if !shown.is_empty() {
        table.row(vec!["fields after typing".to_owned(), shown.join(", ")]);
    }
    if !missing.is_empty() {
        table.row(vec![
            "not in the built widget".to_owned(),
            missing.join(", "),
        ]);
    }

    table.section("server: confirmation token + create-confirm-intent on loopback, SQLite, wrk");
    match &load {
        Ok(loads) => {
            for l in loads {
                table.row(vec![
                    format!("{} client(s), {:.0} s", l.clients, l.seconds),
                    format!(
                        "{:.0} pairs/s ({:.0} req/s), p50 {} p99 {}{}",
                        l.pairs_per_second(),
                        l.requests_per_second(),
                        ms(l.p50_ms),
                        ms(l.p99_ms),
                        if l.failed + l.errors > 0 {
                            format!(
                                ", {} failed, {} errors: {}",
                                l.failed, l.errors, l.last_error
                            )
                        } else {
                            String::new()
                        }
                    ),
                    "n/a".to_owned(),
                    "n/a".to_owned(),
                ]);
            }
        }
        Err(why) => table.row(vec!["not measured".to_owned(), why.clone()]),
    }

    let machine_after = machine_info();
    println!("\n== results on {}\n", machine_line(&machine_after));
    println!("{}", table.render());
    let mut notes = Vec::new();
    for (page, t) in pages.iter().zip(&timings) {
        if !t.errors.is_empty() {
            notes.push(format!(
                "{} runs without a figure: {} (first: {})",
                page.key,
                t.errors.len(),
                t.errors[0]
            ));
        }
    }
    match &profile {
        Ok(p) => {
            println!(
                "\nwhere the wasm bytes go (twiggy top, the release module rebuilt with names: {} without the name section)",
                kb(p.code_bytes)
            );
            let mut top = Table::new(&["bytes", "share", "item"]);
            for item in &p.top {
                top.row(vec![
                    item.bytes.to_string(),
                    format!(
                        "{:.1}%",
                        100.0 * item.bytes as f64 / p.code_bytes.max(1) as f64
                    ),
                    item.name.chars().take(110).collect(),
                ]);
            }
            println!("{}", top.render());
            let crates: Vec<String> = p
                .by_crate
                .iter()
                .take(12)
                .map(|c| format!("{} {}", c.name, kb(c.bytes)))
                .collect();
            println!("by crate: {}", crates.join(", "));
        }
        Err(e) => notes.push(format!("twiggy: {e}")),
    }
    for note in &notes {
        println!("note: {note}");
    }

    let report = json!({
        "machine": machine,
        "machine_after": machine_after,
        "runs": options.runs,
        "ours": { "files": assets_json(&ours), "total": sizes_json(ours_total),
                  "start_up_ready": summary_json(starts[0]),
                  "start_up_ready_event": summary_json(ready_event),
                  "start_up_wasm_received": summary_json(loaded[0]),
                  "start_up_after_wasm_received": summary_json(after[0]),
                  "typing": Value::Object(typing_json), "typing_all": summary_json(all) },
        "anchors": anchors.iter().zip(starts[1..].iter().zip(&loaded[1..]).zip(&after[1..])).map(|(a, ((s, l), w))| json!({
            "name": a.label, "files": assets_json(&a.assets), "total": sizes_json(size::total(&a.assets)),
            "gzip_ratio_ours_over_theirs": ours_total.gzip as f64 / size::total(&a.assets).gzip.max(1) as f64,
            "start_up_script_evaluated": summary_json(*s),
            "start_up_script_received": summary_json(*l),
            "start_up_after_script_received": summary_json(*w),
        })).collect::<Vec<_>>(),
        "server": match &load {
            Ok(loads) => Value::Array(loads.iter().map(|l| json!({
                "clients": l.clients, "seconds": l.seconds, "requests": l.requests,
                "confirmed_pairs": l.confirmed, "pairs_per_second": l.pairs_per_second(),
                "requests_per_second": l.requests_per_second(), "p50_ms": l.p50_ms, "p99_ms": l.p99_ms,
                "failed": l.failed, "errors": l.errors })).collect()),
            Err(why) => json!({ "not_measured": why }),
        },
        "twiggy": match &profile {
            Ok(p) => json!({ "code_bytes": p.code_bytes,
                "top": p.top.iter().map(|i| json!({"item": i.name, "bytes": i.bytes})).collect::<Vec<_>>(),
                "by_crate": p.by_crate.iter().map(|i| json!({"crate": i.name, "bytes": i.bytes})).collect::<Vec<_>>() }),
            Err(e) => json!({ "error": e.to_string() }),
        },
        "notes": notes,
    });
    let path = bench_dir.join("report.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
    )
    .map_err(|e| Failure::new(format!("{}: {e}", path.display())))?;
    println!("\nreport: {}", path.display());
    if let Ok(b) = budget::load() {
        println!(
            "size budget ({}): {} gzip allowed, {} used",
            budget::FILE,
            kb(b.gzip_total_bytes),
            kb(ours_total.gzip)
        );
    }
    Ok(())
}
