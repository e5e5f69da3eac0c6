//! The demo checkout page: the order summary from the reference server's cart
//! (`GET /api/cart`), the Payment Element with controls to switch layout, theme, locale
//! and market (the server's carts in EUR, PHP and IDR, so SEPA and every e-wallet can be
//! paid) at run time, inside the pay form that submits to the reference server and goes
//! to the return page (`/complete`) afterwards; and a "Returning customer" switch that
//! starts a customer session for the demo customer.

use super::{PayForm, PaymentElement};
use crate::components::types::{LayoutKind, Mode, Theme};
use crate::confirm::RedirectPolicy;
use crate::customer_api::DemoCart;
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
    // The market chosen, and the cart the server priced for the market last loaded:
    // the amount shown, the element's currency and what Pay orders always agree.
    let market = RwSignal::new(MARKETS[0].0);
    let cart = RwSignal::new(None::<(&'static str, DemoCart)>);
    let handle = RwSignal::new(None::<PaymentElementHandle>);
    // The returning customer's session: the element then shows their saved methods
    // and offers to save new ones.
    let session = RwSignal::new(None::<SavedMethodsOptions>);
    let returning = RwSignal::new(false);
    // Why the customer session could not start, if it could not.
    let result = RwSignal::new(String::new());
    Effect::new(move |_| {
        let chosen = market.get();
        leptos::task::spawn_local(async move {
            let loaded = crate::customer_api::demo_cart("/api", chosen).await;
            if market.get_untracked() != chosen {
                return;
            }
            match loaded {
                Ok(loaded) => {
                    result.set(String::new());
                    cart.set(Some((chosen, loaded)));
                }
                Err(error) => {
                    result.set(["Could not load the order: ", &error.describe()].concat())
                }
            }
        });
    });
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

    let total = move || {
        cart.with(|c| {
            c.as_ref()
                .map(|(_, c)| Money::new(c.amount, c.currency))
                .unwrap_or_else(|| Money::new(MinorUnit(0), Currency::EUR))
        })
    };
    let options = Signal::derive(move || {
        let total = total();
        let mut options = PaymentElementOptions {
            mode: Some(Mode::Payment),
            amount: Some(total.amount),
            currency: Some(total.currency),
            locale: locale.get().map_or(LocaleChoice::Auto, LocaleChoice::Fixed),
            business_name: Some("Rocket Rides".to_owned()),
            saved: session.get().unwrap_or_default(),
            ..PaymentElementOptions::default()
        };
        options.layout.kind = layout.get();
        options.appearance.theme.0 = theme.get();
        options
    });
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
                "Market "
                <select on:change=move |ev| {
                    let value = event_target::<HtmlSelectElement>(&ev).value();
                    if let Some((name, _)) = MARKETS.iter().find(|(name, _)| *name == value) {
                        market.set(name);
                    }
                }>
                    {MARKETS
                        .iter()
                        .map(|(name, label)| view! { <option value=*name>{*label}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                <input type="checkbox" class="demo-returning" on:change=toggle_returning />
                " Returning customer"
            </label>
        </form>
        <Show when=move || cart.with(Option::is_some)>
            <OrderSummary cart locale=Signal::derive(move || shown_locale(handle)) />
            <PayForm
                api=crate::client::Api::http("/api")
                handle
                amount=Signal::derive(total)
                return_url=return_url.clone()
                redirect=RedirectPolicy::Always
                market=Signal::derive(move || cart.with(|c| c.as_ref().map(|(m, _)| (*m).to_owned())))
            >
                <PaymentElement options on_ready=Callback::new(move |h| handle.set(Some(h))) />
            </PayForm>
        </Show>
        <p class="demo-result" role="status">
            {move || result.get()}
        </p>
    }
}

/// The reference server's markets: its name for each, and what the demo calls it.
const MARKETS: [(&str, &str); 3] = [
    ("eu", "Europe (EUR)"),
    ("ph", "Philippines (PHP)"),
    ("id", "Indonesia (IDR)"),
];

/// The locale the element shows, for the order summary's amounts.
fn shown_locale(handle: RwSignal<Option<PaymentElementHandle>>) -> Locale {
    handle
        .get()
        .map_or(Locale::En, |h| h.context.i18n.0.with(|c| c.locale))
}

/// What is bought, as the server priced it.
#[component]
fn OrderSummary(
    cart: RwSignal<Option<(&'static str, DemoCart)>>,
    locale: Signal<Locale>,
) -> impl IntoView {
    let format = move |amount: MinorUnit| {
        let currency = cart.with(|c| c.as_ref().map_or(Currency::EUR, |(_, c)| c.currency));
        Money::new(amount, currency).format(locale.get().as_str())
    };
    let lines = move || cart.with(|c| c.as_ref().map(|(_, c)| c.items.clone()).unwrap_or_default());
    view! {
        <section class="demo-order" aria-label="Order summary">
            <h2>"Order summary"</h2>
            <ul>
                {move || {
                    lines()
                        .into_iter()
                        .map(|line| {
                            let total = line.unit_amount.checked_mul(line.quantity);
                            view! {
                                <li>
                                    <span>{line.quantity} " × " {line.name}</span>
                                    <span>{total.map(format)}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <p class="demo-total">
                <span>"Total"</span>
                <span>
                    {move || {
                        cart.with(|c| c.as_ref().map(|(_, c)| c.amount)).map(format)
                    }}
                </span>
            </p>
        </section>
    }
}
