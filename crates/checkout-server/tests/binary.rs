//! The real binary: `--help` documents every flag, and a started server prints its
//! merchant key, the addresses its two listeners bound and the publishable key, answers
//! on both with an in-memory database, and stops both on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_checkout-server");

#[test]
fn help_documents_every_flag() {
    let output = Command::new(BINARY).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for flag in [
        "--addr",
        "127.0.0.1:8080",
        "--dist",
        "--data-dir",
        "--database-url",
        "DATABASE_URL",
        "--currency",
        "--public-url",
        "--webhook-secret",
        "--merchant-key",
        "CHECKOUT_MERCHANT_KEY",
        "--payments-addr",
        "CHECKOUT_PAYMENTS_ADDR",
        "127.0.0.1:8090",
        "--payments-origin",
        "--storefront-origin",
        "CHECKOUT_STOREFRONT_ORIGINS",
        "--publishable-key",
        "CHECKOUT_PUBLISHABLE_KEY",
        "--vault-key-file",
        "CHECKOUT_VAULT_KEY_FILE",
        "--processor",
        "STRIPE_SECRET_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "--stripe-raw-card-data",
        "--route",
        "CHECKOUT_ROUTE",
    ] {
        assert!(help.contains(flag), "--help does not mention {flag}");
    }
}

/// `--processor stripe` (or `xendit`) refuses to start without what it needs, and says which: the
/// variable, never a key's value.
#[test]
fn a_real_processor_names_what_is_missing_at_start_up() {
    let start_with = |processor: &str, env: &[(&str, &str)], extra: &[&str]| {
        let mut command = Command::new(BINARY);
        command
            .args([
                "--processor",
                processor,
                "--database-url",
                "sqlite::memory:",
            ])
            .args(["--addr", "127.0.0.1:0", "--payments-addr", "127.0.0.1:0"])
            .args(extra)
            .env_remove("STRIPE_SECRET_KEY")
            .env_remove("STRIPE_WEBHOOK_SECRET")
            .env_remove("XENDIT_SECRET_KEY")
            .env_remove("XENDIT_CALLBACK_TOKEN");
        for (name, value) in env {
            command.env(name, value);
        }
        let output = command.output().unwrap();
        assert!(!output.status.success());
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let start = |env: &[(&str, &str)], extra: &[&str]| start_with("stripe", env, extra);
    let missing = start(&[], &[]);
    assert!(
        missing.contains("STRIPE_SECRET_KEY is not set"),
        "{missing}"
    );
    let wrong = start(
        &[("STRIPE_SECRET_KEY", "pk_test_publishable_by_mistake")],
        &[],
    );
    assert!(
        wrong.contains("STRIPE_SECRET_KEY does not look like"),
        "{wrong}"
    );
    assert!(!wrong.contains("pk_test_publishable_by_mistake"), "{wrong}");
    let keys = [
        ("STRIPE_SECRET_KEY", "sk_test_startup0123456789"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_startup"),
    ];
    let no_url = start(&keys, &[]);
    assert!(no_url.contains("--public-url"), "{no_url}");
    let xendit = start_with("xendit", &[], &[]);
    assert!(xendit.contains("XENDIT_SECRET_KEY"), "{xendit}");
    // A route names a market and a processor, and needs that processor's keys.
    let market = start_with("test", &[], &["--route", "us=stripe"]);
    assert!(market.contains("markets are eu, ph and id"), "{market}");
    let routed = start_with("test", &[], &["--route", "eu=stripe,ph=xendit"]);
    assert!(routed.contains("STRIPE_SECRET_KEY"), "{routed}");
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn request(addr: &str, raw: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn the_server_answers_on_loopback_and_stops_on_sigterm() {
    let mut server = Server(
        Command::new(BINARY)
            .args([
                "--addr",
                "127.0.0.1:0",
                "--payments-addr",
                "127.0.0.1:0",
                "--database-url",
                "sqlite::memory:",
                "--card-brands",
                "visa,amex",
            ])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    // On stdout, once each: the generated merchant key before serving, then the
    // addresses bound (port 0 asked for any free port), then the publishable key.
    let mut stdout = BufReader::new(server.0.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let key = line
        .trim_end()
        .strip_prefix("merchant secret key: ")
        .unwrap_or_else(|| panic!("no merchant key line: {line:?}"))
        .to_owned();
    assert!(key.starts_with("sk_test_"), "{key}");
    line.clear();
    stdout.read_line(&mut line).unwrap();
    let addr = line
        .trim_end()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("no listening line: {line:?}"))
        .to_owned();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    assert!(!addr.ends_with(":0"), "{addr}");
    line.clear();
    stdout.read_line(&mut line).unwrap();
    let payments = line
        .trim_end()
        .strip_prefix("payments origin listening on http://")
        .unwrap_or_else(|| panic!("no payments listening line: {line:?}"))
        .to_owned();
    assert!(payments.starts_with("127.0.0.1:"), "{payments}");
    assert!(!payments.ends_with(":0"), "{payments}");
    assert_ne!(payments, addr);
    line.clear();
    stdout.read_line(&mut line).unwrap();
    let publishable = line
        .trim_end()
        .strip_prefix("publishable key: ")
        .unwrap_or_else(|| panic!("no publishable key line: {line:?}"))
        .to_owned();
    assert!(publishable.starts_with("pk_test_"), "{publishable}");
    // The payments origin answers, and the storefront tells the page where it is.
    let health = request(
        &payments,
        &format!("GET /healthz HTTP/1.1\r\nHost: {payments}\r\nConnection: close\r\n\r\n"),
    );
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let config = request(
        &addr,
        &format!("GET /api/config HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    assert!(
        config.ends_with(&format!(
            r#"{{"publishableKey":"{publishable}","paymentsOrigin":"http://{payments}","cardBrands":["visa","amex"]}}"#
        )),
        "{config}"
    );
    let health = request(
        &addr,
        &format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.ends_with(r#"{"status":"ok"}"#), "{health}");
    let body = r#"{"confirmation_token_id":"ctoken_missing"}"#;
    let missing = request(
        &addr,
        &format!(
            "POST /api/create-confirm-intent HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
    assert!(missing.contains("resource_missing"));
    let audit = |auth: &str| {
        request(
            &addr,
            &format!(
                "GET /api/merchant/customers/cus_none/consents HTTP/1.1\r\nHost: {addr}\r\n\
                 Connection: close\r\n{auth}\r\n"
            ),
        )
    };
    // The printed key opens the merchant endpoints (the customer does not exist).
    let authorized = audit(&format!("Authorization: Bearer {key}\r\n"));
    assert!(authorized.starts_with("HTTP/1.1 404"), "{authorized}");
    let anonymous = audit("");
    assert!(anonymous.starts_with("HTTP/1.1 401"), "{anonymous}");

    #[cfg(unix)]
    {
        let pid = server.0.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = server.0.try_wait().unwrap() {
                assert!(status.success(), "graceful shutdown exits 0: {status}");
                break;
            }
            assert!(Instant::now() < deadline, "SIGTERM did not stop the server");
            std::thread::sleep(Duration::from_millis(50));
        }
        // Both listeners are gone.
        for bound in [&addr, &payments] {
            assert!(
                TcpStream::connect(bound.as_str()).is_err(),
                "{bound} still open"
            );
        }
    }
}
