//! The Stripe adapter's pure layer against Stripe's documented wire shapes: request
//! bodies and headers, every status and error mapping, webhook signatures and events,
//! and secrets kept out of `Debug`. No socket. Fixtures are in `fixtures/stripe/` (see
//! its README for the doc page each follows).

use axum::http::Method;
use checkout_server::processor::Final;
use checkout_server::processors::stripe::requests::DEFAULT_BASE_URL;
use checkout_server::processors::stripe::transformers::Expandable;
use checkout_server::processors::stripe::{
    construct_event, create_and_confirm, intent_outcome, is_retryable, map_error, parse_event,
    parse_response, retrieve_intent, sign, verify_signature, CreateAndConfirm, EventKind,
    IntentOutcome, OutcomeError, PaymentIntent, PaymentMethodType, RequestError,
    RequestThreeDSecure, Response, SecretKey, Session, SignatureError, StripeError,
    StripeErrorType, StripeIntentStatus, WebhookError, WebhookSecret, STRIPE_VERSION,
};
use payment_core::api::{NextAction, PaymentIntentStatus, SetupFutureUsage};
use payment_core::error::{ApiError, DeclineCode, ErrorCode, ErrorType};
use payment_core::money::{Currency, Money};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/stripe/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
}

fn intent(name: &str) -> PaymentIntent {
    serde_json::from_slice(&fixture(name)).unwrap()
}

fn eur(amount: i64) -> Money {
    Money::new(amount, Currency::new("EUR").unwrap())
}

// ---------------------------------------------------------------- status mapping

#[test]
fn succeeded_is_paid_and_keeps_the_documented_fields() {
    let pi = intent("payment_intent_succeeded.json");
    assert_eq!(pi.id, "pi_3MtwBwLkdIwHu7ix28a3tqPa");
    assert_eq!(pi.status, StripeIntentStatus::Succeeded);
    assert_eq!(pi.money(), eur(2000));
    assert_eq!(pi.order_id(), Some("ord_8f3a2c"));
    assert_eq!(pi.customer.as_deref(), Some("cus_NffrFeUfNV2Hib"));
    assert_eq!(
        pi.payment_method.as_ref().map(Expandable::id),
        Some("pm_1MtwBwLkdIwHu7ixvsm9Ovbq")
    );
    assert_eq!(
        pi.client_secret.as_ref().map(|s| s.expose()),
        Some("pi_3MtwBwLkdIwHu7ix28a3tqPa_secret_YrKJUKribcBjcG8HVhfZluoGH")
    );
    let outcome = intent_outcome(&pi).unwrap();
    assert_eq!(outcome, IntentOutcome::Succeeded);
    assert_eq!(outcome.status(), PaymentIntentStatus::Succeeded);
    assert_eq!(outcome.next_action(), None);
    assert_eq!(
        outcome.settled(),
        Some(Final::Succeeded { disputed: false })
    );
}

#[test]
fn requires_capture_is_authorised_and_counts_as_paid() {
    let outcome = intent_outcome(&intent("payment_intent_requires_capture.json")).unwrap();
    assert_eq!(outcome, IntentOutcome::Authorised);
    assert_eq!(outcome.status(), PaymentIntentStatus::RequiresCapture);
    assert!(outcome.status().is_paid());
    assert_eq!(
        outcome.settled(),
        Some(Final::Succeeded { disputed: false })
    );
}

#[test]
fn processing_waits_for_the_result() {
    let pi = intent("payment_intent_processing.json");
    let outcome = intent_outcome(&pi).unwrap();
    assert_eq!(outcome, IntentOutcome::Processing);
    assert_eq!(outcome.status(), PaymentIntentStatus::Processing);
    assert!(outcome.status().should_poll());
    assert_eq!(outcome.settled(), None);
}

#[test]
fn canceled_is_terminal_without_an_attempt_result() {
    let outcome = intent_outcome(&intent("payment_intent_canceled.json")).unwrap();
    assert_eq!(outcome, IntentOutcome::Canceled);
    assert_eq!(outcome.status(), PaymentIntentStatus::Canceled);
    assert_eq!(outcome.settled(), None);
}

