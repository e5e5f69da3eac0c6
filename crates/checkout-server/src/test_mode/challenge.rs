//! The simulated 3-D Secure challenge and e-wallet authorisation. Their buttons are
//! forms that POST; closing the page without choosing leaves the intent
//! `requires_action`.
//!
//! Two ways to open them:
//! - as a page of its own (the `redirect_to_url` flow): each button answers a 303 to the
//!   `return_url` with `payment_intent`, `payment_intent_client_secret` and
//!   `redirect_status`. An intent the merchant canceled while its page was open stays
//!   canceled: as Stripe sends the customer back from a redirect whatever became of the
//!   payment, opening the page or pressing either button then answers a 303 to the
//!   `return_url` with `redirect_status=failed`, and the return page reads
//!   `status: canceled`.
//! - in a frame of the widget's modal, with `embedded=1` in the query (the forms carry
//!   it along): the page runs `challenge-ready.js` once loaded, and each button answers
//!   a small page (200, never a redirect: the return page has no place in the frame)
//!   that runs `challenge-done.js`. Neither message says how it ended; the widget reads
//!   the intent. These pages, and only these, may be framed by the storefront
//!   ([`is_action_page`], `csp::action_page_policy`).

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use payment_core::api::{EwalletChannel, PaymentIntentStatus};

use super::page::{
    amount, escape, not_waiting, page, server_error, two_buttons, CHALLENGE_DONE_SCRIPT,
    CHALLENGE_READY_SCRIPT,
};
use crate::intents::{complete_action, load_intent, IntentRow, Pressed};
use crate::methods::{load_method, wire_enum};
use crate::processor::ActionPage;
use crate::setup_intents::{complete_setup_authentication, load_setup, SetupPressed};
use crate::state::AppState;

/// Where the 3-D Secure pages live (page and buttons).
const AUTHENTICATE: &str = "/test-mode/authenticate/";
/// Where the wallet pages live.
const EWALLET: &str = "/test-mode/ewallet/";

/// Whether `path` is one of the pages the widget may open in its modal's frame: the
/// 3-D Secure challenge and the wallet page, with their buttons' answers.
pub fn is_action_page(path: &str) -> bool {
    path.starts_with(AUTHENTICATE) || path.starts_with(EWALLET)
}

/// Whether the query asks for the framed variant (`embedded=1`).
fn is_embedded(query: &Option<String>) -> bool {
    query
        .as_deref()
        .is_some_and(|q| q.split('&').any(|pair| pair == "embedded=1"))
}

/// The two pages of this module.
#[derive(Clone, Copy)]
enum Challenge {
    ThreeDSecure,
    Ewallet,
}

/// The words of one kind of page.
struct Words {
    base: &'static str,
    accept: (&'static str, &'static str),
    refuse: (&'static str, &'static str),
    accepted: &'static str,
    refused: &'static str,
    waiting_for: &'static str,
}

impl Challenge {
    /// What the intent waits on while this page is open.
    fn action_page(self) -> ActionPage {
        match self {
            Self::ThreeDSecure => ActionPage::ThreeDSecure,
            Self::Ewallet => ActionPage::Ewallet,
        }
    }

    fn words(self) -> Words {
        match self {
            Self::ThreeDSecure => Words {
                base: AUTHENTICATE,
                accept: ("Complete authentication", "complete"),
                refuse: ("Fail authentication", "fail"),
                accepted: "Authentication complete",
                refused: "Authentication failed",
                waiting_for: "authentication",
            },
            Self::Ewallet => Words {
                base: EWALLET,
                accept: ("Authorize", "authorize"),
                refuse: ("Decline", "decline"),
                accepted: "Payment authorized",
                refused: "Payment declined",
                waiting_for: "authorization",
            },
        }
    }
}

async fn load(state: &AppState, id: &str) -> Result<Option<IntentRow>, ()> {
    let mut conn = state.db().acquire().await.map_err(|_| ())?;
    load_intent(&mut conn, id).await.map_err(|_| ())
}

/// The framed variant's answer once the challenge is over (or was never there): says
/// so and tells the widget to read the intent.
fn framed_answer(status: StatusCode, title: &str, text: &str) -> Response {
    page(
        status,
        title,
        &format!("<p>{}</p>", escape(text)),
        Some(CHALLENGE_DONE_SCRIPT),
    )
}

