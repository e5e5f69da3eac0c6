//! What the widget sends and reads: `fetch`, the merchant API's JSON, the merchant-API
//! and customer-session clients.

pub mod client;
pub mod customer_api;
#[cfg(not(feature = "wire-gloo-net"))]
mod fetch;
#[cfg(feature = "wire-gloo-net")]
#[path = "fetch_gloo.rs"]
mod fetch;
#[cfg(not(feature = "wire-serde"))]
pub mod json;
#[cfg(feature = "wire-serde")]
#[path = "json_serde.rs"]
pub mod json;
pub mod vault;
