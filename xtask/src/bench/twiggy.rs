//! Where the wasm bytes go, by `twiggy` (installed into cargo's bin by the bench when
//! missing). The release wasm has no names, so this rebuilds the same module with
//! names kept: cargo's release artefact → `wasm-bindgen --target web` → `wasm-opt -Oz
//! -g`, the pipeline trunk runs, minus stripping the name section.

use crate::cmd::{self, Failure, Result};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

pub const TWIGGY_VERSION: &str = "0.8.0";

/// One item of the wasm module and its own size.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub name: String,
    pub bytes: u64,
}

/// What twiggy said: the largest items and the bytes per crate.
pub struct Profile {
    /// Size of the named module, less its name section (close to the release wasm).
    pub code_bytes: u64,
    pub top: Vec<Item>,
    pub by_crate: Vec<Item>,
}

/// Installs twiggy if it is missing.
pub fn ensure() -> Result {
    if cmd::version_of("twiggy", &["--version"]).is_some() {
        return Ok(());
    }
    println!(
        "   twiggy             installing {TWIGGY_VERSION} (cargo install, a few minutes once)"
    );
    cmd::run(
        Command::new("cargo").args(["install", "twiggy", "--locked", "--version", TWIGGY_VERSION]),
        "cargo install twiggy",
    )
}

/// Profiles cargo's release artefact of the widget, with scratch files in `dir`.
pub fn profile(artefact: &Path, dir: &Path, top: usize) -> Result<Profile> {
    ensure()?;
    std::fs::create_dir_all(dir).map_err(|e| Failure::new(format!("{}: {e}", dir.display())))?;
    cmd::run(
        Command::new("wasm-bindgen")
            .args(["--target", "web", "--out-dir"])
            .arg(dir)
            .arg(artefact),
        "wasm-bindgen (for twiggy)",
    )?;
    let bound = dir.join("payment_element_bg.wasm");
    let named = dir.join("named.wasm");
    optimise_with_names(&bound, &named)?;
    profile_named(&named, top)
}

/// `wasm-opt -Oz -g`: the release pipeline's optimisation, names kept.
fn optimise_with_names(input: &Path, output: &Path) -> Result {
    cmd::run(
        Command::new("wasm-opt")
            .args([
                "-Oz",
                "-g",
                "--enable-bulk-memory",
                "--enable-nontrapping-float-to-int",
            ])
            .arg(input)
            .arg("-o")
            .arg(output),
        "wasm-opt -Oz -g (for twiggy)",
    )
}

/// The chunks of the split build and where their bytes go: cargo's release artefact
/// split by `wasm-split-cli` as the trunk hook splits it, each chunk through `wasm-opt
/// -Oz -g` (names kept); by chunk name (`split_qr_code`…).
pub fn chunks(artefact: &Path, dir: &Path, top: usize) -> Result<Vec<(String, Profile)>> {
    ensure()?;
    let split = dir.join("split");
    let _ = std::fs::remove_dir_all(&split);
    cmd::run(
        Command::new("wasm-split-cli")
            .args(["--target", "web", "--out-name", "payment-element"])
            .arg(artefact)
            .arg(&split),
        "wasm-split-cli (for twiggy)",
    )?;
    let mut names: Vec<String> = std::fs::read_dir(&split)
        .map_err(|e| Failure::new(format!("{}: {e}", split.display())))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("split_") && n.ends_with(".wasm"))
        .collect();
    names.sort();
    let mut profiles = Vec::new();
    for name in names {
        let named = split.join(format!("named-{name}"));
        optimise_with_names(&split.join(&name), &named)?;
        let chunk = name.trim_end_matches(".wasm").to_owned();
        profiles.push((chunk, profile_named(&named, top)?));
    }
    Ok(profiles)
}

