//! `cargo xtask visual [--update]`: only the visual regression tests of the e2e layer
//! (`e2e/tests/visual.rs`), screenshots of the Payment Element against the references
//! in `e2e/visual/`; `--update` records the references again after an intended change
//! of the look (`UPDATE_VISUAL=1`).

use crate::cmd::{self, Failure, Result};
use crate::test::{build_for_e2e, e2e_command, ScratchTmp};
use std::path::PathBuf;

pub fn run(args: &[String]) -> Result {
    let update = match args {
        [] => false,
        [flag] if flag == "--update" => true,
        _ => return Err(Failure::new("usage: cargo xtask visual [--update]")),
    };
    // A build at hand (both paths set, as the e2e tests read them) is compared as it
    // is; otherwise the widget and the server are built as for `cargo xtask test`.
    let (dist, server_bin) = match (
        std::env::var_os("E2E_DIST"),
        std::env::var_os("E2E_SERVER_BIN"),
    ) {
        (Some(dist), Some(server_bin)) => (PathBuf::from(dist), PathBuf::from(server_bin)),
        _ => build_for_e2e()?,
    };
    println!(
        "\n== visual tests ({} e2e/visual/ against {})",
        if update {
            "recording"
        } else {
            "comparing with"
        },
        dist.display()
    );
    let scratch = ScratchTmp::new("visual")?;
    let mut visual = e2e_command(&dist, &server_bin, &scratch);
    visual.args(["--test", "visual"]);
    if update {
        // Shown, so the run says which references it wrote.
        visual.env("UPDATE_VISUAL", "1").args(["--", "--nocapture"]);
    } else {
        visual.env_remove("UPDATE_VISUAL");
    }
    cmd::run(&mut visual, "cargo test -p e2e --test visual").map_err(|failure| {
        Failure::new(format!(
            "{failure}: the failures above name the actual and diff images under \
             target/visual-diff/; if the change is intended, run `cargo xtask visual \
             --update` and commit e2e/visual/"
        ))
    })
}
