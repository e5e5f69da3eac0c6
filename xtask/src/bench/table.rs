//! The bench's one table: a title, a header, rows and section lines, in plain text.

/// A plain-text table; cells are left-aligned in columns as wide as their widest cell.
#[derive(Debug, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Row>,
}

#[derive(Debug)]
enum Row {
    Cells(Vec<String>),
    Section(String),
}

impl Table {
    pub fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// A row; missing cells are blank, extra cells are dropped.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(Row::Cells(cells));
    }

    /// A line that names the rows below it.
    pub fn section(&mut self, title: &str) {
        self.rows.push(Row::Section(title.to_owned()));
    }

    pub fn render(&self) -> String {
        let columns = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            if let Row::Cells(cells) = row {
                for (width, cell) in widths.iter_mut().zip(cells) {
                    *width = (*width).max(cell.chars().count());
                }
            }
        }
        let line = |cells: &[String]| {
            let mut text = String::new();
            for (i, width) in widths.iter().enumerate() {
                let cell = cells.get(i).map(String::as_str).unwrap_or("");
                text.push_str(cell);
                if i + 1 < columns {
                    let pad = width - cell.chars().count() + 2;
                    text.extend(std::iter::repeat_n(' ', pad));
                }
            }
            text.trim_end().to_owned()
        };
        let full: usize = widths.iter().sum::<usize>() + 2 * columns.saturating_sub(1);
        let mut out = line(&self.header);
        out.push('\n');
        out.push_str(&"─".repeat(full));
        for row in &self.rows {
            out.push('\n');
            match row {
                Row::Cells(cells) => out.push_str(&line(cells)),
                Row::Section(title) => out.push_str(&format!("── {title}")),
            }
        }
        out
    }
}

/// A ratio as `0.36×`, or `—` when either side is missing or zero.
pub fn ratio(ours: Option<f64>, theirs: Option<f64>) -> String {
    match (ours, theirs) {
        (Some(a), Some(b)) if b > 0.0 && a.is_finite() => format!("{:.2}×", a / b),
        _ => "—".to_owned(),
    }
}

/// Milliseconds with a precision that suits their size.
pub fn ms(value: f64) -> String {
    if value < 10.0 {
        format!("{value:.2} ms")
    } else {
        format!("{value:.0} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_columns_and_sections() {
        let mut table = Table::new(&["what", "ours", "theirs"]);
        table.section("size");
        table.row(vec!["gzip".into(), "48.1 KB".into(), "133.0 KB".into()]);
        table.row(vec!["a longer label".into(), "1".into()]);
        let text = table.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "what            ours     theirs");
        assert_eq!(
            lines[1].chars().count(),
            "gzip            48.1 KB  133.0 KB".len()
        );
        assert_eq!(lines[2], "── size");
        assert_eq!(lines[3], "gzip            48.1 KB  133.0 KB");
        assert_eq!(lines[4], "a longer label  1");
    }

    #[test]
    fn ratios_and_milliseconds() {
        assert_eq!(ratio(Some(48.0), Some(133.0)), "0.36×");
        assert_eq!(ratio(Some(1.0), None), "—");
        assert_eq!(ratio(Some(1.0), Some(0.0)), "—");
        assert_eq!(ms(0.123), "0.12 ms");
        assert_eq!(ms(312.4), "312 ms");
    }
}