/// The intent a page's `GET` shows, or the answer when it waits for nothing here: the
/// redirect of a canceled intent, or "nothing to do here" (framed: with the done script,
/// so the widget reads what became of the intent).
async fn waiting(
    state: &AppState,
    id: Result<Path<String>, PathRejection>,
    kind: Challenge,
    embedded: bool,
) -> Result<IntentRow, Response> {
    let Ok(Path(id)) = id else {
        return Err(not_waiting(None));
    };
    let intent = match load(state, &id).await {
        Ok(Some(intent)) => intent,
        Ok(None) => return Err(not_waiting(None)),
        Err(()) => return Err(server_error()),
    };
    if intent.waits_on(kind.action_page()) {
        return Ok(intent);
    }
    Err(match (intent.status(), embedded) {
        (PaymentIntentStatus::Canceled, false) => {
            Redirect::to(&intent.return_url_with_result("failed")).into_response()
        }
        (PaymentIntentStatus::Canceled, true) => framed_answer(
            StatusCode::OK,
            "Payment canceled",
            "The shop canceled this payment. Returning you to the checkout.",
        ),
        (_, true) => not_waiting(Some(CHALLENGE_DONE_SCRIPT)),
        (_, false) => not_waiting(None),
    })
}

/// The challenge: `text` (HTML) and the two buttons, whose forms keep `embedded=1`.
fn challenge(
    intent: &IntentRow,
    kind: Challenge,
    embedded: bool,
    title: &str,
    text: &str,
) -> Response {
    let w = kind.words();
    let action = format!("{}{}", w.base, escape(&intent.id));
    let query = if embedded { "?embedded=1" } else { "" };
    page(
        StatusCode::OK,
        title,
        &format!("{text}{}", two_buttons(&action, query, w.accept, w.refuse)),
        embedded.then_some(CHALLENGE_READY_SCRIPT),
    )
}

