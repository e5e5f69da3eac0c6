//! `POST /api/confirmation_tokens`: the one place raw card and IBAN data arrive. They are
//! validated with payment-core (the same verdicts the widget shows), reduced to brand,
//! last4, expiry and a keyed fingerprint plus the processor's outcome class, and dropped.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use hmac::{Hmac, Mac};
use payment_core::api::{
    CardInput, ConfirmationToken, CreateConfirmationToken, EwalletChannel, PaymentMethodData,
    PaymentMethodType,
};
use payment_core::card::{check_cvc, check_number, digits, parse_expiry, YearMonth};
use payment_core::error::ErrorCode;
use payment_core::iban::{is_sepa_country, validate_iban};
use sha2::Sha256;

use crate::clock::year_month;
use crate::customers::session_for;
use crate::error::{bearer, ApiJson, ApiResult, AppError};
use crate::ids::new_id;
use crate::methods::load_method;
use crate::processor::Behaviour;
use crate::state::AppState;

/// Confirmation tokens expire after this many seconds.
pub const TOKEN_TTL: i64 = 12 * 60 * 60;

/// A new method, reduced to what may be stored.
#[derive(Debug, Default)]
struct NewMethod {
    kind: &'static str,
    card_brand: Option<&'static str>,
    card_last4: Option<String>,
    card_exp_month: Option<i64>,
    card_exp_year: Option<i64>,
    card_funding: Option<&'static str>,
    fingerprint: Option<String>,
    sepa_country: Option<String>,
    sepa_bank_code: Option<String>,
    sepa_last4: Option<String>,
    ewallet_channel: Option<&'static str>,
    behaviour: Option<Behaviour>,
}

