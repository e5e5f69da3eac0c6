//! `cargo xtask bench`: size, start-up, typing and server load, measured side by side
//! with the drop-ins merchants use today (the anchors), printed as one table and written
//! to `target/bench/report.json`. Also the size check of `cargo xtask test`.

mod anchors;
mod browser;
pub mod budget;
mod http;
mod payments;
mod server;
pub mod size;
mod stats;
mod table;
mod twiggy;
mod wire;

use crate::cmd::{self, Failure, Result};
use serde_json::{json, Value};
use size::{kb, Asset, Part, Sizes};
use stats::Summary;
use std::path::PathBuf;
use table::{ms, ratio, Table};

/// Start-up runs per page unless `--runs N` says otherwise.
const DEFAULT_RUNS: usize = 11;
const TWIGGY_TOP: usize = 15;
/// Items shown per chunk of the split wasm.
const CHUNK_TOP: usize = 5;

struct Options {
    runs: usize,
    server: bool,
    wire: bool,
}

fn options(args: &[String]) -> Result<Options> {
    let mut options = Options {
        runs: DEFAULT_RUNS,
        server: true,
        wire: true,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => {
                options.runs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| (1..=100).contains(&n))
                    .ok_or_else(|| Failure::new("--runs takes a number from 1 to 100"))?;
            }
            "--no-server" => options.server = false,
            "--no-wire" => options.wire = false,
            other => return Err(Failure::new(format!("bench: unknown option {other}"))),
        }
    }
    Ok(options)
}

pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| cmd::root().join("target"))
}

/// Where the bench and the size layer put their own release build: `trunk build
/// --release` into the shared dist/ collides with other builds of this work tree running
/// at the same moment (they replace each other's files mid-read).
fn bench_dist() -> PathBuf {
    target_dir().join("bench/dist")
}

/// `trunk build --release --dist target/bench/dist`, the same build as dist/.
fn build_release_widget() -> Result<PathBuf> {
    build_widget(&bench_dist(), &[])
}

/// `trunk build --release --dist <dist>` with these cargo features of the widget
/// (none: the shipped widget). Tried twice, in case another build still held a file.
fn build_widget(dist: &std::path::Path, features: &[&str]) -> Result<PathBuf> {
    println!(
        "\n== building the widget (trunk build --release{}{} --dist {})",
        if features.is_empty() {
            ""
        } else {
            " --features "
        },
        features.join(","),
        dist.display()
    );
    let build = || {
        let mut trunk = crate::demo::trunk_release(features)?;
        trunk.arg("--dist").arg(dist);
        cmd::run(&mut trunk, "trunk build --release").map(|()| dist.to_path_buf())
    };
    build().or_else(|first| {
        println!("\n== {first}; trying once more (another build may have held dist/)");
        std::thread::sleep(std::time::Duration::from_secs(5));
        build()
    })
}

/// The gzip bytes of the release widget against the budget, for `cargo xtask test`:
/// what the card form needs first, all that is shipped, and what the return page loads.
pub struct SizeCheck {
    pub gzip_initial: u64,
    pub gzip_total: u64,
    pub gzip_return_page: u64,
    pub budget: budget::Budget,
}

impl SizeCheck {
    pub fn ok(&self) -> bool {
        self.gzip_initial <= self.budget.gzip_initial_bytes
            && self.gzip_total <= self.budget.gzip_total_bytes
            && self.gzip_return_page <= self.budget.gzip_return_page_bytes
    }

    /// `initial 48.1 KB gzip of 50.5 KB (95%), total 52.0 KB of 54.0 KB (96%), return
    /// page 20.1 KB of 21.0 KB (96%)`.
    pub fn summary(&self) -> String {
        let share = |used: u64, allowed: u64| 100.0 * used as f64 / allowed.max(1) as f64;
        format!(
            "initial {} gzip of {} ({:.0}%), total {} of {} ({:.0}%), return page {} of {} \
             ({:.0}%) ({})",
            kb(self.gzip_initial),
            kb(self.budget.gzip_initial_bytes),
            share(self.gzip_initial, self.budget.gzip_initial_bytes),
            kb(self.gzip_total),
            kb(self.budget.gzip_total_bytes),
            share(self.gzip_total, self.budget.gzip_total_bytes),
            kb(self.gzip_return_page),
            kb(self.budget.gzip_return_page_bytes),
            share(self.gzip_return_page, self.budget.gzip_return_page_bytes),
            budget::FILE
        )
    }
}

