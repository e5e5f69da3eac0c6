//! `Checkout({apiBase})`: the entry point, and the calls that talk to the merchant API
//! (`createConfirmationToken`, `confirm`, `handleNextAction`, `retrievePaymentIntent`).

use super::elements::{not_mounted, submit, Group, JsElements};
use super::objects::{self, set};
use super::{absent, expect_object, field, navigate, read, type_error};
use crate::components::follow_on_page;
use crate::components::state::PaymentDetails;
use crate::model::confirm::{
    feedback_for_error, feedback_unanswered, outcome_of, return_address, CallError, IntentRef,
    Outcome, RedirectPolicy,
};
use crate::model::locale::{Catalogue, Key};
use crate::model::options::PaymentsOrigin;
use crate::model::return_page;
use crate::model::types::Mode;
use crate::net::client::{new_idempotency_key, Api, Confirmed, HttpClient, Payment, Placement};
use js_sys::{Object, Promise};
use payment_core::api::{BillingDetails, PaymentIntent, Shipping};
use payment_core::secret::ClientSecret;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// The merchant-API handle (Stripe's `stripe` object).
#[wasm_bindgen(js_name = CheckoutInstance)]
pub struct JsCheckout {
    api_base: String,
    api: Api,
    payments: Option<PaymentsOrigin>,
}

/// `Checkout({apiBase, timeout, publishableKey, paymentsOrigin})`: the merchant API's
/// base URL (`/api` when absent), how long each call may take (30 s when absent), and
/// where cards go: the payments origin's publishable key, and the payments origin
/// itself (the origin this script was loaded from when absent). Without a publishable
/// key the elements take no card.
///
/// Or as Stripe's constructor, `Checkout(publishableKey, options)`: the key first, and
/// the options second, where Stripe's own (`apiVersion`, `locale`, `betas`,
/// `stripeAccount`) are accepted and unused.
#[wasm_bindgen(js_name = Checkout)]
pub fn checkout(
    #[wasm_bindgen(unchecked_param_type = "CheckoutOptions | string")] options: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CheckoutOptions")] more: JsValue,
) -> Result<JsCheckout, JsValue> {
    let options = match options.as_string() {
        Some(key) => {
            expect_object(&more, "Checkout options", true)?;
            let merged = if absent(&more) {
                Object::new()
            } else {
                Object::assign(&Object::new(), more.unchecked_ref())
            };
            set(&merged, "publishableKey", key);
            merged.into()
        }
        None => options,
    };
    expect_object(&options, "Checkout options", true)?;
    let base = field(&options, "apiBase");
    let api_base = if absent(&base) {
        "/api".to_owned()
    } else {
        base.as_string()
            .filter(|b| !b.trim().is_empty())
            .ok_or_else(|| type_error("apiBase must be a non-empty string, such as \"/api\""))?
    };
    let timeout = field(&options, "timeout");
    let timeout_ms = if absent(&timeout) {
        None
    } else {
        Some(
            timeout
                .as_f64()
                .filter(|t| t.fract() == 0.0 && (1_000.0..=120_000.0).contains(t))
                .ok_or_else(|| {
                    type_error("timeout must be a whole number of milliseconds from 1000 to 120000")
                })? as u32,
        )
    };
    let keys = if absent(&options) {
        js_sys::Array::new()
    } else {
        js_sys::Object::keys(options.unchecked_ref::<Object>())
    };
    const KNOWN: [&str; 8] = [
        "apiBase",
        "timeout",
        "publishableKey",
        "paymentsOrigin",
        // Stripe's, accepted so a page written for Stripe.js runs; not used.
        "apiVersion",
        "locale",
        "betas",
        "stripeAccount",
    ];
    for key in keys.iter() {
        let key = key.as_string().unwrap_or_default();
        if !KNOWN.contains(&key.as_str()) {
            return Err(type_error(
                &[
                    "Checkout: unknown option ",
                    &key,
                    "; the options are apiBase, timeout, publishableKey and paymentsOrigin",
                ]
                .concat(),
            ));
        }
    }
    let key = field(&options, "publishableKey");
    let payments = if absent(&key) {
        None
    } else {
        let key = key
            .as_string()
            .ok_or_else(|| type_error("publishableKey must be a string (pk_…)"))?;
        let origin = field(&options, "paymentsOrigin");
        let origin = if absent(&origin) {
            super::script_origin()
        } else {
            origin
                .as_string()
                .ok_or_else(|| type_error("paymentsOrigin must be a string (an origin)"))?
        };
        Some(PaymentsOrigin::new(&origin, &key).map_err(|e| type_error(&e.0))?)
    };
    let mut client = HttpClient::new(api_base.clone());
    if let Some(timeout_ms) = timeout_ms {
        client = client.with_timeout_ms(timeout_ms);
    }
    Ok(JsCheckout {
        api: Api(Rc::new(client)),
        api_base,
        payments,
    })
}