#[test]
fn redirect_to_url_becomes_our_next_action() {
    let pi = intent("payment_intent_requires_action_redirect.json");
    let Some(Expandable::Object(method)) = &pi.payment_method else {
        panic!("the fixture expands payment_method");
    };
    assert_eq!(method.card.as_ref().map(|c| c.last4.as_str()), Some("3220"));
    let outcome = intent_outcome(&pi).unwrap();
    assert_eq!(outcome.status(), PaymentIntentStatus::RequiresAction);
    let Some(NextAction::RedirectToUrl { redirect_to_url }) = outcome.next_action() else {
        panic!("expected a redirect, got {outcome:?}");
    };
    assert!(redirect_to_url
        .url
        .starts_with("https://hooks.stripe.com/3d_secure_2/hosted?merchant=acct_1Mt0JZLkdIwHu7ix"));
    assert_eq!(
        redirect_to_url.return_url,
        "https://shop.example/checkout/return?order=ord_8f3a2c"
    );
    assert_eq!(redirect_to_url.app_url, None);
    assert_eq!(outcome.settled(), None);
}

#[test]
fn use_stripe_sdk_is_an_unsupported_next_action_not_a_wait() {
    let err = intent_outcome(&intent(
        "payment_intent_requires_action_use_stripe_sdk.json",
    ))
    .unwrap_err();
    assert_eq!(
        err,
        OutcomeError::UnsupportedNextAction {
            kind: "use_stripe_sdk".to_owned()
        }
    );
    let shown = err.api_error();
    assert_eq!(shown.kind, ErrorType::ApiError);
    assert_eq!(shown.code, ErrorCode::InternalError);
    assert_eq!(
        shown.message,
        "unsupported next action `use_stripe_sdk`: this server follows only redirect_to_url"
    );
}

#[test]
fn other_next_actions_and_broken_redirects_are_errors() {
    let mut pi = intent("payment_intent_requires_action_redirect.json");
    pi.next_action.as_mut().unwrap().kind = "alipay_handle_redirect".to_owned();
    assert_eq!(
        intent_outcome(&pi),
        Err(OutcomeError::UnsupportedNextAction {
            kind: "alipay_handle_redirect".to_owned()
        })
    );

    let mut pi = intent("payment_intent_requires_action_redirect.json");
    pi.next_action
        .as_mut()
        .unwrap()
        .redirect_to_url
        .as_mut()
        .unwrap()
        .url = None;
    assert_eq!(intent_outcome(&pi), Err(OutcomeError::MissingRedirectUrl));

    let mut pi = intent("payment_intent_requires_action_redirect.json");
    pi.next_action = None;
    assert_eq!(intent_outcome(&pi), Err(OutcomeError::MissingRedirectUrl));
}

#[test]
fn requires_payment_method_is_declined_with_the_last_errors_decline_code() {
    let pi = intent("payment_intent_requires_payment_method_declined.json");
    let outcome = intent_outcome(&pi).unwrap();
    let expected = ApiError {
        kind: ErrorType::CardError,
        code: ErrorCode::CardDeclined,
        decline_code: Some(DeclineCode::InsufficientFunds),
        message: "Your card has insufficient funds.".to_owned(),
        param: None,
    };
    assert_eq!(
        outcome,
        IntentOutcome::Failed {
            error: expected.clone()
        }
    );
    assert_eq!(outcome.status(), PaymentIntentStatus::RequiresPaymentMethod);
    assert_eq!(outcome.settled(), Some(Final::Failed { error: expected }));

    let mut without_reason = pi;
    without_reason.last_payment_error = None;
    let IntentOutcome::Failed { error } = intent_outcome(&without_reason).unwrap() else {
        panic!("expected a failure");
    };
    assert_eq!(error.code, ErrorCode::CardDeclined);
    assert_eq!(error.decline_code, Some(DeclineCode::GenericDecline));
}

#[test]
fn requires_confirmation_and_unknown_statuses_are_errors() {
    let mut pi = intent("payment_intent_succeeded.json");
    pi.status = StripeIntentStatus::RequiresConfirmation;
    assert_eq!(intent_outcome(&pi), Err(OutcomeError::UnconfirmedIntent));

    let mut json: serde_json::Value =
        serde_json::from_slice(&fixture("payment_intent_succeeded.json")).unwrap();
    json["status"] = "requires_source".into();
    let pi: PaymentIntent = serde_json::from_value(json).unwrap();
    assert_eq!(pi.status, StripeIntentStatus::Unknown);
    assert_eq!(intent_outcome(&pi), Err(OutcomeError::UnknownStatus));
}

