//! A server on an in-memory database and a manual clock, driven through `oneshot`: the
//! storefront's router and the payments origin's. The payments origin also listens on a
//! real 127.0.0.1:0 socket, so the storefront reaches the vault over HTTP as it does in
//! production.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use checkout_server::{app, payments_app, AppState, Cart, ManualClock, Settings};
use http_body_util::BodyExt;
use payment_core::money::Currency;
use serde_json::{json, Value};
use std::sync::Arc;
use tower::ServiceExt;

/// 2026-11-18T14:13:20Z.
pub const NOW: i64 = 1_795_000_000;

/// The merchant secret key of every test server.
pub const MERCHANT_KEY: &str = "sk_test_harness0123456789";

/// The storefront origin every test server allows (the card frame's embedder).
pub const STOREFRONT: &str = "http://shop.test";

pub struct Harness {
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    /// The payments origin, `http://127.0.0.1:PORT`.
    pub payments_origin: String,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    /// The error code of an error reply.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

impl Harness {
    pub async fn new() -> Self {
        Self::with_currency(Currency::EUR).await
    }

    pub async fn with_currency(currency: Currency) -> Self {
        let mut settings = Settings::new(std::env::temp_dir().join("checkout-no-dist"));
        settings.cart = Cart::demo(currency);
        Self::with_settings(settings).await
    }

    /// The test settings (merchant key, storefront origin) over `settings`, on an
    /// in-memory database.
    pub async fn with_settings(settings: Settings) -> Self {
        let clock = Arc::new(ManualClock::new(NOW));
        let for_state = clock.clone();
        Self::open(settings, clock, move |settings| async move {
            AppState::for_tests(settings, for_state).await
        })
        .await
    }

    /// Binds the payments origin's socket, opens the state with `open` (given the
    /// settings with that origin), and serves the payments app on the socket.
    pub async fn open<F, Fut>(mut settings: Settings, clock: Arc<ManualClock>, open: F) -> Self
    where
        F: FnOnce(Settings) -> Fut,
        Fut: std::future::Future<Output = AppState>,
    {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let payments_origin = format!("http://{}", listener.local_addr().unwrap());
        settings.payments_origin = payments_origin.clone();
        // The test storefront, unless the test chose its own.
        if settings.storefront_origins == Settings::new("").storefront_origins {
            settings.storefront_origins = vec![STOREFRONT.to_owned()];
        }
        settings
            .merchant_key
            .get_or_insert_with(|| MERCHANT_KEY.to_owned());
        let state = open(settings).await;
        let serve = axum::serve(listener, payments_app(state.clone()));
        tokio::spawn(async move { serve.await });
        Self {
            state,
            clock,
            payments_origin,
        }
    }

    /// A request to the payments origin's router.
    pub async fn send_payments(&self, request: Request<Body>) -> Reply {
        let response = payments_app(self.state.clone())
            .oneshot(request)
            .await
            .unwrap();
        Reply::read(response).await
    }

    /// `POST /v1/card_tokens` as the card frame would: the publishable key, the
    /// storefront's origin, this body.
    pub async fn tokenize(&self, card: &Value) -> Reply {
        self.send_payments(
            Request::post("/v1/card_tokens")
                .header("content-type", "application/json")
                .header(
                    "authorization",
                    format!("Bearer {}", self.state.publishable_key()),
                )
                .header("origin", STOREFRONT)
                .body(Body::from(card.to_string()))
                .unwrap(),
        )
        .await
    }

    /// A card token (`card_tok_…`) for `number` with `cvc`, expiring 12/2034.
    pub async fn card_token_with_cvc(&self, number: &str, cvc: &str) -> String {
        let reply = self
            .tokenize(&json!({"number": number, "exp_month": 12, "exp_year": 2034, "cvc": cvc}))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply.body["id"].as_str().unwrap().to_owned()
    }

    /// A card token (`card_tok_…`) for `number` (typed with spaces or not), expiring
    /// 12/2034, with the CVC its brand takes (four digits for American Express).
    pub async fn card_token(&self, number: &str) -> String {
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        let cvc = if digits.starts_with("34") || digits.starts_with("37") {
            "1234"
        } else {
            "123"
        };
        self.card_token_with_cvc(number, cvc).await
    }

