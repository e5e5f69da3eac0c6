//! The widget's components, one per file.

mod card_number_field;
mod payment_element;
pub mod types;

pub use card_number_field::CardNumberField;
pub use payment_element::PaymentElement;
