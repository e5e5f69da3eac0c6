//! Visual regression: an element's screenshot against its committed reference
//! `e2e/visual/<name>.png`. Sizes must match exactly; colours may differ a little, on
//! a few pixels (anti-aliasing), and nothing more. `UPDATE_VISUAL=1` writes the
//! references instead of comparing.

use crate::{repository, Outcome};
use image::{Rgba, RgbaImage};
use std::path::PathBuf;

/// How far two screenshots may differ and still be the same picture.
#[derive(Clone, Copy, Debug)]
pub struct Tolerance {
    /// A pixel differs when one of its channels (R, G, B or A) is further apart than
    /// this (0–255): a smaller difference is rendering noise no eye sees (a faint
    /// shadow rasterised a little differently), a larger one a changed colour.
    pub channel: u8,
    /// The share of differing pixels allowed (0.001: one pixel in a thousand), enough
    /// for anti-aliased glyph edges and far too little for a changed colour or border.
    pub fraction: f64,
}

/// The suite's tolerance.
pub const TOLERANCE: Tolerance = Tolerance {
    channel: 8,
    fraction: 0.001,
};

/// Where two pictures of the same size differ.
pub struct Difference {
    /// Pixels that differ beyond the channel tolerance.
    pub differing: u64,
    /// All pixels.
    pub total: u64,
    /// The reference faded to grey, with every differing pixel in red.
    pub diff: RgbaImage,
}

impl Difference {
    /// The share of pixels that differ.
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.differing as f64 / self.total as f64
        }
    }

    /// Whether the pictures count as the same under `tolerance`.
    pub fn within(&self, tolerance: Tolerance) -> bool {
        self.fraction() <= tolerance.fraction
    }
}

/// Compares two pictures pixel by pixel; `Err` says the sizes when they differ (a size
/// change is never noise).
pub fn compare(
    reference: &RgbaImage,
    actual: &RgbaImage,
    tolerance: Tolerance,
) -> Result<Difference, String> {
    if reference.dimensions() != actual.dimensions() {
        let (rw, rh) = reference.dimensions();
        let (aw, ah) = actual.dimensions();
        return Err(format!(
            "the size changed: {aw}×{ah} px, the reference is {rw}×{rh} px"
        ));
    }
    let (width, height) = reference.dimensions();
    let mut diff = RgbaImage::new(width, height);
    let mut differing = 0;
    for ((expected, shown), out) in reference
        .pixels()
        .zip(actual.pixels())
        .zip(diff.pixels_mut())
    {
        let apart = expected
            .0
            .iter()
            .zip(shown.0)
            .any(|(e, s)| e.abs_diff(s) > tolerance.channel);
        *out = if apart {
            differing += 1;
            Rgba([255, 0, 0, 255])
        } else {
            faded(expected)
        };
    }
    Ok(Difference {
        differing,
        total: u64::from(width) * u64::from(height),
        diff,
    })
}

/// A pixel as light grey, so that the red of a difference stands out over it.
fn faded(pixel: &Rgba<u8>) -> Rgba<u8> {
    let [r, g, b, _] = pixel.0.map(u32::from);
    let luma = (r * 299 + g * 587 + b * 114) / 1000;
    let light = (192 + luma / 4) as u8;
    Rgba([light, light, light, 255])
}

/// The committed references.
pub fn reference_dir() -> PathBuf {
    repository().join("e2e/visual")
}

/// Where a failed comparison leaves the actual picture and its diff.
pub fn diff_dir() -> PathBuf {
    repository().join("target/visual-diff")
}

/// Whether this run writes references (`UPDATE_VISUAL=1`) instead of comparing.
pub fn updating() -> bool {
    std::env::var("UPDATE_VISUAL").is_ok_and(|v| v == "1")
}

