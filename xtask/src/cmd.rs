//! Running commands and reporting failures as sentences rather than stack traces.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A step that could not be done, with what to do about it.
#[derive(Debug)]
pub struct Failure(String);

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub type Result<T = ()> = std::result::Result<T, Failure>;

/// The workspace root (the parent of this crate's directory).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

/// Runs a command to completion with inherited output; fails with `what` on a non-zero exit.
pub fn run(command: &mut Command, what: &str) -> Result {
    let status = command.status().map_err(|e| {
        Failure::new(format!(
            "{what}: could not start {:?}: {e}",
            command.get_program()
        ))
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(Failure::new(format!("{what} failed ({status})")))
    }
}

/// The first line of `program args…`'s output, or `None` if it cannot run.
pub fn version_of(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    text.lines().next().map(|line| line.trim().to_owned())
}

/// Whether a program is on the PATH (or is an existing absolute path).
pub fn exists(program: &str) -> bool {
    if program.contains('/') {
        return Path::new(program).exists();
    }
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false)
}

/// Whether this process runs as root (needed for apt-get).
pub fn is_root() -> bool {
    version_of("id", &["-u"]).as_deref() == Some("0")
}
