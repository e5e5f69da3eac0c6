//! A tiny static HTTP server for the bench pages, on 127.0.0.1 only: one thread per
//! connection, one request per connection, `Cache-Control: no-store` on everything.
//! It stops when dropped.

use crate::cmd::{Failure, Result};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// What the server answers, besides files.
pub struct Routes {
    /// `/<file>` comes from here (the release dist).
    pub dist: PathBuf,
    /// `/anchors/<file>` comes from here.
    pub anchors: PathBuf,
    /// `/__bench/<name>`: pages and scripts made in memory.
    pub generated: Vec<(String, String)>,
    /// JSON answers by exact path, to any method: the merchant API calls the demo page
    /// makes (`/api/config`, `POST /api/orders`), answered as the reference server would.
    pub json: Vec<(String, String)>,
}

pub struct Server {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// A loopback listener on a free port, for a server whose address must be known
    /// before its routes are (the payments origin allows the bench pages' origin).
    pub fn bind() -> Result<TcpListener> {
        TcpListener::bind("127.0.0.1:0")
            .map_err(|e| Failure::new(format!("bench server: cannot bind 127.0.0.1: {e}")))
    }

    /// Starts serving on `listener`; the bodies POSTed to `/__bench/result` arrive on the
    /// receiver.
    pub fn start_on(listener: TcpListener, routes: Routes) -> Result<(Server, Receiver<String>)> {
        let addr = listener
            .local_addr()
            .map_err(|e| Failure::new(format!("bench server: {e}")))?;
        let stop = Arc::new(AtomicBool::new(false));
        let (results, received) = std::sync::mpsc::channel();
        let routes = Arc::new(routes);
        let stopping = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let routes = Arc::clone(&routes);
                let results = results.clone();
                std::thread::spawn(move || {
                    let _ = answer(stream, &routes, &results);
                });
            }
        });
        Ok((
            Server {
                addr,
                stop,
                thread: Some(thread),
            },
            received,
        ))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn answer(stream: TcpStream, routes: &Routes, results: &Sender<String>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut content_length = 0usize;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                content_length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let path = target.split('?').next().unwrap_or("/");
    let mut out = stream;
    if method == "POST" && path == "/__bench/result" {
        let mut body = vec![0; content_length.min(1 << 20)];
        reader.read_exact(&mut body)?;
        let _ = results.send(String::from_utf8_lossy(&body).into_owned());
        return respond(&mut out, "204 No Content", "text/plain", b"");
    }
    if let Some((_, body)) = routes.json.iter().find(|(p, _)| p == path) {
        if content_length > 0 {
            let mut body = vec![0; content_length.min(1 << 20)];
            reader.read_exact(&mut body)?;
        }
        return respond(&mut out, "200 OK", "application/json", body.as_bytes());
    }
    if method != "GET" {
        return respond(&mut out, "405 Method Not Allowed", "text/plain", b"");
    }
    if path == "/api/cart" {
        // The demo page asks the merchant server for its order before it mounts the
        // widget; the bench answers as the reference server does for the euro market.
        return respond(
            &mut out,
            "200 OK",
            "application/json",
            BENCH_CART.as_bytes(),
        );
    }
    if let Some(name) = path.strip_prefix("/__bench/") {
        if let Some((_, body)) = routes.generated.iter().find(|(n, _)| n == name) {
            return respond(&mut out, "200 OK", content_type(name), body.as_bytes());
        }
    }
    let file = match path.strip_prefix("/anchors/") {
        Some(name) => safe_join(&routes.anchors, name),
        None => safe_join(&routes.dist, path.trim_start_matches('/')),
    };
    match file.and_then(|f| std::fs::read(&f).ok().map(|body| (f, body))) {
        Some((f, body)) => {
            let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
            respond(&mut out, "200 OK", content_type(name), &body)
        }
        None => respond(&mut out, "404 Not Found", "text/plain", b"not found"),
    }
}

/// The reference server's euro cart, as `GET /api/cart?market=eu` answers it.
const BENCH_CART: &str = r#"{"items":[{"name":"Mechanical keyboard","quantity":1,"unit_amount":8900},{"name":"USB-C cable","quantity":2,"unit_amount":950}],"amount":10800,"currency":"eur","market":"eu"}"#;

/// `dir/name` for a relative path inside `dir` (subfolders such as wasm-bindgen's
/// `snippets/` allowed; no `..`, no absolute or empty parts).
fn safe_join(dir: &Path, name: &str) -> Option<PathBuf> {
    let plain = !name.is_empty()
        && name
            .split('/')
            .all(|part| !part.is_empty() && part != ".." && part != ".");
    plain.then(|| dir.join(name))
}

fn respond(
    out: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &[u8],
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    out.write_all(head.as_bytes())?;
    out.write_all(body)?;
    out.flush()
}

pub fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_files_pages_and_takes_results() {
        let dir = std::env::temp_dir().join(format!("xtask-http-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.wasm"), b"\0asm").unwrap();
        std::fs::create_dir_all(dir.join("snippets/x")).unwrap();
        std::fs::write(dir.join("snippets/x/inline0.js"), b"export {};").unwrap();
        let routes = Routes {
            dist: dir.clone(),
            anchors: dir.clone(),
            generated: vec![("page.html".into(), "<p>hi</p>".into())],
            json: vec![("/api/config".into(), "{\"a\":1}".into())],
        };
        let (server, results) = Server::start_on(Server::bind().unwrap(), routes).unwrap();
        let get = |path: &str| {
            let mut s = TcpStream::connect(server.addr).unwrap();
            write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            let mut text = String::new();
            s.read_to_string(&mut text).unwrap();
            text
        };
        let wasm = get("/a.wasm");
        assert!(wasm.starts_with("HTTP/1.1 200"));
        assert!(wasm.contains("application/wasm") && wasm.contains("no-store"));
        assert!(get("/__bench/page.html?run=1").ends_with("<p>hi</p>"));
        assert!(get("/../etc/passwd").starts_with("HTTP/1.1 404"));
        assert!(get("/snippets/../../etc/passwd").starts_with("HTTP/1.1 404"));
        // wasm-bindgen's snippets live in a subfolder the glue imports.
        assert!(get("/snippets/x/inline0.js").ends_with("export {};"));
        // The demo page's order request.
        assert!(get("/api/cart?market=eu").contains("\"amount\":10800"));
        // The merchant API answers the bench gives, to any method.
        assert!(get("/api/config").ends_with("{\"a\":1}"));
        let mut s = TcpStream::connect(server.addr).unwrap();
        write!(
            s,
            "POST /__bench/result HTTP/1.1\r\nContent-Length: 4\r\n\r\n{{}}xx"
        )
        .unwrap();
        let got = results.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!(got, "{}xx");
        drop(server);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
