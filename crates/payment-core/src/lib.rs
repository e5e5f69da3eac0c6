//! The payment domain shared by the widget and the server, so that both judge input the
//! same way: money, card brands and validation, IBANs, the secrets' redacting newtypes,
//! error codes, and the wire types of the merchant API and of the payments origin's vault.
//!
//! Pure Rust: no `web-sys`, no `leptos`, no I/O.

pub mod api;
pub mod audit;
pub mod card;
pub mod error;
pub mod iban;
pub mod money;
pub mod secret;
pub mod vault;
