//! The demo checkout page: the Payment Element with controls to switch layout, theme,
//! locale and currency at run time, inside the pay form that submits to the reference
//! server and goes to the return page (`/complete`) afterwards.

use super::{PayForm, PaymentElement};
use crate::components::types::{LayoutKind, Mode, Theme};
use crate::confirm::RedirectPolicy;
use crate::locale::Locale;
use crate::options::{LocaleChoice, PaymentElementOptions};
use crate::state::PaymentElementHandle;
use leptos::prelude::*;
use payment_core::money::{Currency, MinorUnit, Money};
use web_sys::HtmlSelectElement;

/// The demo page around one Payment Element.
#[component]
pub fn DemoCheckout() -> impl IntoView {
    let layout = RwSignal::new(LayoutKind::Accordion);
    let theme = RwSignal::new(Theme::Stripe);
    let locale = RwSignal::new(None::<Locale>);
    let currency = RwSignal::new(Currency::EUR);
    let handle = RwSignal::new(None::<PaymentElementHandle>);
    let amount = MinorUnit(1999);

    let options = Signal::derive(move || {
        let mut options = PaymentElementOptions {
            mode: Some(Mode::Payment),
            amount: Some(amount),
            currency: Some(currency.get()),
            locale: locale.get().map_or(LocaleChoice::Auto, LocaleChoice::Fixed),
            business_name: Some("Rocket Rides".to_owned()),
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
    }
}