fn resolved(value: JsValue) -> Promise {
    Promise::resolve(&value)
}

fn error_result(error: Object) -> JsValue {
    objects::with("error", error)
}

/// `{error}` for a failed call (an unreadable or missing answer is a connection error).
pub(crate) fn call_error(error: &CallError, catalogue: &Catalogue) -> Object {
    match error {
        CallError::Api { error, .. } => objects::api_error(error, catalogue),
        CallError::Network => objects::local_error(
            "api_connection_error",
            "network",
            catalogue.get(crate::model::locale::Key::ErrorNetwork),
        ),
        CallError::Timeout => objects::local_error(
            "api_connection_error",
            "timeout",
            catalogue.get(crate::model::locale::Key::ErrorTimeout),
        ),
    }
}

/// The answer of a `confirm` the page gave up on (it came back from the back/forward
/// cache meanwhile): not an outcome; the next `confirm` settles whatever it sent.
fn superseded(catalogue: &Catalogue) -> Object {
    let error = objects::local_error(
        "invalid_request_error",
        "superseded",
        catalogue.get(Key::PaymentInProgress),
    );
    set(&error, "pending", true);
    error
}

/// An optional non-empty string option of `confirm`.
fn optional_string(options: &JsValue, name: &str, wrong: &str) -> Result<Option<String>, JsValue> {
    let value = field(options, name);
    if absent(&value) {
        return Ok(None);
    }
    value
        .as_string()
        .filter(|v| !v.is_empty())
        .map(Some)
        .ok_or_else(|| type_error(wrong))
}

/// The group named by `{elements}`.
fn group_of(options: &JsValue, call: &str) -> Result<Rc<Group>, JsValue> {
    let elements = field(options, "elements");
    field(&elements, "_groupId")
        .as_f64()
        .and_then(|id| Group::find(id as u32))
        .ok_or_else(|| {
            type_error(
                &[
                    call,
                    ": elements must be the object checkout.elements() returned",
                ]
                .concat(),
            )
        })
}

/// `params`: `return_url` (required when `required`), `shipping`, `billing_details`.
struct Params {
    return_url: Option<String>,
    shipping: Option<Shipping>,
    billing_details: Option<BillingDetails>,
}

