//! The Xendit adapter's pure layer against Xendit's documented wire shapes: request
//! bodies and headers, amounts in exact major units, every status, action and error
//! mapping, the `x-callback-token` check and events, and secrets kept out of `Debug`.
//! No socket. Fixtures are in `fixtures/xendit/` (see its README for the doc page each
//! follows).

use axum::http::Method;
use checkout_server::processor::{authentication_failed, decline_error, Final};
use checkout_server::processors::xendit::requests::DEFAULT_BASE_URL;
use checkout_server::processors::xendit::{
    construct_event, create_payment_request, failure_error, is_retryable, map_error, parse_event,
    parse_response, payment_outcome, retrieve_payment_request, verify_callback_token, AmountError,
    CallbackToken, CreatePaymentRequest, Customer, EventKind, MajorAmount, OutcomeError,
    PaymentOutcome, PaymentRequest, PaymentSource, PaymentStatus, PaymentTokenStatus, RequestError,
    Response, ReturnUrls, SecretKey, TokenError, WebhookError, XenditError, XenditKeys,
    XenditStatus, API_VERSION,
};
use payment_core::api::{EwalletChannel, NextAction, PaymentIntentStatus, QrChannel};
use payment_core::error::{ApiError, DeclineCode, ErrorCode, ErrorType};
use payment_core::money::{Currency, MinorUnit, Money};
use serde_json::Value;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/xendit/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
}

fn payment_request(name: &str) -> PaymentRequest {
    serde_json::from_slice(&fixture(name)).unwrap()
}

fn json(name: &str) -> Value {
    serde_json::from_slice(&fixture(name)).unwrap()
}

fn php(minor: i64) -> Money {
    Money::new(minor, Currency::PHP)
}

fn idr(minor: i64) -> Money {
    Money::new(minor, Currency::IDR)
}

// ---------------------------------------------------------------- status mapping

#[test]
fn a_wallet_redirect_is_our_redirect_with_the_deeplink_as_app_url() {
    let pr = payment_request("payment_request_requires_action_redirect.json");
    assert_eq!(
        pr.payment_request_id,
        "pr-90392f42-d98a-49ef-a7f3-abcezas123"
    );
    assert_eq!(pr.reference_id, "pi_7Qx2mEwGcash41");
    assert_eq!(pr.status, XenditStatus::RequiresAction);
    assert_eq!(pr.money(), Some(Ok(php(1_000_001))));
    assert_eq!(pr.order_id(), Some("ord_8f3a2c"));
    // Not saved yet: the token comes with the success.
    assert_eq!(pr.saved_payment_token(), None);

    let outcome = payment_outcome(&pr).unwrap();
    assert_eq!(outcome.status(), PaymentIntentStatus::RequiresAction);
    assert_eq!(outcome.settled(), None);
    let Some(NextAction::RedirectToUrl { redirect_to_url }) = outcome.next_action() else {
        panic!("expected a redirect, got {outcome:?}");
    };
    assert_eq!(
        redirect_to_url.url,
        "https://ewallet-mock.xendit.co/v1/gcash/authorize?token=pr-90392f42"
    );
    assert_eq!(
        redirect_to_url.app_url.as_deref(),
        Some("gcash://pay?token=pr-90392f42")
    );
    assert_eq!(
        redirect_to_url.return_url,
        "https://shop.example/checkout/return?order=ord_8f3a2c"
    );
}

#[test]
fn a_web_url_alone_has_no_app_url_and_a_deeplink_alone_is_the_page() {
    let mut pr = payment_request("payment_request_requires_action_redirect.json");
    pr.actions.truncate(1);
    let Some(NextAction::RedirectToUrl { redirect_to_url }) =
        payment_outcome(&pr).unwrap().next_action()
    else {
        panic!("expected a redirect");
    };
    assert_eq!(redirect_to_url.app_url, None);

    let mut pr = payment_request("payment_request_requires_action_redirect.json");
    pr.actions.remove(0);
    let Some(NextAction::RedirectToUrl { redirect_to_url }) =
        payment_outcome(&pr).unwrap().next_action()
    else {
        panic!("expected a redirect");
    };
    assert_eq!(redirect_to_url.url, "gcash://pay?token=pr-90392f42");
    assert_eq!(redirect_to_url.app_url, None);
}

#[test]
fn a_qr_string_is_our_qr_code_with_its_expiry() {
    let pr = payment_request("payment_request_requires_action_qr.json");
    assert_eq!(pr.money(), Some(Ok(idr(15_000_000))));
    let outcome = payment_outcome(&pr).unwrap();
    assert_eq!(outcome.status(), PaymentIntentStatus::RequiresAction);
    let Some(NextAction::DisplayQrCode { display_qr_code }) = outcome.next_action() else {
        panic!("expected a QR code, got {outcome:?}");
    };
    assert!(display_qr_code.data.starts_with("000201010212"));
    assert!(display_qr_code.data.ends_with("6304A1B2"));
    // 2025-01-15T23:59:59Z
    assert_eq!(display_qr_code.expires_at, Some(1_736_985_599));
    assert_eq!(display_qr_code.image_url_svg, None);

    let mut without_expiry = pr;
    without_expiry.channel_properties.expires_at = Some("tomorrow".to_owned());
    let Some(NextAction::DisplayQrCode { display_qr_code }) =
        payment_outcome(&without_expiry).unwrap().next_action()
    else {
        panic!("expected a QR code");
    };
    assert_eq!(display_qr_code.expires_at, None);
}