/// Checks the PNG screenshot `png` against the reference `e2e/visual/<name>.png`, or
/// writes it there when updating. The failure names the files to look at.
pub fn check(name: &str, png: &[u8]) -> Outcome {
    let actual = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .map_err(|e| format!("{name}: the screenshot is no PNG: {e}"))?
        .to_rgba8();
    let reference_path = reference_dir().join(format!("{name}.png"));
    if updating() {
        std::fs::create_dir_all(reference_dir()).map_err(|e| e.to_string())?;
        actual
            .save(&reference_path)
            .map_err(|e| format!("writing {}: {e}", reference_path.display()))?;
        eprintln!("UPDATE_VISUAL=1: wrote {}", reference_path.display());
        return Ok(());
    }
    let reference = match image::open(&reference_path) {
        Ok(reference) => reference.to_rgba8(),
        Err(e) => {
            return Err(format!(
                "{name}: no reference {} ({e}); create it with `cargo xtask visual --update` \
                 (or UPDATE_VISUAL=1 cargo test -p e2e --test visual)",
                reference_path.display()
            ))
        }
    };
    let outcome = compare(&reference, &actual, TOLERANCE);
    let actual_path = diff_dir().join(format!("{name}.actual.png"));
    let diff_path = diff_dir().join(format!("{name}.diff.png"));
    if matches!(&outcome, Ok(difference) if difference.within(TOLERANCE)) {
        // A diff left by an earlier failure would now mislead.
        let _ = std::fs::remove_file(&actual_path);
        let _ = std::fs::remove_file(&diff_path);
        return Ok(());
    }
    std::fs::create_dir_all(diff_dir()).map_err(|e| e.to_string())?;
    actual
        .save(&actual_path)
        .map_err(|e| format!("writing {}: {e}", actual_path.display()))?;
    match outcome {
        Err(size) => {
            let _ = std::fs::remove_file(&diff_path);
            Err(format!(
                "{name}: {size}; actual {}, reference {}",
                actual_path.display(),
                reference_path.display()
            ))
        }
        Ok(difference) => {
            difference
                .diff
                .save(&diff_path)
                .map_err(|e| format!("writing {}: {e}", diff_path.display()))?;
            Err(format!(
                "{name}: {:.3} % of the pixels differ ({} of {}, {:.1} % allowed); \
                 actual {}, diff {} (red), reference {}",
                difference.fraction() * 100.0,
                difference.differing,
                difference.total,
                TOLERANCE.fraction * 100.0,
                actual_path.display(),
                diff_path.display(),
                reference_path.display()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(width: u32, height: u32, value: u8) -> RgbaImage {
        RgbaImage::from_pixel(width, height, Rgba([value, value, value, 255]))
    }

    #[test]
    fn noise_under_the_channel_tolerance_is_no_difference() {
        let noisy = plain(10, 10, 100 + TOLERANCE.channel);
        let difference = compare(&plain(10, 10, 100), &noisy, TOLERANCE).unwrap();
        assert_eq!(difference.differing, 0);
        assert!(difference.within(TOLERANCE));
    }

    #[test]
    fn a_changed_colour_is_counted_and_marked_red() {
        let reference = plain(100, 100, 100);
        let mut actual = reference.clone();
        actual.put_pixel(3, 4, Rgba([100, 100, 101 + TOLERANCE.channel, 255]));
        let one = compare(&reference, &actual, TOLERANCE).unwrap();
        assert_eq!((one.differing, one.total), (1, 10_000));
        assert_eq!(one.diff.get_pixel(3, 4), &Rgba([255, 0, 0, 255]));
        assert_ne!(one.diff.get_pixel(0, 0), &Rgba([255, 0, 0, 255]));
        // One pixel in ten thousand passes; twenty (0.2 %) do not.
        assert!(one.within(TOLERANCE));
        for x in 0..20 {
            actual.put_pixel(x, 50, Rgba([0, 0, 0, 255]));
        }
        assert!(!compare(&reference, &actual, TOLERANCE)
            .unwrap()
            .within(TOLERANCE));
    }

    #[test]
    fn a_size_change_always_fails() {
        let failure = compare(&plain(10, 10, 0), &plain(10, 11, 0), TOLERANCE)
            .err()
            .unwrap();
        assert!(failure.contains("10×11"), "{failure}");
    }
}
