//! What the checkout's switches and the order mean for the Payment Element: plain
//! functions that host `cargo test` covers, so the components only wire signals to them.

use crate::shop::Order;
use payment_core::api::CustomerSession;
use payment_core::money::Money;
use payment_element::model::locale::Locale;
use payment_element::model::options::{
    Layout, LocaleChoice, PaymentElementOptions, PaymentsOrigin,
};
use payment_element::model::saved_methods::SavedMethodsOptions;
use payment_element::model::types::{LayoutKind, Mode};

/// The merchant named in the SEPA mandate.
pub const BUSINESS_NAME: &str = "Rocket Rides";

/// The element's options for `order`, as the switches and the customer session say.
///
/// The same as the JS API's `{mode: "payment", amount, currency, layout: {type},
/// locale, business: {name}, customerSessionClientSecret, customerSessionFeatures,
/// paymentMethodOptions: {card: {require_cvc_recollection: true}}}` (a test checks it),
/// with the payments origin the JS API takes in `Checkout({publishableKey,
/// paymentsOrigin})`: the card fields are its frame.
pub fn element_options(
    order: &Order,
    layout: LayoutKind,
    locale: LocaleChoice,
    session: Option<&CustomerSession>,
    payments: Option<&PaymentsOrigin>,
) -> PaymentElementOptions {
    PaymentElementOptions {
        payments: payments.cloned(),
        mode: Some(Mode::Payment),
        amount: Some(order.amount),
        currency: Some(order.currency),
        layout: Layout {
            kind: layout,
            ..Layout::default()
        },
        locale,
        business_name: Some(BUSINESS_NAME.to_owned()),
        saved: SavedMethodsOptions {
            client_secret: session.map(|s| s.client_secret.clone()),
            features: session
                .map(|s| s.components.payment_element.features.clone())
                .unwrap_or_default(),
            // A saved card pays only with its CVC typed again.
            require_cvc_recollection: true,
            hide_expired: false,
        },
        ..PaymentElementOptions::default()
    }
}

/// What the Pay button says it charges.
pub fn total(order: &Order) -> Money {
    Money::new(order.amount, order.currency)
}

/// The layout switch's value (`"accordion"`, `"tabs"`); the accordion for anything else.
pub fn layout_from(value: &str) -> LayoutKind {
    LayoutKind::parse(value).unwrap_or(LayoutKind::Accordion)
}

/// The locale switch's value: `"auto"` (the browser's languages) or a language tag.
pub fn locale_from(value: &str) -> LocaleChoice {
    Locale::from_tag(value).map_or(LocaleChoice::Auto, LocaleChoice::Fixed)
}

/// The return page's address on `origin`, carrying the language chosen at checkout so
/// that the page after 3-D Secure speaks it too.
pub fn return_url(origin: &str, locale: LocaleChoice) -> String {
    match locale {
        LocaleChoice::Auto => format!("{origin}/complete"),
        LocaleChoice::Fixed(locale) => format!("{origin}/complete?lang={}", locale.as_str()),
    }
}

/// The return page's language from its `lang` query; the browser's when absent.
pub fn locale_from_query(lang: Option<&str>) -> Option<Locale> {
    lang.and_then(Locale::from_tag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use payment_core::money::{Currency, MinorUnit};

    fn order() -> Order {
        serde_json::from_str(
            r#"{"id": "ord_1", "status": "open", "amount": 10800, "currency": "eur",
                "items": [], "market": "eu", "payment_intent": null}"#,
        )
        .unwrap()
    }

    fn session() -> CustomerSession {
        serde_json::from_str(
            r#"{"client_secret": "cuss_1_secret_abc", "customer": "cus_1", "expires_at": 1,
                "components": {"payment_element": {"enabled": true, "features": {
                    "payment_method_redisplay": "enabled", "payment_method_save": "enabled",
                    "payment_method_remove": "enabled"}}}}"#,
        )
        .unwrap()
    }

    #[test]
    fn the_options_are_those_the_js_api_takes() {
        let session = session();
        let payments = PaymentsOrigin::new("http://127.0.0.1:8090", "pk_test_abc").unwrap();
        let typed = element_options(
            &order(),
            LayoutKind::Tabs,
            LocaleChoice::Fixed(Locale::De),
            Some(&session),
            Some(&payments),
        );
        let from_json: PaymentElementOptions = serde_json::from_str(
            r#"{"mode": "payment", "amount": 10800, "currency": "eur",
                "layout": {"type": "tabs"}, "locale": "de",
                "business": {"name": "Rocket Rides"},
                "customerSessionClientSecret": "cuss_1_secret_abc",
                "customerSessionFeatures": {"payment_method_redisplay": "enabled",
                    "payment_method_save": "enabled", "payment_method_remove": "enabled"},
                "paymentMethodOptions": {"card": {"require_cvc_recollection": true}},
                "payments": {"origin": "http://127.0.0.1:8090", "publishableKey": "pk_test_abc"}}"#,
        )
        .unwrap();
        assert_eq!(typed, from_json);
    }

    #[test]
    fn a_new_customer_sees_no_saved_methods() {
        let options = element_options(
            &order(),
            LayoutKind::Accordion,
            LocaleChoice::Auto,
            None,
            None,
        );
        assert!(!options.saved.redisplays());
        assert!(element_options(
            &order(),
            LayoutKind::Accordion,
            LocaleChoice::Auto,
            Some(&session()),
            None
        )
        .saved
        .redisplays());
    }

    #[test]
    fn the_button_charges_the_order() {
        assert_eq!(total(&order()), Money::new(MinorUnit(10800), Currency::EUR));
    }

    #[test]
    fn switch_values_map_to_options() {
        assert_eq!(layout_from("tabs"), LayoutKind::Tabs);
        assert_eq!(layout_from("grid"), LayoutKind::Accordion);
        assert_eq!(locale_from("auto"), LocaleChoice::Auto);
        assert_eq!(locale_from("id"), LocaleChoice::Fixed(Locale::Id));
    }

    #[test]
    fn the_return_page_keeps_the_chosen_language() {
        let origin = "http://127.0.0.1:8082";
        assert_eq!(
            return_url(origin, LocaleChoice::Auto),
            "http://127.0.0.1:8082/complete"
        );
        let url = return_url(origin, LocaleChoice::Fixed(Locale::De));
        assert_eq!(url, "http://127.0.0.1:8082/complete?lang=de");
        assert_eq!(locale_from_query(url.rsplit('=').next()), Some(Locale::De));
        assert_eq!(locale_from_query(None), None);
    }
}
