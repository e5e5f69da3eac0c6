//! The return route: what became of the payment named in the address.

use crate::choices::locale_from_query;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use payment_element::net::client::Api;
use payment_element::PaymentStatus;

/// `/complete`: `<PaymentStatus/>` in the language the checkout was in (`?lang=`).
#[component]
pub fn CompletePage() -> impl IntoView {
    let lang = use_query_map().with_untracked(|query| query.get("lang"));
    let locale = locale_from_query(lang.as_deref());
    view! {
        <h1>"Your payment"</h1>
        <PaymentStatus api=Api::http("/api") locale retry_href="/" />
    }
}
