//! Element ids unique within the page, so that several elements can share one document
//! and every `<label for>` / `aria-describedby` points at its own field.

use std::sync::atomic::{AtomicUsize, Ordering};

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A fresh id prefix such as `pe-3`.
pub fn fresh(prefix: &str) -> String {
    format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}
