//! Transfer sizes: raw, gzip -9 and brotli -q 11 of the files a page downloads.

use crate::cmd::{Failure, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What kind of file a page downloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Wasm,
    /// A chunk of the split wasm (`split_<module>-<hash>.wasm`), fetched the first time
    /// code in it runs (issue 18): not part of what the card form needs first.
    Chunk,
    /// The return page's own wasm and glue (`payment-status-<hash>…`): the status view
    /// alone, loaded by the return page instead of the widget's (issue 18).
    ReturnPage,
    Js,
    Css,
    Html,
    Svg,
}

impl Part {
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Wasm => "wasm",
            Part::Chunk => "wasm chunk",
            Part::ReturnPage => "return page",
            Part::Js => "js",
            Part::Css => "css",
            Part::Html => "html",
            Part::Svg => "svg",
        }
    }
}

/// Bytes on the wire, uncompressed and with the two encodings servers use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sizes {
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

impl Sizes {
    pub fn of(bytes: &[u8]) -> Sizes {
        Sizes {
            raw: bytes.len() as u64,
            gzip: gzip_len(bytes),
            brotli: brotli_len(bytes),
        }
    }

    pub fn add(self, other: Sizes) -> Sizes {
        Sizes {
            raw: self.raw + other.raw,
            gzip: self.gzip + other.gzip,
            brotli: self.brotli + other.brotli,
        }
    }
}

/// One downloaded file and its sizes.
#[derive(Debug, Clone)]
pub struct Asset {
    pub name: String,
    pub part: Part,
    pub sizes: Sizes,
}

/// The length of `bytes` compressed as `gzip -9` does.
pub fn gzip_len(bytes: &[u8]) -> u64 {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(bytes)
        .expect("writing to a Vec cannot fail");
    encoder
        .finish()
        .expect("writing to a Vec cannot fail")
        .len() as u64
}

/// The length of `bytes` compressed as `brotli -q 11` does (window 2^24, its default).
pub fn brotli_len(bytes: &[u8]) -> u64 {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 24);
        writer
            .write_all(bytes)
            .expect("writing to a Vec cannot fail");
    }
    out.len() as u64
}

/// Which widget part a dist file is, or `None` for what a merchant does not ship with
/// the widget: the demo page itself (`index.html`), its script `demo.js` and its own
/// `style/demo.css`, which trunk writes as `demo-<hash>.js` and `demo-<hash>.css`.
pub fn classify(file_name: &str) -> Option<Part> {
    let (stem, extension) = file_name.rsplit_once('.')?;
    let unhashed = stem.rsplit_once('-').map_or(stem, |(name, _hash)| name);
    match extension {
        // The demo page's own script and stylesheet are not the widget.
        _ if unhashed == "demo" => None,
        "wasm" if stem.starts_with("split_") => Some(Part::Chunk),
        "wasm" | "js" if unhashed == "payment-status" => Some(Part::ReturnPage),
        "wasm" => Some(Part::Wasm),
        "js" => Some(Part::Js),
        "css" => Some(Part::Css),
        _ => None,
    }
}

/// The widget files of a release dist (`trunk build --release`): wasm, JS glue and the
/// `boot.js` loader, the JS snippets the glue imports (`snippets/…`, wasm-bindgen's
/// `<payment-element>` class), and the widget's CSS; sorted by name. (`embed/` and
/// `examples/` only re-export or copy these, so they are not counted twice.)
pub fn widget_assets(dist: &Path) -> Result<Vec<Asset>> {
    let mut paths = files_in(dist).map_err(|e| {
        Failure::new(format!(
            "{} cannot be read ({e}); build it with `trunk build --release`",
            dist.display()
        ))
    })?;
    let snippets = dist.join("snippets");
    if snippets.is_dir() {
        paths
            .extend(all_files_below(&snippets).map_err(|e| {
                Failure::new(format!("{} cannot be read: {e}", snippets.display()))
            })?);
    }
    paths.sort();
    let mut assets = Vec::new();
    for path in paths {
        let name = path
            .strip_prefix(dist)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(part) = classify(&file) {
            assets.push(asset(&path, name, part)?);
        }
    }
    if !assets.iter().any(|a| a.part == Part::Wasm) {
        return Err(Failure::new(format!(
            "{} has no .wasm; build it with `trunk build --release`",
            dist.display()
        )));
    }
    Ok(assets)
}

/// The card frame's own page and script (`frame/`): part of what the card form needs
/// before it is interactive, beside [`widget_assets`].
pub fn frame_assets(dist: &Path) -> Result<Vec<Asset>> {
    shipped_below(dist, "frame")
}

/// The payment method and card brand marks (`icons/`): shipped with the widget, each
/// fetched only where its method or brand is shown.
pub fn icon_assets(dist: &Path) -> Result<Vec<Asset>> {
    shipped_below(dist, "icons")
}

/// The pages, scripts, stylesheets and images below `dist/sub` (not their `.br` and
/// `.gz` copies), sorted by name.
fn shipped_below(dist: &Path, sub: &str) -> Result<Vec<Asset>> {
    let dir = dist.join(sub);
    let mut paths = all_files_below(&dir)
        .map_err(|e| Failure::new(format!("{} cannot be read: {e}", dir.display())))?;
    paths.sort();
    let mut assets = Vec::new();
    for path in paths {
        let part = match path.extension().and_then(|e| e.to_str()) {
            Some("html") => Part::Html,
            Some("js") => Part::Js,
            Some("css") => Part::Css,
            Some("svg") => Part::Svg,
            _ => continue,
        };
        let name = path
            .strip_prefix(dist)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        assets.push(asset(&path, name, part)?);
    }
    Ok(assets)
}