// ---------------------------------------------------------------- error mapping

fn stripe_error(kind: StripeErrorType, code: Option<&str>, decline: Option<&str>) -> StripeError {
    StripeError {
        kind,
        code: code.map(str::to_owned),
        decline_code: decline.map(str::to_owned),
        message: Some("Stripe's own message".to_owned()),
        param: None,
        payment_intent: None,
    }
}

#[test]
fn card_declined_keeps_each_decline_code() {
    use DeclineCode as D;
    for (stripe, ours, message) in [
        ("insufficient_funds", D::InsufficientFunds, "Your card has insufficient funds."),
        ("expired_card", D::ExpiredCard, "Your card has expired."),
        ("incorrect_cvc", D::IncorrectCvc, "Your card's security code is incorrect."),
        (
            "processing_error",
            D::ProcessingError,
            "An error occurred while processing your card. Try again in a little bit.",
        ),
        // Lost and stolen keep their code for the merchant, but read as a generic decline.
        ("lost_card", D::LostCard, "Your card was declined."),
        ("stolen_card", D::StolenCard, "Your card was declined."),
        ("generic_decline", D::GenericDecline, "Your card was declined."),
        (
            "card_velocity_exceeded",
            D::CardVelocityExceeded,
            "Your card was declined for making repeated attempts too frequently or exceeding its amount limit.",
        ),
        // Codes we have no name for are a generic decline.
        ("do_not_honor", D::GenericDecline, "Your card was declined."),
    ] {
        let error = map_error(&stripe_error(
            StripeErrorType::CardError,
            Some("card_declined"),
            Some(stripe),
        ));
        assert_eq!(error.kind, ErrorType::CardError, "{stripe}");
        assert_eq!(error.code, ErrorCode::CardDeclined, "{stripe}");
        assert_eq!(error.decline_code, Some(ours), "{stripe}");
        assert_eq!(error.message, message, "{stripe}");
    }
}

#[test]
fn authentication_required_is_its_own_code() {
    for error in [
        stripe_error(
            StripeErrorType::CardError,
            Some("card_declined"),
            Some("authentication_required"),
        ),
        stripe_error(
            StripeErrorType::CardError,
            Some("authentication_required"),
            Some("authentication_required"),
        ),
    ] {
        let mapped = map_error(&error);
        assert_eq!(mapped.code, ErrorCode::AuthenticationRequired);
        assert_eq!(
            mapped.decline_code,
            Some(DeclineCode::AuthenticationRequired)
        );
        assert_eq!(mapped.kind, ErrorType::CardError);
    }
}

#[test]
fn stripes_own_decline_codes_become_card_declined_as_in_test_mode() {
    for (code, decline) in [
        ("expired_card", DeclineCode::ExpiredCard),
        ("incorrect_cvc", DeclineCode::IncorrectCvc),
        ("processing_error", DeclineCode::ProcessingError),
        (
            "card_decline_rate_limit_exceeded",
            DeclineCode::CardVelocityExceeded,
        ),
    ] {
        let mapped = map_error(&stripe_error(StripeErrorType::CardError, Some(code), None));
        assert_eq!(mapped.code, ErrorCode::CardDeclined, "{code}");
        assert_eq!(mapped.decline_code, Some(decline), "{code}");
        // The same error the test-mode processor reports for the same test card.
        assert_eq!(mapped, checkout_server::processor::decline_error(decline));
    }
}

#[test]
fn card_detail_codes_keep_their_code_and_name_the_field() {
    for (code, ours, param) in [
        ("incorrect_number", ErrorCode::IncorrectNumber, "number"),
        ("invalid_number", ErrorCode::InvalidNumber, "number"),
        (
            "invalid_expiry_month",
            ErrorCode::InvalidExpiryMonth,
            "exp_month",
        ),
        (
            "invalid_expiry_year",
            ErrorCode::InvalidExpiryYear,
            "exp_year",
        ),
        ("invalid_cvc", ErrorCode::InvalidCvc, "cvc"),
    ] {
        let mapped = map_error(&stripe_error(StripeErrorType::CardError, Some(code), None));
        assert_eq!(mapped.kind, ErrorType::CardError, "{code}");
        assert_eq!(mapped.code, ours, "{code}");
        assert_eq!(mapped.decline_code, None, "{code}");
        assert_eq!(mapped.param.as_deref(), Some(param), "{code}");
        assert_eq!(mapped.message, ours.default_message(), "{code}");
    }
}