#[test]
fn other_actions_are_an_unsupported_next_action_never_a_wait() {
    let err = payment_outcome(&payment_request(
        "payment_request_requires_action_direct_debit.json",
    ))
    .unwrap_err();
    assert_eq!(
        err,
        OutcomeError::UnsupportedNextAction {
            kind: "API_POST_REQUEST".to_owned(),
            descriptor: "DEBIT_ACCOUNT".to_owned(),
        }
    );
    let shown = err.api_error();
    assert_eq!(shown.kind, ErrorType::ApiError);
    assert_eq!(shown.code, ErrorCode::InternalError);
    assert!(shown
        .message
        .starts_with("unsupported next action `API_POST_REQUEST`/`DEBIT_ACCOUNT`"));

    // A descriptor we do not follow, under a type we do.
    let mut pr = payment_request("payment_request_requires_action_qr.json");
    pr.actions[0].descriptor = "VIRTUAL_ACCOUNT_NUMBER".to_owned();
    assert_eq!(
        payment_outcome(&pr),
        Err(OutcomeError::UnsupportedNextAction {
            kind: "PRESENT_TO_CUSTOMER".to_owned(),
            descriptor: "VIRTUAL_ACCOUNT_NUMBER".to_owned(),
        })
    );
    // An action with an empty value is no action to follow.
    let mut pr = payment_request("payment_request_requires_action_qr.json");
    pr.actions[0].value.clear();
    assert!(matches!(
        payment_outcome(&pr),
        Err(OutcomeError::UnsupportedNextAction { .. })
    ));
    // Followed actions are picked out from among others.
    let mut pr = payment_request("payment_request_requires_action_qr.json");
    let qr = pr.actions[0].clone();
    pr.actions[0].descriptor = "VIRTUAL_ACCOUNT_NUMBER".to_owned();
    pr.actions.push(qr);
    assert!(matches!(
        payment_outcome(&pr).unwrap().next_action(),
        Some(NextAction::DisplayQrCode { .. })
    ));

    let mut pr = payment_request("payment_request_requires_action_redirect.json");
    pr.actions.clear();
    assert_eq!(payment_outcome(&pr), Err(OutcomeError::MissingAction));
}

#[test]
fn succeeded_is_paid_and_a_pay_and_save_yields_its_token() {
    let pr = payment_request("payment_request_succeeded_pay_and_save.json");
    let outcome = payment_outcome(&pr).unwrap();
    assert_eq!(outcome, PaymentOutcome::Succeeded);
    assert_eq!(outcome.status(), PaymentIntentStatus::Succeeded);
    assert_eq!(outcome.next_action(), None);
    assert_eq!(
        outcome.settled(),
        Some(Final::Succeeded { disputed: false })
    );
    assert_eq!(
        pr.saved_payment_token(),
        Some("pt-cc3938dc-c2a5-43c4-89d7-7570793348c2")
    );
    assert_eq!(
        pr.latest_payment_id.as_deref(),
        Some("py-1402feb0-bb79-47ae-9d1e-e69394d3949c")
    );
}

#[test]
fn pending_waits_and_a_charged_token_is_not_a_new_one() {
    let pr = payment_request("payment_request_pending_token.json");
    let outcome = payment_outcome(&pr).unwrap();
    assert_eq!(outcome, PaymentOutcome::Processing);
    assert_eq!(outcome.status(), PaymentIntentStatus::Processing);
    assert!(outcome.status().should_poll());
    assert_eq!(outcome.settled(), None);
    assert_eq!(
        pr.payment_token_id.as_deref(),
        Some("pt-1402feb0-bb79-47ae-9d1e-e69394d3949c")
    );
    assert_eq!(pr.saved_payment_token(), None);
}

#[test]
fn failed_is_requires_payment_method_with_the_failure_codes_error() {
    let pr = payment_request("payment_request_failed_insufficient_balance.json");
    let outcome = payment_outcome(&pr).unwrap();
    let expected = ApiError {
        kind: ErrorType::CardError,
        code: ErrorCode::CardDeclined,
        decline_code: Some(DeclineCode::InsufficientFunds),
        message: "Your card has insufficient funds.".to_owned(),
        param: None,
    };
    assert_eq!(
        outcome,
        PaymentOutcome::Failed {
            error: expected.clone()
        }
    );
    assert_eq!(outcome.status(), PaymentIntentStatus::RequiresPaymentMethod);
    assert_eq!(outcome.settled(), Some(Final::Failed { error: expected }));
}

