//! The README's front-end workflow: `trunk serve` with the project's own `Trunk.toml`,
//! proxying `/api` and `/test-mode` to a running checkout-server. A 3-D Secure payment
//! completes through the proxied challenge page, and live reload reloads the page.
//!
//! The only changes to `Trunk.toml` are the ports (the test's server and a free one for
//! trunk), the output directory (a temporary one, so the release `dist/` the other tests
//! serve stays as built) and a watched file the test touches.

use e2e::{e2e_test, ensure, free_port, pay, status_is, wait_for_port_within, Harness, Outcome};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

/// `trunk serve` on a config made from `Trunk.toml`, removed (with its output) on drop.
struct TrunkServe {
    child: Child,
    port: u16,
    config: PathBuf,
    scratch: PathBuf,
}

impl Drop for TrunkServe {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_file(&self.config);
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the e2e crate lives in the repository")
        .to_owned()
}

/// The repository's `Trunk.toml` with the test's ports, output and watched file.
fn config_for(original: &str, server_port: u16, port: u16, dist: &Path, watched: &Path) -> String {
    let config = original
        .replace("port = 8081", &format!("port = {port}"))
        .replace(
            "http://127.0.0.1:8080/",
            &format!("http://127.0.0.1:{server_port}/"),
        )
        .replace("dist = \"dist\"", &format!("dist = \"{}\"", dist.display()));
    format!("{config}\n[watch]\nwatch = [\"{}\"]\n", watched.display())
}

async fn start_trunk(server_port: u16) -> Result<TrunkServe, String> {
    let root = repository();
    let original = std::fs::read_to_string(root.join("Trunk.toml"))
        .map_err(|e| format!("reading Trunk.toml: {e}"))?;
    ensure!(
        original.contains("port = 8081") && original.contains("http://127.0.0.1:8080/"),
        "Trunk.toml no longer serves on 8081 with the server on 8080: update this test"
    );
    let scratch = std::env::temp_dir().join(format!("trunk-serve-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    let watched = scratch.join("reload.txt");
    std::fs::write(&watched, "0").map_err(|e| e.to_string())?;
    let port = free_port();
    // Beside Trunk.toml: trunk resolves a config's paths from the config's folder.
    let config = root.join(format!("Trunk.e2e-{}.toml", std::process::id()));
    std::fs::write(
        &config,
        config_for(
            &original,
            server_port,
            port,
            &scratch.join("dist"),
            &watched,
        ),
    )
    .map_err(|e| format!("writing {}: {e}", config.display()))?;
    let child = Command::new("trunk")
        .current_dir(&root)
        .arg("--config")
        .arg(&config)
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("starting trunk serve (run `cargo xtask setup`): {e}"))?;
    let serve = TrunkServe {
        child,
        port,
        config,
        scratch,
    };
    // The first debug build of the widget comes before trunk listens.
    wait_for_port_within(port, "trunk serve", 600).await;
    Ok(serve)
}

async fn through_trunk_serve(h: &Harness) -> Outcome {
    let trunk = start_trunk(h.server_port()).await?;
    let base = format!("http://127.0.0.1:{}", trunk.port);
    h.browser
        .goto(&format!("{base}/"))
        .await
        .map_err(|e| format!("opening trunk serve's page: {e}"))?;
    h.fill_card_details("4000000000003220").await?;
    pay(h).await?;
    let challenge = h.wait_url("/test-mode/authenticate/").await?;
    ensure!(
        challenge.starts_with(&base),
        "the challenge page is not served through trunk: {challenge}"
    );
    // The challenge form posts through the proxy; its 303 must reach the browser.
    h.press_button("Complete authentication").await?;
    let returned = h.wait_url("/complete").await?;
    ensure!(
        returned.starts_with(&format!("{base}/complete")),
        "came back to {returned}"
    );
    status_is(h, "succeeded", 30).await?;
    let stats = h.stats().await?;
    ensure!(stats["charges_succeeded"] == 1, "{stats}");

    // Live reload: a watched file changes, trunk rebuilds and the page reloads (its
    // socket is opened with the port, or this never happens).
    h.browser
        .execute("window.beforeReload = true; return true;", vec![])
        .await
        .map_err(|e| format!("marking the page: {e}"))?;
    std::fs::write(trunk.scratch.join("reload.txt"), "1").map_err(|e| e.to_string())?;
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let marked = h
            .browser
            .execute("return window.beforeReload === true;", vec![])
            .await
            .unwrap_or(serde_json::Value::Bool(true));
        if marked == serde_json::Value::Bool(false) {
            break;
        }
        ensure!(
            Instant::now() < deadline,
            "the page did not reload within 300 s of a watched change"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    drop(trunk);
    Ok(())
}

e2e_test!(
    trunk_serve_pays_through_3d_secure_and_reloads_on_a_change,
    through_trunk_serve
);
