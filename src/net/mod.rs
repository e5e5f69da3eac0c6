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

/// What a request got back (from either `fetch` variant): the HTTP status and the body text, `None` when it could not be read.
pub struct Answer {
    /// The HTTP status code.
    pub status: u16,
    /// The body, if it could be read to the end.
    pub text: Option<String>,
}

impl Answer {
    /// A 2xx status, as `Response.ok` says.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}