    /// A CVC token (`cvc_tok_…`) for a saved card's CVC typed again.
    pub async fn cvc_token(&self, cvc: &str) -> String {
        let reply = self
            .send_payments(
                Request::post("/v1/cvc_tokens")
                    .header("content-type", "application/json")
                    .header(
                        "authorization",
                        format!("Bearer {}", self.state.publishable_key()),
                    )
                    .header("origin", STOREFRONT)
                    .body(Body::from(json!({ "cvc": cvc }).to_string()))
                    .unwrap(),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply.body["id"].as_str().unwrap().to_owned()
    }

    /// A confirmation-token request for a new card: `number` tokenized by the payments
    /// origin, the token sent to the storefront.
    pub async fn card_request(&self, number: &str) -> Value {
        card_token_request(&self.card_token(number).await)
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = app(self.state.clone()).oneshot(request).await.unwrap();
        Reply::read(response).await
    }
}

impl Reply {
    pub async fn read(response: axum::response::Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            text,
        }
    }
}

impl Harness {
    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(uri);
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = body.map_or_else(Body::empty, |b| Body::from(b.to_owned()));
        self.send(request.body(body).unwrap()).await
    }

    pub async fn post(&self, uri: &str, body: &Value) -> Reply {
        self.call(Method::POST, uri, &[], Some(&body.to_string()))
            .await
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.call(Method::GET, uri, &[], None).await
    }

    /// A customer session: (secret, customer id).
    pub async fn session(&self) -> (String, String) {
        let reply = self
            .call(Method::POST, "/api/customer_sessions", &[], None)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        (
            reply.body["client_secret"].as_str().unwrap().to_owned(),
            reply.body["customer"].as_str().unwrap().to_owned(),
        )
    }

    /// Creates a token; panics unless it succeeds.
    pub async fn token_from(&self, request: Value, bearer: Option<&str>) -> Value {
        let uri = "/api/confirmation_tokens";
        let reply = match bearer {
            Some(secret) => {
                self.post_authorized(uri, &request, &format!("Bearer {secret}"))
                    .await
            }
            None => self.post(uri, &request).await,
        };
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply.body
    }

