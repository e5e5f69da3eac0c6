//! A QR code as the widget draws it: the module matrix of the `qrcode` crate turned into
//! one SVG path (`d` attribute data, no inline style, so the strict CSP holds), with the
//! quiet zone the standard asks for around it; and what the code's countdown says.

use qrcode::{Color, QrCode};

/// Modules of light margin around the code (the standard's quiet zone).
pub const QUIET_ZONE: u32 = 4;

/// The code of `data` as an SVG path: its view box side (in modules, quiet zone
/// included) and the path data of its dark modules; `None` when `data` is too long for
/// any QR code.
pub fn svg_path(data: &str) -> Option<(u32, String)> {
    let code = QrCode::new(data.as_bytes()).ok()?;
    let width = code.width() as u32;
    let colors = code.to_colors();
    let mut path = String::with_capacity(colors.len() * 4);
    for (i, color) in colors.iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let x = i as u32 % width + QUIET_ZONE;
        let y = i as u32 / width + QUIET_ZONE;
        // A unit square at (x, y). Integers only: no float printing in the wasm.
        path.push('M');
        path.push_str(&x.to_string());
        path.push(' ');
        path.push_str(&y.to_string());
        path.push_str("h1v1h-1z");
    }
    Some((width + 2 * QUIET_ZONE, path))
}

/// The time left as the countdown shows it: `m:ss` (`14:59`, `0:05`), `0:00` after.
pub fn countdown(seconds_left: i64) -> String {
    let left = seconds_left.max(0);
    let seconds = left % 60;
    [
        (left / 60).to_string().as_str(),
        if seconds < 10 { ":0" } else { ":" },
        seconds.to_string().as_str(),
    ]
    .concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_squares_inside_its_quiet_zone() {
        let (side, path) = svg_path("http://127.0.0.1:8080/test-mode/qr/pi_123").unwrap();
        // The smallest codes are 21 modules wide; a URL of this length needs more.
        assert!(side >= 21 + 2 * QUIET_ZONE, "{side}");
        let squares = path.matches("h1v1h-1z").count();
        assert!(squares > 100, "{squares} dark modules");
        // The three finder patterns' corners are dark, at the quiet zone's edge.
        assert!(path.starts_with("M4 4h1v1h-1z"), "{}", &path[..40]);
        // Every square lies inside the view box.
        for square in path.split('M').filter(|s| !s.is_empty()) {
            let coords: Vec<u32> = square
                .trim_end_matches("h1v1h-1z")
                .split(' ')
                .map(|n| n.parse().unwrap())
                .collect();
            assert!(coords
                .iter()
                .all(|&c| c >= QUIET_ZONE && c < side - QUIET_ZONE));
        }
        // The same data, the same code.
        assert_eq!(svg_path("abc"), svg_path("abc"));
        assert_ne!(svg_path("abc"), svg_path("abd"));
    }

    #[test]
    fn data_too_long_for_a_code_is_refused() {
        assert_eq!(svg_path(&"x".repeat(8000)), None);
    }

    #[test]
    fn the_countdown_reads_minutes_and_seconds() {
        assert_eq!(countdown(899), "14:59");
        assert_eq!(countdown(65), "1:05");
        assert_eq!(countdown(5), "0:05");
        assert_eq!(countdown(0), "0:00");
        assert_eq!(countdown(-30), "0:00");
    }
}
