//! The payments origin of the bench pages: the release checkout-server, whose second
//! listener serves the card frame and the widget's files, allowing the bench server's
//! origin to embed the frame, exactly as the demo's storefront does. The bench pages'
//! merchant API (`/api/config`, `POST /api/orders`) is the bench server's own, answered
//! as the reference server would.

use crate::cmd::{Failure, Result};
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The running server, stopped when dropped.
pub struct PaymentsOrigin {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub origin: String,
    /// The publishable key it printed.
    pub publishable_key: String,
}

impl Drop for PaymentsOrigin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `binary` with `dist`, allowing `storefront` (the bench server's origin).
pub fn start(binary: &Path, dist: &Path, storefront: &str) -> Result<PaymentsOrigin> {
    let mut child = Command::new(binary)
        .args(["--addr", "127.0.0.1:0", "--payments-addr", "127.0.0.1:0"])
        .args([
            "--storefront-origin",
            storefront,
            "--database-url",
            "sqlite::memory:",
        ])
        .arg("--dist")
        .arg(dist)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| Failure::new(format!("cannot start {}: {e}", binary.display())))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines().map_while(|line| line.ok());
        let (mut origin, mut key) = (None, None);
        for line in lines.by_ref() {
            if let Some(addr) = line.strip_prefix("payments origin listening on ") {
                origin = Some(addr.to_owned());
            } else if let Some(pk) = line.strip_prefix("publishable key: ") {
                key = Some(pk.to_owned());
            }
            if origin.is_some() && key.is_some() {
                break;
            }
        }
        let _ = tx.send(origin.zip(key));
        lines.for_each(drop);
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(Some((origin, publishable_key))) => Ok(PaymentsOrigin {
            child,
            origin,
            publishable_key,
        }),
        _ => {
            let _ = child.kill();
            Err(Failure::new(
                "the payments origin did not start within 30 s",
            ))
        }
    }
}

impl PaymentsOrigin {
    /// The bench server's answers to the demo page's merchant-API calls.
    pub fn api_answers(&self) -> Vec<(String, String)> {
        let order = json!({
            "id": "ord_bench", "status": "open", "market": "eu",
            "items": [
                {"name": "Mechanical keyboard", "quantity": 1, "unit_amount": 8900},
                {"name": "USB-C cable", "quantity": 2, "unit_amount": 950}
            ],
            "amount": 10800, "currency": "eur"
        });
        vec![
            (
                "/api/config".to_owned(),
                json!({"publishableKey": self.publishable_key, "paymentsOrigin": self.origin})
                    .to_string(),
            ),
            ("/api/orders".to_owned(), order.to_string()),
            ("/api/orders/ord_bench".to_owned(), order.to_string()),
        ]
    }
}

/// The demo page as a merchant serves it with the widget's files on the payments origin
/// (as checkout-server's storefront rewrites its checkout page): every reference to a
/// widget file gets the origin in front, and the tags that load them across origins
/// `crossorigin` (their `integrity` needs CORS). Works on trunk's minified HTML, whose
/// attribute values may be unquoted.
pub fn with_widget_from(index: &str, origin: &str) -> String {
    const WIDGET: [&str; 4] = [
        "/payment-element-",
        "/payment_element-",
        "/boot-",
        "/snippets/",
    ];
    let mut out = index.to_owned();
    for prefix in WIDGET {
        for quote in ["", "\""] {
            let from = ["=", quote, prefix].concat();
            let to = ["=", quote, origin, prefix].concat();
            out = out.replace(&from, &to);
        }
    }
    // `crossorigin` on every tag that now loads from the payments origin.
    let mut result = String::with_capacity(out.len() + 64);
    let mut rest = out.as_str();
    while let Some(at) = rest.find(origin) {
        let tag_start = rest[..at].rfind('<').unwrap_or(0);
        let tag = &rest[tag_start..at];
        let name_end = tag.find([' ', '\t', '\n']).unwrap_or(tag.len());
        result.push_str(&rest[..tag_start + name_end]);
        if !tag.contains("crossorigin") {
            result.push_str(" crossorigin");
        }
        result.push_str(&rest[tag_start + name_end..at + origin.len()]);
        rest = &rest[at + origin.len()..];
    }
    result.push_str(rest);
    result
}

#[cfg(test)]
mod tests {
    use super::with_widget_from;

    #[test]
    fn the_widget_files_come_from_the_payments_origin() {
        let index = "<link href=/demo-1.css rel=stylesheet><link href=/payment_element-2.css \
                     integrity=sha384-x rel=stylesheet><meta content=/payment-element-3.js \
                     name=payment-element-js><script integrity=sha384-y src=/boot-4.js \
                     type=module></script><link crossorigin href=\"/snippets/a/b.js\" \
                     rel=modulepreload><script src=/demo-5.js type=module></script>";
        let out = with_widget_from(index, "http://p:1");
        assert!(
            out.contains("<link href=/demo-1.css rel=stylesheet>"),
            "{out}"
        );
        assert!(
            out.contains("<link crossorigin href=http://p:1/payment_element-2.css"),
            "{out}"
        );
        assert!(out.contains("<meta crossorigin content=http://p:1/payment-element-3.js"));
        assert!(out.contains("<script crossorigin integrity=sha384-y src=http://p:1/boot-4.js"));
        assert!(out.contains("<link crossorigin href=\"http://p:1/snippets/a/b.js\""));
        assert!(
            out.contains("<script src=/demo-5.js"),
            "the merchant's own stays"
        );
    }
}
