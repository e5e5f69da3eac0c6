//! A Leptos 0.8 CSR checkout built on `payment-element`: `<PaymentElement/>` inside
//! `<PayForm/>` on `/`, `<PaymentStatus/>` on the `/complete` return route.
//!
//! Run the reference server (`cargo xtask demo`, on 127.0.0.1:8080), then
//! `trunk serve` in this folder and open http://127.0.0.1:8082.

mod app;
mod checkout;
mod choices;
mod complete;
mod shop;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