#[test]
fn rate_limits_and_api_errors_are_generic_server_errors() {
    let internal = ApiError::new(ErrorType::ApiError, ErrorCode::InternalError);
    for error in [
        stripe_error(
            StripeErrorType::InvalidRequestError,
            Some("rate_limit"),
            None,
        ),
        stripe_error(
            StripeErrorType::InvalidRequestError,
            Some("lock_timeout"),
            None,
        ),
        stripe_error(StripeErrorType::ApiError, None, None),
        // A request we built wrong is not the customer's to fix.
        stripe_error(
            StripeErrorType::InvalidRequestError,
            Some("parameter_missing"),
            None,
        ),
        // An unknown type, an unknown code.
        stripe_error(StripeErrorType::Unknown, Some("brand_new_code"), None),
        stripe_error(StripeErrorType::InvalidRequestError, None, None),
    ] {
        assert_eq!(map_error(&error), internal, "{error:?}");
    }
}

#[test]
fn idempotency_errors_and_payment_intent_states_map_to_ours() {
    let mapped = map_error(&stripe_error(StripeErrorType::IdempotencyError, None, None));
    assert_eq!(mapped.kind, ErrorType::IdempotencyError);
    assert_eq!(mapped.code, ErrorCode::IdempotencyKeyInUse);
    let mapped = map_error(&stripe_error(
        StripeErrorType::InvalidRequestError,
        Some("idempotency_key_in_use"),
        None,
    ));
    assert_eq!(mapped.code, ErrorCode::IdempotencyKeyInUse);

    let mapped = map_error(&stripe_error(
        StripeErrorType::InvalidRequestError,
        Some("payment_intent_authentication_failure"),
        None,
    ));
    assert_eq!(mapped, checkout_server::processor::authentication_failed());
    let mapped = map_error(&stripe_error(
        StripeErrorType::InvalidRequestError,
        Some("payment_intent_unexpected_state"),
        None,
    ));
    assert_eq!(mapped.code, ErrorCode::PaymentIntentUnexpectedState);
    assert_eq!(mapped.kind, ErrorType::InvalidRequestError);

    // A card error with a code we do not know is still a decline, and a generic one.
    let mapped = map_error(&stripe_error(
        StripeErrorType::CardError,
        Some("brand_new_card_code"),
        None,
    ));
    assert_eq!(mapped, ApiError::declined(DeclineCode::GenericDecline));
}

#[test]
fn only_429_5xx_and_no_answer_are_retried() {
    for status in [429, 500, 502, 503, 504] {
        assert!(is_retryable(Some(status)), "{status}");
    }
    for status in [200, 400, 401, 402, 403, 404, 409, 424] {
        assert!(!is_retryable(Some(status)), "{status}");
    }
    assert!(is_retryable(None));
}

#[test]
fn documented_error_bodies_parse_with_their_status() {
    let Response::Error { status, error } =
        parse_response(402, &fixture("error_card_declined_402.json")).unwrap()
    else {
        panic!("expected an error");
    };
    assert_eq!(status, 402);
    assert_eq!(error.kind, StripeErrorType::CardError);
    assert_eq!(error.decline_code.as_deref(), Some("insufficient_funds"));
    // The declined intent rides along, so the attempt can record Stripe's intent id.
    let declined = error.payment_intent.as_deref().unwrap();
    assert_eq!(declined.id, "pi_3MtwBwLkdIwHu7ix28a3tqPa");
    assert_eq!(declined.status, StripeIntentStatus::RequiresPaymentMethod);
    assert!(!is_retryable(Some(status)));
    assert_eq!(
        map_error(&error).decline_code,
        Some(DeclineCode::InsufficientFunds)
    );

    for (status, name, kind, code) in [
        (
            429,
            "error_rate_limit_429.json",
            StripeErrorType::InvalidRequestError,
            Some("rate_limit"),
        ),
        (
            400,
            "error_idempotency_400.json",
            StripeErrorType::IdempotencyError,
            None,
        ),
        (
            500,
            "error_api_error_500.json",
            StripeErrorType::ApiError,
            None,
        ),
        (
            402,
            "error_incorrect_number_402.json",
            StripeErrorType::CardError,
            Some("incorrect_number"),
        ),
    ] {
        let Response::Error { error, .. } = parse_response(status, &fixture(name)).unwrap() else {
            panic!("{name}: expected an error");
        };
        assert_eq!(error.kind, kind, "{name}");
        assert_eq!(error.code.as_deref(), code, "{name}");
    }
    let Response::Error { error, .. } =
        parse_response(402, &fixture("error_incorrect_number_402.json")).unwrap()
    else {
        panic!("expected an error");
    };
    assert_eq!(error.param.as_deref(), Some("number"));
}