#[test]
fn expired_and_canceled_are_canceled_without_an_attempt_result() {
    let pr = payment_request("payment_request_expired.json");
    assert_eq!(pr.status, XenditStatus::Expired);
    let outcome = payment_outcome(&pr).unwrap();
    assert_eq!(outcome, PaymentOutcome::Canceled);
    assert_eq!(outcome.status(), PaymentIntentStatus::Canceled);
    assert_eq!(outcome.settled(), None);

    let mut pr = pr;
    pr.status = XenditStatus::Canceled;
    assert_eq!(payment_outcome(&pr), Ok(PaymentOutcome::Canceled));
}

#[test]
fn authorized_counts_as_paid_and_accepting_payments_and_unknown_are_errors() {
    let mut value = json("payment_request_succeeded_pay_and_save.json");
    value["status"] = "AUTHORIZED".into();
    let pr: PaymentRequest = serde_json::from_value(value).unwrap();
    let outcome = payment_outcome(&pr).unwrap();
    assert_eq!(outcome, PaymentOutcome::Authorised);
    assert_eq!(outcome.status(), PaymentIntentStatus::RequiresCapture);
    assert!(outcome.status().is_paid());
    assert_eq!(
        outcome.settled(),
        Some(Final::Succeeded { disputed: false })
    );

    let mut value = json("payment_request_succeeded_pay_and_save.json");
    value["status"] = "ACCEPTING_PAYMENTS".into();
    let pr: PaymentRequest = serde_json::from_value(value).unwrap();
    assert_eq!(
        payment_outcome(&pr),
        Err(OutcomeError::UnexpectedReusableCode)
    );

    let mut value = json("payment_request_succeeded_pay_and_save.json");
    value["status"] = "PARTIALLY_REFUNDED".into();
    let pr: PaymentRequest = serde_json::from_value(value).unwrap();
    assert_eq!(pr.status, XenditStatus::Unknown);
    assert_eq!(payment_outcome(&pr), Err(OutcomeError::UnknownStatus));
}

#[test]
fn the_mapping_agrees_with_payment_cores_neutral_one() {
    for status in [
        "REQUIRES_ACTION",
        "PENDING",
        "AUTHORIZED",
        "SUCCEEDED",
        "FAILED",
        "CANCELED",
        "EXPIRED",
    ] {
        let mut value = json("payment_request_requires_action_redirect.json");
        value["status"] = status.into();
        let pr: PaymentRequest = serde_json::from_value(value).unwrap();
        assert_eq!(pr.status.as_str(), status);
        assert_eq!(
            payment_outcome(&pr).unwrap().status(),
            PaymentIntentStatus::from_xendit(status),
            "{status}"
        );
    }
}

// ---------------------------------------------------------------- failure and error codes

#[test]
fn failure_codes_map_onto_the_test_mode_processors_errors() {
    use DeclineCode as D;
    for (code, expected) in [
        ("INSUFFICIENT_BALANCE", decline_error(D::InsufficientFunds)),
        (
            "PAYMENT_AMOUNT_LIMITS_EXCEEDED",
            decline_error(D::CardVelocityExceeded),
        ),
        ("EXPIRED_CARD", decline_error(D::ExpiredCard)),
        ("INVALID_CVV", decline_error(D::IncorrectCvc)),
        ("STOLEN_CARD", decline_error(D::StolenCard)),
        ("USER_DECLINED_PAYMENT", authentication_failed()),
        ("USER_DID_NOT_AUTHORIZE", authentication_failed()),
        ("PAYMENT_REQUEST_EXPIRED", authentication_failed()),
        ("CHANNEL_UNAVAILABLE", decline_error(D::ProcessingError)),
        ("PARTNER_TIMEOUT_ERROR", decline_error(D::ProcessingError)),
        (
            "INVALID_MERCHANT_SETTINGS",
            ApiError::new(ErrorType::ApiError, ErrorCode::InternalError),
        ),
        ("CARD_DECLINED", decline_error(D::GenericDecline)),
        ("INVALID_TOKEN", decline_error(D::GenericDecline)),
        (
            "FAILURE_DETAILS_UNAVAILABLE",
            decline_error(D::GenericDecline),
        ),
        ("A_CODE_FROM_NEXT_YEAR", decline_error(D::GenericDecline)),
    ] {
        assert_eq!(failure_error(Some(code)), expected, "{code}");
    }
    assert_eq!(failure_error(None), decline_error(D::GenericDecline));
    // Stolen cards keep their code for the merchant but read as a generic decline.
    assert_eq!(
        failure_error(Some("STOLEN_CARD")).message,
        "Your card was declined."
    );
}

fn parsed_error(name: &str, status: u16) -> XenditError {
    let Response::Error {
        status: parsed,
        error,
    } = parse_response(status, &fixture(name)).unwrap()
    else {
        panic!("expected an error for {name}");
    };
    assert_eq!(parsed, status);
    error
}