/// twiggy's profile of a module with names.
fn profile_named(named: &Path, top: usize) -> Result<Profile> {
    let output = Command::new("twiggy")
        .args(["top", "--format", "json"])
        .arg(named)
        .output()
        .map_err(|e| Failure::new(format!("cannot run twiggy: {e}")))?;
    if !output.status.success() {
        return Err(Failure::new(format!(
            "twiggy top failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    let items = parse_top(&String::from_utf8_lossy(&output.stdout))?;
    let total = std::fs::metadata(named).map(|m| m.len()).unwrap_or(0);
    let names: u64 = items
        .iter()
        .filter(|i| is_name_section(&i.name))
        .map(|i| i.bytes)
        .sum();
    let code: Vec<Item> = items
        .into_iter()
        .filter(|i| !is_name_section(&i.name))
        .collect();
    Ok(Profile {
        code_bytes: total.saturating_sub(names),
        by_crate: by_crate(&code),
        top: code.into_iter().take(top).collect(),
    })
}

/// Sections that are not the shipped module: names, and the linker's relocations and
/// linking data, which the split build's artefact keeps (`--emit-relocs`) and the
/// shipped wasm does not.
fn is_name_section(item: &str) -> bool {
    item.ends_with("names\" subsection")
        || item == "custom section 'name'"
        || item.starts_with("custom section 'reloc.")
        || item == "custom section 'linking'"
}

/// Reads `twiggy top --format json`.
pub fn parse_top(json: &str) -> Result<Vec<Item>> {
    let value: Value =
        serde_json::from_str(json).map_err(|e| Failure::new(format!("twiggy's JSON: {e}")))?;
    let rows = value
        .as_array()
        .ok_or_else(|| Failure::new("twiggy's JSON is not a list"))?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            Some(Item {
                name: row.get("name")?.as_str()?.to_owned(),
                bytes: row.get("shallow_size")?.as_u64()?,
            })
        })
        .filter(|item| !item.name.starts_with("Σ") && !item.name.starts_with("..."))
        .collect())
}

/// The crate an item's code comes from: `<dlmalloc[1f2e]::Dlmalloc<…>>::malloc` →
/// `dlmalloc`; `<T as core::fmt::Debug>::fmt` → `core`; data and wasm structure items
/// are grouped under a name in parentheses.
pub fn crate_of(item: &str) -> String {
    if item.starts_with("data segment") || item.starts_with("data[") {
        return "(data segments)".to_owned();
    }
    if item.starts_with("custom section") || item.starts_with('"') {
        return "(custom sections)".to_owned();
    }
    let path = item.trim_start_matches(['<', '&', '*', ' ']);
    let path = path.strip_prefix("dyn ").unwrap_or(path);
    let path = path.strip_prefix("mut ").unwrap_or(path);
    let first = leading_ident(path);
    let generic = first.len() == 1 || first.is_empty();
    let name = match (generic, path.find(" as ")) {
        (true, Some(at)) => leading_ident(path[at + 4..].trim_start_matches(['<', '&'])),
        _ => first,
    };
    match name {
        "" => "(wasm structure)".to_owned(),
        "__rustc" | "alloc" | "std" => "std/alloc".to_owned(),
        other => other.to_owned(),
    }
}

fn leading_ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// Bytes per crate, largest first.
pub fn by_crate(items: &[Item]) -> Vec<Item> {
    let mut sums: Vec<Item> = Vec::new();
    for item in items {
        let name = crate_of(&item.name);
        match sums.iter_mut().find(|s| s.name == name) {
            Some(sum) => sum.bytes += item.bytes,
            None => sums.push(Item {
                name,
                bytes: item.bytes,
            }),
        }
    }
    sums.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.name.cmp(&b.name)));
    sums
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_crate() {
        let dl = "<dlmalloc[e24a27]::dlmalloc::Dlmalloc<dlmalloc[e24a]::sys::System>>::malloc";
        assert_eq!(crate_of(dl), "dlmalloc");
        assert_eq!(
            crate_of("payment_element::mount_demo::hd213e"),
            "payment_element"
        );
        assert_eq!(crate_of("<T as core::fmt::Debug>::fmt::h12"), "core");
        assert_eq!(crate_of("<&T as core[c59]::fmt::Display>::fmt"), "core");
        assert_eq!(crate_of("__rustc[b79]::__rdl_realloc"), "std/alloc");
        assert_eq!(crate_of("data segment \".rodata\""), "(data segments)");
        assert_eq!(
            crate_of("\"function names\" subsection"),
            "(custom sections)"
        );
        assert_eq!(crate_of("table[0]"), "table");
    }

    #[test]
    fn reads_twiggy_json_and_sums_by_crate() {
        let json = r#"[{"name":"core::fmt::write::h1","shallow_size":30,"shallow_size_percent":1.0},
            {"name":"leptos::mount::h2","shallow_size":50,"shallow_size_percent":2.0},
            {"name":"core::str::h3","shallow_size":25,"shallow_size_percent":1.0},
            {"name":"Σ [3 Total Rows]","shallow_size":105,"shallow_size_percent":100.0}]"#;
        let items = parse_top(json).unwrap();
        assert_eq!(items.len(), 3);
        let crates = by_crate(&items);
        assert_eq!(
            crates[0],
            Item {
                name: "core".into(),
                bytes: 55
            }
        );
        assert_eq!(
            crates[1],
            Item {
                name: "leptos".into(),
                bytes: 50
            }
        );
    }
}