#[test]
fn a_2xx_is_the_intent_and_an_unreadable_body_is_a_parse_error() {
    let Response::Intent(pi) =
        parse_response(200, &fixture("payment_intent_succeeded.json")).unwrap()
    else {
        panic!("expected the intent");
    };
    assert_eq!(pi.status, StripeIntentStatus::Succeeded);

    let err = parse_response(502, b"<html>Bad gateway</html>").unwrap_err();
    assert_eq!(err.status, 502);
    assert!(err
        .to_string()
        .starts_with("unreadable Stripe response (HTTP 502)"));
    assert!(is_retryable(Some(err.status)));
}

// ---------------------------------------------------------------- requests

const KEY: &str = "sk_test_51Hsecretvalue0123456789";

#[test]
fn an_on_session_payment_sends_stripes_form_keys_in_order() {
    let request = create_and_confirm(
        &CreateAndConfirm {
            amount: eur(5400),
            payment_method: "pm_card_visa",
            payment_method_type: PaymentMethodType::Card,
            customer: Some("cus_NffrFeUfNV2Hib"),
            order_id: "ord_8f3a2c",
            session: Session::On {
                return_url: "https://shop.example/return?order=ord_8f3a2c&x=1",
                setup_future_usage: Some(SetupFutureUsage::OffSession),
                request_three_d_secure: Some(RequestThreeDSecure::Any),
            },
        },
        "att_5b1c",
    )
    .unwrap();
    assert_eq!(request.method, Method::POST);
    assert_eq!(request.path, "/v1/payment_intents");
    assert_eq!(request.idempotency_key.as_deref(), Some("att_5b1c"));
    assert_eq!(
        request.body.as_deref(),
        Some(
            "amount=5400&currency=eur&customer=cus_NffrFeUfNV2Hib&payment_method=pm_card_visa\
             &payment_method_types[0]=card&confirm=true\
             &return_url=https%3A%2F%2Fshop.example%2Freturn%3Forder%3Dord_8f3a2c%26x%3D1\
             &setup_future_usage=off_session\
             &payment_method_options[card][request_three_d_secure]=any\
             &metadata[order_id]=ord_8f3a2c"
        )
    );
    assert_eq!(
        request.url(DEFAULT_BASE_URL),
        "https://api.stripe.com/v1/payment_intents"
    );
    assert_eq!(
        request.url("http://127.0.0.1:12111/"),
        "http://127.0.0.1:12111/v1/payment_intents"
    );
}

#[test]
fn an_off_session_charge_sends_off_session_and_no_return_url() {
    let request = create_and_confirm(
        &CreateAndConfirm {
            amount: Money::new(5400, Currency::new("JPY").unwrap()),
            payment_method: "pm_1MtwBwLkdIwHu7ixvsm9Ovbq",
            payment_method_type: PaymentMethodType::Card,
            customer: Some("cus_NffrFeUfNV2Hib"),
            order_id: "ord 9/ü",
            session: Session::Off,
        },
        "att_off_1",
    )
    .unwrap();
    assert_eq!(
        request.body.as_deref(),
        Some(
            "amount=5400&currency=jpy&customer=cus_NffrFeUfNV2Hib\
             &payment_method=pm_1MtwBwLkdIwHu7ixvsm9Ovbq&payment_method_types[0]=card\
             &confirm=true&off_session=true&metadata[order_id]=ord+9%2F%C3%BC"
        )
    );
}