fn params_of(options: &JsValue, call: &str, required: bool) -> Result<Params, JsValue> {
    // Stripe.js names them `confirmParams`; `params` is this widget's first name.
    let name = if !absent(&field(options, "confirmParams")) {
        "confirmParams"
    } else if !absent(&field(options, "params")) || call != "confirmPayment" {
        "params"
    } else {
        "confirmParams"
    };
    let params = field(options, name);
    expect_object(&params, &[call, ": ", name].concat(), !required)?;
    let url = field(&params, "return_url");
    let return_url = if absent(&url) {
        if required {
            return Err(type_error(
                &[call, ": ", name, ".return_url is required"].concat(),
            ));
        }
        None
    } else {
        let url = url.as_string().ok_or_else(|| {
            type_error(&[call, ": ", name, ".return_url must be a string"].concat())
        })?;
        // Resolved against the page, as the browser would follow it.
        let resolved = web_sys::Url::new_with_base(
            &url,
            &leptos::prelude::window()
                .location()
                .href()
                .unwrap_or_default(),
        )
        .map_err(|_| type_error(&[call, ": ", name, ".return_url must be a URL"].concat()))?;
        Some(resolved.href())
    };
    let given = |key: &str| {
        let value = field(&params, key);
        (!absent(&value)).then_some(value)
    };
    let shipping = given("shipping")
        .map(|v| read::shipping(&v, "params.shipping"))
        .transpose()
        .map_err(|e| type_error(&[call, ": ", &e.0].concat()))?;
    // Stripe.js puts them in `payment_method_data.billing_details`.
    let stripes = field(&field(&params, "payment_method_data"), "billing_details");
    let billing_details = given("billing_details")
        .or_else(|| (!absent(&stripes)).then_some(stripes))
        .map(|v| read::billing_details(&v, "params.billing_details"))
        .transpose()
        .map_err(|e| type_error(&[call, ": ", &e.0].concat()))?;
    Ok(Params {
        return_url,
        shipping,
        billing_details,
    })
}

/// The token request for what the customer chose, with the page's params: given
/// billing details fill what the element did not collect. Card data is set aside for
/// the payments origin (`vaulted`), never in the request.
fn token_request(group: &Group, params: &Params) -> Result<PaymentDetails, Object> {
    submit(group)?;
    let handle = group.handle.get().ok_or_else(|| not_mounted(group))?;
    let PaymentDetails {
        mut request,
        vaulted,
    } = handle
        .payment_details(params.return_url.clone())
        .map_err(|field| {
            let message = handle.error_message(field);
            let error = objects::local_error("validation_error", "incomplete", &message);
            set(&error, "field", field.as_str());
            error
        })?;
    request.shipping = params.shipping.clone();
    if let (Some(data), Some(given)) = (&mut request.payment_method_data, &params.billing_details) {
        let details = data
            .billing_details
            .get_or_insert_with(BillingDetails::default);
        details.name = details.name.take().or_else(|| given.name.clone());
        details.email = details.email.take().or_else(|| given.email.clone());
        details.phone = details.phone.take().or_else(|| given.phone.clone());
        // The element's fields (country, postal code) and the page's (the rest of the
        // address, or the country when the element does not ask for it) together.
        details.address = match (details.address.take(), &given.address) {
            (Some(own), Some(page)) => Some(own.filled_from(page)),
            (own, page) => own.or_else(|| page.clone()),
        };
    }
    Ok(PaymentDetails { request, vaulted })
}

/// The intent id in a client secret (`pi_…_secret_…` or `seti_…_secret_…`).
fn intent_id(secret: &str) -> Option<String> {
    secret
        .split_once("_secret_")
        .map(|(id, _)| id.to_owned())
        .filter(|id| id.starts_with("pi_") || payment_core::api::is_setup_intent(id))
}

/// Which intents a call takes the client secret of.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Takes {
    /// A payment intent's (`pi_…`).
    Payment,
    /// A setup intent's (`seti_…`).
    Setup,
    /// Either.
    Either,
}

