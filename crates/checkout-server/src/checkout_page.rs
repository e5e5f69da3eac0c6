//! The storefront's checkout page: `dist/index.html` with the widget's files taken from
//! the payments origin, so the page and the card frame fetch one copy of the bytes
//! (where the browser's cache partitioning lets them share it: README, "Limits").
//!
//! Every `href`, `src` or `content` value naming a file at the top of `dist` — except the
//! page itself and the merchant's own `demo-*.js` / `demo-*.css` — gets the payments
//! origin in front (trunk writes them as `/name-<hash>.ext`, boot.js reads the two
//! `<meta>` tags), and a tag with `integrity` gets `crossorigin="anonymous"` if it lacks
//! one (a cross-origin file is checked only when fetched with CORS). Trunk's release
//! HTML is minified, attribute quotes dropped, so the page is read tag by tag rather than
//! with patterns. The page is small: it is rewritten on every request.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::html::escape_attribute;
use crate::state::AppState;

/// Whether a file at the top of `dist` is the widget's (served by the payments origin)
/// rather than the merchant's page or its own script and style.
pub fn is_widget_file(name: &str) -> bool {
    let merchant = name.ends_with(".html")
        || (name.starts_with("demo-") && (name.ends_with(".js") || name.ends_with(".css")));
    !merchant
}

/// The widget's files at the top of `dist`.
pub async fn widget_files(dist: &Path) -> HashSet<String> {
    let mut files = HashSet::new();
    let Ok(mut entries) = tokio::fs::read_dir(dist).await else {
        return files;
    };
    while let Ok(Some(entry)) = entries.next_entry().await {
        let is_file = entry.file_type().await.is_ok_and(|t| t.is_file());
        if let (true, Some(name)) = (is_file, entry.file_name().to_str()) {
            if is_widget_file(name) {
                files.insert(name.to_owned());
            }
        }
    }
    files
}

struct Attribute {
    name: String,
    /// Where the name ends.
    name_end: usize,
    /// The value token, quotes included, and the value inside them.
    value: Option<((usize, usize), (usize, usize))>,
}

struct Tag {
    name: String,
    attributes: Vec<Attribute>,
    /// The index of the closing `>`.
    end: usize,
}

/// Reads the start tag at `start` (a `<` followed by a letter), as an HTML parser
/// would; `None` if the page ends inside it.
fn parse_tag(html: &str, start: usize) -> Option<Tag> {
    let b = html.as_bytes();
    let len = b.len();
    let mut i = start + 1;
    while i < len && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
        i += 1;
    }
    let name = html[start + 1..i].to_ascii_lowercase();
    let mut attributes = Vec::new();
    loop {
        while i < len && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= len {
            return None;
        }
        if b[i] == b'>' {
            return Some(Tag {
                name,
                attributes,
                end: i,
            });
        }
        let name_start = i;
        // A name's first character may be `=` (HTML reads it as part of the name).
        i += 1;
        while i < len && !b[i].is_ascii_whitespace() && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let attribute_name = html[name_start..i].to_ascii_lowercase();
        let name_end = i;
        let mut j = i;
        while j < len && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if j >= len || b[j] != b'=' {
            attributes.push(Attribute {
                name: attribute_name,
                name_end,
                value: None,
            });
            i = j;
            continue;
        }
        j += 1;
        while j < len && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if j >= len {
            return None;
        }
        let value = if b[j] == b'"' || b[j] == b'\'' {
            let close = j + 1 + html[j + 1..].find(b[j] as char)?;
            i = close + 1;
            ((j, close + 1), (j + 1, close))
        } else {
            let value_start = j;
            while j < len && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                j += 1;
            }
            i = j;
            ((value_start, j), (value_start, j))
        };
        attributes.push(Attribute {
            name: attribute_name,
            name_end,
            value: Some(value),
        });
    }
}

/// The tag from `start` to its `>`, with its edits made.
fn rewrite_tag(
    html: &str,
    start: usize,
    tag: &Tag,
    files: &HashSet<String>,
    origin: &str,
) -> String {
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for attribute in &tag.attributes {
        let Some((token, text)) = attribute.value else {
            continue;
        };
        if !matches!(attribute.name.as_str(), "href" | "src" | "content") {
            continue;
        }
        let value = &html[text.0..text.1];
        let name = value
            .strip_prefix("./")
            .or_else(|| value.strip_prefix('/'))
            .unwrap_or(value);
        if files.contains(name) {
            let url = escape_attribute(&format!("{origin}/{name}"));
            edits.push((token.0, token.1, format!("\"{url}\"")));
        }
    }
    let has = |name: &str| tag.attributes.iter().any(|a| a.name == name);
    if has("integrity") && !has("crossorigin") {
        if let Some(integrity) = tag.attributes.iter().find(|a| a.name == "integrity") {
            let at = integrity
                .value
                .map_or(integrity.name_end, |(token, _)| token.1);
            edits.push((at, at, " crossorigin=\"anonymous\"".to_owned()));
        }
    }
    edits.sort_by_key(|(from, _, _)| *from);
    let mut out = String::new();
    let mut copied = start;
    for (from, to, text) in edits {
        out.push_str(&html[copied..from]);
        out.push_str(&text);
        copied = to;
    }
    out.push_str(&html[copied..=tag.end]);
    out
}

