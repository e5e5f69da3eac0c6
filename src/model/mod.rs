//! What the widget decides, as plain data and functions that host `cargo test` covers:
//! the form's formatting and validation, the submit flow, saved methods, layouts,
//! locales, options, appearance and the events reported to the page. Nothing here
//! touches the network; components only wire signals to it.

pub mod appearance;
pub mod confirm;
pub mod contrast;
pub mod events;
pub mod form;
pub mod icons;
pub(crate) mod ids;
pub mod layout;
pub mod locale;
pub mod next_action;
pub mod options;
pub mod qr;
pub mod return_page;
pub mod saved_methods;
pub mod types;
pub mod vaulted;
