//! `POST /api/confirmation_tokens`. A card arrives as the payments origin's single-use
//! token and is redeemed there, server to server: the storefront learns the card's vault
//! reference, brand, last4, expiry, fingerprint and the processor's outcome class, never
//! its number, expiry with it, or CVC. An IBAN still arrives here: it is validated with
//! payment-core (the same verdicts the widget shows), reduced to country, bank code,
//! last4 and a keyed fingerprint plus the processor's outcome class, and dropped.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use hmac::{Hmac, Mac};
use payment_core::api::{
    ConfirmationToken, CreateConfirmationToken, EwalletChannel, PaymentMethodData,
    PaymentMethodType, QrChannel,
};
use payment_core::error::ErrorCode;
use payment_core::iban::{is_sepa_country, validate_iban};
use sha2::Sha256;

use crate::customers::session_for;
use crate::error::{bearer, ApiJson, ApiResult, AppError};
use crate::ids::new_id;
use crate::methods::{load_method, MethodRow};
use crate::processor::Behaviour;
use crate::state::AppState;

/// Confirmation tokens expire after this many seconds.
pub const TOKEN_TTL: i64 = 12 * 60 * 60;

/// A new method, reduced to what may be stored.
#[derive(Debug, Default)]
struct NewMethod {
    kind: &'static str,
    card_brand: Option<String>,
    card_last4: Option<String>,
    card_exp_month: Option<i64>,
    card_exp_year: Option<i64>,
    card_funding: Option<String>,
    card_vault_ref: Option<String>,
    fingerprint: Option<String>,
    sepa_country: Option<String>,
    sepa_bank_code: Option<String>,
    sepa_last4: Option<String>,
    ewallet_channel: Option<&'static str>,
    qr_channel: Option<&'static str>,
    behaviour: Option<Behaviour>,
    processor_ref: Option<String>,
}