/// Builds the release widget and measures it against `size-budget.toml`.
pub fn size_check() -> Result<SizeCheck> {
    let budget = budget::load()?;
    let dist = build_release_widget()?;
    let assets = size::widget_assets(&dist)?;
    // What the return page loads: its own wasm and glue, and the widget's CSS.
    let return_page: Vec<_> = assets
        .iter()
        .filter(|a| matches!(a.part, Part::ReturnPage | Part::Css))
        .cloned()
        .collect();
    // The chunks of the split wasm load when their code first runs: not initial. The
    // return page's wasm is counted in its own number, not the checkout's.
    let (later, mut initial): (Vec<_>, Vec<_>) = assets
        .into_iter()
        .filter(|a| a.part != Part::ReturnPage)
        .partition(|a| a.part == Part::Chunk);
    initial.extend(size::frame_assets(&dist)?);
    for asset in &initial {
        println!("   {:<44} {:>10} gzip", asset.name, kb(asset.sizes.gzip));
    }
    for asset in &later {
        println!(
            "   {:<44} {:>10} gzip (later)",
            asset.name,
            kb(asset.sizes.gzip)
        );
    }
    for asset in &return_page {
        println!(
            "   {:<44} {:>10} gzip (the return page)",
            asset.name,
            kb(asset.sizes.gzip)
        );
    }
    let icons = size::icon_assets(&dist)?;
    let gzip_initial = size::total(&initial).gzip;
    let icons_gzip = size::total(&icons).gzip;
    println!(
        "   {:<44} {:>10} gzip ({} files, later)",
        "icons/",
        kb(icons_gzip),
        icons.len()
    );
    Ok(SizeCheck {
        gzip_initial,
        gzip_total: gzip_initial + size::total(&later).gzip + icons_gzip,
        gzip_return_page: size::total(&return_page).gzip,
        budget,
    })
}

/// What machine the figures come from.
fn machine_info() -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown CPU".to_owned(), |(_, m)| m.trim().to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    // The machine is shared: how busy it was says how far to trust the timings.
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_default();
    json!({
        "cores": cores,
        "cpu": cpu,
        "memory_gib": (mem_kib as f64 / 1024.0 / 1024.0 * 10.0).round() / 10.0,
        "load_average_1min": load,
        "chromium": cmd::version_of(crate::setup::CHROMIUM, &["--version"]).unwrap_or_default(),
        "date": cmd::version_of("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_default(),
    })
}

fn machine_line(m: &Value) -> String {
    format!(
        "{} cores ({}), {} GiB, load {}, {} — {}",
        m["cores"],
        m["cpu"].as_str().unwrap_or(""),
        m["memory_gib"],
        m["load_average_1min"].as_str().unwrap_or("?"),
        m["chromium"].as_str().unwrap_or(""),
        m["date"].as_str().unwrap_or("")
    )
}

fn sizes_json(s: Sizes) -> Value {
    json!({ "raw": s.raw, "gzip": s.gzip, "brotli": s.brotli })
}

fn assets_json(assets: &[Asset]) -> Value {
    Value::Array(
        assets
            .iter()
            .map(|a| json!({ "file": a.name, "part": a.part.as_str(), "sizes": sizes_json(a.sizes) }))
            .collect(),
    )
}

fn summary_json(s: Option<Summary>) -> Value {
    match s {
        Some(s) => json!({ "runs": s.runs, "median_ms": s.median, "p95_ms": s.p95,
                           "min_ms": s.min, "max_ms": s.max }),
        None => Value::Null,
    }
}

/// `180 ms (150–260, n=11)`.
fn spread(s: Option<Summary>) -> String {
    match s {
        Some(s) => format!("{} ({:.0}–{:.0}, n={})", ms(s.median), s.min, s.max, s.runs),
        None => "no figure".to_owned(),
    }
}