#[test]
fn documented_error_bodies_parse_and_map_with_their_status() {
    let internal = ApiError::new(ErrorType::ApiError, ErrorCode::InternalError);

    let error = parsed_error("error_api_validation_400.json", 400);
    assert_eq!(error.error_code, "API_VALIDATION_ERROR");
    assert_eq!(map_error(400, &error), internal);
    assert!(!is_retryable(Some(400)));

    let error = parsed_error("error_invalid_token_400.json", 400);
    assert_eq!(
        map_error(400, &error),
        decline_error(DeclineCode::GenericDecline)
    );

    let error = parsed_error("error_duplicate_409.json", 409);
    assert_eq!(error.error_code, "DATA_NOT_FOUND");
    let mapped = map_error(409, &error);
    assert_eq!(mapped.kind, ErrorType::IdempotencyError);
    assert_eq!(mapped.code, ErrorCode::IdempotencyKeyInUse);
    assert!(!is_retryable(Some(409)));

    let error = parsed_error("error_rate_limit_429.json", 429);
    assert_eq!(error.error_code, "RATE_LIMIT_EXCEEDED");
    assert_eq!(map_error(429, &error), internal);
    assert!(is_retryable(Some(429)));

    let error = parsed_error("error_server_error_500.json", 500);
    assert_eq!(map_error(500, &error), internal);
    assert!(is_retryable(Some(500)));

    let error = parsed_error("error_channel_unavailable_503.json", 503);
    assert_eq!(
        map_error(503, &error),
        decline_error(DeclineCode::ProcessingError)
    );
    assert!(is_retryable(Some(503)));
}

fn xendit_error(code: &str) -> XenditError {
    XenditError {
        error_code: code.to_owned(),
        message: Some("Xendit's own message".to_owned()),
    }
}

#[test]
fn duplicates_idempotency_and_missing_objects_map_to_ours() {
    for code in ["DUPLICATE_ERROR", "IDEMPOTENCY_ERROR"] {
        for status in [400, 409] {
            let mapped = map_error(status, &xendit_error(code));
            assert_eq!(
                mapped.code,
                ErrorCode::IdempotencyKeyInUse,
                "{code} {status}"
            );
            assert_eq!(mapped.kind, ErrorType::IdempotencyError, "{code} {status}");
        }
    }
    assert_eq!(
        map_error(409, &xendit_error("ACCOUNT_ALREADY_LINKED")).code,
        ErrorCode::InternalError
    );
    let missing = map_error(404, &xendit_error("DATA_NOT_FOUND"));
    assert_eq!(missing.code, ErrorCode::ResourceMissing);
    assert_eq!(missing.kind, ErrorType::InvalidRequestError);

    let details = map_error(400, &xendit_error("INVALID_PAYMENT_DETAILS"));
    assert_eq!(details.code, ErrorCode::ParameterInvalid);
    assert_eq!(details.kind, ErrorType::InvalidRequestError);
    assert_eq!(
        map_error(400, &xendit_error("CARD_EXPIRED")),
        decline_error(DeclineCode::ExpiredCard)
    );
    for code in [
        "INVALID_VALUE_ERROR",
        "PAYMENT_REQUEST_RATE_LIMITED",
        "SKIP_3DS_FORBIDDEN",
        "INVALID_API_KEY",
        "",
        "BRAND_NEW_CODE",
    ] {
        assert_eq!(
            map_error(400, &xendit_error(code)).code,
            ErrorCode::InternalError,
            "{code}"
        );
    }
}

#[test]
fn only_429_5xx_and_no_answer_are_retried() {
    for status in [429, 500, 502, 503, 504] {
        assert!(is_retryable(Some(status)), "{status}");
    }
    for status in [200, 201, 400, 401, 403, 404, 409] {
        assert!(!is_retryable(Some(status)), "{status}");
    }
    assert!(is_retryable(None));
}

#[test]
fn a_2xx_is_the_payment_request_and_an_unreadable_body_is_a_parse_error() {
    let Response::PaymentRequest(pr) = parse_response(
        201,
        &fixture("payment_request_requires_action_redirect.json"),
    )
    .unwrap() else {
        panic!("expected the payment request");
    };
    assert_eq!(pr.status, XenditStatus::RequiresAction);

    let err = parse_response(502, b"<html>Bad gateway</html>").unwrap_err();
    assert_eq!(err.status, 502);
    assert!(err
        .to_string()
        .starts_with("unreadable Xendit response (HTTP 502)"));
    assert!(is_retryable(Some(err.status)));

    // Lenient at the edge: no error_code is still an error, mapped as unknown.
    let Response::Error { error, .. } = parse_response(500, b"{}").unwrap() else {
        panic!("expected an error");
    };
    assert_eq!(error.error_code, "");
}

// ---------------------------------------------------------------- amounts