pub(crate) fn secret_arg(
    value: &JsValue,
    call: &str,
    takes: Takes,
) -> Result<(String, ClientSecret), JsValue> {
    let secret = value
        .as_string()
        .ok_or_else(|| type_error(&[call, ": clientSecret must be a string"].concat()))?;
    let id = intent_id(&secret);
    let setup = id
        .as_deref()
        .is_some_and(payment_core::api::is_setup_intent);
    match (id, takes) {
        (Some(id), Takes::Either) => Ok((id, ClientSecret::new(secret))),
        (Some(id), Takes::Payment) if !setup => Ok((id, ClientSecret::new(secret))),
        (Some(id), Takes::Setup) if setup => Ok((id, ClientSecret::new(secret))),
        (Some(_), Takes::Payment) => Err(type_error(
            &[
                call,
                ": clientSecret is a setup intent's: call retrieveSetupIntent",
            ]
            .concat(),
        )),
        (Some(_), Takes::Setup) => Err(type_error(
            &[
                call,
                ": clientSecret is a payment intent's: call retrievePaymentIntent",
            ]
            .concat(),
        )),
        (None, takes) => Err(type_error(
            &[
                call,
                match takes {
                    Takes::Payment => {
                        ": clientSecret must be a payment intent's client secret (pi_…_secret_…)"
                    }
                    Takes::Setup => {
                        ": clientSecret must be a setup intent's client secret (seti_…_secret_…)"
                    }
                    Takes::Either => {
                        ": clientSecret must be a payment intent's (pi_…_secret_…) or a setup \
                         intent's (seti_…_secret_…) client secret"
                    }
                },
            ]
            .concat(),
        )),
    }
}

#[wasm_bindgen(js_class = CheckoutInstance)]
impl JsCheckout {
    /// A group of elements with shared options (`mode`, `amount`, `currency`,
    /// `customerSessionClientSecret`, `appearance`, `locale`, …).
    pub fn elements(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ElementsOptions")] options: JsValue,
    ) -> Result<JsElements, JsValue> {
        JsElements::new(
            self.api_base.clone(),
            self.api.clone(),
            self.payments.clone(),
            &options,
        )
    }

    /// Creates a ConfirmationToken from the element's details: `{confirmationToken}` or
    /// `{error}`.
    #[wasm_bindgen(
        js_name = createConfirmationToken,
        unchecked_return_type = "Promise<Result<{ confirmationToken: ConfirmationToken }>>"
    )]
    pub fn create_confirmation_token(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CreateConfirmationTokenOptions")] options: JsValue,
    ) -> Result<Promise, JsValue> {
        expect_object(&options, "createConfirmationToken options", false)?;
        let group = group_of(&options, "createConfirmationToken")?;
        let params = params_of(&options, "createConfirmationToken", false)?;
        let details = match token_request(&group, &params) {
            Ok(details) => details,
            Err(error) => return Ok(resolved(error_result(error))),
        };
        let handle = group.handle.get();
        let bearer = handle.and_then(|h| h.customer_session_secret());
        let tokenize = handle.map(|h| h.tokenizer());
        let catalogue = group.catalogue();
        let api = self.api.clone();
        Ok(future_to_promise(async move {
            let mut request = details.request;
            if let (Some(vaulted), Some(tokenize)) = (details.vaulted, tokenize) {
                match tokenize(vaulted.clone()).await {
                    Ok(token) => vaulted.apply(&mut request, token),
                    Err(error) => return Ok(error_result(call_error(&error, &catalogue))),
                }
            }
            Ok(
                match api.0.create_confirmation_token(request, bearer).await {
                    Ok(token) => objects::with("confirmationToken", objects::token(&token)),
                    Err(error) => error_result(call_error(&error, &catalogue)),
                },
            )
        }))
    }

    /// The whole payment: validates, creates a token, lets the server create and confirm
    /// the intent, and follows a redirect (3-D Secure, wallet). Resolves to
    /// `{paymentIntent}` or `{error}`; `redirect: "always"` also goes to `return_url`
    /// after a payment that needed no other page. `market` names which of the reference
    /// server's carts is ordered (`eu`, `ph`, `id`; its default cart when absent). Only
    /// for `mode: "payment"`: it charges, so setup and subscription modes are refused.
    #[wasm_bindgen(
        unchecked_return_type = "Promise<{ paymentIntent?: PaymentIntent; error?: CheckoutError }>"
    )]
    pub fn confirm(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConfirmOptions")] options: JsValue,
    ) -> Result<Promise, JsValue> {
        self.confirm_as(options, "confirm", RedirectPolicy::IfRequired)
    }

    /// Stripe's `confirmPayment`: the whole payment of the page's intent
    /// (`elements({clientSecret})`, or `clientSecret` here for an intent the page
    /// created after `elements.submit()`, Stripe's deferred flow), or, without one, as
    /// `confirm`. `confirmParams` (or
    /// `params`) carries `return_url`; `redirect` is `"always"` unless `"if_required"`
    /// is asked for, as in Stripe.js: after a payment that needed no other page the
    /// browser goes to `return_url` with `payment_intent`,
    /// `payment_intent_client_secret` and `redirect_status`. Resolves to `{error}` when
    /// it stays on the page (a decline, a form to fix), or `{paymentIntent}` with
    /// `redirect: "if_required"`.
    #[wasm_bindgen(
        js_name = confirmPayment,
        unchecked_return_type = "Promise<{ paymentIntent?: PaymentIntent; error?: CheckoutError }>"
    )]
    pub fn confirm_payment(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConfirmOptions")] options: JsValue,
    ) -> Result<Promise, JsValue> {
        self.confirm_as(options, "confirmPayment", RedirectPolicy::Always)
    }

    /// Stripe's `confirmSetup`: saves the customer's payment method to the page's setup
    /// intent (`elements({clientSecret: "seti_…"})`), charging nothing. It follows
    /// 3-D Secure like `confirmPayment`, and `redirect` is `"always"` unless
    /// `"if_required"` is asked for: the browser then goes to `return_url` with
    /// `setup_intent`, `setup_intent_client_secret` and `redirect_status`. Resolves to
    /// `{error}` when it stays on the page, or `{setupIntent}` with
    /// `redirect: "if_required"`.
    #[wasm_bindgen(
        js_name = confirmSetup,
        unchecked_return_type = "Promise<{ setupIntent?: SetupIntent; error?: CheckoutError }>"
    )]
    pub fn confirm_setup(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConfirmOptions")] options: JsValue,
    ) -> Result<Promise, JsValue> {
        self.confirm_as(options, "confirmSetup", RedirectPolicy::Always)
    }
}