#[test]
fn sepa_takes_no_card_options_and_needs_no_customer_without_saving() {
    let request = create_and_confirm(
        &CreateAndConfirm {
            amount: eur(100),
            payment_method: "pm_sepa",
            payment_method_type: PaymentMethodType::SepaDebit,
            customer: None,
            order_id: "ord_1",
            session: Session::On {
                return_url: "https://shop.example/r",
                setup_future_usage: None,
                request_three_d_secure: Some(RequestThreeDSecure::Challenge),
            },
        },
        "k",
    )
    .unwrap();
    assert_eq!(
        request.body.as_deref(),
        Some(
            "amount=100&currency=eur&payment_method=pm_sepa&payment_method_types[0]=sepa_debit\
             &confirm=true&return_url=https%3A%2F%2Fshop.example%2Fr&metadata[order_id]=ord_1"
        )
    );
}

#[test]
fn invalid_payments_are_refused_before_anything_is_sent() {
    let base = CreateAndConfirm {
        amount: eur(100),
        payment_method: "pm_card_visa",
        payment_method_type: PaymentMethodType::Card,
        customer: None,
        order_id: "ord_1",
        session: Session::Off,
    };
    assert_eq!(
        create_and_confirm(&base, "k"),
        Err(RequestError::MissingCustomer)
    );
    let saving = CreateAndConfirm {
        session: Session::On {
            return_url: "https://shop.example/r",
            setup_future_usage: Some(SetupFutureUsage::OnSession),
            request_three_d_secure: None,
        },
        ..base
    };
    assert_eq!(
        create_and_confirm(&saving, "k"),
        Err(RequestError::MissingCustomer)
    );
    let free = CreateAndConfirm {
        amount: eur(0),
        customer: Some("cus_1"),
        ..base
    };
    assert_eq!(
        create_and_confirm(&free, "k"),
        Err(RequestError::NonPositiveAmount(0))
    );
    let ok = CreateAndConfirm {
        customer: Some("cus_1"),
        ..base
    };
    assert_eq!(
        create_and_confirm(&ok, ""),
        Err(RequestError::InvalidIdempotencyKey)
    );
    assert_eq!(
        create_and_confirm(&ok, &"k".repeat(256)),
        Err(RequestError::InvalidIdempotencyKey)
    );
    assert!(create_and_confirm(&ok, &"k".repeat(255)).is_ok());
}

#[test]
fn retrieve_is_a_get_with_the_id_escaped() {
    let request = retrieve_intent("pi_3MtwBwLkdIwHu7ix28a3tqPa");
    assert_eq!(request.method, Method::GET);
    assert_eq!(
        request.path,
        "/v1/payment_intents/pi_3MtwBwLkdIwHu7ix28a3tqPa"
    );
    assert_eq!(request.body, None);
    assert_eq!(request.idempotency_key, None);
    assert_eq!(
        retrieve_intent("pi_1/../customers?x").path,
        "/v1/payment_intents/pi_1%2F..%2Fcustomers%3Fx"
    );
}

#[test]
fn headers_carry_the_key_version_and_idempotency_key_but_debug_hides_the_key() {
    let request = create_and_confirm(
        &CreateAndConfirm {
            amount: eur(100),
            payment_method: "pm_card_visa",
            payment_method_type: PaymentMethodType::Card,
            customer: Some("cus_1"),
            order_id: "ord_1",
            session: Session::Off,
        },
        "att_5b1c",
    )
    .unwrap();
    let headers = request.headers(&SecretKey::new(KEY)).unwrap();
    assert_eq!(
        headers["authorization"].to_str().unwrap(),
        format!("Bearer {KEY}")
    );
    assert!(headers["authorization"].is_sensitive());
    assert_eq!(headers["stripe-version"], STRIPE_VERSION);
    assert_eq!(headers["idempotency-key"], "att_5b1c");
    assert_eq!(headers["content-type"], "application/x-www-form-urlencoded");
    let shown = format!("{headers:?} {request:?}");
    assert!(!shown.contains("51Hsecretvalue"), "{shown}");
    assert!(shown.contains("Sensitive"), "{shown}");

    let get = retrieve_intent("pi_1")
        .headers(&SecretKey::new(KEY))
        .unwrap();
    assert_eq!(get.len(), 2);
    assert!(get.get("idempotency-key").is_none());
    assert!(get.get("content-type").is_none());

    assert_eq!(
        retrieve_intent("pi_1")
            .headers(&SecretKey::new("sk_test_\nX"))
            .unwrap_err(),
        RequestError::InvalidHeader("Authorization")
    );
}

