//! payment-element: a Payment Element-style checkout widget (Leptos, WebAssembly).
//!
//! Rust developers use the components directly; pages without Rust load the built
//! JavaScript module and call its exports ([`js_api`]).
//!
//! The smallest checkout: a [`PaymentElement`] inside a [`PayForm`], which validates it,
//! confirms through the merchant API and sends the customer to the return page, where
//! [`PaymentStatus`] shows the outcome. The options are the JS API's, typed
//! ([`model::options::PaymentElementOptions`]; `serde_json` reads the JS spelling too).
//!
//! ```no_run
//! use leptos::prelude::*;
//! use payment_element::net::client::Api;
//! use payment_element::model::types::Mode;
//! use payment_element::model::options::PaymentElementOptions;
//! use payment_element::components::state::PaymentElementHandle;
//! use payment_element::{PayForm, PaymentElement, PaymentStatus};
//! use payment_core::money::{Currency, MinorUnit, Money};
//!
//! #[component]
//! fn Checkout() -> impl IntoView {
//!     // `elements({mode: "payment", amount: 1999, currency: "eur"})` in the JS API.
//!     let options = Signal::stored(PaymentElementOptions {
//!         mode: Some(Mode::Payment),
//!         amount: Some(MinorUnit(1999)),
//!         currency: Some(Currency::EUR),
//!         ..PaymentElementOptions::default()
//!     });
//!     let handle = RwSignal::new(None::<PaymentElementHandle>);
//!     view! {
//!         <PayForm
//!             api=Api::http("/api")
//!             handle
//!             amount=Money::new(MinorUnit(1999), Currency::EUR)
//!             return_url="https://shop.example/complete"
//!         >
//!             <PaymentElement options on_ready=Callback::new(move |h| handle.set(Some(h))) />
//!         </PayForm>
//!     }
//! }
//!
//! /// The return page (`/complete`).
//! #[component]
//! fn Complete() -> impl IntoView {
//!     view! { <PaymentStatus api=Api::http("/api") /> }
//! }
//!
//! fn main() {
//!     leptos::mount::mount_to_body(Checkout);
//! }
//! ```
//!
//! The widget's look comes from `style/payment_element.css` in this crate: link it in
//! the page (`<link data-trunk rel="css" href="…/style/payment_element.css">` with
//! trunk). `examples/leptos-checkout` in the repository is a whole app: two routes,
//! layout and locale switches, saved methods for a returning customer.

// Every public item is documented (cargo doc -D warnings in `cargo xtask test`).
#![warn(missing_docs)]

pub mod components;
pub mod frame;
pub mod js_api;
pub mod model;
pub mod net;
#[cfg(feature = "payment-status")]
mod return_page;
mod split;

pub use components::{PayForm, PaymentElement, PaymentStatus};
#[cfg(feature = "payment-status")]
pub use return_page::mount_payment_status;
