//! Adapters to real payment processors, one folder per processor, each with its wire
//! structs and one status-mapping function (Hyperswitch's `transformers.rs`), pure
//! request builders and response parsers that host tests cover without a socket.
//!
//! Two so far: `stripe` (PaymentIntents, `Stripe-Signature` webhooks) and `xendit`
//! (Payments API v3 payment requests, `x-callback-token` webhooks).
//!
//! Each has a client that sends what its builders make through [`http::Sender`] (a
//! timeout per try, retries only where the processor's idempotency makes them safe).
//! Nothing in the server's flows uses them yet: the async two-phase `Processor`
//! (issue 15) will. The built-in test-mode processor stays in `crate::processor`.

pub mod http;
pub mod stripe;
pub mod xendit;