#[test]
fn debug_of_an_intent_never_shows_its_client_secret() {
    let pi = intent("payment_intent_succeeded.json");
    let shown = format!("{pi:?}");
    assert!(!shown.contains("YrKJUKribcBjcG8HVhfZluoGH"), "{shown}");
    assert!(
        shown.contains("pi_3MtwBwLkdIwHu7ix28a3tqPa_secret_…"),
        "{shown}"
    );
}

// ---------------------------------------------------------------- webhooks

const WHSEC: &str = "whsec_test_secret";
const T: i64 = 1_680_800_510;

fn whsec() -> WebhookSecret {
    WebhookSecret::new(WHSEC)
}

#[test]
fn the_signature_is_stripes_hmac_of_timestamp_dot_body() {
    // Computed independently: HMAC-SHA256("whsec_test_secret", "1680800510.{\"id\":\"evt_1\"}").
    assert_eq!(
        sign(&whsec(), T, br#"{"id":"evt_1"}"#),
        "t=1680800510,v1=90094339a2b4712148f268ad854c1724313ef8ffe5a93a9e9a62cddbcf270ad4"
    );
}

#[test]
fn a_valid_signature_verifies_within_300_seconds_either_way() {
    let body = fixture("event_payment_intent_succeeded.json");
    let header = sign(&whsec(), T, &body);
    for now in [T, T + 300, T - 300] {
        assert_eq!(
            verify_signature(&whsec(), Some(&header), &body, now),
            Ok(()),
            "{now}"
        );
    }
}

#[test]
fn wrong_secret_and_tampered_body_do_not_match() {
    let body = fixture("event_payment_intent_succeeded.json");
    let header = sign(&whsec(), T, &body);
    assert_eq!(
        verify_signature(&WebhookSecret::new("whsec_other"), Some(&header), &body, T),
        Err(SignatureError::Mismatch)
    );
    let mut tampered = body.clone();
    let at = tampered.iter().position(|b| *b == b'2').unwrap();
    tampered[at] = b'9';
    assert_eq!(
        verify_signature(&whsec(), Some(&header), &tampered, T),
        Err(SignatureError::Mismatch)
    );
    // The timestamp is signed too: moving it breaks the signature.
    let moved = header.replace(&format!("t={T}"), &format!("t={}", T + 1));
    assert_eq!(
        verify_signature(&whsec(), Some(&moved), &body, T),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn old_and_future_timestamps_beyond_300_seconds_are_refused() {
    let body = fixture("event_payment_intent_succeeded.json");
    let header = sign(&whsec(), T, &body);
    assert_eq!(
        verify_signature(&whsec(), Some(&header), &body, T + 301),
        Err(SignatureError::OutsideTolerance)
    );
    assert_eq!(
        verify_signature(&whsec(), Some(&header), &body, T - 301),
        Err(SignatureError::OutsideTolerance)
    );
    // A forged old delivery is a mismatch, not "too old": nothing is said about it.
    assert_eq!(
        verify_signature(
            &WebhookSecret::new("whsec_other"),
            Some(&header),
            &body,
            T + 10_000
        ),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn any_v1_may_match_and_v0_never_counts() {
    let body = br#"{"id":"evt_1"}"#;
    let valid = sign(&whsec(), T, body);
    let valid_v1 = valid.split_once(",v1=").unwrap().1;
    let rolled = format!(
        "t={T},v1=zz-not-hex,v1={},v1={valid_v1},v0={valid_v1}",
        "0".repeat(64)
    );
    assert_eq!(verify_signature(&whsec(), Some(&rolled), body, T), Ok(()));

    let only_v0 = format!("t={T},v0={valid_v1}");
    assert_eq!(
        verify_signature(&whsec(), Some(&only_v0), body, T),
        Err(SignatureError::MissingSignature)
    );
    let all_wrong = format!("t={T},v1={},v1=abcd", "0".repeat(64));
    assert_eq!(
        verify_signature(&whsec(), Some(&all_wrong), body, T),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn missing_or_malformed_header_parts_say_which() {
    let body = br#"{"id":"evt_1"}"#;
    let valid = sign(&whsec(), T, body);
    let v1 = valid.split_once(",v1=").unwrap().1;
    for (header, expected) in [
        (None, SignatureError::MissingHeader),
        (Some(String::new()), SignatureError::MissingTimestamp),
        (Some(format!("v1={v1}")), SignatureError::MissingTimestamp),
        (
            Some(format!("t=soon,v1={v1}")),
            SignatureError::MissingTimestamp,
        ),
        (Some(format!("t={T}")), SignatureError::MissingSignature),
        (
            Some(format!("t={T},t={T},v1={v1}")),
            SignatureError::DuplicateTimestamp,
        ),
    ] {
        assert_eq!(
            verify_signature(&whsec(), header.as_deref(), body, T),
            Err(expected),
            "{header:?}"
        );
    }
    // Stray elements are skipped, as Stripe's libraries skip them.
    assert_eq!(
        verify_signature(&whsec(), Some(&format!("t={T}, junk ,v1={v1}")), body, T),
        Ok(())
    );
}

#[test]
fn the_four_event_types_parse_and_others_are_ignored() {
    let event = parse_event(&fixture("event_payment_intent_succeeded.json")).unwrap();
    assert_eq!(event.id, "evt_3MtwBwLkdIwHu7ix0zSucc");
    assert_eq!(event.created, 1_680_800_510);
    assert!(!event.livemode);
    assert_eq!(event.kind.as_str(), "payment_intent.succeeded");
    let EventKind::PaymentIntentSucceeded(pi) = &event.kind else {
        panic!("{event:?}");
    };
    assert_eq!(pi.order_id(), Some("ord_8f3a2c"));
    assert_eq!(intent_outcome(pi), Ok(IntentOutcome::Succeeded));

    let event = parse_event(&fixture("event_payment_intent_payment_failed.json")).unwrap();
    let EventKind::PaymentIntentPaymentFailed(pi) = &event.kind else {
        panic!("{event:?}");
    };
    let IntentOutcome::Failed { error } = intent_outcome(pi).unwrap() else {
        panic!("expected a failure");
    };
    assert_eq!(error.decline_code, Some(DeclineCode::InsufficientFunds));

    let event = parse_event(&fixture("event_payment_intent_processing.json")).unwrap();
    let EventKind::PaymentIntentProcessing(pi) = &event.kind else {
        panic!("{event:?}");
    };
    assert_eq!(pi.status, StripeIntentStatus::Processing);

    let event = parse_event(&fixture("event_charge_dispute_created.json")).unwrap();
    let EventKind::ChargeDisputeCreated(dispute) = &event.kind else {
        panic!("{event:?}");
    };
    assert_eq!(dispute.id, "du_1MtJUT2eZvKYlo2CNaw2HvEv");
    assert_eq!(dispute.charge, "ch_3MtwBwLkdIwHu7ix0snN0B15");
    assert_eq!(
        dispute.payment_intent.as_deref(),
        Some("pi_3MtwBwLkdIwHu7ix28a3tqPa")
    );
    assert_eq!(Money::new(dispute.amount, dispute.currency), eur(2000));
    assert_eq!(dispute.reason.as_deref(), Some("fraudulent"));

    let event = parse_event(&fixture("event_customer_created.json")).unwrap();
    assert_eq!(event.kind, EventKind::Other("customer.created".to_owned()));
}

#[test]
fn an_unreadable_payment_event_is_an_error_not_ignored() {
    let body = br#"{"id":"evt_1","type":"payment_intent.succeeded","created":1,"data":{"object":{"id":"pi_1"}}}"#;
    assert!(matches!(parse_event(body), Err(WebhookError::Payload(_))));
    assert!(matches!(
        parse_event(b"not json"),
        Err(WebhookError::Payload(_))
    ));
}

#[test]
fn construct_event_verifies_then_parses() {
    let body = fixture("event_charge_dispute_created.json");
    let header = sign(&whsec(), T, &body);
    let event = construct_event(&whsec(), Some(&header), &body, T).unwrap();
    assert_eq!(event.kind.as_str(), "charge.dispute.created");
    assert_eq!(
        construct_event(&whsec(), Some(&header), &body, T + 301),
        Err(WebhookError::Signature(SignatureError::OutsideTolerance))
    );
    assert_eq!(
        construct_event(&whsec(), None, &body, T),
        Err(WebhookError::Signature(SignatureError::MissingHeader))
    );
}
