//! The size budget: one number in `size-budget.toml` at the repository root, checked by
//! the size layer of `cargo xtask test`.

use crate::cmd::{self, Failure, Result};

pub const FILE: &str = "size-budget.toml";

/// The most the release widget may weigh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// gzip -9 bytes of wasm + JS glue + widget CSS, summed file by file.
    pub gzip_total_bytes: u64,
}

/// Reads the budget file at the repository root.
pub fn load() -> Result<Budget> {
    let path = cmd::root().join(FILE);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))?;
    parse(&text).map_err(|e| Failure::new(format!("{}: {e}", path.display())))
}

/// Parses the budget file: `key = integer` lines (`_` allowed between digits), `#`
/// comments and blank lines; the only key is `gzip_total_bytes`.
pub fn parse(text: &str) -> std::result::Result<Budget, String> {
    let mut gzip_total_bytes = None;
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
            "gzip_total_bytes" => gzip_total_bytes = Some(number),
            other => return Err(format!("line {line_no}: unknown key `{other}`")),
        }
    }
    gzip_total_bytes
        .map(|gzip_total_bytes| Budget { gzip_total_bytes })
        .ok_or_else(|| "no `gzip_total_bytes = …` line".to_owned())
}

#[cfg(test)]
mod tests {
    use super::{parse, Budget};

    #[test]
    fn reads_the_number_with_comments_and_separators() {
        let text = "# the budget\n\ngzip_total_bytes = 63_500  # measured + 5%\n";
        assert_eq!(
            parse(text),
            Ok(Budget {
                gzip_total_bytes: 63_500
            })
        );
    }

    #[test]
    fn rejects_what_it_does_not_know() {
        assert!(parse("").unwrap_err().contains("no `gzip_total_bytes"));
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
        assert!(parse(&text).unwrap().gzip_total_bytes > 0);
    }
}
