//! Next actions followed on the checkout page rather than on another page: which
//! 3-D Secure pages open in the modal dialog, how often a pending payment is read, and
//! what the customer is told when it ends without paying.

use crate::model::confirm::{feedback_for_error, Feedback};
use crate::model::locale::Key;
use payment_core::api::{PaymentIntent, PaymentMethodType};
use payment_core::error::ErrorCode;

/// The challenge page's address for the modal dialog (`embedded=1` added), when it may
/// open there: a page of an origin known to let the checkout frame it (the
/// storefront's own test-mode pages, the payments origin). A bank's own page of any
/// other origin may refuse to be framed (`frame-ancestors`): `None`, and the checkout
/// goes there instead. `url` may be a path of `page_origin`.
pub fn challenge_frame_url(url: &str, page_origin: &str, frameable: &[&str]) -> Option<String> {
    let absolute = if url.starts_with('/') && !url.starts_with("//") {
        [page_origin.trim_end_matches('/'), url].concat()
    } else {
        url.to_owned()
    };
    let rest = absolute
        .strip_prefix("https://")
        .or_else(|| absolute.strip_prefix("http://"))?;
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let origin = &absolute[..absolute.len() - rest.len() + host_end];
    if !frameable.iter().any(|f| f.trim_end_matches('/') == origin) {
        return None;
    }
    let (base, fragment) = match absolute.split_once('#') {
        Some((base, fragment)) => (base, ["#", fragment].concat()),
        None => (absolute.as_str(), String::new()),
    };
    let separator = if base.contains('?') { "&" } else { "?" };
    Some([base, separator, "embedded=1", &fragment].concat())
}

/// The address a redirect opens: a wallet's app link on a phone (a touch screen no
/// wider than 768 CSS pixels), where the wallet's app pays in two taps; the web page
/// everywhere else (a desktop browser has no app to open, and the page offers the
/// wallet's own way there, a QR code or a login).
pub fn redirect_address<'a>(
    url: &'a str,
    app_url: Option<&'a str>,
    touch: bool,
    viewport_width: f64,
) -> &'a str {
    match app_url {
        Some(app) if touch && viewport_width <= 768.0 => app,
        _ => url,
    }
}

/// The wait before read number `poll` (0-based) of a QR payment: 1 s, growing by half
/// each time to at most 5 s, so a paid code shows within seconds without hammering the
/// server for the quarter of an hour a code lives.
pub fn qr_poll_delay_ms(poll: u32) -> u32 {
    let mut delay: u32 = 1_000;
    for _ in 0..poll.min(8) {
        delay = delay.saturating_mul(3) / 2;
    }
    delay.min(5_000)
}

/// What the customer is told when a QR payment ended unpaid (`intent` went back to
/// `requires_payment_method`): the code expired, or the bank or wallet declined it.
pub fn qr_feedback(intent: &PaymentIntent) -> Feedback {
    let error = intent.last_payment_error.as_ref();
    let message = match error.map(|e| e.code) {
        Some(ErrorCode::QrCodeExpired) => Key::QrExpired,
        _ if intent
            .payment_method_preview
            .as_ref()
            .is_some_and(|p| p.kind == PaymentMethodType::QrCode) =>
        {
            Key::QrDeclined
        }
        _ => error.map_or(Key::QrDeclined, |e| feedback_for_error(e).message),
    };
    Feedback {
        message,
        focus: None,
        clear_cvc: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "http://127.0.0.1:8080";
    const FRAMEABLE: &[&str] = &["http://127.0.0.1:8080", "http://127.0.0.1:8090"];

    #[test]
    fn a_phone_opens_the_wallets_app_and_a_desktop_its_page() {
        let (web, app) = ("/test-mode/ewallet/pi_1", Some("gcash://pay/pi_1"));
        assert_eq!(redirect_address(web, app, true, 390.0), "gcash://pay/pi_1");
        assert_eq!(redirect_address(web, app, true, 768.0), "gcash://pay/pi_1");
        // A touch laptop or tablet in landscape, and a desktop: the page.
        assert_eq!(redirect_address(web, app, true, 1280.0), web);
        assert_eq!(redirect_address(web, app, false, 390.0), web);
        // No app link offered (3-D Secure): the page on every device.
        assert_eq!(redirect_address(web, None, true, 390.0), web);
    }

    #[test]
    fn only_pages_of_known_origins_open_in_the_dialog() {
        assert_eq!(
            challenge_frame_url("/test-mode/authenticate/pi_1", PAGE, FRAMEABLE).as_deref(),
            Some("http://127.0.0.1:8080/test-mode/authenticate/pi_1?embedded=1")
        );
        assert_eq!(
            challenge_frame_url("http://127.0.0.1:8090/3ds/pi_1?step=2#top", PAGE, FRAMEABLE)
                .as_deref(),
            Some("http://127.0.0.1:8090/3ds/pi_1?step=2&embedded=1#top")
        );
        // A bank's page elsewhere, a protocol-relative or script address: not framed.
        for url in [
            "https://acs.bank.example/challenge",
            "//evil.example/x",
            "javascript:alert(1)",
            "http://127.0.0.1:80801/x",
        ] {
            assert_eq!(challenge_frame_url(url, PAGE, FRAMEABLE), None, "{url}");
        }
    }

    #[test]
    fn a_qr_payment_is_read_often_then_less() {
        let delays: Vec<u32> = (0..10).map(qr_poll_delay_ms).collect();
        assert_eq!(&delays[..4], [1_000, 1_500, 2_250, 3_375]);
        assert!(delays.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(*delays.last().unwrap(), 5_000);
    }

    #[test]
    fn an_unpaid_qr_code_says_why() {
        let mut intent: PaymentIntent = serde_json::from_value(serde_json::json!({
            "id": "pi_1", "status": "requires_payment_method", "amount": 100,
            "currency": "idr",
            "last_payment_error": {"type": "invalid_request_error", "code": "qr_code_expired",
                "message": "The QR code has expired."},
            "payment_method_preview": {"type": "qr_code", "qr_code": {"channel_code": "QRIS"}}
        }))
        .unwrap();
        assert_eq!(qr_feedback(&intent).message, Key::QrExpired);
        intent.last_payment_error = Some(payment_core::error::ApiError::declined(
            payment_core::error::DeclineCode::GenericDecline,
        ));
        assert_eq!(qr_feedback(&intent).message, Key::QrDeclined);
    }
}
