//! The payments origin's vault (DESIGN.md, "Payments origin and the vault"): the one
//! home of card numbers, expiries and CVCs. `crypto` seals them, `store` keeps the
//! sealed cards and the tokens, `cvcs` holds CVCs in memory, `service` is the vault's
//! operations, `routes` its `/v1` API and the card frame page, `types` the wire of its
//! server-to-server calls, and `client` the storefront's side of those calls.

pub mod client;
pub mod crypto;
pub mod cvcs;
pub mod routes;
pub mod service;
pub mod store;
pub mod types;

pub use client::{VaultClient, VaultError};
pub use crypto::{CardSecret, Sealed, VaultKey};
pub use service::Vault;
pub use types::{CvcCheck, CvcChecked, RedeemCvc, RedeemedCard};