fn fingerprint(state: &AppState, kind: &str, value: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(state.fingerprint_key())
        .expect("HMAC takes keys of any length");
    mac.update(kind.as_bytes());
    mac.update(b":");
    mac.update(value.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// Refuses a card whose brand the merchant does not accept (`--card-brands`). A brand
/// this build does not know is accepted only when every brand is.
fn refuse_unaccepted_brand(state: &AppState, brand: &str, param: &str) -> ApiResult<()> {
    let accepted = state.settings().card_brands;
    let known = payment_core::card::CardBrand::from_str_name(brand);
    let ok = known.map_or(accepted.is_all(), |brand| accepted.contains(brand));
    if ok {
        Ok(())
    } else {
        Err(AppError::card(ErrorCode::CardBrandNotAccepted).with_param(param))
    }
}

/// Redeems the card token with the vault and keeps what it tells.
async fn card_method(state: &AppState, token: &str) -> ApiResult<NewMethod> {
    let card = state
        .vault_client()
        .redeem_card_token(token)
        .await
        .map_err(|err| err.for_param("payment_method_data.card.token"))?;
    refuse_unaccepted_brand(state, &card.brand, "payment_method_data.card.token")?;
    Ok(NewMethod {
        kind: "card",
        card_brand: Some(card.brand),
        card_last4: Some(card.last4),
        card_exp_month: Some(i64::from(card.exp_month)),
        card_exp_year: Some(i64::from(card.exp_year)),
        card_funding: Some(card.funding),
        card_vault_ref: Some(card.card),
        fingerprint: Some(card.fingerprint),
        behaviour: Some(card.processor_class),
        processor_ref: card.processor_method,
        ..NewMethod::default()
    })
}

async fn new_method(state: &AppState, data: &PaymentMethodData) -> ApiResult<NewMethod> {
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
            only(data.qr_code.is_some(), "qr_code")?;
            let card = data
                .card
                .as_ref()
                .ok_or_else(|| AppError::param_missing("payment_method_data.card"))?;
            card_method(state, &card.token).await
        }
        PaymentMethodType::SepaDebit => {
            only(data.card.is_some(), "card")?;
            only(data.ewallet.is_some(), "ewallet")?;
            only(data.qr_code.is_some(), "qr_code")?;
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
            only(data.qr_code.is_some(), "qr_code")?;
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
        PaymentMethodType::QrCode => {
            only(data.card.is_some(), "card")?;
            only(data.sepa_debit.is_some(), "sepa_debit")?;
            only(data.ewallet.is_some(), "ewallet")?;
            let qr = data
                .qr_code
                .as_ref()
                .ok_or_else(|| AppError::param_missing("payment_method_data.qr_code"))?;
            if qr.channel_code == QrChannel::Unknown {
                let known: Vec<&str> = QrChannel::ALL.iter().map(|c| c.as_str()).collect();
                return Err(AppError::param_invalid(
                    "payment_method_data.qr_code.channel_code",
                    format!("Unknown QR code channel: use one of {}.", known.join(", ")),
                ));
            }
            // Only the standard is kept: the code itself is made at confirm, per payment.
            Ok(NewMethod {
                kind: "qr_code",
                qr_channel: Some(qr.channel_code.as_str()),
                behaviour: Some(Behaviour::QrCode {
                    channel: qr.channel_code,
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

/// A QR code pays once: there is nothing to save for later, so asking to (the consent
/// box, `setup_future_usage`) is refused rather than silently ignored. Checked before
/// the consent's own rules, so the error names what is wrong with a QR code.
fn refuse_saving_a_qr_code(request: &CreateConfirmationToken) -> ApiResult<()> {
    let is_qr = request
        .payment_method_data
        .as_ref()
        .is_some_and(|data| data.kind == PaymentMethodType::QrCode);
    if !is_qr {
        return Ok(());
    }
    let param = if request.setup_future_usage.is_some() {
        "setup_future_usage"
    } else if request.consent.is_some() {
        "consent"
    } else {
        return Ok(());
    };
    Err(AppError::param_invalid(
        param,
        "QR code payments cannot be saved for later: leave out setup_future_usage and consent.",
    ))
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

/// The method a token is made for: a new one (not stored yet) or a saved one.
enum Chosen<'a> {
    New(NewMethod, &'a PaymentMethodData),
    Saved(MethodRow),
}

/// `POST /api/confirmation_tokens`.
pub async fn confirmation_tokens_create(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<CreateConfirmationToken>,
) -> ApiResult<Json<ConfirmationToken>> {
    let now = state.now();
    refuse_saving_a_qr_code(&request)?;
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
    // The vault is called before the transaction opens: the storefront's one
    // connection is never held across a call to another server.
    let chosen = match (&request.payment_method_data, &request.payment_method) {
        (Some(_), Some(_)) => {
            return Err(AppError::param_invalid(
                "payment_method",
                "Send either payment_method_data or payment_method, not both.",
            ))
        }
        (None, None) => return Err(AppError::param_missing("payment_method_data")),
        (Some(data), None) => Chosen::New(new_method(&state, data).await?, data),
        (None, Some(id)) => {
            let Some(session) = &session else {
                return Err(
                    AppError::unauthorized(ErrorCode::InvalidClientSecret).with_message(
                        "A saved payment method needs the customer session's client secret \
                     as Authorization: Bearer <secret>.",
                    ),
                );
            };
            let method = load_method(state.db(), id)
                .await?
                .filter(|m| {
                    m.customer_id.as_deref() == Some(session.customer_id.as_str())
                        && m.allow_redisplay == "always"
                })
                .ok_or_else(|| AppError::missing("payment method", Some("payment_method")))?;
            if let Some(brand) = &method.card_brand {
                refuse_unaccepted_brand(&state, brand, "payment_method")?;
            }
            let cvc_token = request
                .payment_method_options
                .as_ref()
                .and_then(|o| o.card.as_ref())
                .and_then(|c| c.cvc_token.as_deref());
            if let Some(cvc_token) = cvc_token {
                let param = "payment_method_options.card.cvc_token";
                // Only a card the vault holds has a CVC to check against.
                let Some(card) = method.card_vault_ref.as_deref() else {
                    return Err(AppError::card(ErrorCode::InvalidCvc).with_param(param));
                };
                state
                    .vault_client()
                    .redeem_cvc_token(cvc_token, card)
                    .await
                    .map_err(|err| err.for_param(param))?;
            }
            Chosen::Saved(method)
        }
    };
    let mut tx = state.db().begin().await?;
    let method = match chosen {
        Chosen::Saved(method) => method,
        Chosen::New(m, data) => {
            let id = new_id("pm");
            let billing = data
                .billing_details
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?;
            sqlx::query(
                "INSERT INTO payment_methods (id, type, created, billing_details, card_brand, \
                 card_last4, card_exp_month, card_exp_year, card_funding, card_vault_ref, \
                 fingerprint, sepa_country, sepa_bank_code, sepa_last4, ewallet_channel, \
                 qr_channel, test_behaviour, processor_ref) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&id)
            .bind(m.kind)
            .bind(now)
            .bind(billing)
            .bind(&m.card_brand)
            .bind(&m.card_last4)
            .bind(m.card_exp_month)
            .bind(m.card_exp_year)
            .bind(&m.card_funding)
            .bind(&m.card_vault_ref)
            .bind(&m.fingerprint)
            .bind(&m.sepa_country)
            .bind(&m.sepa_bank_code)
            .bind(&m.sepa_last4)
            .bind(m.ewallet_channel)
            .bind(m.qr_channel)
            .bind(m.behaviour.map(Behaviour::to_db))
            .bind(&m.processor_ref)
            .execute(&mut *tx)
            .await?;
            load_method(&mut *tx, &id)
                .await?
                .ok_or_else(AppError::internal)?
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
