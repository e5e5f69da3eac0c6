//! The end-to-end harness: starts the real checkout-server on a free loopback port with a
//! fresh data directory and the release-built widget, starts ChromeDriver, and opens a
//! headless Chromium session that tests drive as a shopper would.
//!
//! `cargo xtask test` builds `dist/` and the server first and passes their paths in
//! `E2E_DIST` and `E2E_SERVER_BIN`; run alone, the tests say what is missing.

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

pub mod visual;

/// What a step of a test returns: a failure is a sentence, reported with a screenshot.
pub type Outcome<T = ()> = Result<T, String>;

/// Fails the test step with a message unless `condition` holds.
#[macro_export]
macro_rules! ensure {
    ($condition:expr, $($message:tt)+) => {
        if !$condition {
            return Err(format!($($message)+));
        }
    };
}

/// A `#[tokio::test]` named `$name` that runs `$body(&harness)` (or `&mut harness`
/// after `mut`) in a fresh [`Harness`], with its screenshot and CSP check.
#[macro_export]
macro_rules! e2e_test {
    ($name:ident, mut $body:path) => {
        #[tokio::test]
        async fn $name() {
            $crate::Harness::run(stringify!($name), |mut h| async move {
                let outcome = $body(&mut h).await;
                (h, outcome)
            })
            .await;
        }
    };
    ($name:ident, $body:path) => {
        #[tokio::test]
        async fn $name() {
            $crate::Harness::run(stringify!($name), |h| async move {
                let outcome = $body(&h).await;
                (h, outcome)
            })
            .await;
        }
    };
}

/// A running server and browser for one test; both stop when it drops.
pub struct Harness {
    /// The browser session.
    pub browser: Client,
    /// `http://127.0.0.1:<port>` of the server's storefront (the merchant's page and API).
    pub base: String,
    /// `http://127.0.0.1:<port>` of the server's payments origin (card frame, vault).
    pub payments: String,
    server: Option<Child>,
    driver: Child,
    server_bin: PathBuf,
    dist: PathBuf,
    port: u16,
    payments_port: u16,
    /// A free port a test may serve a second storefront page on (`trunk serve`): the
    /// payments origin allows it to embed the card frame.
    pub spare_port: u16,
    data_dir: TempDir,
    /// Set by a test that breaks the CSP on purpose; every other run fails on a report.
    pub expect_csp_reports: bool,
    /// The browser is switched into the card frame.
    in_frame: std::sync::atomic::AtomicBool,
    /// What the server's log held of card data (a line each, redacted), over the test.
    log_findings: LogFindings,
    /// Environment given to the server beyond the harness's own (its settings).
    server_env: Vec<(String, String)>,
}

/// Card data seen in the server's log lines (both origins), shared with the task that
/// reads them.
type LogFindings = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

/// The labels of the card frame's inputs, in every language of the catalogue: typing
/// into one of them switches the browser into the frame.
pub const CARD_FRAME_LABELS: &[&str] = &[
    "Card number",
    "Expiration date",
    "Security code",
    "Kartennummer",
    "Ablaufdatum",
    "Sicherheitscode",
    "Nomor kartu",
    "Tanggal kedaluwarsa",
    "Kode keamanan",
];

/// Runs in every document before its own scripts (through the DevTools protocol, which
/// the page's CSP does not govern) and reports each CSP violation to the server at once
/// in the `report-uri` format: Chrome batches `report-to` reports for up to a minute,
/// which a test would never see.
const CSP_WATCH: &str = r#"
document.addEventListener("securitypolicyviolation", (e) => {
  fetch("/api/csp-reports", {
    method: "POST",
    headers: { "content-type": "application/csp-report" },
    keepalive: true,
    body: JSON.stringify({ "csp-report": {
      "document-uri": e.documentURI, "violated-directive": e.violatedDirective,
      "effective-directive": e.effectiveDirective, "blocked-uri": e.blockedURI,
      "disposition": e.disposition, "source-file": e.sourceFile,
      "line-number": e.lineNumber, "sample": e.sample } }),
  });
});
"#;

/// `POST /session/{id}/goog/cdp/execute`: ChromeDriver's door to the DevTools protocol.
#[derive(Debug)]
struct CdpCommand {
    cmd: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for CdpCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// A directory removed on drop.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn required_path(var: &str) -> PathBuf {
    let path = std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| {
        panic!("{var} is not set: run the end-to-end tests through `cargo xtask test`")
    });
    assert!(path.exists(), "{var}={} does not exist", path.display());
    path
}

