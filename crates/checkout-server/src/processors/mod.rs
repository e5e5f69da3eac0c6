//! Adapters to real payment processors, one folder per processor, each with its wire
//! structs and one status-mapping function (Hyperswitch's `transformers.rs`), pure
//! request builders and response parsers that host tests cover without a socket.
//!
//! Two so far: `stripe` (PaymentIntents, `Stripe-Signature` webhooks) and `xendit`
//! (Payments API v3 payment requests, `x-callback-token` webhooks).
//!
//! Each has a client that sends what its builders make through [`http::Sender`] (a
//! timeout per try, retries only where the processor's idempotency makes them safe).
//! Each has an adapter behind the two-phase `crate::processor::Processor`
//! (`adapter.rs`, `--processor stripe|xendit`); `routes` sends each market to its own
//! (`--route`). The built-in test-mode processor stays in `crate::processor`.

pub mod http;
pub mod routes;
pub mod stripe;
pub mod xendit;