/// The files directly in `dir`.
fn files_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    Ok(std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file())
        .collect())
}

/// Every file below `dir`, at any depth.
fn all_files_below(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            found.extend(all_files_below(&path)?);
        } else if path.is_file() {
            found.push(path);
        }
    }
    Ok(found)
}

/// Reads one file and measures it.
pub fn asset(path: &Path, name: String, part: Part) -> Result<Asset> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))?;
    Ok(Asset {
        name,
        part,
        sizes: Sizes::of(&bytes),
    })
}

/// The sum of every asset's sizes.
pub fn total(assets: &[Asset]) -> Sizes {
    assets
        .iter()
        .fold(Sizes::default(), |sum, a| sum.add(a.sizes))
}

/// The sum of the sizes of one part.
pub fn total_of(assets: &[Asset], part: Part) -> Sizes {
    assets
        .iter()
        .filter(|a| a.part == part)
        .fold(Sizes::default(), |sum, a| sum.add(a.sizes))
}

/// Bytes as people read them: `48.1 KB` (1 KB = 1000 bytes, as browsers' tools show).
pub fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn gzip_size_is_that_of_a_valid_gzip_stream() {
        let text = b"payment-element ".repeat(200);
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&text).unwrap();
        let stream = encoder.finish().unwrap();
        assert_eq!(gzip_len(&text), stream.len() as u64);
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&stream[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, text);
        // Repetitive text compresses well; the 18-byte gzip frame is always there.
        assert!(gzip_len(&text) < 100);
        assert!(gzip_len(b"") >= 18);
    }

    #[test]
    fn brotli_beats_gzip_on_text() {
        let text = b"function f(a){return a+1}\n".repeat(100);
        let sizes = Sizes::of(&text);
        assert_eq!(sizes.raw, text.len() as u64);
        assert!(sizes.brotli <= sizes.gzip);
    }

    #[test]
    fn classifies_trunk_output() {
        assert_eq!(classify("payment-element-759b34_bg.wasm"), Some(Part::Wasm));
        assert_eq!(classify("payment-element-759b34.js"), Some(Part::Js));
        assert_eq!(classify("boot-7647d2b7.js"), Some(Part::Js));
        // The split build's chunk and the loader the glue imports.
        assert_eq!(
            classify("split_qr_code-ee186b47edc77d02.wasm"),
            Some(Part::Chunk)
        );
        assert_eq!(classify("__wasm_split-ef17fc4d0b95257b.js"), Some(Part::Js));
        // The return page's own wasm and glue.
        assert_eq!(
            classify("payment-status-1f2e3d4c5b6a7980_bg.wasm"),
            Some(Part::ReturnPage)
        );
        assert_eq!(
            classify("payment-status-0a1b2c3d4e5f6071.js"),
            Some(Part::ReturnPage)
        );
        assert_eq!(classify("payment-status-0a1b2c3d4e5f6071.d.ts"), None);
        assert_eq!(classify("payment_element-8724b65.css"), Some(Part::Css));
        assert_eq!(classify("demo-a6db44a4.css"), None);
        assert_eq!(classify("demo.css"), None);
        assert_eq!(classify("demo-9f0e1d2c3b4a5968.js"), None);
        assert_eq!(classify("index.html"), None);
        assert_eq!(classify("README"), None);
    }

    #[test]
    fn widget_files_include_the_snippets_and_leave_out_the_demo() {
        let dist = std::env::temp_dir().join(format!("xtask-size-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dist);
        let write = |name: &str| {
            let path = dist.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, b"export {};").unwrap();
        };
        for name in [
            "payment-element-eb0883f43cbc7bf_bg.wasm",
            "payment-element-eb0883f43cbc7bf.js",
            "boot-16154a83ecb3280b.js",
            "demo-2ef2bfe697ef4b71.js",
            "demo-a33781f218bd7951.css",
            "payment_element-5c083cac6139ebb8.css",
            "index.html",
            "snippets/payment-element-1a2b/src/js_api/custom_element.js",
            "embed/payment_element.js",
        ] {
            write(name);
        }
        let names: Vec<String> = widget_assets(&dist)
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(
            names,
            [
                "boot-16154a83ecb3280b.js",
                "payment-element-eb0883f43cbc7bf.js",
                "payment-element-eb0883f43cbc7bf_bg.wasm",
                "payment_element-5c083cac6139ebb8.css",
                "snippets/payment-element-1a2b/src/js_api/custom_element.js",
            ]
        );
        std::fs::remove_dir_all(&dist).unwrap();
    }

    #[test]
    fn totals_add_up() {
        let a = |part, raw, gzip, brotli| Asset {
            name: String::new(),
            part,
            sizes: Sizes { raw, gzip, brotli },
        };
        let assets = [
            a(Part::Wasm, 100, 50, 40),
            a(Part::Js, 10, 5, 4),
            a(Part::Js, 1, 1, 1),
        ];
        assert_eq!(
            total(&assets),
            Sizes {
                raw: 111,
                gzip: 56,
                brotli: 45
            }
        );
        assert_eq!(
            total_of(&assets, Part::Js),
            Sizes {
                raw: 11,
                gzip: 6,
                brotli: 5
            }
        );
        assert_eq!(kb(48_149), "48.1 KB");
    }
}
