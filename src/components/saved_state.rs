//! The reactive state of the saved-methods list and the consent box, owned by the
//! Payment Element root beside the form's state, shared as one `Copy` value.

use crate::model::events::SavedPaymentMethodRemoveEvent;
use crate::model::form::Stage;
use crate::model::locale::Key;
use crate::model::saved_methods::{self, Choice};
use crate::net::customer_api::CustomerApi;
use leptos::prelude::*;
use payment_core::api::SavedPaymentMethod;
use std::rc::Rc;

/// Saved methods, the customer's choice among them and the consent box.
#[derive(Clone, Copy)]
pub struct SavedState {
    /// The methods the server listed (newest first), less those removed since.
    pub methods: RwSignal<Vec<SavedPaymentMethod>>,
    /// The checked radio: a saved method or the new-method form.
    pub choice: RwSignal<Choice>,
    /// "Show more" was pressed.
    pub expanded: RwSignal<bool>,
    /// The re-collected CVC of the chosen saved card.
    pub cvc: RwSignal<String>,
    /// Whether the customer left the CVC field (or tried to submit).
    pub cvc_stage: RwSignal<Stage>,
    /// When the consent box was ticked (Unix seconds); `None` while unticked.
    pub consent_at: RwSignal<Option<i64>>,
    /// The method whose removal awaits confirmation.
    pub confirming: RwSignal<Option<String>>,
    /// A removal is on its way to the server.
    pub removing: RwSignal<bool>,
    /// The method whose removal failed, with the message to show.
    pub remove_error: RwSignal<Option<(String, Key)>>,
    /// Told when a method was removed.
    pub on_remove: Option<Callback<SavedPaymentMethodRemoveEvent>>,
    /// The customer-session calls.
    pub api: StoredValue<Rc<dyn CustomerApi>, LocalStorage>,
}

impl SavedState {
    /// Empty state: nothing loaded, the new-method form chosen.
    pub fn new(
        api: Rc<dyn CustomerApi>,
        on_remove: Option<Callback<SavedPaymentMethodRemoveEvent>>,
    ) -> SavedState {
        SavedState {
            methods: RwSignal::new(Vec::new()),
            choice: RwSignal::new(Choice::New),
            expanded: RwSignal::new(false),
            cvc: RwSignal::new(String::new()),
            cvc_stage: RwSignal::new(Stage::Typing),
            consent_at: RwSignal::new(None),
            confirming: RwSignal::new(None),
            removing: RwSignal::new(false),
            remove_error: RwSignal::new(None),
            on_remove,
            api: StoredValue::new_local(api),
        }
    }

    /// The chosen saved method, tracked; `None` when the new-method form is chosen.
    pub fn chosen(&self) -> Option<SavedPaymentMethod> {
        let choice = self.choice.get();
        let Choice::Saved(id) = choice else {
            return None;
        };
        self.methods
            .with(|methods| methods.iter().find(|m| m.id == id).cloned())
    }

    /// The chosen saved method, untracked.
    pub fn chosen_untracked(&self) -> Option<SavedPaymentMethod> {
        untrack(|| self.chosen())
    }

    /// The CVC error of the chosen saved card when it must be re-collected, tracked; at
    /// `stage` when given, else at the stage the customer reached.
    pub fn cvc_error(&self, require: bool, stage: Option<Stage>) -> Option<Key> {
        let method = self.chosen()?;
        if !saved_methods::needs_cvc(&method, require) {
            return None;
        }
        let brand = saved_methods::cvc_brand(&method);
        let stage = stage.unwrap_or_else(|| self.cvc_stage.get());
        self.cvc
            .with(|cvc| crate::model::form::cvc_error(cvc, brand, stage))
    }
}