pub fn run(args: &[String]) -> Result {
    let options = options(args)?;
    let root = cmd::root();
    let bench_dir = target_dir().join("bench");
    std::fs::create_dir_all(&bench_dir)
        .map_err(|e| Failure::new(format!("{}: {e}", bench_dir.display())))?;
    let machine = machine_info();
    println!("== bench on {}", machine_line(&machine));

    // 1. Our transfer size.
    let dist = build_release_widget()?;
    let ours = size::widget_assets(&dist)?;
    let ours_total = size::total(&ours);
    let ours_first = size::total(&first_load(&ours));
    println!(
        "\n   {:<44} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip -9", "brotli 11"
    );
    for asset in &ours {
        let s = asset.sizes;
        println!(
            "   {:<44} {:>10} {:>10} {:>10}",
            asset.name,
            kb(s.raw),
            kb(s.gzip),
            kb(s.brotli)
        );
    }
    // Other builds share target/: keep this build's artefact before one replaces it.
    let artefact = target_dir().join("wasm32-unknown-unknown/release/payment_element.wasm");
    let twiggy_dir = bench_dir.join("twiggy");
    let kept = twiggy_dir.join("payment_element.wasm");
    let _ = std::fs::create_dir_all(&twiggy_dir);
    std::fs::copy(&artefact, &kept)
        .map_err(|e| Failure::new(format!("{}: {e}", artefact.display())))?;

    // The wire read by serde and fetched by gloo-net instead, built the same way (issue
    // 21); after the copy above, since these builds replace cargo's artefact.
    let wire = if options.wire {
        wire::measure(&bench_dir, build_widget).map_err(|e| e.to_string())
    } else {
        Err("skipped (--no-wire)".to_owned())
    };

    // 2. The anchors, measured the same way.
    println!("\n== anchors (npm, esbuild)");
    let anchors = anchors::build(&bench_dir.join("anchors"))?;

    // Where the wasm bytes go.
    println!("\n== twiggy");
    // twiggy reads the wasm before it is split: the main module and its chunks.
    let release_wasm =
        size::total_of(&ours, Part::Wasm).raw + size::total_of(&ours, Part::Chunk).raw;
    let chunk_profiles = twiggy::chunks(&kept, &twiggy_dir, CHUNK_TOP);
    let profile = twiggy::profile(&kept, &twiggy_dir, TWIGGY_TOP).and_then(|p| {
        // The named rebuild must be the module dist/ holds, give or take wasm-opt's
        // handling of names; otherwise another build replaced cargo's artefact.
        let off = p.code_bytes.abs_diff(release_wasm) as f64 / release_wasm.max(1) as f64;
        if off > 0.03 {
            Err(Failure::new(format!(
                "the wasm twiggy read ({}) is not the one in dist/ ({}): another build \
                 replaced cargo's artefact meanwhile; run the bench again",
                kb(p.code_bytes),
                kb(release_wasm)
            )))
        } else {
            Ok(p)
        }
    });

    // 3 and 4. Start-up and typing in headless Chromium.
    println!(
        "\n== start-up and typing in headless Chromium ({} runs per page)",
        options.runs
    );
    // Our page loads the widget's files and the card frame from a payments origin (the
    // release server's second listener), which must allow the bench server's origin.
    let server_binary = server::build(&root)?;
    let listener = http::Server::bind()?;
    let storefront = format!(
        "http://{}",
        listener
            .local_addr()
            .map_err(|e| Failure::new(format!("bench server: {e}")))?
    );
    let payments = payments::start(&server_binary, &dist, &storefront)?;
    let anchor_keys: Vec<&str> = anchors.iter().map(|a| a.key).collect();
    let routes = browser::routes(
        &dist,
        &bench_dir.join("anchors/out"),
        &anchor_keys,
        &payments,
    )?;
    let mut pages = vec![browser::Page {
        key: "ours",
        path: "ours.html".to_owned(),
        query: "",
    }];
    pages.extend(anchors.iter().map(|a| browser::Page {
        key: a.key,
        path: format!("{}.html", a.key),
        query: "",
    }));
    // The same page with the card fields inline: what the frame costs, and keystrokes.
    pages.push(browser::Page {
        key: "ours-inline",
        path: "ours.html".to_owned(),
        query: "cardFields=inline",
    });
    let scratch = browser::scratch_dir(&bench_dir);
    let timings = browser::measure(listener, routes, &pages, options.runs, &scratch)?;
    let _ = std::fs::remove_dir_all(&scratch);
    drop(payments);

    // 5. The server under load.
    let load = if options.server {
        println!("\n== server load (wrk)");
        server::measure(&root, &bench_dir, &dist)
    } else {
        Err("skipped (--no-server)".to_owned())
    };

    // The table, section by section, and the same figures for report.json.
    let mut table = Table::new(&[
        "measure",
        "ours",
        &anchors[0].label,
        &anchors[1].label,
        "ours/Adyen",
        "ours/Braintree",
    ]);
    size_rows(&mut table, &ours, &anchors);
    let start_up = start_up_rows(&mut table, &timings[..3]);
    let frame = frame_rows(&mut table, &timings[0], &timings[3]);
    let typing = typing_rows(&mut table, &timings[3]);
    let server = server_rows(&mut table, &load);

    let machine_after = machine_info();
    println!("\n== results on {}\n", machine_line(&machine_after));
    println!("{}", table.render());
    let mut notes = Vec::new();
    for (page, t) in pages.iter().zip(&timings) {
        if !t.errors.is_empty() {
            notes.push(format!(
                "{} runs without a figure: {} (first: {})",
                page.key,
                t.errors.len(),
                t.errors[0]
            ));
        }
    }
    match &profile {
        Ok(p) => print_profile(p),
        Err(e) => notes.push(format!("twiggy: {e}")),
    }
    match &chunk_profiles {
        Ok(chunks) => print_chunks(chunks),
        Err(e) => notes.push(format!("twiggy (chunks): {e}")),
    }
    match &wire {
        Ok(variants) => println!(
            "\n== the wire, two ways (issue 21)\n\n{}",
            wire::render(ours_total, variants)
        ),
        Err(e) => notes.push(format!("wire variants: {e}")),
    }
    for note in &notes {
        println!("note: {note}");
    }

    let report = json!({
        "machine": machine,
        "machine_after": machine_after,
        "runs": options.runs,
        "ours": {
            "files": assets_json(&ours),
            "total": sizes_json(ours_total),
            "first_load": sizes_json(ours_first),
            "start_up": start_up[0],
            "card_frame": frame,
            "typing": typing,
        },
        "anchors": anchors.iter().zip(&start_up[1..]).map(|(a, start_up)| json!({
            "name": a.label,
            "files": assets_json(&a.assets),
            "total": sizes_json(size::total(&a.assets)),
            "gzip_ratio_ours_first_load_over_theirs":
                ours_first.gzip as f64 / size::total(&a.assets).gzip.max(1) as f64,
            "start_up": start_up,
        })).collect::<Vec<_>>(),
        "server": server,
        "twiggy": match &profile {
            Ok(p) => json!({
                "code_bytes": p.code_bytes,
                "top": p.top.iter()
                    .map(|i| json!({"item": i.name, "bytes": i.bytes})).collect::<Vec<_>>(),
                "by_crate": p.by_crate.iter()
                    .map(|i| json!({"crate": i.name, "bytes": i.bytes})).collect::<Vec<_>>(),
            }),
            Err(e) => json!({ "error": e.to_string() }),
        },
        "twiggy_chunks": match &chunk_profiles {
            Ok(chunks) => json!(chunks.iter().map(|(name, p)| json!({
                "chunk": name,
                "code_bytes": p.code_bytes,
                "top": p.top.iter()
                    .map(|i| json!({"item": i.name, "bytes": i.bytes})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>()),
            Err(e) => json!({ "error": e.to_string() }),
        },
        "wire": match &wire {
            Ok(variants) => wire::report(ours_total, variants),
            Err(e) => json!({ "error": e }),
        },
        "notes": notes,
    });
    let path = bench_dir.join("report.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
    )
    .map_err(|e| Failure::new(format!("{}: {e}", path.display())))?;
    println!("\nreport: {}", path.display());
    if let Ok(b) = budget::load() {
        println!(
            "size budget ({}): {} gzip allowed first, {} in all; the widget files above {}",
            budget::FILE,
            kb(b.gzip_initial_bytes),
            kb(b.gzip_total_bytes),
            kb(ours_total.gzip)
        );
    }
    Ok(())
}

/// Raw, gzip and brotli per part and in total, with ours/theirs ratios of the totals.
fn size_rows(table: &mut Table, ours: &[Asset], anchors: &[anchors::Anchor]) {
    table.section(
        "transfer size: the release dist the demo serves (wasm, JS glue + boot.js, widget CSS)",
    );
    let cell = |s: Sizes| {
        if s.raw == 0 {
            "—".to_owned()
        } else {
            format!("{} / {} / {}", kb(s.raw), kb(s.gzip), kb(s.brotli))
        }
    };
    for (part, label) in [
        (Part::Wasm, "wasm"),
        (Part::Chunk, "wasm chunks, loaded later"),
        (Part::ReturnPage, "the return page's wasm + glue"),
        (Part::Js, "JS"),
        (Part::Css, "CSS"),
    ] {
        let mut row = vec![
            format!("{label} raw / gzip -9 / brotli q11"),
            cell(size::total_of(ours, part)),
        ];
        row.extend(
            anchors
                .iter()
                .map(|a| cell(size::total_of(&a.assets, part))),
        );
        table.row(row);
    }
    let ours_first = size::total(&first_load(ours));
    let totals: Vec<Sizes> = anchors.iter().map(|a| size::total(&a.assets)).collect();
    type Pick = fn(Sizes) -> u64;
    let picks: [(&str, Pick); 3] = [
        ("first load raw (ours: without the lazy chunks)", |s| s.raw),
        ("first load gzip -9", |s| s.gzip),
        ("first load brotli q11", |s| s.brotli),
    ];
    let checkout: Vec<Asset> = ours
        .iter()
        .filter(|a| a.part != Part::ReturnPage)
        .cloned()
        .collect();
    let every_chunk = size::total(&checkout);
    table.row(vec![
        "ours with every chunk, gzip -9 / brotli q11".to_owned(),
        format!("{} / {}", kb(every_chunk.gzip), kb(every_chunk.brotli)),
    ]);
    // The return page's own wasm and glue with the widget's CSS (budgeted as such).
    let return_page: Vec<Asset> = ours
        .iter()
        .filter(|a| matches!(a.part, Part::ReturnPage | Part::Css))
        .cloned()
        .collect();
    if !return_page.is_empty() {
        let sizes = size::total(&return_page);
        table.row(vec![
            "ours, the return page (its wasm + glue, CSS), gzip -9 / brotli q11".to_owned(),
            format!("{} / {}", kb(sizes.gzip), kb(sizes.brotli)),
        ]);
    }
    for (label, pick) in picks {
        let mine = pick(ours_first);
        let mut row = vec![label.to_owned(), kb(mine)];
        row.extend(totals.iter().map(|&t| kb(pick(t))));
        row.extend(
            totals
                .iter()
                .map(|&t| ratio(Some(mine as f64), Some(pick(t) as f64))),
        );
        table.row(row);
    }
}

/// What the checkout page loads first: without the chunks the split wasm fetches later
/// (a QR code, a 3-D Secure dialog) and without the return page's own wasm.
fn first_load(assets: &[Asset]) -> Vec<Asset> {
    assets
        .iter()
        .filter(|a| !matches!(a.part, Part::Chunk | Part::ReturnPage))
        .cloned()
        .collect()
}

/// One row: a label, one cell per page, then ours/theirs for each anchor.
fn timing_row(
    table: &mut Table,
    label: &str,
    figures: &[Option<Summary>],
    cell: impl Fn(Summary) -> String,
    pick: Option<fn(Summary) -> f64>,
) {
    let mut row = vec![label.to_owned()];
    row.extend(figures.iter().map(|f| f.map_or("—".to_owned(), &cell)));
    if let Some(pick) = pick {
        let ours = figures[0].map(pick);
        row.extend(figures[1..].iter().map(|f| ratio(ours, f.map(pick))));
    }
    table.row(row);
}

/// Start-up rows; the figures of each page (ours first) for report.json.
fn start_up_rows(table: &mut Table, timings: &[browser::Runs]) -> Vec<Value> {
    table.section(
        "start-up (fresh browser, warmed on an empty page, nothing cached), navigation start → \
         ours: widget rendered and interactive; anchors: script evaluated (they cannot render \
         offline)",
    );
    let of = |pick: fn(&browser::Runs) -> &Vec<f64>| -> Vec<Option<Summary>> {
        timings.iter().map(|t| stats::summarize(pick(t))).collect()
    };
    let starts = of(|t| &t.start);
    let loaded = of(|t| &t.loaded);
    let after = of(|t| &t.after_load);
    let median: fn(Summary) -> f64 = |s| s.median;
    let fastest: fn(Summary) -> f64 = |s| s.min;
    timing_row(
        table,
        "median (min–max, runs)",
        &starts,
        |s| spread(Some(s)),
        Some(median),
    );
    timing_row(table, "fastest run", &starts, |s| ms(s.min), Some(fastest));
    timing_row(
        table,
        "of which: last byte of wasm / script received, median",
        &loaded,
        |s| ms(s.median),
        None,
    );
    timing_row(
        table,
        "then the page's own work (→ ready / evaluated), median",
        &after,
        |s| ms(s.median),
        Some(median),
    );
    let ready_event = stats::summarize(&timings[0].ready_event);
    if let Some(event) = ready_event {
        let mut row = vec!["ours: → `ready` DOM event".to_owned(), spread(Some(event))];
        row.extend(starts[1..].iter().map(|_| "n/a".to_owned()));
        row.extend(
            starts[1..]
                .iter()
                .map(|s| ratio(Some(event.median), s.map(median))),
        );
        table.row(row);
    }
    // Layout shift is ours alone: the anchors' pages only load their script.
    let cls = stats::summarize(&timings[0].cls);
    if let Some(shift) = cls {
        let mut row = vec![
            "ours: cumulative layout shift until 1 s after ready, median (max)".to_owned(),
            format!("{:.3} ({:.3})", shift.median, shift.max),
        ];
        row.extend(starts[1..].iter().map(|_| "n/a".to_owned()));
        row.extend(starts[1..].iter().map(|_| "n/a".to_owned()));
        table.row(row);
    }
    (0..timings.len())
        .map(|i| {
            json!({
                "cumulative_layout_shift": if i == 0 { summary_json(cls) } else { Value::Null },
                "to_ready_or_evaluated": summary_json(starts[i]),
                "to_main_file_received": summary_json(loaded[i]),
                "after_main_file_received": summary_json(after[i]),
                "to_ready_event": if i == 0 { summary_json(ready_event) } else { Value::Null },
            })
        })
        .collect()
}

/// Start-up with the card fields inline beside the card frame's (the default, in the
/// table above): what the frame costs a shopper; the figures for report.json.
fn frame_rows(table: &mut Table, frame: &browser::Runs, inline: &browser::Runs) -> Value {
    table.section(
        "the card frame: ours with the card fields in the payments origin's frame (above) \
         and inline in the page, navigation start → card number typeable",
    );
    let framed = stats::summarize(&frame.start);
    let inline_start = stats::summarize(&inline.start);
    let cost = framed.zip(inline_start).map(|(f, i)| f.median - i.median);
    table.row(vec![
        "ours, card fields inline: median (min–max, runs)".to_owned(),
        spread(inline_start),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ]);
    table.row(vec![
        "the card frame adds, median".to_owned(),
        cost.map_or_else(|| "no figure".to_owned(), |c| format!("{c:+.0} ms")),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ]);
    json!({
        "inline_to_ready": summary_json(inline_start),
        "frame_to_ready": summary_json(framed),
        "frame_adds_median_ms": cost,
    })
}

/// Typing rows for the fields the built widget has; their figures for report.json.
fn typing_rows(table: &mut Table, ours: &browser::Runs) -> Value {
    table.section(
        "typing, per keystroke: input event → DOM updated (handler + reactive updates), \
         synthetic input events",
    );
    const FIELDS: [(&str, &str); 3] = [
        ("number", "cc-number"),
        ("expiry", "cc-exp"),
        ("cvc", "cc-csc"),
    ];
    let figure = |s: Option<Summary>| {
        s.map_or("no figure".to_owned(), |s| {
            format!("{} / {} (n={})", ms(s.median), ms(s.p95), s.runs)
        })
    };
    let mut json = serde_json::Map::new();
    let mut all_keys = Vec::new();
    let mut shown = Vec::new();
    let mut missing = Vec::new();
    // In the order the probe types them, not alphabetical.
    for (field, autocomplete) in FIELDS {
        let Some((_, samples)) = ours.typing.iter().find(|(f, _)| f == field) else {
            missing.push(autocomplete);
            continue;
        };
        all_keys.extend_from_slice(samples);
        let summary = stats::summarize(samples);
        let value = ours
            .typed_values
            .iter()
            .find(|(f, _)| f == field)
            .map_or("", |(_, v)| v.as_str());
        shown.push(format!("{field} {value:?}"));
        json.insert(
            field.to_owned(),
            json!({ "summary": summary_json(summary), "value_after_typing": value }),
        );
        table.row(vec![
            format!("{field}: median / p95"),
            figure(summary),
            "n/a".to_owned(),
            "n/a".to_owned(),
        ]);
    }
    let all = stats::summarize(&all_keys);
    json.insert("all".to_owned(), summary_json(all));
    if shown.len() > 1 {
        table.row(vec!["all fields: median / p95".to_owned(), figure(all)]);
    }
    if !shown.is_empty() {
        table.row(vec!["fields after typing".to_owned(), shown.join(", ")]);
    }
    if !missing.is_empty() {
        table.row(vec![
            "not in the built widget".to_owned(),
            missing.join(", "),
        ]);
    }
    Value::Object(json)
}

/// Server rows, or the sentence saying why there are none; the figures for report.json.
fn server_rows(table: &mut Table, load: &std::result::Result<Vec<server::Load>, String>) -> Value {
    table.section(
        "server: confirmation token + create-confirm-intent on loopback, SQLite, wrk \
         (latency per request, either call)",
    );
    let loads = match load {
        Ok(loads) => loads,
        Err(why) => {
            table.row(vec!["not measured".to_owned(), why.clone()]);
            return json!({ "not_measured": why });
        }
    };
    for l in loads {
        let trouble = if l.failed + l.errors > 0 {
            format!(
                ", {} failed, {} errors: {}",
                l.failed, l.errors, l.last_error
            )
        } else {
            String::new()
        };
        table.row(vec![
            format!("{} client(s), {:.0} s", l.clients, l.seconds),
            format!(
                "{:.0} pairs/s ({:.0} req/s), p50 {} p99 {}{trouble}",
                l.pairs_per_second(),
                l.requests_per_second(),
                ms(l.p50_ms),
                ms(l.p99_ms),
            ),
            "n/a".to_owned(),
            "n/a".to_owned(),
        ]);
    }
    Value::Array(
        loads
            .iter()
            .map(|l| {
                json!({
                    "clients": l.clients, "seconds": l.seconds, "requests": l.requests,
                    "confirmed_pairs": l.confirmed, "pairs_per_second": l.pairs_per_second(),
                    "requests_per_second": l.requests_per_second(),
                    "p50_ms": l.p50_ms, "p99_ms": l.p99_ms,
                    "failed": l.failed, "errors": l.errors,
                })
            })
            .collect(),
    )
}

/// Each chunk's size and its largest items.
fn print_chunks(chunks: &[(String, twiggy::Profile)]) {
    for (name, p) in chunks {
        println!(
            "\nwhere {name}'s bytes go (a chunk loaded later; {} without names)",
            kb(p.code_bytes)
        );
        println!("{}", top_items(p));
    }
}

/// A profile's largest items and their share of its bytes.
fn top_items(p: &twiggy::Profile) -> String {
    let mut top = Table::new(&["bytes", "share", "item"]);
    for item in &p.top {
        top.row(vec![
            item.bytes.to_string(),
            format!(
                "{:.1}%",
                100.0 * item.bytes as f64 / p.code_bytes.max(1) as f64
            ),
            item.name.chars().take(110).collect(),
        ]);
    }
    top.render()
}

/// twiggy's top items and the bytes per crate.
fn print_profile(p: &twiggy::Profile) {
    println!(
        "\nwhere the wasm bytes go (twiggy top, the release module rebuilt with names: {} \
         without the name section)",
        kb(p.code_bytes)
    );
    println!("{}", top_items(p));
    let crates: Vec<String> = p
        .by_crate
        .iter()
        .take(12)
        .map(|c| format!("{} {}", c.name, kb(c.bytes)))
        .collect();
    println!("by crate: {}", crates.join(", "));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset(name: &str, part: Part, raw: u64, gzip: u64, brotli: u64) -> Asset {
        Asset {
            name: name.to_owned(),
            part,
            sizes: Sizes { raw, gzip, brotli },
        }
    }

    fn line<'a>(text: &'a str, label: &str) -> &'a str {
        text.lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no {label:?} line in\n{text}"))
    }

    #[test]
    fn size_rows_compare_totals() {
        let ours = [
            asset("w_bg.wasm", Part::Wasm, 100_000, 40_000, 30_000),
            asset("w.js", Part::Js, 10_000, 3_000, 2_500),
            asset("split_qr_code-1.wasm", Part::Chunk, 20_000, 9_000, 8_000),
            asset(
                "payment-status-2_bg.wasm",
                Part::ReturnPage,
                30_000,
                12_000,
                10_000,
            ),
            asset("p.css", Part::Css, 2_000, 1_000, 900),
        ];
        let anchor = |key, gzip| anchors::Anchor {
            key,
            label: key.to_owned(),
            assets: vec![asset("x.js", Part::Js, 300_000, gzip, 90_000)],
        };
        let anchors = [anchor("adyen", 100_000), anchor("braintree", 129_000)];
        let mut table = Table::new(&["measure", "ours", "a", "b", "r1", "r2"]);
        size_rows(&mut table, &ours, &anchors);
        let text = table.render();
        // The first load leaves out the chunk, loaded later, and the return page's wasm;
        // the chunk counts in all the checkout may load, the return page on its own.
        let gzip = line(&text, "first load gzip -9");
        for expected in ["44.0 KB", "100.0 KB", "129.0 KB", "0.44×", "0.34×"] {
            assert!(gzip.contains(expected), "{expected} missing in {gzip:?}");
        }
        let all = line(&text, "ours with every chunk");
        assert!(all.contains("53.0 KB / 41.4 KB"), "{all:?}");
        let return_page = line(&text, "ours, the return page");
        assert!(return_page.contains("13.0 KB / 10.9 KB"), "{return_page:?}");
        let chunks = line(&text, "wasm chunks");
        assert!(chunks.contains("20.0 KB / 9.0 KB / 8.0 KB"), "{chunks:?}");
        let wasm = line(&text, "wasm raw");
        assert!(wasm.contains("100.0 KB / 40.0 KB / 30.0 KB") && wasm.contains('—'));
    }

    #[test]
    fn typing_rows_name_the_fields_the_widget_lacks() {
        let runs = browser::Runs {
            typing: vec![("number".to_owned(), vec![0.5, 0.25, 0.75, 4.0, 0.5])],
            typed_values: vec![("number".to_owned(), "4242".to_owned())],
            ..Default::default()
        };
        let mut table = Table::new(&["measure", "ours", "a", "b"]);
        let json = typing_rows(&mut table, &runs);
        let text = table.render();
        assert!(line(&text, "number: median / p95").contains("0.50 ms / 4.00 ms (n=5)"));
        assert!(line(&text, "fields after typing").contains("number \"4242\""));
        assert!(line(&text, "not in the built widget").contains("cc-exp, cc-csc"));
        assert_eq!(json["number"]["summary"]["median_ms"], 0.5);
    }

    #[test]
    fn server_rows_say_why_there_are_none() {
        let mut table = Table::new(&["measure", "ours"]);
        let json = server_rows(
            &mut table,
            &Err("server API not available: POST /api/confirmation_tokens answered 404".into()),
        );
        assert!(line(&table.render(), "not measured").contains("server API not available"));
        assert!(json["not_measured"].as_str().unwrap().contains("404"));
    }
}