/// `GET /test-mode/authenticate/{intent}[?embedded=1]`: the simulated 3-D Secure
/// challenge.
pub async fn authenticate_get(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Response {
    let embedded = is_embedded(&query);
    if let Ok(Path(setup_id)) = &id {
        if is_setup_intent(setup_id) {
            return setup_challenge(&state, setup_id, embedded).await;
        }
    }
    let intent = match waiting(&state, id, Challenge::ThreeDSecure, embedded).await {
        Ok(intent) => intent,
        Err(answer) => return answer,
    };
    let text = format!(
        "<p>Authenticate a payment of <strong>{}</strong>. In test mode you choose the \
         issuer's answer.</p>",
        escape(&amount(&intent))
    );
    challenge(
        &intent,
        Challenge::ThreeDSecure,
        embedded,
        "3D Secure 2 test page",
        &text,
    )
}

/// `GET /test-mode/ewallet/{intent}[?embedded=1]`: the simulated wallet authorisation.
pub async fn ewallet_get(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Response {
    let embedded = is_embedded(&query);
    let intent = match waiting(&state, id, Challenge::Ewallet, embedded).await {
        Ok(intent) => intent,
        Err(answer) => return answer,
    };
    let mut wallet = EwalletChannel::Unknown;
    if let (Some(method_id), Ok(mut conn)) = (&intent.payment_method_id, state.db().acquire().await)
    {
        if let Ok(Some(method)) = load_method(&mut *conn, method_id).await {
            wallet = method
                .ewallet_channel
                .as_deref()
                .and_then(wire_enum)
                .unwrap_or(EwalletChannel::Unknown);
        }
    }
    // `?app=1`: the wallet's app link (the next action's `app_url`), which a phone
    // opens: here the wallet's app, simulated.
    let in_app = query
        .as_deref()
        .is_some_and(|q| q.split('&').any(|pair| pair == "app=1"));
    let (title, text) = if in_app {
        (
            format!("{} app (test mode)", wallet.display_name()),
            format!(
                "<p>The {} app asks you to pay <strong>{}</strong>. In test mode you \
                 choose the app's answer.</p>",
                escape(wallet.display_name()),
                escape(&amount(&intent))
            ),
        )
    } else {
        (
            format!("{} test page", wallet.display_name()),
            format!(
                "<p>Pay <strong>{}</strong> with {}. In test mode you choose the wallet's \
                 answer.</p>",
                escape(&amount(&intent)),
                escape(wallet.display_name())
            ),
        )
    };
    challenge(&intent, Challenge::Ewallet, embedded, &title, &text)
}

/// A button: completes or refuses the action, then sends the customer back to the
/// `return_url` (or, framed, answers the done page).
async fn choose(
    state: &AppState,
    id: &str,
    kind: Challenge,
    accepted: bool,
    embedded: bool,
) -> Response {
    if matches!(kind, Challenge::ThreeDSecure) && is_setup_intent(id) {
        return choose_for_setup(state, id, accepted, embedded).await;
    }
    let pressed = match complete_action(state, id, kind.action_page(), accepted).await {
        Ok(Some(pressed)) => pressed,
        Ok(None) => return not_waiting(embedded.then_some(CHALLENGE_DONE_SCRIPT)),
        Err(_) => return server_error(),
    };
    let Pressed { intent, acted } = pressed;
    if embedded {
        let w = kind.words();
        return match (acted, accepted, intent.status()) {
            (true, true, _) => {
                framed_answer(StatusCode::OK, w.accepted, "Returning you to the checkout.")
            }
            (true, false, _) => {
                framed_answer(StatusCode::OK, w.refused, "Returning you to the checkout.")
            }
            (false, _, PaymentIntentStatus::Canceled) => framed_answer(
                StatusCode::OK,
                "Payment canceled",
                "The shop canceled this payment. Returning you to the checkout.",
            ),
            (false, _, _) => framed_answer(
                StatusCode::OK,
                "Nothing more to do here",
                &format!(
                    "This payment is no longer waiting for {}. Returning you to the checkout.",
                    w.waiting_for
                ),
            ),
        };
    }
    Redirect::to(&intent.return_url_with_result(intent.redirect_status())).into_response()
}

/// Whether the page is a setup intent's (`seti_…`): a card set up for later payments
/// authenticates on the same page, for no amount.
fn is_setup_intent(id: &str) -> bool {
    id.starts_with("seti_")
}

/// `GET /test-mode/authenticate/{seti_…}`: the challenge of a card being set up.
async fn setup_challenge(state: &AppState, id: &str, embedded: bool) -> Response {
    let setup = {
        let Ok(mut conn) = state.db().acquire().await else {
            return server_error();
        };
        match load_setup(&mut conn, id).await {
            Ok(Some(setup)) => setup,
            Ok(None) => return not_waiting(embedded.then_some(CHALLENGE_DONE_SCRIPT)),
            Err(_) => return server_error(),
        }
    };
    if !setup.waits_on_authentication() {
        return not_waiting(embedded.then_some(CHALLENGE_DONE_SCRIPT));
    }
    let w = Challenge::ThreeDSecure.words();
    let action = format!("{}{}", w.base, escape(&setup.id));
    let query = if embedded { "?embedded=1" } else { "" };
    page(
        StatusCode::OK,
        "3D Secure 2 test page",
        &format!(
            "<p>Authenticate your card to save it for future payments. Nothing is charged \
             now. In test mode you choose the issuer's answer.</p>{}",
            two_buttons(&action, query, w.accept, w.refuse)
        ),
        embedded.then_some(CHALLENGE_READY_SCRIPT),
    )
}

/// A button of a setup intent's challenge.
async fn choose_for_setup(state: &AppState, id: &str, accepted: bool, embedded: bool) -> Response {
    let pressed = match complete_setup_authentication(state, id, accepted).await {
        Ok(Some(pressed)) => pressed,
        Ok(None) => return not_waiting(embedded.then_some(CHALLENGE_DONE_SCRIPT)),
        Err(_) => return server_error(),
    };
    let SetupPressed { setup, acted } = pressed;
    if embedded {
        let w = Challenge::ThreeDSecure.words();
        let (title, text) = match (acted, accepted) {
            (true, true) => (w.accepted, "Returning you to the checkout."),
            (true, false) => (w.refused, "Returning you to the checkout."),
            (false, _) => (
                "Nothing more to do here",
                "This card is no longer waiting for authentication. Returning you to the checkout.",
            ),
        };
        return framed_answer(StatusCode::OK, title, text);
    }
    Redirect::to(&setup.return_url_with_result(setup.redirect_status())).into_response()
}

macro_rules! choice_handler {
    ($name:ident, $page:expr, $accepted:expr) => {
        /// A button of a simulated page (`?embedded=1` when framed).
        pub async fn $name(
            State(state): State<AppState>,
            id: Result<Path<String>, PathRejection>,
            RawQuery(query): RawQuery,
        ) -> Response {
            let embedded = is_embedded(&query);
            match id {
                Ok(Path(id)) => choose(&state, &id, $page, $accepted, embedded).await,
                Err(_) => not_waiting(embedded.then_some(CHALLENGE_DONE_SCRIPT)),
            }
        }
    };
}

choice_handler!(authenticate_complete, Challenge::ThreeDSecure, true);
choice_handler!(authenticate_fail, Challenge::ThreeDSecure, false);
choice_handler!(ewallet_authorize, Challenge::Ewallet, true);
choice_handler!(ewallet_decline, Challenge::Ewallet, false);