fn fingerprint(state: &AppState, kind: &str, value: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(state.fingerprint_key())
        .expect("HMAC takes keys of any length");
    mac.update(kind.as_bytes());
    mac.update(b":");
    mac.update(value.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// Validates a card as the widget does and keeps only the safe parts.
fn card_method(state: &AppState, card: &CardInput) -> ApiResult<NewMethod> {
    let param = |p: &str| format!("payment_method_data.card.{p}");
    let number = card.number.expose();
    let check = check_number(number);
    let brand = match (check.is_valid, check.brand) {
        (true, Some(brand)) => brand,
        _ => {
            let all_digits = number
                .chars()
                .all(|c| c.is_ascii_digit() || c == ' ' || c == '-');
            let code = if all_digits && !digits(number).is_empty() {
                ErrorCode::IncorrectNumber
            } else {
                ErrorCode::InvalidNumber
            };
            return Err(AppError::card(code).with_param(&param("number")));
        }
    };
    if !(1..=12).contains(&card.exp_month) {
        return Err(AppError::card(ErrorCode::InvalidExpiryMonth).with_param(&param("exp_month")));
    }
    let (year, month) = year_month(state.now());
    let today = YearMonth::new(u16::try_from(year).unwrap_or(u16::MAX), month);
    let expiry = parse_expiry(&format!("{:02}/{}", card.exp_month, card.exp_year), today);
    if !expiry.is_valid {
        // A past month of this year is a bad month; anything else is a bad year.
        let (code, field) = if card.exp_year == today.year {
            (ErrorCode::InvalidExpiryMonth, "exp_month")
        } else {
            (ErrorCode::InvalidExpiryYear, "exp_year")
        };
        return Err(AppError::card(code).with_param(&param(field)));
    }
    if !check_cvc(card.cvc.expose(), Some(brand)).is_valid {
        return Err(AppError::card(ErrorCode::InvalidCvc).with_param(&param("cvc")));
    }
    let pan = digits(number);
    // parse_expiry reads a two-digit year as 20YY; keep the four-digit form.
    let exp_year = expiry.year.unwrap_or(card.exp_year);
    Ok(NewMethod {
        kind: "card",
        card_brand: Some(brand.as_str()),
        card_last4: Some(pan[pan.len() - 4..].to_owned()),
        card_exp_month: Some(i64::from(card.exp_month)),
        card_exp_year: Some(i64::from(exp_year)),
        card_funding: Some("credit"),
        fingerprint: Some(fingerprint(state, "card", &pan)),
        behaviour: Some(state.processor().classify_card(&pan)),
        ..NewMethod::default()
    })
}

fn new_method(state: &AppState, data: &PaymentMethodData) -> ApiResult<NewMethod> {
    let only = |present: bool, name: &str| {
        if present {
            Err(AppError::param_invalid(
                &format!("payment_method_data.{name}"),
                format!("payment_method_data.{name} does not match payment_method_data.type."),
            ))
        } else {
            Ok(())
        }
    };
    match data.kind {
        PaymentMethodType::Card => {
            only(data.sepa_debit.is_some(), "sepa_debit")?;
            only(data.ewallet.is_some(), "ewallet")?;
            let card = data
                .card
                .as_ref()
                .ok_or_else(|| AppError::param_missing("payment_method_data.card"))?;
            card_method(state, card)
        }
        PaymentMethodType::SepaDebit => {
            only(data.card.is_some(), "card")?;
            only(data.ewallet.is_some(), "ewallet")?;
            let sepa = data
                .sepa_debit
                .as_ref()
                .ok_or_else(|| AppError::param_missing("payment_method_data.sepa_debit"))?;
            let iban = validate_iban(sepa.iban.expose()).map_err(|err| {
                // The message names at most the country code, never the account.
                AppError::invalid(ErrorCode::InvalidIban)
                    .with_param("payment_method_data.sepa_debit.iban")
                    .with_message(err.message())
            })?;
            if !is_sepa_country(iban.country()) {
                return Err(AppError::invalid(ErrorCode::InvalidIban)
                    .with_param("payment_method_data.sepa_debit.iban")
                    .with_message("SEPA Direct Debit takes IBANs from SEPA countries only."));
            }
            let billing = data.billing_details.as_ref();
            let email = billing
                .and_then(|b| b.email.as_deref())
                .filter(|e| !e.is_empty());
            let name = billing
                .and_then(|b| b.name.as_deref())
                .filter(|n| !n.is_empty());
            // A SEPA mandate needs the account holder's name and email.
            if name.is_none() {
                return Err(AppError::param_missing(
                    "payment_method_data.billing_details.name",
                ));
            }
            let Some(email) = email else {
                return Err(AppError::param_missing(
                    "payment_method_data.billing_details.email",
                ));
            };
            Ok(NewMethod {
                kind: "sepa_debit",
                fingerprint: Some(fingerprint(state, "iban", &iban.electronic())),
                sepa_country: Some(iban.country().to_owned()),
                sepa_bank_code: iban.bank_code(),
                sepa_last4: Some(iban.last4().to_owned()),
                behaviour: Some(state.processor().classify_sepa(&iban, Some(email))),
                ..NewMethod::default()
            })
        }
        PaymentMethodType::Ewallet => {
            only(data.card.is_some(), "card")?;
            only(data.sepa_debit.is_some(), "sepa_debit")?;
            let wallet = data
                .ewallet
                .as_ref()
                .ok_or_else(|| AppError::param_missing("payment_method_data.ewallet"))?;
            if wallet.channel_code == EwalletChannel::Unknown {
                return Err(AppError::param_invalid(
                    "payment_method_data.ewallet.channel_code",
                    "Unknown e-wallet channel.",
                ));
            }
            Ok(NewMethod {
                kind: "ewallet",
                ewallet_channel: Some(wallet.channel_code.as_str()),
                behaviour: Some(Behaviour::Ewallet {
                    channel: wallet.channel_code,
                }),
                ..NewMethod::default()
            })
        }
        PaymentMethodType::Unknown => Err(AppError::param_invalid(
            "payment_method_data.type",
            "Unsupported payment method type.",
        )),
    }
}

/// Accepts absolute http(s) URLs and same-origin paths; nothing that could run script.
fn check_return_url(url: &str) -> ApiResult<()> {
    let ok = (url.starts_with("https://") || url.starts_with("http://") || url.starts_with('/'))
        && !url.starts_with("//")
        && url.len() <= 2048
        && !url.chars().any(|c| c.is_control() || c.is_whitespace());
    if ok {
        Ok(())
    } else {
        Err(AppError::param_invalid(
            "return_url",
            "return_url must be an http(s) URL or a path on this site.",
        ))
    }
}

/// `POST /api/confirmation_tokens`.
pub async fn confirmation_tokens_create(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<CreateConfirmationToken>,
) -> ApiResult<Json<ConfirmationToken>> {
    let now = state.now();
    // A customer session is optional for new details and required for a saved method.
    let session = match bearer(&headers) {
        Some(secret) => Some(session_for(&state, &secret.0).await?),
        None => None,
    };
    if let Some(consent) = &request.consent {
        match request.setup_future_usage {
            None => return Err(AppError::param_missing("setup_future_usage")),
            Some(usage) if usage != consent.usage => {
                return Err(AppError::param_invalid(
                    "consent.usage",
                    "consent.usage must match setup_future_usage.",
                ))
            }
            Some(_) => {}
        }
        if consent.text.trim().is_empty() {
            return Err(AppError::param_missing("consent.text"));
        }
    }
    if let Some(url) = &request.return_url {
        check_return_url(url)?;
    }
    let mut tx = state.db().begin().await?;
    let method = match (&request.payment_method_data, &request.payment_method) {
        (Some(_), Some(_)) => {
            return Err(AppError::param_invalid(
                "payment_method",
                "Send either payment_method_data or payment_method, not both.",
            ))
        }
        (None, None) => return Err(AppError::param_missing("payment_method_data")),
        (Some(data), None) => {
            let m = new_method(&state, data)?;
            let id = new_id("pm");
            let billing = data
                .billing_details
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?;
            sqlx::query(
                "INSERT INTO payment_methods (id, type, created, billing_details, card_brand, \
                 card_last4, card_exp_month, card_exp_year, card_funding, fingerprint, \
                 sepa_country, sepa_bank_code, sepa_last4, ewallet_channel, test_behaviour) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&id)
            .bind(m.kind)
            .bind(now)
            .bind(billing)
            .bind(m.card_brand)
            .bind(&m.card_last4)
            .bind(m.card_exp_month)
            .bind(m.card_exp_year)
            .bind(m.card_funding)
            .bind(&m.fingerprint)
            .bind(&m.sepa_country)
            .bind(&m.sepa_bank_code)
            .bind(&m.sepa_last4)
            .bind(m.ewallet_channel)
            .bind(m.behaviour.map(Behaviour::to_db))
            .execute(&mut *tx)
            .await?;
            load_method(&mut *tx, &id)
                .await?
                .ok_or_else(AppError::internal)?
        }
        (None, Some(id)) => {
            let Some(session) = &session else {
                return Err(
                    AppError::unauthorized(ErrorCode::InvalidClientSecret).with_message(
                        "A saved payment method needs the customer session's client secret \
                     as Authorization: Bearer <secret>.",
                    ),
                );
            };
            let method = load_method(&mut *tx, id)
                .await?
                .filter(|m| {
                    m.customer_id.as_deref() == Some(session.customer_id.as_str())
                        && m.allow_redisplay == "always"
                })
                .ok_or_else(|| AppError::missing("payment method", Some("payment_method")))?;
            let cvc = request
                .payment_method_options
                .as_ref()
                .and_then(|o| o.card.as_ref())
                .and_then(|c| c.cvc.as_ref());
            if let Some(cvc) = cvc {
                let brand = method
                    .card_brand
                    .as_deref()
                    .and_then(payment_core::card::CardBrand::from_str_name);
                if method.card_brand.is_none() || !check_cvc(cvc.expose(), brand).is_valid {
                    return Err(AppError::card(ErrorCode::InvalidCvc)
                        .with_param("payment_method_options.card.cvc"));
                }
            }
            method
        }
    };
    let id = new_id("ctoken");
    let expires_at = now + TOKEN_TTL;
    sqlx::query(
        "INSERT INTO confirmation_tokens (id, payment_method_id, customer_id, created, \
         expires_at, setup_future_usage, return_url, shipping, consent) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&method.id)
    .bind(session.as_ref().map(|s| s.customer_id.as_str()))
    .bind(now)
    .bind(expires_at)
    .bind(request.setup_future_usage.map(|u| u.as_str()))
    .bind(&request.return_url)
    .bind(
        request
            .shipping
            .as_ref()
            .map(serde_json::to_string)
            .transpose()?,
    )
    .bind(
        request
            .consent
            .as_ref()
            .map(serde_json::to_string)
            .transpose()?,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(token = %id, payment_method = %method.id, kind = %method.kind, "confirmation token created");
    Ok(Json(ConfirmationToken {
        id,
        expires_at,
        payment_method_preview: method.preview(),
        setup_future_usage: request.setup_future_usage,
        return_url: request.return_url,
    }))
}
