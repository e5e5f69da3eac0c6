//! The test-mode processor's simulated pages, plain server-rendered HTML under the
//! storefront's strict CSP (no script, no inline style): the 3-D Secure challenge and the
//! e-wallet authorisation (`challenge.rs`), and the banking app a scanned QR code opens
//! (`qr.rs`). `page.rs` holds what they share: the stylesheet and the page frame.

mod challenge;
mod page;
mod qr;

pub use challenge::{
    authenticate_complete, authenticate_fail, authenticate_get, ewallet_authorize, ewallet_decline,
    ewallet_get,
};
pub use page::stylesheet_get;
pub use qr::{qr_decline, qr_expire, qr_get, qr_pay};