/// Copies the folder `from` to `to`, with everything below it.
pub fn copy_dir(from: &Path, to: &Path) -> Outcome {
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(from).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// A loopback port free at the time of asking (for a process that cannot say its own).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

async fn wait_for_port(port: u16, what: &str) {
    wait_for_port_within(port, what, 30).await;
}

/// Waits until something listens on `port`, for at most `seconds`.
pub async fn wait_for_port_within(port: u16, what: &str, seconds: u64) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            Instant::now() < deadline,
            "{what} did not listen on {port} within {seconds} s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl Harness {
    /// Starts a fresh server and browser.
    pub async fn start(test: &str) -> Harness {
        let dist = required_path("E2E_DIST");
        let server_bin = required_path("E2E_SERVER_BIN");
        let data_dir =
            std::env::temp_dir().join(format!("payment-element-e2e-{}-{test}", std::process::id()));
        std::fs::create_dir_all(&data_dir).expect("a temporary data directory");

        // Port 0: the server binds free ports itself and says which, so no other
        // process can take them between a probe and the bind.
        let spare_port = free_port();
        let log_findings = LogFindings::default();
        let (server, port, payments_port) = spawn_server(
            &server_bin,
            &dist,
            &data_dir,
            (0, 0),
            spare_port,
            log_findings.clone(),
            &[],
        )
        .await;

        let profile = data_dir.join("chromium-profile");
        let capabilities = serde_json::json!({
            "goog:chromeOptions": {
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1024,900",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object literal")
        };
        let (driver, browser) = start_browser(capabilities).await;
        browser
            .issue_cmd(CdpCommand {
                cmd: "Page.addScriptToEvaluateOnNewDocument",
                params: serde_json::json!({ "source": CSP_WATCH }),
            })
            .await
            .expect("the CSP watcher is installed through the DevTools protocol");

        Harness {
            browser,
            base: format!("http://127.0.0.1:{port}"),
            payments: format!("http://127.0.0.1:{payments_port}"),
            server: Some(server),
            driver,
            server_bin,
            dist,
            port,
            payments_port,
            spare_port,
            data_dir: TempDir(data_dir),
            expect_csp_reports: false,
            in_frame: std::sync::atomic::AtomicBool::new(false),
            log_findings,
            server_env: Vec::new(),
        }
    }

    /// The port the server listens on.
    pub fn server_port(&self) -> u16 {
        self.port
    }

    /// Stops the server (the browser stays): requests fail as when it goes down.
    pub async fn stop_server(&mut self) {
        if let Some(mut server) = self.server.take() {
            let _ = server.kill().await;
        }
    }

    /// Starts the server again on the same ports and databases.
    pub async fn restart_server(&mut self) {
        self.stop_server().await;
        let (server, _, _) = spawn_server(
            &self.server_bin,
            &self.dist,
            &self.data_dir.0,
            (self.port, self.payments_port),
            self.spare_port,
            self.log_findings.clone(),
            &self.server_env,
        )
        .await;
        self.server = Some(server);
    }

    /// The release widget the server serves (`E2E_DIST`).
    pub fn dist(&self) -> &std::path::Path {
        &self.dist
    }

    /// A fresh copy of the build in the temp folder (`e2e-<name>-<pid>`), for a test
    /// that changes a file in it and serves it with [`Harness::serve_dist`].
    pub fn copy_of_dist(&self, name: &str) -> Outcome<std::path::PathBuf> {
        let copy = std::env::temp_dir().join(format!("e2e-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&copy);
        copy_dir(&self.dist, &copy)?;
        Ok(copy)
    }

    /// Restarts the server serving `dist` instead (a copy with a page of the test's own
    /// added), on the same ports and databases.
    pub async fn serve_dist(&mut self, dist: PathBuf) {
        self.dist = dist;
        self.restart_server().await;
    }

    /// Restarts the server with `env` added to its environment (settings such as
    /// `CHECKOUT_CARD_BRANDS`), kept for later restarts.
    pub async fn restart_server_with(&mut self, env: &[(&str, &str)]) {
        self.server_env = env
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        self.restart_server().await;
    }

    /// Runs `source` in every document the browser opens from now on, before the
    /// document's own scripts (the DevTools protocol, which no page CSP governs).
    pub async fn install_script(&self, source: &str) -> Outcome {
        self.browser
            .issue_cmd(CdpCommand {
                cmd: "Page.addScriptToEvaluateOnNewDocument",
                params: serde_json::json!({ "source": source }),
            })
            .await
            .map(|_| ())
            .map_err(|e| format!("installing a script: {e}"))
    }

    /// Fails every request of this page whose address matches one of `patterns`
    /// (`*` wildcards) from now on, as a network failure; none once called with `&[]`
    /// (the DevTools protocol).
    pub async fn block_urls(&self, patterns: &[&str]) -> Outcome {
        for (cmd, params) in [
            ("Network.enable", serde_json::json!({})),
            (
                "Network.setBlockedURLs",
                serde_json::json!({ "urls": patterns }),
            ),
        ] {
            self.browser
                .issue_cmd(CdpCommand { cmd, params })
                .await
                .map_err(|e| format!("{cmd}: {e}"))?;
        }
        Ok(())
    }

    /// The addresses of the files the current page has fetched that contain `part`
    /// (its resource timing entries).
    pub async fn fetched(&self, part: &str) -> Outcome<Vec<String>> {
        let names = self
            .browser
            .execute(
                "return performance.getEntriesByType('resource').map((e) => e.name)\
                   .filter((name) => name.includes(arguments[0]));",
                vec![serde_json::json!(part)],
            )
            .await
            .map_err(|e| format!("reading the page's resources: {e}"))?;
        Ok(serde_json::from_value(names).unwrap_or_default())
    }

    /// Makes the browser a phone from now on: a 390 × 844 touch screen (DevTools
    /// protocol emulation, for every page of the session).
    pub async fn be_a_phone(&self) -> Outcome {
        for (cmd, params) in [
            (
                "Emulation.setDeviceMetricsOverride",
                serde_json::json!({"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": true}),
            ),
            (
                "Emulation.setTouchEmulationEnabled",
                serde_json::json!({"enabled": true, "maxTouchPoints": 5}),
            ),
        ] {
            self.browser
                .issue_cmd(CdpCommand { cmd, params })
                .await
                .map_err(|e| format!("{cmd}: {e}"))?;
        }
        Ok(())
    }

    /// Switches the browser into the card frame the shopper sees (the first one shown:
    /// a new card's, or a saved card's CVC), once it is there.
    pub async fn enter_card_frame(&self) -> Outcome {
        self.leave_frame().await?;
        let deadline = Instant::now() + Duration::from_secs(15);
        let frame = loop {
            let shown = self
                .browser
                .execute(
                    r#"return [...document.querySelectorAll("iframe.pe-card-frame")]
                           .findIndex((f) => f.offsetParent !== null);"#,
                    vec![],
                )
                .await
                .map_err(|e| format!("looking for the card frame: {e}"))?
                .as_i64()
                .unwrap_or(-1);
            if shown >= 0 {
                let frames = self
                    .browser
                    .find_all(Locator::Css("iframe.pe-card-frame"))
                    .await
                    .map_err(|e| format!("the card frames: {e}"))?;
                if let Some(frame) = frames.into_iter().nth(shown as usize) {
                    break frame;
                }
            }
            ensure!(Instant::now() < deadline, "no card frame shown on the page");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        frame
            .enter_frame()
            .await
            .map_err(|e| format!("entering the card frame: {e}"))?;
        self.in_frame
            .store(true, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    /// Switches the browser back to the page, if it is in the card frame.
    pub async fn leave_frame(&self) -> Outcome {
        if self
            .in_frame
            .swap(false, std::sync::atomic::Ordering::SeqCst)
        {
            self.browser
                .enter_parent_frame()
                .await
                .map_err(|e| format!("leaving the card frame: {e}"))?;
        }
        Ok(())
    }

    /// Sends a request to the storefront without the browser; returns status and body.
    pub async fn http(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&serde_json::Value>,
    ) -> Outcome<(u16, serde_json::Value)> {
        self.http_at(self.port, method, path, headers, body).await
    }

    /// A card token of the payments origin for `number` (12/34, CVC 123), made as the
    /// card frame makes it: `POST /v1/card_tokens` with the publishable key, from the
    /// payments origin's own origin.
    pub async fn card_token(&self, number: &str) -> Outcome<String> {
        let (status, config) = self.http("GET", "/api/config", &[], None).await?;
        ensure!(status == 200, "config answered {status}");
        let key = config["publishableKey"].as_str().unwrap_or_default();
        let bearer = format!("Bearer {key}");
        let (status, token) = self
            .http_at(
                self.payments_port,
                "POST",
                "/v1/card_tokens",
                &[("Authorization", &bearer), ("Origin", &self.payments)],
                Some(&serde_json::json!({
                    "number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"
                })),
            )
            .await?;
        ensure!(status == 200, "card token: {status} {token}");
        Ok(token["id"].as_str().unwrap_or_default().to_owned())
    }

    /// Presses Tab (Shift+Tab when `backwards`) on the focused element of the current
    /// browsing context (the caller enters a frame first when focus is in one).
    pub async fn tab_from_focus(&self, backwards: bool) -> Outcome {
        use fantoccini::key::Key;
        let keys = if backwards {
            [Key::Shift, Key::Tab, Key::Null]
                .map(char::from)
                .iter()
                .collect()
        } else {
            char::from(Key::Tab).to_string()
        };
        self.browser
            .active_element()
            .await
            .map_err(|e| e.to_string())?
            .send_keys(&keys)
            .await
            .map_err(|e| format!("pressing Tab: {e}"))
    }

    /// Where focus is: the `data-field` (or `data-method`) of the page's focused
    /// element, or `frame:<field>` when it is inside the card frame.
    pub async fn focused_field(&self) -> Outcome<String> {
        self.leave_frame().await?;
        let page = self
            .browser
            .execute(
                r#"const el = document.activeElement;
                   if (el && el.matches("iframe.pe-card-frame")) return "frame";
                   return el ? (el.dataset.field || el.dataset.method || el.tagName) : "none";"#,
                vec![],
            )
            .await
            .map_err(|e| e.to_string())?;
        if page != "frame" {
            return Ok(page.as_str().unwrap_or_default().to_owned());
        }
        self.enter_card_frame().await?;
        let inside = self
            .browser
            .execute(
                "const el = document.activeElement; return el && el.dataset.field || 'none';",
                vec![],
            )
            .await
            .map_err(|e| e.to_string())?;
        self.leave_frame().await?;
        Ok(format!("frame:{}", inside.as_str().unwrap_or_default()))
    }

    /// Sends a request to `port` of the server without the browser.
    pub async fn http_at(
        &self,
        port: u16,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&serde_json::Value>,
    ) -> Outcome<(u16, serde_json::Value)> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(&body);
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .map_err(|e| format!("connecting to the server: {e}"))?;
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| format!("sending {path}: {e}"))?;
        let mut answer = Vec::new();
        stream
            .read_to_end(&mut answer)
            .await
            .map_err(|e| format!("reading {path}: {e}"))?;
        let answer = String::from_utf8_lossy(&answer);
        let (head, body) = answer
            .split_once("\r\n\r\n")
            .ok_or_else(|| format!("no HTTP answer to {path}"))?;
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("no status in the answer to {path}"))?;
        let json = serde_json::from_str(body).unwrap_or(serde_json::Value::Null);
        Ok((status, json))
    }

    /// `GET /test-mode/stats`: tokens, confirms, charges and successful charges so far.
    pub async fn stats(&self) -> Outcome<serde_json::Value> {
        let (status, stats) = self.http("GET", "/test-mode/stats", &[], None).await?;
        ensure!(status == 200, "stats answered {status}");
        Ok(stats)
    }

    /// Runs a test body; on failure saves a screenshot under `target/e2e/` and panics
    /// with the failure, after closing the browser.
    pub async fn run<F, Fut>(test: &str, body: F)
    where
        F: FnOnce(Harness) -> Fut,
        Fut: std::future::Future<Output = (Harness, Outcome)>,
    {
        let harness = Harness::start(test).await;
        let (mut harness, mut outcome) = body(harness).await;
        if outcome.is_ok() && !harness.expect_csp_reports {
            outcome = harness.no_csp_reports().await;
        }
        if outcome.is_ok() {
            outcome = harness.no_card_data_on_the_storefront().await;
        }
        if let Err(failure) = &outcome {
            let shot = screenshot_dir().join(format!("{test}.png"));
            if let Ok(png) = harness.browser.screenshot().await {
                let _ = std::fs::write(&shot, png);
            }
            eprintln!("screenshot: {}", shot.display());
            let _ = failure;
        }
        let _ = harness.browser.clone().close().await;
        harness.stop_server().await;
        let _ = harness.driver.kill().await;
        if let Err(failure) = outcome {
            panic!("{test}: {failure}");
        }
    }

    /// The CSP violations the server received over the whole test (every page, every
    /// flow): none, or a failure listing them. A report in flight gets half a second.
    pub async fn no_csp_reports(&self) -> Outcome {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let reports = self.csp_reports().await?;
        ensure!(
            reports["count"] == 0,
            "the strict CSP was violated: {reports}"
        );
        Ok(())
    }

    /// Card data where it must never be, over the whole test (issue 13): in a request
    /// body the storefront received, in the storefront's database or in the clear in the
    /// vault's (the server's own audit, `GET /test-mode/card-data`), or in a log line of
    /// either origin. None, or a failure saying what and where (never the number).
    pub async fn no_card_data_on_the_storefront(&self) -> Outcome {
        let logs = self
            .log_findings
            .lock()
            .map(|f| f.clone())
            .unwrap_or_default();
        ensure!(logs.is_empty(), "the server logged card data: {logs:?}");
        if self.server.is_none() {
            return Ok(());
        }
        let (status, findings) = self.http("GET", "/test-mode/card-data", &[], None).await?;
        ensure!(status == 200, "card-data answered {status}");
        for part in ["requests", "database", "vault_database"] {
            ensure!(
                findings[part].as_array().is_some_and(Vec::is_empty),
                "card data reached the storefront ({part}): {}",
                findings[part]
            );
        }
        Ok(())
    }

    /// `GET /test-mode/csp-reports`.
    pub async fn csp_reports(&self) -> Outcome<serde_json::Value> {
        let (status, reports) = self
            .http("GET", "/test-mode/csp-reports", &[], None)
            .await?;
        ensure!(status == 200, "csp-reports answered {status}");
        Ok(reports)
    }

    /// Waits until `condition` holds of the text at `css`, up to `seconds`; the text.
    pub async fn wait_text(
        &self,
        css: &str,
        seconds: u64,
        condition: impl Fn(&str) -> bool,
    ) -> Outcome<String> {
        self.leave_frame().await?;
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let mut last = String::new();
        while Instant::now() < deadline {
            if let Ok(element) = self.browser.find(Locator::Css(css)).await {
                last = element.text().await.unwrap_or_default();
                if condition(&last) {
                    return Ok(last);
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!("{css} reads {last:?} after {seconds} s"))
    }

    /// Waits (up to 20 s) until the address contains `part`; the address.
    pub async fn wait_url(&self, part: &str) -> Outcome<String> {
        self.leave_frame().await?;
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let url = self
                .browser
                .current_url()
                .await
                .map_err(|e| e.to_string())?
                .to_string();
            if url.contains(part) {
                return Ok(url);
            }
            ensure!(Instant::now() < deadline, "still at {url}, not {part}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Presses the button whose text is `text`, once it is there.
    pub async fn press_button(&self, text: &str) -> Outcome {
        self.leave_frame().await?;
        let xpath = format!("//button[normalize-space(.) = '{text}']");
        self.browser
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::XPath(&xpath))
            .await
            .map_err(|e| format!("no button {text:?}: {e}"))?
            .click()
            .await
            .map_err(|e| format!("pressing {text:?}: {e}"))
    }

    /// Picks `value` in the `<select>` whose label starts with `label` (the demo's
    /// layout, theme, locale and market switches).
    pub async fn choose(&self, label: &str, value: &str) -> Outcome {
        self.leave_frame().await?;
        // Not inside anything hidden, and enabled: the demo's switches work once the
        // order has loaded.
        let xpath = format!(
            "//label[starts-with(normalize-space(.), '{label}')][not(ancestor::*[@hidden])]//select[not(@disabled)]"
        );
        self.browser
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::XPath(&xpath))
            .await
            .map_err(|e| format!("no control {label:?}: {e}"))?
            .select_by_value(value)
            .await
            .map_err(|e| format!("choosing {value:?} for {label:?}: {e}"))
    }

    /// Opens a path of the server.
    pub async fn open(&self, path: &str) -> Outcome {
        self.leave_frame().await?;
        self.browser
            .goto(&format!("{}{path}", self.base))
            .await
            .map_err(|e| format!("opening {path}: {e}"))
    }

    /// Waits for the input whose label reads `label`, as a shopper finds it: a card
    /// input is looked for in the card frame, and the browser stays there until the next
    /// page-level step of the harness ([`Harness::leave_frame`]).
    pub async fn input_labelled(&self, label: &str) -> Outcome<Element> {
        if CARD_FRAME_LABELS.contains(&label) {
            self.enter_card_frame().await?;
        } else {
            self.leave_frame().await?;
        }
        let xpath = format!("//input[@id = //label[normalize-space(.) = '{label}']/@for]");
        self.browser
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::XPath(&xpath))
            .await
            .map_err(|e| format!("no input labelled {label:?}: {e}"))
    }

    /// Clears the input labelled `label` and types `text` into it, key by key.
    pub async fn type_into(&self, label: &str, text: &str) -> Outcome {
        let input = self.input_labelled(label).await?;
        input
            .clear()
            .await
            .map_err(|e| format!("clearing {label}: {e}"))?;
        input
            .send_keys(text)
            .await
            .map_err(|e| format!("typing into {label}: {e}"))
    }

    /// Types a card into the element on the current page: `number`, 12 / 34, CVC 123
    /// (in the card frame), and the postal code when the country asks for one (the
    /// browser's en-US locale preselects the US).
    pub async fn fill_card_details(&self, number: &str) -> Outcome {
        self.type_into("Card number", number).await?;
        self.type_into("Expiration date", "12 / 34").await?;
        self.type_into("Security code", "123").await?;
        self.leave_frame().await?;
        if let Ok(postal) = self
            .browser
            .find(Locator::Css("[data-field=postal_code]"))
            .await
        {
            postal
                .send_keys("94103")
                .await
                .map_err(|e| format!("typing the postal code: {e}"))?;
        }
        Ok(())
    }

    /// Waits for the first element matching a CSS selector.
    pub async fn find(&self, css: &str) -> Outcome<Element> {
        self.leave_frame().await?;
        self.browser
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await
            .map_err(|e| format!("no element {css:?}: {e}"))
    }
}

/// Starts checkout-server with its storefront and payments origin on `ports` (0: any
/// free port) and returns it with the ports they listen on, read from the lines it
/// prints once bound. The payments origin lets the storefront and a page on
/// `spare_port` (a `trunk serve` of a test) embed the card frame.
async fn spawn_server(
    server_bin: &Path,
    dist: &Path,
    data_dir: &Path,
    ports: (u16, u16),
    spare_port: u16,
    log_findings: LogFindings,
    env: &[(String, String)],
) -> (Child, u16, u16) {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let mut server = Command::new(server_bin)
        .args(["--addr", &format!("127.0.0.1:{}", ports.0)])
        .args(["--payments-addr", &format!("127.0.0.1:{}", ports.1)])
        .args([
            "--storefront-origin",
            &format!("http://127.0.0.1:{spare_port}"),
        ])
        .arg("--dist")
        .arg(dist)
        .env("CHECKOUT_DATA_DIR", data_dir)
        .envs(env.iter().map(|(name, value)| (name, value)))
        // Every request is logged (info), so the audit below reads what a real log
        // would hold; only warnings and errors are echoed to the test's output.
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the checkout-server binary starts");
    let mut log = BufReader::new(server.stderr.take().expect("stderr is piped")).lines();
    tokio::spawn(async move {
        while let Ok(Some(line)) = log.next_line().await {
            if let Some(what) = payment_core::audit::card_data_in(&line) {
                if let Ok(mut findings) = log_findings.lock() {
                    findings.push(what);
                }
            }
            if line.contains("WARN") || line.contains("ERROR") {
                eprintln!("{line}");
            }
        }
    });
    let mut lines = BufReader::new(server.stdout.take().expect("stdout is piped")).lines();
    let port_of = |addr: &str| addr.rsplit(':').next().and_then(|p| p.parse::<u16>().ok());
    let read = tokio::time::timeout(Duration::from_secs(30), async {
        let (mut storefront, mut payments) = (None, None);
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(addr) = line.strip_prefix("listening on http://") {
                storefront = port_of(addr);
            } else if let Some(addr) = line.strip_prefix("payments origin listening on http://") {
                payments = port_of(addr);
            }
            if let (Some(s), Some(p)) = (storefront, payments) {
                return Some((s, p));
            }
        }
        None
    })
    .await;
    let Ok(Some((bound, payments))) = read else {
        panic!(
            "checkout-server did not listen on 127.0.0.1:{} and :{} within 30 s (see its log above)",
            ports.0, ports.1
        )
    };
    // Keep reading, so that a later line on stdout never meets a closed pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (server, bound, payments)
}

/// Starts chromedriver and a headless Chromium session. chromedriver cannot report the
/// port it bound, so a port taken between the probe and its bind is retried.
async fn start_browser(
    capabilities: serde_json::Map<String, serde_json::Value>,
) -> (Child, Client) {
    let mut last_error = String::new();
    for _ in 0..3 {
        let driver_port = free_port();
        let mut driver = Command::new(chromedriver())
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver starts");
        wait_for_port(driver_port, "chromedriver").await;
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{driver_port}"))
            .await
        {
            Ok(browser) => return (driver, browser),
            Err(e) => {
                last_error = e.to_string();
                let _ = driver.kill().await;
            }
        }
    }
    panic!("no WebDriver session with headless Chromium: {last_error}")
}

fn chromedriver() -> PathBuf {
    std::env::var_os("CHROMEDRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new("/usr/bin/chromedriver").to_path_buf())
}

fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("e2e lives inside the workspace")
        .join("target/e2e");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// Reads a property of an element (for inputs, `value` is what the shopper sees).
pub async fn property(element: &Element, name: &str) -> Outcome<String> {
    element
        .prop(name)
        .await
        .map_err(|e| format!("reading {name}: {e}"))
        .map(Option::unwrap_or_default)
}

/// Switches the demo to full-page redirects for next actions (3-D Secure and wallet
/// pages as pages of their own, the return page after every payment), the flow of
/// `redirect: "always"`; the demo's default follows 3-D Secure in a dialog.
pub async fn full_page_redirects(h: &Harness) -> Outcome {
    h.choose("Next actions", "always").await
}

/// Clicks Pay.
pub async fn pay(h: &Harness) -> Outcome {
    h.find(".pe-pay-button")
        .await?
        .click()
        .await
        .map_err(|e| format!("clicking Pay: {e}"))
}

/// Waits until the return page shows `status` (its `data-status`).
pub async fn status_is(h: &Harness, status: &str, seconds: u64) -> Outcome {
    let css = format!(".pe-status[data-status={status}]");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < deadline {
        if h.browser.find(Locator::Css(&css)).await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let shown = h
        .wait_text(".pe-status", 1, |_| true)
        .await
        .unwrap_or_default();
    Err(format!(
        "the return page is not {status} after {seconds} s: {shown:?}"
    ))
}

/// Whether the element `css` finds carries `disabled`.
pub async fn is_disabled(h: &Harness, css: &str) -> Outcome<bool> {
    Ok(h.find(css)
        .await?
        .attr("disabled")
        .await
        .map_err(|e| e.to_string())?
        .is_some())
}

/// Presses Pay and waits for the return page to say the payment succeeded; answers
/// the server's statistics then.
pub async fn pay_until_succeeded(h: &Harness) -> Outcome<serde_json::Value> {
    pay(h).await?;
    h.wait_url("/complete").await?;
    status_is(h, "succeeded", 15).await?;
    h.stats().await
}

/// `trunk serve` of a folder with its own `Trunk.toml`, as a developer runs it, with
/// only the ports (trunk's and the reference server's), the output directory (a
/// temporary one) and, when asked, one watched file changed. The generated config and
/// the watched file sit beside `Trunk.toml` (trunk resolves a config's paths from the
/// config's folder, and ignores changes under cargo's `target/`, where the suite's
/// TMPDIR is); all of it is removed on drop.
pub struct TrunkServe {
    child: Child,
    /// The port trunk serves on.
    pub port: u16,
    config: PathBuf,
    /// The file whose change must make trunk rebuild and reload the page.
    pub watched: Option<PathBuf>,
    scratch: PathBuf,
}

impl Drop for TrunkServe {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_file(&self.config);
        if let Some(watched) = &self.watched {
            let _ = std::fs::remove_file(watched);
        }
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

impl TrunkServe {
    /// Starts `trunk serve` in `dir`, whose `Trunk.toml` serves on `port_line` (e.g.
    /// `port = 8081`) and proxies to the server on 8080, on `port` (the harness's spare
    /// port, whose origin may embed the card frame) against the server on
    /// `server_port`; waits until trunk listens (after its first debug build).
    pub async fn start(
        dir: &Path,
        port_line: &str,
        server_port: u16,
        port: u16,
        watch: bool,
    ) -> Result<TrunkServe, String> {
        let original = std::fs::read_to_string(dir.join("Trunk.toml"))
            .map_err(|e| format!("reading {}/Trunk.toml: {e}", dir.display()))?;
        // Each replacement below must find its line: a missed `dist` would let trunk
        // overwrite the release dist/ the other tests serve.
        ensure!(
            original.contains(port_line)
                && original.contains("http://127.0.0.1:8080/")
                && original.contains("dist = \"dist\"")
                && !original.contains("[watch]"),
            "{}/Trunk.toml no longer has {port_line:?}, the server on 8080, dist = \"dist\" \
             and no [watch] of its own: update the test",
            dir.display()
        );
        let id = std::process::id();
        let scratch = std::env::temp_dir().join(format!("trunk-serve-e2e-{id}-{port_line}"));
        std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
        let mut config = original
            .replace(port_line, &format!("port = {port}"))
            .replace(
                "http://127.0.0.1:8080/",
                &format!("http://127.0.0.1:{server_port}/"),
            )
            .replace(
                "dist = \"dist\"",
                &format!("dist = \"{}\"", scratch.join("dist").display()),
            );
        let watched = if watch {
            let watched = dir.join(format!("Trunk.e2e-{id}.reload"));
            std::fs::write(&watched, "0").map_err(|e| e.to_string())?;
            config.push_str(&format!("\n[watch]\nwatch = [\"{}\"]\n", watched.display()));
            Some(watched)
        } else {
            None
        };
        let config_path = dir.join(format!("Trunk.e2e-{id}.toml"));
        std::fs::write(&config_path, config)
            .map_err(|e| format!("writing {}: {e}", config_path.display()))?;
        let child = Command::new("trunk")
            .current_dir(dir)
            .arg("--config")
            .arg(&config_path)
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("starting trunk serve (run `cargo xtask setup`): {e}"))?;
        let serve = TrunkServe {
            child,
            port,
            config: config_path,
            watched,
            scratch,
        };
        wait_for_port_within(port, "trunk serve", 900).await;
        Ok(serve)
    }
}

/// The repository's root folder.
pub fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the e2e crate lives in the repository")
        .to_owned()
}

/// Pays the Philippine cart with GCash on the demo: the wallet's page, then `button`
/// (Authorize or Decline) there, until the return page shows `expected`.
pub async fn pay_with_gcash(h: &Harness, button: &str, expected: &str) -> Outcome {
    choose_gcash(h).await?;
    pay(h).await?;
    h.wait_url("/test-mode/ewallet/").await?;
    h.press_button(button).await?;
    h.wait_url("/complete").await?;
    status_is(h, expected, 15).await
}

/// Opens the demo's checkout in pesos and chooses GCash, ready for Pay.
pub async fn choose_gcash(h: &Harness) -> Outcome {
    h.open("/").await?;
    h.choose("Market", "ph").await?;
    h.wait_text(".pe-pay-label", 15, |t| t.contains('₱'))
        .await?;
    click_gcash(h).await
}

/// Chooses the e-wallets, then GCash, in the element on the page.
pub async fn click_gcash(h: &Harness) -> Outcome {
    h.find("[data-method=ewallet]")
        .await?
        .click()
        .await
        .map_err(|e| format!("choosing the e-wallet: {e}"))?;
    h.find("[data-channel=GCASH]")
        .await?
        .click()
        .await
        .map_err(|e| format!("choosing GCash: {e}"))?;
    Ok(())
}

/// Types a new card and ticks "save for future use" (a returning customer's first
/// payment).
pub async fn fill_card_to_save(h: &Harness, number: &str) -> Outcome {
    let consent = h.find("[data-field=save_payment_method]").await?;
    h.fill_card_details(number).await?;
    consent
        .click()
        .await
        .map_err(|e| format!("ticking the consent: {e}"))
}
