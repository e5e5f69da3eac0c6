//! Server throughput: confirmation token + create-confirm-intent pairs against the
//! reference server on loopback, with its embedded SQLite in a fresh data folder, driven
//! by `wrk` (Debian; installed here when missing) for 1, 8 and 64 concurrent clients.

use crate::cmd::{self, Failure, Result};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const CLIENTS: [u32; 3] = [1, 8, 64];
/// How long wrk runs per concurrency level.
pub const SECONDS: u32 = 10;

/// What one wrk run measured.
#[derive(Debug, Clone)]
pub struct Load {
    pub clients: u32,
    pub seconds: f64,
    pub requests: u64,
    /// Token + confirm pairs that ended in a payment intent.
    pub confirmed: u64,
    pub failed: u64,
    pub errors: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub last_error: String,
}

impl Load {
    pub fn pairs_per_second(&self) -> f64 {
        self.confirmed as f64 / self.seconds
    }
    pub fn requests_per_second(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
}

/// Builds and starts the server, checks the API works, then loads it. `Err` carries the
/// sentence the table shows when this part cannot run.
pub fn measure(
    root: &Path,
    bench_dir: &Path,
    dist: &Path,
) -> std::result::Result<Vec<Load>, String> {
    let binary = build(root).map_err(|e| format!("server not built: {e}"))?;
    ensure_wrk().map_err(|e| format!("no load generator: {e}"))?;
    let data = bench_dir.join("server-data");
    let _ = std::fs::remove_dir_all(&data);
    let server = Server::start(&binary, root, dist, &data).map_err(|e| e.to_string())?;
    probe(&server.addr).map_err(|e| format!("server API not available: {e}"))?;
    let script = bench_dir.join("load.lua");
    std::fs::write(&script, include_str!("load.lua")).map_err(|e| e.to_string())?;
    let mut loads = Vec::new();
    for clients in CLIENTS {
        loads.push(wrk(&server.addr, &script, clients)?);
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&data);
    Ok(loads)
}

/// `cargo build --release -p checkout-server`, at opt-level 3 without LTO: the
/// workspace's release profile is tuned for the wasm's size, not a server's speed.
pub fn build(root: &Path) -> Result<PathBuf> {
    println!("\n== building the server for the load test (release, opt-level 3)");
    cmd::run(
        Command::new("cargo")
            .current_dir(root)
            .args(["build", "--release", "--package", "checkout-server"])
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "3")
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            .env("CARGO_PROFILE_RELEASE_PANIC", "unwind"),
        "cargo build --release --package checkout-server",
    )?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    Ok(target.join("release/checkout-server"))
}

fn ensure_wrk() -> Result {
    if cmd::exists("wrk") {
        return Ok(());
    }
    if !cmd::is_root() {
        return Err(Failure::new(
            "wrk is missing; install it with `sudo apt-get install -y wrk`",
        ));
    }
    println!("   wrk                installing from Debian");
    let install = |c: &mut Command| {
        cmd::run(
            c.env("DEBIAN_FRONTEND", "noninteractive"),
            "apt-get install wrk",
        )
    };
    if install(Command::new("apt-get").args(["install", "-y", "wrk"])).is_err() {
        cmd::run(Command::new("apt-get").arg("update"), "apt-get update")?;
        install(Command::new("apt-get").args(["install", "-y", "wrk"]))?;
    }
    Ok(())
}

/// The server on a free loopback port, killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(binary: &Path, root: &Path, dist: &Path, data: &Path) -> Result<Server> {
        let mut child = Command::new(binary)
            .current_dir(root)
            .args([
                "--addr",
                "127.0.0.1:0",
                "--payments-addr",
                "127.0.0.1:0",
                "--dist",
            ])
            .arg(dist)
            .arg("--data-dir")
            .arg(data)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| Failure::new(format!("cannot start {}: {e}", binary.display())))?;
        // The server binds a free port itself and prints it once listening; stdout is
        // read on its own thread (and drained after, so a later line never meets a
        // closed pipe) while this one waits at most 30 s.
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines().map_while(|line| line.ok());
            let addr = lines
                .by_ref()
                .find_map(|line| line.strip_prefix("listening on http://").map(str::to_owned));
            let _ = tx.send(addr);
            lines.for_each(drop);
        });
        let mut server = Server {
            child,
            addr: String::new(),
        };
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(Some(addr)) => {
                server.addr = addr;
                Ok(server)
            }
            Ok(None) => Err(Failure::new("the server exited before listening")),
            Err(_) => Err(Failure::new("the server did not listen within 30 s")),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One plain HTTP/1.1 exchange: the status and the body.
fn exchange(addr: &str, request: &str) -> Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr).map_err(|e| Failure::new(e.to_string()))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| Failure::new(e.to_string()))?;
    stream
        .write_all(request.as_bytes())
        .map_err(|e| Failure::new(e.to_string()))?;
    let mut text = String::new();
    stream
        .read_to_string(&mut text)
        .map_err(|e| Failure::new(e.to_string()))?;
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Failure::new("no HTTP status line"))?;
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    Ok((status, body))
}