#[test]
fn amounts_cross_in_major_units_without_floats() {
    // PHP has two decimals on both sides.
    assert_eq!(
        MajorAmount::from_money(php(1_000_001)).unwrap().as_str(),
        "10000.01"
    );
    assert_eq!(
        MajorAmount::from_money(php(125_000)).unwrap().as_str(),
        "1250"
    );
    // payment-core gives IDR two decimals; Xendit takes whole rupiah.
    assert_eq!(Currency::IDR.exponent(), 2);
    assert_eq!(
        checkout_server::processors::xendit::xendit_decimals(Currency::IDR),
        0
    );
    assert_eq!(
        checkout_server::processors::xendit::xendit_decimals(Currency::PHP),
        2
    );
    assert_eq!(
        MajorAmount::from_money(idr(15_000_000)).unwrap().as_str(),
        "150000"
    );
    assert_eq!(
        MajorAmount::from_money(idr(15_000_001)),
        Err(AmountError::FinerThanAccepted {
            currency: Currency::IDR,
            minor: 15_000_001,
            decimals: 0
        })
    );
    // A value no f64 holds exactly survives both ways.
    let amount = MajorAmount::from_money(php(9_007_199_254_740_993)).unwrap();
    assert_eq!(amount.as_str(), "90071992547409.93");
    let body = serde_json::to_string(&amount).unwrap();
    assert_eq!(body, "90071992547409.93");
    let back: MajorAmount = serde_json::from_str(&body).unwrap();
    assert_eq!(
        back.to_minor(Currency::PHP),
        Ok(MinorUnit(9_007_199_254_740_993))
    );
}

// ---------------------------------------------------------------- requests

const KEY: &str = "xnd_development_P4qDfOss0OCpl8RtKrROHjaQYNCk9dN5lSfk";

const RETURN_URLS: ReturnUrls<'static> = ReturnUrls {
    success: "https://shop.example/checkout/return?order=ord_8f3a2c",
    failure: "https://shop.example/checkout/return?order=ord_8f3a2c&failed=1",
    cancel: Some("https://shop.example/checkout?order=ord_8f3a2c"),
};

fn gcash_pay_and_save() -> CreatePaymentRequest<'static> {
    CreatePaymentRequest {
        amount: php(1_000_001),
        reference_id: "pi_7Qx2mEwGcash41",
        source: PaymentSource::Ewallet {
            channel: EwalletChannel::Gcash,
            return_urls: RETURN_URLS,
            save: true,
        },
        customer: Some(Customer::New {
            reference_id: "cus_4Fq8Lm2",
            given_names: "Juan",
            email: Some("juan.delacruz@example.com"),
        }),
        order_id: "ord_8f3a2c",
    }
}

fn body(request: &checkout_server::processors::xendit::XenditRequest) -> Value {
    serde_json::from_str(request.body.as_deref().unwrap()).unwrap()
}