impl JsCheckout {
    fn confirm_as(
        &self,
        options: JsValue,
        call: &str,
        default_redirect: RedirectPolicy,
    ) -> Result<Promise, JsValue> {
        let wrong = |what: &str| type_error(&[call, ": ", what].concat());
        expect_object(&options, &[call, " options"].concat(), false)?;
        let group = group_of(&options, call)?;
        let params = params_of(&options, call, true)?;
        let redirect = match field(&options, "redirect").as_string().as_deref() {
            None if absent(&field(&options, "redirect")) => default_redirect,
            Some("if_required") => RedirectPolicy::IfRequired,
            Some("always") => RedirectPolicy::Always,
            _ => return Err(wrong("redirect must be \"always\" or \"if_required\"")),
        };
        let market = optional_string(
            &options,
            "market",
            &[
                call,
                ": market must be a string naming one of the server's carts, such as \"eu\"",
            ]
            .concat(),
        )?;
        let order = optional_string(
            &options,
            "order",
            &[
                call,
                ": order must be the id of the order being paid, such as \"ord_…\"",
            ]
            .concat(),
        )?;
        let placement = Placement { order, market };
        // Stripe's deferred flow: the page created the intent after `elements.submit()`
        // and passes its client secret here.
        let given = field(&options, "clientSecret");
        let given = if absent(&given) {
            None
        } else {
            if group.intent.is_some() {
                return Err(wrong(
                    "clientSecret was given to elements() already; leave it out here",
                ));
            }
            let (id, client_secret) = secret_arg(&given, call, Takes::Either)?;
            Some(IntentRef { id, client_secret })
        };
        let for_setup = given
            .as_ref()
            .or(group.intent.as_ref())
            .is_some_and(|i| payment_core::api::is_setup_intent(&i.id));
        if for_setup && given.is_some() && group.mode() != Some(Mode::Setup) {
            return Err(wrong(
                "a setup intent's clientSecret needs elements created with mode \"setup\"",
            ));
        }
        if call == "confirmSetup" && !for_setup {
            return Err(wrong(
                "needs a setup intent: create the elements with \
                 checkout.elements({clientSecret}), or pass clientSecret here, with the \
                 setup intent's client secret (seti_…_secret_…) from your server",
            ));
        }
        if call != "confirmSetup" && for_setup {
            return Err(wrong(
                "these elements are for a setup intent, which saves a payment method and \
                 charges nothing: call confirmSetup",
            ));
        }
        // A payment intent the page created pays what the server put in it, whatever the
        // mode; without one the reference server's cart is charged, in payment mode only.
        let charges_the_cart = given.is_none() && group.intent.is_none();
        if charges_the_cart
            && !for_setup
            && matches!(group.mode(), Some(Mode::Setup | Mode::Subscription))
        {
            // The reference server's create-confirm-intent charges its cart now: it would
            // take money where the merchant meant to save a method or start a plan.
            return Err(wrong(
                "pays the server's cart and needs mode \"payment\"; in \"setup\" \
                 or \"subscription\" mode call createConfirmationToken and let your server \
                 set up the method or the subscription",
            ));
        }
        let catalogue = group.catalogue();
        // Checked synchronously, before anything else: a second call while one is out
        // does nothing but say so.
        if group.submitter.borrow().in_flight() || group.submitter.borrow().done() {
            return Ok(resolved(error_result(objects::local_error(
                "invalid_request_error",
                "payment_in_progress",
                catalogue.get(Key::PaymentInProgress),
            ))));
        }
        let PaymentDetails { request, vaulted } = match token_request(&group, &params) {
            Ok(details) => details,
            Err(error) => return Ok(resolved(error_result(error))),
        };
        // Another cart is another order: its declined intent is not confirmed again (a
        // confirm of unknown outcome is still settled first: it may have paid).
        if *group.placement.borrow() != placement {
            group.submitter.borrow_mut().order_changed();
            group.placement.replace(placement.clone());
        }
        if let Some(intent) = given {
            group.submitter.borrow_mut().use_intent(intent);
        }
        let payment = Payment {
            request,
            vaulted,
            placement,
        };
        let Some(mut attempt) = group
            .submitter
            .borrow_mut()
            .begin(payment, new_idempotency_key)
        else {
            return Ok(resolved(error_result(objects::local_error(
                "invalid_request_error",
                "payment_in_progress",
                catalogue.get(Key::PaymentInProgress),
            ))));
        };
        let handle = group.handle.get();
        let bearer = handle.and_then(|h| h.customer_session_secret());
        if let Some(h) = handle {
            h.set_locked(true);
        }
        let return_url = params.return_url.unwrap_or_default();
        let api = self.api.clone();
        Ok(future_to_promise(async move {
            let sent = |attempt: &_, token: &str| {
                group.submitter.borrow_mut().confirm_sent(attempt, token);
            };
            let tokenize = match handle {
                Some(h) => h.tokenizer(),
                None => std::rc::Rc::new(|_| -> crate::net::client::LocalFuture<_> {
                    Box::pin(async { Err(CallError::Network) })
                }),
            };
            let (token_id, answer) = match api
                .send_attempt(&mut attempt, bearer, &tokenize, sent)
                .await
            {
                Ok(Confirmed { token_id, answer }) => (token_id, answer),
                Err(error) => {
                    if !group.submitter.borrow_mut().abandon(&attempt) {
                        // The page gave up on this attempt (back/forward cache) and
                        // may have started another: leave the element to that one.
                        return Ok(error_result(superseded(&catalogue)));
                    }
                    if let Some(h) = handle {
                        h.set_locked(false);
                        h.apply_feedback(&match &error {
                            CallError::Api { error, .. } => feedback_for_error(error),
                            unanswered => feedback_unanswered(unanswered),
                        });
                    }
                    return Ok(error_result(call_error(&error, &catalogue)));
                }
            };
            let mut outcome = outcome_of(answer.clone());
            let current = group
                .submitter
                .borrow_mut()
                .finish(attempt, token_id, &answer, &outcome);
            let mut intent = match &answer {
                Ok(intent) => Some(intent.clone()),
                Err(CallError::Api { payment_intent, .. }) => payment_intent.as_deref().cloned(),
                Err(_) => None,
            };
            // 3-D Secure in a dialog, a QR code in the element: followed here, and what
            // it came to is the answer.
            let mut followed_error = None;
            if let (true, Some(h)) = (current, handle) {
                if let Some(followed) = follow_on_page(h, &api, &outcome, redirect).await {
                    let paid = matches!(
                        followed.outcome,
                        Outcome::Succeeded(_) | Outcome::Processing(_)
                    );
                    group.submitter.borrow_mut().action_settled(paid);
                    if let Outcome::Failed(feedback) = &followed.outcome {
                        let last_error = followed
                            .intent
                            .as_ref()
                            .and_then(|i| i.last_payment_error.as_ref());
                        followed_error = Some(match (followed.canceled, last_error) {
                            (false, Some(error)) => objects::api_error(error, &catalogue),
                            _ => objects::local_error(
                                "invalid_request_error",
                                "payment_canceled",
                                catalogue.get(feedback.message),
                            ),
                        });
                    }
                    if let Some(settled) = followed.intent {
                        intent = Some(settled);
                    }
                    outcome = followed.outcome;
                }
            }
            let result = Object::new();
            if let Some(intent) = &intent {
                let name = if for_setup {
                    "setupIntent"
                } else {
                    "paymentIntent"
                };
                set(&result, name, objects::intent(intent, &catalogue));
            }
            if !current {
                // A late answer of an attempt the page gave up on: the element, the
                // page's location and the outcome belong to the newer attempt, which
                // resends this one's confirm if it was out.
                return Ok(error_result(superseded(&catalogue)));
            }
            match &outcome {
                Outcome::Succeeded(reference) | Outcome::Processing(reference) => {
                    if redirect == RedirectPolicy::Always {
                        let status = if matches!(outcome, Outcome::Succeeded(_)) {
                            "succeeded"
                        } else {
                            "processing"
                        };
                        navigate(&return_address(&return_url, reference, status));
                    }
                }
                Outcome::Redirect { url, app_url, .. } => {
                    // The element and the guard stay locked: the page is leaving. Coming
                    // back through the back/forward cache, the group's `pageshow`
                    // listener opens both, and the next confirm retries the same intent.
                    navigate(&crate::components::redirect_target(url, app_url.as_deref()));
                }
                // Followed on the page above, which always settles it.
                Outcome::ShowQrCode { .. } => {}
                Outcome::Failed(feedback) => {
                    if let Some(h) = handle {
                        h.set_locked(false);
                        h.apply_feedback(feedback);
                    }
                    let error = match (followed_error, &answer) {
                        (Some(error), _) => error,
                        (None, answer) => match answer {
                            Err(error) => {
                                let object = call_error(error, &catalogue);
                                if error.outcome_unknown() {
                                    // The payment may have gone through: the page keeps the
                                    // order as it is; the next confirm settles it first.
                                    set(&object, "pending", true);
                                }
                                object
                            }
                            Ok(_) => objects::local_error(
                                "api_error",
                                "unknown",
                                catalogue.get(feedback.message),
                            ),
                        },
                    };
                    set(&result, "error", error);
                }
            }
            Ok(result.into())
        }))
    }
}