fn post(addr: &str, path: &str, extra: &str, body: &str) -> Result<(u16, String)> {
    exchange(
        addr,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
             Content-Type: application/json\r\n{extra}Content-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
}

/// One token and one confirm, as the load script sends them; fails with what the
/// server said when either does not work.
fn probe(addr: &str) -> Result {
    // A SEPA debit, as load.lua sends (a card would need the payments origin's token).
    let sepa = r#"{"payment_method_data":{"type":"sepa_debit","sepa_debit":{"iban":"DE89370400440532013000"},"billing_details":{"name":"Jenny Rosen","email":"jenny@example.com"}}}"#;
    let (status, body) = post(addr, "/api/confirmation_tokens", "", sepa)?;
    let token = serde_json::from_str::<Value>(&body)
        .ok()
        .and_then(|v| v.get("id")?.as_str().map(str::to_owned))
        .filter(|id| status == 200 && id.starts_with("ctoken_"))
        .ok_or_else(|| {
            Failure::new(format!(
                "POST /api/confirmation_tokens answered {status} {}",
                first_chars(&body, 200)
            ))
        })?;
    let (status, body) = post(
        addr,
        "/api/create-confirm-intent",
        "Idempotency-Key: bench-probe\r\n",
        &format!(r#"{{"confirmation_token_id":"{token}"}}"#),
    )?;
    let intent = serde_json::from_str::<Value>(&body).ok();
    let ok = status == 200
        && intent
            .as_ref()
            .and_then(|v| v.get("id")?.as_str())
            .is_some_and(|id| id.starts_with("pi_"));
    if ok {
        Ok(())
    } else {
        Err(Failure::new(format!(
            "POST /api/create-confirm-intent answered {status} {}",
            first_chars(&body, 200)
        )))
    }
}

fn first_chars(text: &str, n: usize) -> String {
    text.chars().take(n).collect()
}

fn wrk(addr: &str, script: &Path, clients: u32) -> std::result::Result<Load, String> {
    println!("   wrk: {clients} client(s) for {SECONDS} s");
    let threads = clients.min(2);
    let child = Command::new("wrk")
        .arg(format!("--threads={threads}"))
        .arg(format!("--connections={clients}"))
        .arg(format!("--duration={SECONDS}s"))
        .arg("--timeout=10s")
        .arg("--script")
        .arg(script)
        .arg(format!("http://{addr}"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start wrk: {e}"))?;
    let output = wait_bounded(child, Duration::from_secs(u64::from(SECONDS) + 30))?;
    let stdout = String::from_utf8_lossy(&output.0);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("BENCH_RESULT "))
        .ok_or_else(|| {
            format!(
                "wrk gave no result: {}",
                first_chars(
                    &format!("{stdout}{}", String::from_utf8_lossy(&output.1)),
                    300
                )
            )
        })?;
    parse_result(clients, line)
}

/// Waits for a child at most `limit`, killing it past that; its stdout and stderr.
fn wait_bounded(
    mut child: Child,
    limit: Duration,
) -> std::result::Result<(Vec<u8>, Vec<u8>), String> {
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "wrk ran past {} s and was stopped",
                    limit.as_secs()
                ));
            }
        }
    }
    Ok((
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    ))
}

/// Reads the load script's `BENCH_RESULT {…}` line.
pub fn parse_result(clients: u32, json: &str) -> std::result::Result<Load, String> {
    let v: Value = serde_json::from_str(json).map_err(|e| format!("wrk result {json:?}: {e}"))?;
    let n = |key: &str| v.get(key).and_then(Value::as_f64).unwrap_or(0.0);
    Ok(Load {
        clients,
        seconds: n("duration_us") / 1e6,
        requests: n("requests") as u64,
        confirmed: n("confirmed") as u64,
        failed: n("failed") as u64,
        errors: [
            "errors_connect",
            "errors_read",
            "errors_write",
            "errors_timeout",
        ]
        .iter()
        .map(|k| n(k) as u64)
        .sum(),
        p50_ms: n("p50_us") / 1000.0,
        p99_ms: n("p99_us") / 1000.0,
        last_error: v
            .get("last_error")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::parse_result;

    #[test]
    fn reads_the_load_script_result() {
        let line = r#"{"duration_us":10000000,"requests":5000,"errors_connect":0,"errors_read":1,"errors_write":0,"errors_status":0,"errors_timeout":2,"p50_us":1500,"p99_us":9000,"max_us":12000,"tokens":2501,"confirmed":2499,"failed":0,"last_error":""}"#;
        let load = parse_result(8, line).unwrap();
        assert_eq!(
            (load.clients, load.requests, load.confirmed, load.errors),
            (8, 5000, 2499, 3)
        );
        assert_eq!(load.seconds, 10.0);
        assert_eq!(load.pairs_per_second(), 249.9);
        assert_eq!(load.requests_per_second(), 500.0);
        assert_eq!((load.p50_ms, load.p99_ms), (1.5, 9.0));
    }
}
