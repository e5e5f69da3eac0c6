//! A local mock of a processor's API on 127.0.0.1 for the client tests: it records every
//! request (method, path, headers, body) and gives the scripted answers in turn.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::IntoResponse;

/// One answer the mock gives, in turn (after the script: a 500).
#[derive(Clone)]
pub enum Answer {
    /// This status with this JSON body.
    Status(u16, &'static str),
    /// A 200 with this body after this long (longer than the client's timeout: no
    /// answer).
    Slow(Duration, &'static str),
}

/// A request the mock received.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: Method,
    pub path: String,
    pub headers: HeaderMap,
    pub body: String,
}

impl Seen {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A running mock: its base URL and what it received.
pub struct Mock {
    pub base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Mock {
    /// What it received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Starts a mock answering `script`.
    pub async fn start(script: Vec<Answer>) -> Mock {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(script.into_iter()));
        let recorded = seen.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: axum::http::Uri, headers: HeaderMap, body: Bytes| {
                let recorded = recorded.clone();
                let script = script.clone();
                async move {
                    recorded.lock().unwrap().push(Seen {
                        method,
                        path: uri.path().to_owned(),
                        headers,
                        body: String::from_utf8_lossy(&body).into_owned(),
                    });
                    let next = script.lock().unwrap().next();
                    match next.unwrap_or(Answer::Status(500, "{}")) {
                        Answer::Status(status, body) => (
                            StatusCode::from_u16(status).unwrap(),
                            [("content-type", "application/json")],
                            body,
                        )
                            .into_response(),
                        Answer::Slow(pause, body) => {
                            tokio::time::sleep(pause).await;
                            (StatusCode::OK, body).into_response()
                        }
                    }
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Mock { base, seen }
    }
}

/// A processor client for `base` with a test's policy: 300 ms per try, two retries,
/// 10 ms before the first.
pub fn client<K>(base: &str, key: K) -> checkout_server::processors::http::Client<K> {
    checkout_server::processors::http::Client::with_policy(
        base,
        key,
        Duration::from_millis(300),
        2,
        Duration::from_millis(10),
    )
    .unwrap()
}