#[wasm_bindgen(js_class = CheckoutInstance)]
impl JsCheckout {
    /// Follows the next action of an intent (a 3-D Secure or wallet page) after the
    /// server confirmed it: `{paymentIntent}` or `{error}`.
    #[wasm_bindgen(
        js_name = handleNextAction,
        unchecked_return_type = "Promise<Result<{ paymentIntent: PaymentIntent }>>"
    )]
    pub fn handle_next_action(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{ clientSecret: string }")] options: JsValue,
    ) -> Result<Promise, JsValue> {
        expect_object(&options, "handleNextAction options", false)?;
        let (id, secret) = secret_arg(
            &field(&options, "clientSecret"),
            "handleNextAction",
            Takes::Either,
        )?;
        Ok(self.fetch_intent(id, secret, true))
    }

    /// The intent's current state: `{paymentIntent}` or `{error}`.
    #[wasm_bindgen(
        js_name = retrievePaymentIntent,
        unchecked_return_type = "Promise<Result<{ paymentIntent: PaymentIntent }>>"
    )]
    pub fn retrieve_payment_intent(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] client_secret: JsValue,
    ) -> Result<Promise, JsValue> {
        let (id, secret) = secret_arg(&client_secret, "retrievePaymentIntent", Takes::Payment)?;
        forget_secret_in_address(return_page::PAYMENT_PARAMS, &secret);
        Ok(self.fetch_intent(id, secret, false))
    }

    /// The setup intent's current state: `{setupIntent}` or `{error}`.
    #[wasm_bindgen(
        js_name = retrieveSetupIntent,
        unchecked_return_type = "Promise<Result<{ setupIntent: SetupIntent }>>"
    )]
    pub fn retrieve_setup_intent(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] client_secret: JsValue,
    ) -> Result<Promise, JsValue> {
        let (id, secret) = secret_arg(&client_secret, "retrieveSetupIntent", Takes::Setup)?;
        forget_secret_in_address(return_page::SETUP_PARAMS, &secret);
        Ok(self.fetch_intent(id, secret, false))
    }
}

