//! The size budget: three numbers in `size-budget.toml` at the repository root, checked by
//! the size layer of `cargo xtask test`.

use crate::cmd::{self, Failure, Result};

pub const FILE: &str = "size-budget.toml";

/// The most the release widget may weigh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// gzip -9 bytes of what the card form needs before it is interactive: the widget's
    /// wasm, JS glue, loader, snippets and CSS, and the card frame's own page and
    /// script; summed file by file.
    pub gzip_initial_bytes: u64,
    /// gzip -9 bytes of everything the checkout may load: the initial bytes, any chunk
    /// loaded later, and the payment method and card brand marks.
    pub gzip_total_bytes: u64,
    /// gzip -9 bytes of what the return page loads: its own wasm and glue, and the
    /// widget's CSS.
    pub gzip_return_page_bytes: u64,
}

/// Reads the budget file at the repository root.
pub fn load() -> Result<Budget> {
    let path = cmd::root().join(FILE);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))?;
    parse(&text).map_err(|e| Failure::new(format!("{}: {e}", path.display())))
}

/// Parses the budget file: `key = integer` lines (`_` allowed between digits), `#`
/// comments and blank lines; the keys are `gzip_initial_bytes`, `gzip_total_bytes` and
/// `gzip_return_page_bytes`, all required.
pub fn parse(text: &str) -> std::result::Result<Budget, String> {
    let (mut initial, mut total, mut return_page) = (None, None, None);
    for (index, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let line_no = index + 1;
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| format!("line {line_no}: expected `key = value`"))?;
        let value = value.trim().replace('_', "");
        let number: u64 = value
            .parse()
            .map_err(|_| format!("line {line_no}: `{value}` is not a whole number of bytes"))?;
        match key.trim() {
            "gzip_initial_bytes" => initial = Some(number),
            "gzip_total_bytes" => total = Some(number),
            "gzip_return_page_bytes" => return_page = Some(number),
            other => return Err(format!("line {line_no}: unknown key `{other}`")),
        }
    }
    let gzip_initial_bytes = initial.ok_or("no `gzip_initial_bytes = …` line")?;
    let gzip_total_bytes = total.ok_or("no `gzip_total_bytes = …` line")?;
    let gzip_return_page_bytes = return_page.ok_or("no `gzip_return_page_bytes = …` line")?;
    Ok(Budget {
        gzip_initial_bytes,
        gzip_total_bytes,
        gzip_return_page_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::{parse, Budget};

    #[test]
    fn reads_the_numbers_with_comments_and_separators() {
        let text = "# the budget\n\ngzip_initial_bytes = 60_000\ngzip_total_bytes = 63_500  # measured + 5%\ngzip_return_page_bytes = 40_000\n";
        assert_eq!(
            parse(text),
            Ok(Budget {
                gzip_initial_bytes: 60_000,
                gzip_total_bytes: 63_500,
                gzip_return_page_bytes: 40_000,
            })
        );
    }

    #[test]
    fn rejects_what_it_does_not_know() {
        assert!(parse("").unwrap_err().contains("no `gzip_initial_bytes"));
        assert!(parse("gzip_initial_bytes = 3")
            .unwrap_err()
            .contains("no `gzip_total_bytes"));
        assert!(parse("gzip_initial_bytes = 3\ngzip_total_bytes = 4")
            .unwrap_err()
            .contains("no `gzip_return_page_bytes"));
        assert!(parse("gzip_total_bytes = 50 KB")
            .unwrap_err()
            .contains("line 1"));
        assert!(parse("brotli = 3").unwrap_err().contains("unknown key"));
        assert!(parse("gzip_total_bytes 3")
            .unwrap_err()
            .contains("key = value"));
    }

    #[test]
    fn the_committed_file_parses() {
        let text = std::fs::read_to_string(crate::cmd::root().join(super::FILE)).unwrap();
        let budget = parse(&text).unwrap();
        assert!(
            budget.gzip_initial_bytes > 0 && budget.gzip_total_bytes >= budget.gzip_initial_bytes
        );
        // The return page loads less than the checkout does.
        assert!(
            budget.gzip_return_page_bytes > 0
                && budget.gzip_return_page_bytes < budget.gzip_initial_bytes
        );
    }
}
