//! The test-mode processor's simulated pages, plain server-rendered HTML under the
//! storefront's strict CSP (no inline script or style): the 3-D Secure challenge and the
//! e-wallet authorisation (`challenge.rs`), which the widget may also open in a frame of
//! its modal, and the banking app a scanned QR code opens (`qr.rs`). `page.rs` holds
//! what they share: the stylesheet, the page frame, and the two scripts of the framed
//! pages.

mod challenge;
mod page;
mod qr;

pub use challenge::{
    authenticate_complete, authenticate_fail, authenticate_get, ewallet_authorize, ewallet_decline,
    ewallet_get, is_action_page,
};
pub use page::{
    challenge_done_script_get, challenge_ready_script_get, stylesheet_get, CHALLENGE_DONE_SCRIPT,
    CHALLENGE_READY_SCRIPT,
};
pub use qr::{qr_decline, qr_expire, qr_get, qr_pay};