/// A return page that read the secret from its address (Stripe's quickstart does): the
/// address keeps it no longer than that, as on the element's own return page.
fn forget_secret_in_address(names: return_page::IntentParams, secret: &ClientSecret) {
    let search = leptos::prelude::window()
        .location()
        .search()
        .unwrap_or_default();
    let in_address = web_sys::UrlSearchParams::new_with_str(&search)
        .ok()
        .and_then(|p| p.get(names.secret));
    if in_address.as_deref() == Some(secret.expose()) {
        let _ = return_page::take_params(names);
    }
}

impl JsCheckout {
    fn fetch_intent(&self, id: String, secret: ClientSecret, follow: bool) -> Promise {
        let api = self.api.clone();
        // Not tied to an element: the customer's browser languages.
        let catalogue = Catalogue::new(
            crate::components::resolve_locale(crate::model::options::LocaleChoice::Auto),
            &[],
        );
        future_to_promise(async move {
            Ok(match api.0.payment_intent(id, secret.clone()).await {
                Ok(mut intent) => {
                    // The page passed the secret; hand it back as Stripe.js does.
                    intent.client_secret.get_or_insert(secret);
                    if follow {
                        follow_next_action(&intent);
                    }
                    let name = if payment_core::api::is_setup_intent(&intent.id) {
                        "setupIntent"
                    } else {
                        "paymentIntent"
                    };
                    objects::with(name, objects::intent(&intent, &catalogue))
                }
                Err(error) => error_result(call_error(&error, &catalogue)),
            })
        })
    }
}

fn follow_next_action(intent: &PaymentIntent) {
    if let Outcome::Redirect { url, app_url, .. } = outcome_of(Ok(intent.clone())) {
        navigate(&crate::components::redirect_target(
            &url,
            app_url.as_deref(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::intent_id;

    #[test]
    fn the_intent_id_is_read_from_its_client_secret() {
        assert_eq!(intent_id("pi_123_secret_abc").as_deref(), Some("pi_123"));
        assert_eq!(intent_id("seti_1_secret_x").as_deref(), Some("seti_1"));
        assert_eq!(intent_id("src_1_secret_x"), None);
        assert_eq!(intent_id("pi_123"), None);
    }
}