/// The index of `needle` (ASCII, lowercase) in `haystack`, ignoring ASCII case.
fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The page with the widget's `files` taken from `origin`.
pub fn rewrite(html: &str, files: &HashSet<String>, origin: &str) -> String {
    let b = html.as_bytes();
    let mut out = String::with_capacity(html.len() + 512);
    let mut copied = 0;
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        let start = i + offset;
        if html[start..].starts_with("<!--") {
            i = html[start..]
                .find("-->")
                .map_or(html.len(), |end| start + end + 3);
            continue;
        }
        if !b.get(start + 1).is_some_and(u8::is_ascii_alphabetic) {
            i = start + 1;
            continue;
        }
        let Some(tag) = parse_tag(html, start) else {
            break;
        };
        out.push_str(&html[copied..start]);
        out.push_str(&rewrite_tag(html, start, &tag, files, origin));
        copied = tag.end + 1;
        i = copied;
        // The text of these elements is not markup.
        if matches!(tag.name.as_str(), "script" | "style" | "textarea" | "title") {
            let close = format!("</{}", tag.name);
            i = find_ignoring_case(&html[i..], &close).map_or(html.len(), |at| i + at);
        }
    }
    out.push_str(&html[copied..]);
    out
}

fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d: Duration| d.as_secs())
}

/// `GET /`, `/index.html` and every path no file answers: the checkout page,
/// revalidated by `ETag` or `Last-Modified`.
pub async fn checkout_page_get(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    page_get(&state, &method, &headers, "index.html").await
}

/// `GET /complete`, the return page: `complete.html`, which the release build writes
/// (the checkout page loading the return page's own wasm, not the widget's), or the
/// checkout page where a build has none (`trunk serve`'s, whose demo.js shows the
/// status on this path with the widget's wasm).
pub async fn return_page_get(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let page = if tokio::fs::try_exists(state.settings().dist.join(RETURN_PAGE))
        .await
        .unwrap_or(false)
    {
        RETURN_PAGE
    } else {
        "index.html"
    };
    page_get(&state, &method, &headers, page).await
}

/// The return page of a release build (examples/stage.sh).
const RETURN_PAGE: &str = "complete.html";

/// The page `file` of `dist`, with the widget's files taken from the payments origin.
async fn page_get(state: &AppState, method: &Method, headers: &HeaderMap, file: &str) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response();
    }
    let dist = &state.settings().dist;
    let index = dist.join(file);
    let (Ok(html), Ok(metadata)) = (
        tokio::fs::read_to_string(&index).await,
        tokio::fs::metadata(&index).await,
    ) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let files = widget_files(dist).await;
    let page = rewrite(&html, &files, &state.settings().payments_origin);
    let etag = format!(
        "\"{}\"",
        hex::encode(&Sha256::digest(page.as_bytes())[..12])
    );
    let modified = metadata.modified().ok();
    let mut response_headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response_headers.insert(header::ETAG, value);
    }
    if let Some(value) =
        modified.and_then(|m| HeaderValue::from_str(&httpdate::fmt_http_date(m)).ok())
    {
        response_headers.insert(header::LAST_MODIFIED, value);
    }
    let header_text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let not_modified = match header_text(header::IF_NONE_MATCH) {
        Some(tags) => tags
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == etag || t == "*"),
        None => header_text(header::IF_MODIFIED_SINCE)
            .and_then(|since| httpdate::parse_http_date(since).ok())
            .zip(modified)
            .is_some_and(|(since, modified)| unix_seconds(modified) <= unix_seconds(since)),
    };
    if not_modified {
        return (StatusCode::NOT_MODIFIED, response_headers).into_response();
    }
    response_headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    (StatusCode::OK, response_headers, Body::from(page)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> HashSet<String> {
        [
            "boot-1.js",
            "payment-element-2.js",
            "payment-element-2_bg.wasm",
            "pe-3.css",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect()
    }

    #[test]
    fn quoted_unquoted_and_bare_urls_are_rewritten() {
        let html = r#"<link href=/pe-3.css rel=stylesheet integrity=sha384-a><meta content="/payment-element-2.js" name=payment-element-js><script src='./boot-1.js' type=module></script><a href=/other.js>x</a>"#;
        assert_eq!(
            rewrite(html, &files(), "https://pay.example"),
            r#"<link href="https://pay.example/pe-3.css" rel=stylesheet integrity=sha384-a crossorigin="anonymous"><meta content="https://pay.example/payment-element-2.js" name=payment-element-js><script src="https://pay.example/boot-1.js" type=module></script><a href=/other.js>x</a>"#
        );
    }

    #[test]
    fn comments_script_text_and_existing_crossorigin_are_left_alone() {
        let html = "<!-- <link href=/pe-3.css> --><script>if (a<b) x('/boot-1.js')</script>\
                    <link rel=preload href=/payment-element-2_bg.wasm crossorigin integrity=sha384-b/>";
        assert_eq!(
            rewrite(html, &files(), "http://127.0.0.1:8090"),
            "<!-- <link href=/pe-3.css> --><script>if (a<b) x('/boot-1.js')</script>\
             <link rel=preload href=\"http://127.0.0.1:8090/payment-element-2_bg.wasm\" crossorigin integrity=sha384-b/>"
        );
    }

    #[test]
    fn the_merchants_own_files_stay_on_the_storefront() {
        assert!(is_widget_file("boot-7647d2b738202efa.js"));
        assert!(is_widget_file("payment_element-1a2b3c4d5e6f7a8b.css"));
        assert!(!is_widget_file("demo-1a2b3c4d5e6f7a8b.js"));
        assert!(!is_widget_file("demo-1a2b3c4d5e6f7a8b.css"));
        assert!(!is_widget_file("index.html"));
    }
}
