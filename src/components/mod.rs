//! The widget's components, one per file.

mod accordion_layout;
mod card_form;
mod card_number_field;
mod country_field;
mod cvc_recollection;
mod ewallet_form;
mod input_field;
mod method_form;
mod pay_form;
mod payment_element;
mod payment_status;
mod save_consent;
mod saved_method_item;
mod saved_methods_list;
mod sepa_form;
mod tabs_layout;
pub mod types;

pub use accordion_layout::AccordionLayout;
pub use card_form::CardForm;
pub use card_number_field::CardNumberField;
pub use country_field::CountryField;
pub use cvc_recollection::CvcRecollection;
pub use ewallet_form::EwalletForm;
pub use input_field::{InputField, OptionalInputField};
pub use method_form::MethodForm;
pub use pay_form::PayForm;
pub(crate) use payment_element::resolve_locale;
pub use payment_element::PaymentElement;
pub use payment_status::PaymentStatus;
pub use save_consent::SaveConsent;
pub use saved_method_item::SavedMethodItem;
pub use saved_methods_list::SavedMethodsList;
pub use sepa_form::SepaForm;
pub use tabs_layout::TabsLayout;
