//! The demo checkout page: the Payment Element with controls to switch layout, theme,
//! locale and currency at run time, inside the pay form that submits to the reference
//! server and goes to the return page (`/complete`) afterwards; and a "Returning
//! customer" switch that starts a customer session for the demo customer.

use super::{PayForm, PaymentElement};
use crate::components::types::{LayoutKind, Mode, Theme};
use crate::confirm::RedirectPolicy;
use crate::locale::Locale;
use crate::options::{LocaleChoice, PaymentElementOptions};
use crate::saved_methods::SavedMethodsOptions;
use crate::state::PaymentElementHandle;
use leptos::prelude::*;
use payment_core::money::{Currency, MinorUnit, Money};
use web_sys::{HtmlInputElement, HtmlSelectElement};

/// The demo page around one Payment Element.
#[component]
pub fn DemoCheckout() -> impl IntoView {
    let layout = RwSignal::new(LayoutKind::Accordion);
    let theme = RwSignal::new(Theme::Stripe);
    let locale = RwSignal::new(None::<Locale>);
    let currency = RwSignal::new(Currency::EUR);
    let handle = RwSignal::new(None::<PaymentElementHandle>);
    let amount = MinorUnit(1999);
    // The returning customer's session: the element then shows their saved methods
    // and offers to save new ones.
    let session = RwSignal::new(None::<SavedMethodsOptions>);
    let returning = RwSignal::new(false);
    // Why the customer session could not start, if it could not.
    let result = RwSignal::new(String::new());
    let toggle_returning = move |ev: leptos::ev::Event| {
        let checked = event_target::<HtmlInputElement>(&ev).checked();
        returning.set(checked);
        if !checked {
            session.set(None);
            return;
        }
        leptos::task::spawn_local(async move {
            let created = crate::customer_api::create_demo_customer_session("/api").await;
            if !returning.get_untracked() {
                return;
            }
            match created {
                Ok((secret, features)) => session.set(Some(SavedMethodsOptions {
                    client_secret: Some(secret),
                    features,
                    require_cvc_recollection: true,
                    hide_expired: false,
                })),
                Err(error) => {
                    result.set(["Could not start a customer session: ", &error.describe()].concat())
                }
            }
        });
    };

    let options = Signal::derive(move || {
        let mut options = PaymentElementOptions {
            mode: Some(Mode::Payment),
            amount: Some(amount),
            currency: Some(currency.get()),
            locale: locale.get().map_or(LocaleChoice::Auto, LocaleChoice::Fixed),
            business_name: Some("Rocket Rides".to_owned()),
            saved: session.get().unwrap_or_default(),
            ..PaymentElementOptions::default()
        };
        options.layout.kind = layout.get();
        options.appearance.theme.0 = theme.get();
        options
    });
    let api = crate::client::Api::http("/api");
    let return_url = [
        window().location().origin().unwrap_or_default().as_str(),
        crate::RETURN_PATH,
    ]
    .concat();
    view! {
        <form class="demo-controls" on:submit=|ev| ev.prevent_default()>
            <label>
                "Layout "
                <select on:change=move |ev| {
                    let value = event_target::<HtmlSelectElement>(&ev).value();
                    layout.set(LayoutKind::parse(&value).unwrap_or(LayoutKind::Accordion));
                }>
                    {LayoutKind::ALL
                        .iter()
                        .map(|k| view! { <option value=k.as_str()>{k.as_str()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Theme "
                <select on:change=move |ev| {
                    let value = event_target::<HtmlSelectElement>(&ev).value();
                    theme.set(Theme::parse(&value).unwrap_or(Theme::Stripe));
                }>
                    {Theme::ALL
                        .iter()
                        .map(|t| view! { <option value=t.as_str()>{t.as_str()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Locale "
                <select on:change=move |ev| {
                    let value = event_target::<HtmlSelectElement>(&ev).value();
                    locale.set(Locale::from_tag(&value));
                }>
                    <option value="auto">"auto"</option>
                    {Locale::ALL
                        .iter()
                        .map(|l| view! { <option value=l.as_str()>{l.as_str()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Currency "
                <select on:change=move |ev| {
                    let value = event_target::<HtmlSelectElement>(&ev).value();
                    currency.set(Currency::new(&value).unwrap_or(Currency::EUR));
                }>
                    {["eur", "php", "idr", "usd"]
                        .iter()
                        .map(|c| view! { <option value=*c>{c.to_ascii_uppercase()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                <input type="checkbox" class="demo-returning" on:change=toggle_returning />
                " Returning customer"
            </label>
        </form>
        <PayForm
            api
            handle
            amount=Signal::derive(move || Money::new(amount, currency.get()))
            return_url
            redirect=RedirectPolicy::Always
        >
            <PaymentElement options on_ready=Callback::new(move |h| handle.set(Some(h))) />
        </PayForm>
        <p class="demo-result" role="status">
            {move || result.get()}
        </p>
    }
}