    /// A confirmation token (`ctoken_…`) for a card number.
    pub async fn card_confirmation_token(&self, number: &str) -> String {
        let request = self.card_request(number).await;
        self.token_from(request, None).await["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn confirm(&self, token: &str, key: Option<&str>) -> Reply {
        let body = json!({ "confirmation_token_id": token }).to_string();
        let headers: Vec<(&str, &str)> = key
            .map(|k| vec![("idempotency-key", k)])
            .unwrap_or_default();
        self.call(
            Method::POST,
            "/api/create-confirm-intent",
            &headers,
            Some(&body),
        )
        .await
    }

    /// Confirms `token` for `order` under the `Idempotency-Key` `key`.
    pub async fn confirm_order(&self, order: &str, token: &str, key: &str) -> Reply {
        let body = json!({ "confirmation_token_id": token, "order": order }).to_string();
        self.call(
            Method::POST,
            "/api/create-confirm-intent",
            &[("idempotency-key", key)],
            Some(&body),
        )
        .await
    }

    /// A new setup intent for the demo customer, as a "save a card" page makes it:
    /// `(client_secret, id)`.
    pub async fn new_setup(&self) -> (String, String) {
        let reply = self.post("/create-setup-intent", &json!({})).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let secret = reply.body["clientSecret"].as_str().unwrap().to_owned();
        let id = secret.split_once("_secret_").unwrap().0.to_owned();
        (secret, id)
    }

    /// A card token of the demo customer's session, as the element makes it in setup
    /// mode: `(token id, customer)`.
    pub async fn setup_card_token(&self, number: &str) -> (String, String) {
        let (session, customer) = self.session().await;
        let request = self.card_request(number).await;
        let token = self.token_from(request, Some(&session)).await;
        (token["id"].as_str().unwrap().to_owned(), customer)
    }

    /// `POST /api/setup_intents/{id}/confirm` with the setup's secret and a token.
    pub async fn confirm_setup(&self, secret: &str, token: &str, key: &str) -> Reply {
        let id = secret.split_once("_secret_").map_or(secret, |(id, _)| id);
        let body = json!({ "client_secret": secret, "confirmation_token_id": token });
        self.call(
            Method::POST,
            &format!("/api/setup_intents/{id}/confirm"),
            &[("idempotency-key", key)],
            Some(&body.to_string()),
        )
        .await
    }

    /// `GET /api/setup_intents/{id}?client_secret=…`.
    pub async fn read_setup(&self, secret: &str) -> Reply {
        let id = secret.split_once("_secret_").map_or(secret, |(id, _)| id);
        self.get(&format!("/api/setup_intents/{id}?client_secret={secret}"))
            .await
    }

    /// Token + confirm for a card number.
    pub async fn pay(&self, number: &str) -> Reply {
        let token = self.card_confirmation_token(number).await;
        self.confirm(&token, None).await
    }

    /// The status endpoint for an intent from a create-confirm reply.
    pub async fn status_of(&self, intent: &Value) -> Reply {
        let id = intent["id"].as_str().unwrap();
        let secret = intent["client_secret"].as_str().unwrap();
        self.get(&format!("/api/payment_intents/{id}?client_secret={secret}"))
            .await
    }

    /// A session for a new customer: (secret, customer id).
    pub async fn new_customer_session(&self) -> (String, String) {
        let reply = self
            .post("/api/customer_sessions", &json!({"new_customer": true}))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        (
            reply.body["client_secret"].as_str().unwrap().to_owned(),
            reply.body["customer"].as_str().unwrap().to_owned(),
        )
    }

    /// A GET with a bearer secret.
    pub async fn get_with(&self, uri: &str, bearer: &str) -> Reply {
        self.get_authorized(uri, &format!("Bearer {bearer}")).await
    }

    /// A GET with this `Authorization` header (e.g. a malformed one).
    pub async fn get_authorized(&self, uri: &str, authorization: &str) -> Reply {
        self.call(Method::GET, uri, &[("authorization", authorization)], None)
            .await
    }

    /// A JSON POST with this `Authorization` header.
    pub async fn post_authorized(&self, uri: &str, body: &Value, authorization: &str) -> Reply {
        self.call(
            Method::POST,
            uri,
            &[("authorization", authorization)],
            Some(&body.to_string()),
        )
        .await
    }

    /// `POST /api/charges/off_session` as the merchant (with its secret key).
    pub async fn charge_off_session(&self, body: &Value) -> Reply {
        self.post_authorized(
            "/api/charges/off_session",
            body,
            &format!("Bearer {MERCHANT_KEY}"),
        )
        .await
    }

    /// The merchant's consent audit of a customer.
    pub async fn consents(&self, customer: &str) -> Reply {
        self.get_with(
            &format!("/api/merchant/customers/{customer}/consents"),
            MERCHANT_KEY,
        )
        .await
    }

    /// A new session for an existing customer; its secret.
    pub async fn session_of(&self, customer: &str) -> String {
        let reply = self
            .post("/api/customer_sessions", &json!({ "customer": customer }))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply.body["client_secret"].as_str().unwrap().to_owned()
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(self.state.db())
            .await
            .unwrap()
    }
}

/// A confirmation-token request for a new card, by its token.
pub fn card_token_request(token: &str) -> Value {
    json!({
        "payment_method_data": {
            "type": "card",
            "card": {"token": token},
            "billing_details": {"name": "Jenny Rosen"}
        },
        "return_url": "https://shop.example/complete"
    })
}

/// A confirmation-token request for an e-wallet (`GCASH`, `OVO`, …).
pub fn wallet_request(channel: &str) -> Value {
    json!({
        "payment_method_data": {"type": "ewallet", "ewallet": {"channel_code": channel}},
        "return_url": "https://shop.example/complete"
    })
}

pub fn sepa_request(iban: &str, email: &str) -> Value {
    json!({
        "payment_method_data": {
            "type": "sepa_debit",
            "sepa_debit": {"iban": iban},
            "billing_details": {"name": "Jenny Rosen", "email": email}
        },
        "return_url": "https://shop.example/complete"
    })
}

pub fn consent() -> Value {
    json!({
        "text": "Save my payment details with Example Shop for future purchases",
        "locale": "en",
        "accepted_at": NOW,
        "usage": "off_session"
    })
}

/// Every value of every table of the storefront's database, as text.
pub async fn dump_database(h: &Harness) -> String {
    dump(h.state.db()).await
}

/// Every value of every table of the vault's database, as text (blobs in hex).
pub async fn dump_vault(h: &Harness) -> String {
    dump(h.state.vault().db()).await
}

async fn dump(db: &sqlx::SqlitePool) -> String {
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(db)
            .await
            .unwrap();
    let mut everything = String::new();
    for table in tables {
        let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?)")
            .bind(&table)
            .fetch_all(db)
            .await
            .unwrap();
        let list = columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || ',' || ");
        let rows: Vec<String> = sqlx::query_scalar(&format!("SELECT {list} FROM \"{table}\""))
            .fetch_all(db)
            .await
            .unwrap();
        for row in rows {
            everything.push_str(&row);
            everything.push('\n');
        }
    }
    everything
}
