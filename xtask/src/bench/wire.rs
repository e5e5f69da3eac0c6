//! The wire, two ways (issue 21): the shipped widget reads the merchant API's JSON by
//! hand (src/json.rs) and fetches through web-sys (src/fetch.rs); the variants built
//! here swap in payment-core's serde types through serde-wasm-bindgen (`wire-serde`),
//! gloo-net (`wire-gloo-net`), or both, so the cost of one definition per wire type is a
//! figure from the same run, not an estimate.

use super::size::{self, kb, Asset, Sizes};
use super::table::Table;
use crate::cmd::Result;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The variants, by the widget's cargo features.
const VARIANTS: &[(&str, &[&str])] = &[
    ("serde-wasm-bindgen (wire-serde)", &["wire-serde"]),
    ("gloo-net (wire-gloo-net)", &["wire-gloo-net"]),
    ("both", &["wire-serde", "wire-gloo-net"]),
];

/// One built variant.
pub struct Variant {
    label: &'static str,
    features: &'static [&'static str],
    total: Sizes,
}

/// Builds every variant into `bench_dir/wire/<features>` with `build` (trunk, release).
pub fn measure(
    bench_dir: &Path,
    build: impl Fn(&Path, &[&str]) -> Result<PathBuf>,
) -> Result<Vec<Variant>> {
    let mut out = Vec::new();
    for &(label, features) in VARIANTS {
        let dist = bench_dir.join("wire").join(features.join("+"));
        let assets: Vec<Asset> = size::widget_assets(&build(&dist, features)?)?;
        out.push(Variant {
            label,
            features,
            total: size::total(&assets),
        });
    }
    Ok(out)
}

fn signed_kb(bytes: i64) -> String {
    let sign = if bytes < 0 { "−" } else { "+" };
    format!("{sign}{}", kb(bytes.unsigned_abs()))
}

/// The table: each variant beside the shipped widget. The widget is one wasm today, so
/// everything it downloads comes before the card form is interactive: the initial bytes
/// are the total (once the wasm is split, count the first chunk here).
pub fn render(shipped: Sizes, variants: &[Variant]) -> String {
    let mut table = Table::new(&[
        "wire",
        "before interactive = total, gzip -9",
        "brotli 11",
        "gzip vs shipped",
    ]);
    table.row(vec![
        "shipped: src/json.rs + src/fetch.rs".to_owned(),
        kb(shipped.gzip),
        kb(shipped.brotli),
        "".to_owned(),
    ]);
    for v in variants {
        table.row(vec![
            v.label.to_owned(),
            kb(v.total.gzip),
            kb(v.total.brotli),
            signed_kb(v.total.gzip as i64 - shipped.gzip as i64),
        ]);
    }
    table.render()
}

/// The same figures for report.json.
pub fn report(shipped: Sizes, variants: &[Variant]) -> Value {
    json!({
        "shipped": super::sizes_json(shipped),
        "variants": variants.iter().map(|v| json!({
            "variant": v.label,
            "features": v.features,
            "total": super::sizes_json(v.total),
            "gzip_over_shipped": v.total.gzip as i64 - shipped.gzip as i64,
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_shows_what_each_variant_adds() {
        let shipped = Sizes {
            raw: 600_000,
            gzip: 248_000,
            brotli: 200_000,
        };
        let variants = [Variant {
            label: "both",
            features: &["wire-serde", "wire-gloo-net"],
            total: Sizes {
                raw: 700_000,
                gzip: 296_000,
                brotli: 240_000,
            },
        }];
        let text = render(shipped, &variants);
        let row = text.lines().find(|l| l.starts_with("both")).unwrap();
        assert!(row.contains("+48.0 KB"), "{row}");
        assert_eq!(
            report(shipped, &variants)["variants"][0]["gzip_over_shipped"],
            48_000
        );
    }
}