#[test]
fn a_consented_wallet_payment_is_pay_and_save_in_xendits_shape() {
    let request = create_payment_request(&gcash_pay_and_save(), "att_5b1c").unwrap();
    assert_eq!(request.method, Method::POST);
    assert_eq!(request.path, "/v3/payment_requests");
    assert_eq!(request.idempotency_key.as_deref(), Some("att_5b1c"));
    assert_eq!(body(&request), json("request_pay_and_save_ewallet.json"));
    // The amount is a JSON number with exactly these digits, not a string.
    assert!(request
        .body
        .as_deref()
        .unwrap()
        .contains(r#""request_amount":10000.01,"#));
    assert_eq!(
        request.url(DEFAULT_BASE_URL),
        "https://api.xendit.co/v3/payment_requests"
    );
    assert_eq!(
        request.url("http://127.0.0.1:12112/"),
        "http://127.0.0.1:12112/v3/payment_requests"
    );
}

#[test]
fn without_consent_the_same_wallet_is_a_plain_pay() {
    let params = CreatePaymentRequest {
        source: PaymentSource::Ewallet {
            channel: EwalletChannel::Gcash,
            return_urls: ReturnUrls {
                cancel: None,
                ..RETURN_URLS
            },
            save: false,
        },
        customer: None,
        ..gcash_pay_and_save()
    };
    let request = create_payment_request(&params, "att_5b1d").unwrap();
    let body = body(&request);
    assert_eq!(body["type"], "PAY");
    assert_eq!(body["channel_code"], "GCASH");
    assert!(body.get("customer").is_none());
    assert!(body["channel_properties"]
        .get("cancel_return_url")
        .is_none());
}

#[test]
fn a_qr_code_and_a_saved_token_are_pay_in_xendits_shape() {
    let qr = create_payment_request(
        &CreatePaymentRequest {
            amount: idr(15_000_000),
            reference_id: "pi_5Rk9QrisQ7a2",
            source: PaymentSource::QrCode {
                channel: QrChannel::Qris,
            },
            customer: None,
            order_id: "ord_2b7d10",
        },
        "att_qr_1",
    )
    .unwrap();
    assert_eq!(body(&qr), json("request_pay_qr.json"));
    assert!(qr
        .body
        .as_deref()
        .unwrap()
        .contains(r#""request_amount":150000,"#));

    let token = create_payment_request(
        &CreatePaymentRequest {
            amount: idr(25_000_000),
            reference_id: "pi_9Tz4OvoToken77",
            source: PaymentSource::SavedToken {
                payment_token_id: "pt-1402feb0-bb79-47ae-9d1e-e69394d3949c",
                return_urls: None,
            },
            customer: Some(Customer::Existing(
                "cust-b98d6f63-d240-44ec-9bd5-aa42954c4f48",
            )),
            order_id: "ord_c41e77",
        },
        "att_tok_1",
    )
    .unwrap();
    assert_eq!(body(&token), json("request_pay_with_token.json"));
}

#[test]
fn every_ewallet_and_qr_channel_sends_payment_cores_name() {
    for channel in EwalletChannel::ALL {
        let currency = if channel.supports(&Currency::PHP) {
            Currency::PHP
        } else {
            Currency::IDR
        };
        let request = create_payment_request(
            &CreatePaymentRequest {
                amount: Money::new(100_000, currency),
                source: PaymentSource::Ewallet {
                    channel,
                    return_urls: RETURN_URLS,
                    save: false,
                },
                customer: None,
                ..gcash_pay_and_save()
            },
            "k",
        )
        .unwrap();
        assert_eq!(body(&request)["channel_code"], channel.as_str());
    }
    assert_eq!(
        [
            EwalletChannel::Gcash,
            EwalletChannel::Paymaya,
            EwalletChannel::Shopeepay
        ]
        .map(EwalletChannel::as_str),
        ["GCASH", "PAYMAYA", "SHOPEEPAY"]
    );
    for (channel, currency, country) in [
        (QrChannel::Qris, Currency::IDR, "ID"),
        (QrChannel::Qrph, Currency::PHP, "PH"),
    ] {
        let request = create_payment_request(
            &CreatePaymentRequest {
                amount: Money::new(100_000, currency),
                source: PaymentSource::QrCode { channel },
                customer: None,
                ..gcash_pay_and_save()
            },
            "k",
        )
        .unwrap();
        let body = body(&request);
        assert_eq!(body["channel_code"], channel.as_str());
        assert_eq!(body["country"], country);
        assert_eq!(body["currency"], currency.as_upper());
    }
}

#[test]
fn invalid_payments_are_refused_before_anything_is_sent() {
    let base = gcash_pay_and_save();
    assert_eq!(
        create_payment_request(
            &CreatePaymentRequest {
                customer: None,
                ..base
            },
            "k"
        ),
        Err(RequestError::MissingCustomer)
    );
    assert_eq!(
        create_payment_request(
            &CreatePaymentRequest {
                amount: idr(100_000),
                ..base
            },
            "k"
        ),
        Err(RequestError::ChannelCurrencyMismatch {
            channel: "GCASH",
            currency: Currency::IDR
        })
    );
    assert_eq!(
        create_payment_request(
            &CreatePaymentRequest {
                amount: Money::new(100, Currency::EUR),
                ..base
            },
            "k"
        ),
        Err(RequestError::UnsupportedCurrency(Currency::EUR))
    );
    assert_eq!(
        create_payment_request(
            &CreatePaymentRequest {
                amount: php(0),
                ..base
            },
            "k"
        ),
        Err(RequestError::Amount(AmountError::NonPositive(0)))
    );
    assert_eq!(
        create_payment_request(
            &CreatePaymentRequest {
                amount: idr(15_000_050),
                source: PaymentSource::QrCode {
                    channel: QrChannel::Qris
                },
                ..base
            },
            "k"
        ),
        Err(RequestError::Amount(AmountError::FinerThanAccepted {
            currency: Currency::IDR,
            minor: 15_000_050,
            decimals: 0
        }))
    );
    assert_eq!(
        create_payment_request(
            &CreatePaymentRequest {
                source: PaymentSource::Ewallet {
                    channel: EwalletChannel::Unknown,
                    return_urls: RETURN_URLS,
                    save: false
                },
                ..base
            },
            "k"
        ),
        Err(RequestError::UnknownChannel)
    );
    assert_eq!(
        create_payment_request(
            &CreatePaymentRequest {
                reference_id: "",
                ..base
            },
            "k"
        ),
        Err(RequestError::InvalidReferenceId)
    );
    assert_eq!(
        create_payment_request(&base, ""),
        Err(RequestError::InvalidIdempotencyKey)
    );
    assert_eq!(
        create_payment_request(&base, &"k".repeat(256)),
        Err(RequestError::InvalidIdempotencyKey)
    );
    assert!(create_payment_request(&base, &"k".repeat(255)).is_ok());
}

#[test]
fn retrieve_is_a_get_with_the_id_escaped() {
    let request = retrieve_payment_request("pr-90392f42-d98a-49ef-a7f3-abcezas123");
    assert_eq!(request.method, Method::GET);
    assert_eq!(
        request.path,
        "/v3/payment_requests/pr-90392f42-d98a-49ef-a7f3-abcezas123"
    );
    assert_eq!(request.body, None);
    assert_eq!(request.idempotency_key, None);
    assert_eq!(
        retrieve_payment_request("pr-1/../refunds?x").path,
        "/v3/payment_requests/pr-1%2F..%2Frefunds%3Fx"
    );
}

#[test]
fn headers_carry_basic_auth_version_and_idempotency_key_but_debug_hides_the_key() {
    let request = create_payment_request(&gcash_pay_and_save(), "att_5b1c").unwrap();
    let headers = request.headers(&SecretKey::new(KEY)).unwrap();
    // base64("xnd_development_P4qDfOss0OCpl8RtKrROHjaQYNCk9dN5lSfk:"), computed
    // independently.
    assert_eq!(
        headers["authorization"].to_str().unwrap(),
        "Basic eG5kX2RldmVsb3BtZW50X1A0cURmT3NzME9DcGw4UnRLclJPSGphUVlOQ2s5ZE41bFNmazo="
    );
    assert!(headers["authorization"].is_sensitive());
    assert_eq!(headers["api-version"], API_VERSION);
    assert_eq!(API_VERSION, "2024-11-11");
    assert_eq!(headers["idempotency-key"], "att_5b1c");
    assert_eq!(headers["content-type"], "application/json");
    let shown = format!("{headers:?} {request:?}");
    assert!(!shown.contains("P4qDfOss"), "{shown}");
    assert!(!shown.contains("eG5kX2RldmVsb3BtZW50"), "{shown}");
    assert!(shown.contains("Sensitive"), "{shown}");

    let get = retrieve_payment_request("pr-1")
        .headers(&SecretKey::new(KEY))
        .unwrap();
    assert_eq!(get.len(), 2);
    assert!(get.get("idempotency-key").is_none());
    assert!(get.get("content-type").is_none());
}

#[test]
fn keys_come_from_the_environment_names_and_never_show() {
    let keys = XenditKeys::from_lookup(|name| match name {
        "XENDIT_SECRET_KEY" => Some(KEY.to_owned()),
        "XENDIT_CALLBACK_TOKEN" => Some("whtoken_0123456789".to_owned()),
        _ => None,
    })
    .unwrap();
    assert!(keys.secret_key.is_test_mode());
    let shown = format!("{keys:?}");
    assert!(!shown.contains("P4qDfOss"), "{shown}");
    assert!(!shown.contains("whtoken"), "{shown}");
    assert_eq!(
        shown,
        "XenditKeys { secret_key: SecretKey(development, redacted), callback_token: CallbackToken(redacted) }"
    );
    let missing =
        XenditKeys::from_lookup(|name| (name == "XENDIT_SECRET_KEY").then(|| KEY.to_owned()))
            .unwrap_err();
    assert_eq!(
        missing.to_string(),
        "XENDIT_CALLBACK_TOKEN is not set; the Xendit processor needs it"
    );
}

// ---------------------------------------------------------------- webhooks

const TOKEN: &str = "whtoken_0123456789abcdef";

fn token() -> CallbackToken {
    CallbackToken::new(TOKEN)
}

#[test]
fn the_callback_token_is_accepted_only_when_it_is_ours() {
    assert_eq!(
        verify_callback_token(&token(), Some(TOKEN.as_bytes())),
        Ok(())
    );
    for wrong in [
        "whtoken_0123456789abcdeF",
        "whtoken_0123456789abcde",
        "whtoken_0123456789abcdef ",
        "",
        "whtoken_0123456789abcdefwhtoken_0123456789abcdef",
    ] {
        assert_eq!(
            verify_callback_token(&token(), Some(wrong.as_bytes())),
            Err(TokenError::Mismatch),
            "{wrong:?}"
        );
    }
    assert_eq!(
        verify_callback_token(&token(), None),
        Err(TokenError::MissingHeader)
    );
    // Bytes that are not even UTF-8 are a mismatch, not a panic.
    assert_eq!(
        verify_callback_token(&token(), Some(&[0xff, 0xfe])),
        Err(TokenError::Mismatch)
    );
}

#[test]
fn a_pay_and_save_capture_carries_the_payment_and_its_token() {
    let event = parse_event(&fixture("event_payment_capture_pay_and_save.json")).unwrap();
    assert_eq!(event.business_id, "5f27a14a9bf05c73dd040bc8");
    assert_eq!(event.created, "2025-01-15T12:37:30.566Z");
    assert_eq!(event.kind.as_str(), "payment.capture");
    assert_eq!(
        event.dedup_key().as_deref(),
        Some("payment.capture:py-1402feb0-bb79-47ae-9d1e-e69394d3949c")
    );
    let EventKind::PaymentCapture(payment) = &event.kind else {
        panic!("{event:?}");
    };
    assert_eq!(payment.status, PaymentStatus::Succeeded);
    assert_eq!(payment.reference_id, "pi_7Qx2mEwGcash41");
    assert_eq!(
        payment.payment_request_id.as_deref(),
        Some("pr-90392f42-d98a-49ef-a7f3-abcezas123")
    );
    assert_eq!(
        payment.payment_token_id.as_deref(),
        Some("pt-cc3938dc-c2a5-43c4-89d7-7570793348c2")
    );
    assert_eq!(payment.kind, "PAY_AND_SAVE");
    assert_eq!(payment.money(), Some(Ok(php(1_000_001))));
}

#[test]
fn authorization_failure_and_token_activation_parse() {
    let event = parse_event(&fixture("event_payment_authorization.json")).unwrap();
    let EventKind::PaymentAuthorization(payment) = &event.kind else {
        panic!("{event:?}");
    };
    assert_eq!(payment.status, PaymentStatus::Authorized);
    assert_eq!(payment.money(), Some(Ok(php(1_000_000))));
    assert_eq!(payment.kind, "SINGLE_PAYMENT");

    let event = parse_event(&fixture("event_payment_failure.json")).unwrap();
    let EventKind::PaymentFailure(payment) = &event.kind else {
        panic!("{event:?}");
    };
    assert_eq!(payment.status, PaymentStatus::Failed);
    assert_eq!(payment.reference_id, "pi_9Tz4OvoToken77");
    assert_eq!(payment.money(), Some(Ok(idr(25_000_000))));
    assert_eq!(
        payment.failure_error(),
        decline_error(DeclineCode::InsufficientFunds)
    );
    assert_eq!(
        event.dedup_key().as_deref(),
        Some("payment.failure:py-7e0c5a1d-3b2f-4c8e-9a6d-2f1b0c9d8e7f")
    );

    let event = parse_event(&fixture("event_payment_token_activation.json")).unwrap();
    let EventKind::PaymentTokenActivation(token) = &event.kind else {
        panic!("{event:?}");
    };
    assert_eq!(
        token.payment_token_id,
        "pt-cc3938dc-c2a5-43c4-89d7-7570793348c2"
    );
    assert_eq!(token.status, PaymentTokenStatus::Active);
    assert_eq!(token.reference_id.as_deref(), Some("pi_7Qx2mEwGcash41"));
    assert_eq!(token.channel_code.as_deref(), Some("GCASH"));
    assert_eq!(
        event.dedup_key().as_deref(),
        Some("payment_token.activation:pt-cc3938dc-c2a5-43c4-89d7-7570793348c2")
    );
}

#[test]
fn unknown_events_and_statuses_degrade_cleanly() {
    let event = parse_event(&fixture("event_payment_token_expiry.json")).unwrap();
    assert_eq!(
        event.kind,
        EventKind::Unknown("payment_token.expiry".to_owned())
    );
    assert_eq!(event.dedup_key(), None);

    // An event this build has never heard of, with a data shape it cannot read.
    let event = parse_event(
        br#"{"event":"payment.dispute","business_id":"b","created":"c","data":{"anything":[1,2]}}"#,
    )
    .unwrap();
    assert_eq!(event.kind, EventKind::Unknown("payment.dispute".to_owned()));

    let mut value = json("event_payment_capture_pay_and_save.json");
    value["data"]["status"] = "REVERSED".into();
    let event = parse_event(value.to_string().as_bytes()).unwrap();
    let EventKind::PaymentCapture(payment) = &event.kind else {
        panic!("{event:?}");
    };
    assert_eq!(payment.status, PaymentStatus::Unknown);
}

#[test]
fn an_unreadable_payment_event_is_an_error_not_ignored() {
    let body = br#"{"event":"payment.capture","business_id":"b","created":"c","data":{"payment_id":"py-1"}}"#;
    assert!(matches!(parse_event(body), Err(WebhookError::Payload(_))));
    assert!(matches!(
        parse_event(b"not json"),
        Err(WebhookError::Payload(_))
    ));
}

#[test]
fn construct_event_checks_the_token_then_parses() {
    let body = fixture("event_payment_capture_pay_and_save.json");
    let event = construct_event(&token(), Some(TOKEN.as_bytes()), &body).unwrap();
    assert_eq!(event.kind.as_str(), "payment.capture");
    assert_eq!(
        construct_event(&token(), Some(b"someone-elses-token"), &body),
        Err(WebhookError::Token(TokenError::Mismatch))
    );
    assert_eq!(
        construct_event(&token(), None, &body),
        Err(WebhookError::Token(TokenError::MissingHeader))
    );
    // The token is checked before the body is read: a forged, broken body says nothing.
    assert_eq!(
        construct_event(&token(), Some(b"forged"), b"not json"),
        Err(WebhookError::Token(TokenError::Mismatch))
    );
}
