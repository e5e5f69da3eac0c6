//! Adapters to real payment processors, one folder per processor, each with its wire
//! structs and one status-mapping function (Hyperswitch's `transformers.rs`), pure
//! request builders and response parsers that host tests cover without a socket.
//!
//! Two so far: `stripe` (PaymentIntents, `Stripe-Signature` webhooks) and `xendit`
//! (Payments API v3 payment requests, `x-callback-token` webhooks).
//!
//! Nothing here talks to the network yet: the async two-phase `Processor` (issue 15)
//! will send what these modules build and map what they parse. The built-in test-mode
//! processor stays in `crate::processor`.

pub mod stripe;
pub mod xendit;
