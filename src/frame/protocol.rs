//! The messages between a Payment Element and its card frame.
//!
//! The handshake uses `window.postMessage` twice, with the exact origins checked on
//! both sides: the frame says [`FRAME_READY`] to its parent (a message without data),
//! and the element answers [`CONNECT`] to the payments origin only, handing over one
//! end of a fresh `MessageChannel`. Everything after travels on that channel, so two
//! elements on one page never cross and no other window can listen in or speak. A
//! message that does not decode is ignored, never a panic.
//!
//! The page never learns a card value: only what [`FromFrame`] carries (completeness,
//! the first error's text, the brand, the height, the vault's token).

use crate::model::form::{Field, FrameSummary};
use crate::model::locale::Locale;
use crate::model::options::PaymentElementOptions;
use crate::net::json;
use js_sys::{Object, Reflect};
use payment_core::error::ApiError;
use wasm_bindgen::{JsCast, JsValue};

/// The frame's first word to its parent, sent with `postMessage` (it carries nothing).
pub const FRAME_READY: &str = "pe:frame-ready";

/// The element's answer, sent only to the payments origin, with the channel's port.
pub const CONNECT: &str = "pe:connect";

/// The protocol's version, in both handshake messages.
pub const VERSION: u32 = 1;

/// From the element to the frame.
#[derive(Clone, Debug, PartialEq)]
pub enum ToFrame {
    /// The look and language: `locale`, `strings` and `appearance`, exactly as the
    /// element's own options (sent on connect and on every change).
    Options(Box<PaymentElementOptions>),
    /// Move focus to this field of the frame.
    Focus(Field),
    /// A submit was attempted: show every error, empty fields too.
    ShowErrors,
    /// Empty the CVC (after a card error, as card forms do).
    ClearCvc,
    /// Empty every field (`paymentElement.clear()`).
    Clear,
    /// A payment is under way (`true`): the fields take no input.
    Lock(bool),
    /// Send the card to the vault; the answer comes as `Tokenized` or `Failed`.
    Tokenize {
        /// Matches the answer to the request.
        id: u32,
    },
}

/// From the frame to the element.
#[derive(Clone, Debug, PartialEq)]
pub enum FromFrame {
    /// The fields are shown with the options received.
    Ready,
    /// The fields changed.
    Change {
        /// Completeness, emptiness, the first invalid field and the revision.
        summary: FrameSummary,
        /// The first error the frame shows, in the element's language, for the
        /// element's live region.
        error: Option<String>,
        /// The number's brand as far as it tells (`"unknown"` before).
        brand: String,
    },
    /// Focus entered the frame.
    Focus,
    /// Focus left the frame.
    Blur,
    /// The frame's content is this many CSS pixels high.
    Height(f64),
    /// Enter was pressed in a field.
    Submit,
    /// Escape was pressed in a field.
    Escape,
    /// The last field was completed: focus moves on to the page's next field.
    Advance,
    /// The vault's token (`card_tok_…` or `cvc_tok_…`).
    Tokenized {
        /// The request's id.
        id: u32,
        /// The token.
        token: String,
    },
    /// The vault refused (`Some`, e.g. `incorrect_number`), or no answer came (`None`).
    Failed {
        /// The request's id.
        id: u32,
        /// The vault's error.
        error: Option<ApiError>,
    },
}

fn object(kind: &str) -> Object {
    let out = Object::new();
    set(&out, "type", kind);
    out
}

fn set(target: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(target, &JsValue::from_str(key), &value.into());
}

fn get(value: &JsValue, key: &str) -> JsValue {
    if !value.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn string(value: &JsValue, key: &str) -> Option<String> {
    get(value, key).as_string()
}

fn number(value: &JsValue, key: &str) -> Option<f64> {
    get(value, key).as_f64().filter(|n| n.is_finite())
}

fn id(value: &JsValue) -> Option<u32> {
    number(value, "id")
        .filter(|n| n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(n))
        .map(|n| n as u32)
}

/// A card field by its `data-field` name (only those the frame holds).
pub fn card_field(name: &str) -> Option<Field> {
    [Field::CardNumber, Field::Expiry, Field::Cvc]
        .into_iter()
        .find(|f| f.as_str() == name)
}

/// A handshake message: `{type, version}`.
pub fn handshake(kind: &str) -> JsValue {
    let out = object(kind);
    set(&out, "version", VERSION);
    out.into()
}

/// Whether `value` is the handshake message `kind` of this protocol's version.
pub fn is_handshake(value: &JsValue, kind: &str) -> bool {
    string(value, "type").as_deref() == Some(kind)
        && number(value, "version") == Some(f64::from(VERSION))
}

/// The options the frame takes, as a JS options object the frame reads with the
/// element's own reader: the resolved language, the overrides, the appearance.
fn options_object(options: &PaymentElementOptions, locale: Locale) -> Object {
    let out = Object::new();
    set(&out, "locale", locale.as_str());
    let strings = Object::new();
    for (key, text) in &options.strings {
        set(&strings, key.as_str(), text.as_str());
    }
    set(&out, "strings", strings);
    if !options.card_brands.is_all() {
        let brands = js_sys::Array::new();
        for brand in options.card_brands.brands() {
            brands.push(&JsValue::from_str(brand.as_str()));
        }
        let card = Object::new();
        set(&card, "brands", brands);
        let method_options = Object::new();
        set(&method_options, "card", card);
        set(&out, "paymentMethodOptions", method_options);
    }
    let appearance = Object::new();
    set(&appearance, "theme", options.appearance.theme.0.as_str());
    let variables = Object::new();
    for (variable, value) in &options.appearance.variables {
        set(&variables, variable.as_str(), value.as_str());
    }
    set(&appearance, "variables", variables);
    let rules = Object::new();
    for (selector, declarations) in &options.appearance.rules {
        let rule = Object::new();
        for (property, value) in declarations {
            set(&rule, property, value.as_str());
        }
        set(&rules, selector, rule);
    }
    set(&appearance, "rules", rules);
    set(&out, "appearance", appearance);
    out
}

impl ToFrame {
    /// `Options` for `options` in the language the element shows.
    pub fn options(options: &PaymentElementOptions, locale: Locale) -> JsValue {
        let out = object("options");
        set(&out, "options", options_object(options, locale));
        out.into()
    }

    /// The message as sent (`Options` is built with [`ToFrame::options`]).
    pub fn encode(&self) -> JsValue {
        let out = match self {
            ToFrame::Options(options) => {
                let locale = match options.locale {
                    crate::model::options::LocaleChoice::Fixed(locale) => locale,
                    crate::model::options::LocaleChoice::Auto => Locale::En,
                };
                return ToFrame::options(options, locale);
            }
            ToFrame::Focus(field) => {
                let out = object("focus");
                set(&out, "field", field.as_str());
                out
            }
            ToFrame::ShowErrors => object("show_errors"),
            ToFrame::ClearCvc => object("clear_cvc"),
            ToFrame::Clear => object("clear"),
            ToFrame::Lock(locked) => {
                let out = object("lock");
                set(&out, "locked", *locked);
                out
            }
            ToFrame::Tokenize { id } => {
                let out = object("tokenize");
                set(&out, "id", *id);
                out
            }
        };
        out.into()
    }

    /// The message received, or `None` for anything this version does not know.
    pub fn decode(value: &JsValue) -> Option<ToFrame> {
        Some(match string(value, "type")?.as_str() {
            "options" => {
                let raw = crate::js_api::read::options(&get(value, "options")).ok()?;
                ToFrame::Options(Box::new(raw.validate().ok()?))
            }
            "focus" => ToFrame::Focus(card_field(&string(value, "field")?)?),
            "show_errors" => ToFrame::ShowErrors,
            "clear_cvc" => ToFrame::ClearCvc,
            "clear" => ToFrame::Clear,
            "lock" => ToFrame::Lock(get(value, "locked").as_bool()?),
            "tokenize" => ToFrame::Tokenize { id: id(value)? },
            _ => return None,
        })
    }
}

impl FromFrame {
    /// The message as sent.
    pub fn encode(&self) -> JsValue {
        let out = match self {
            FromFrame::Ready => object("ready"),
            FromFrame::Change {
                summary,
                error,
                brand,
            } => {
                let out = object("change");
                set(&out, "complete", summary.complete);
                set(&out, "empty", summary.empty);
                if let Some(field) = summary.invalid {
                    set(&out, "invalid", field.as_str());
                }
                set(&out, "revision", summary.revision);
                if let Some(error) = error {
                    set(&out, "error", error.as_str());
                }
                set(&out, "brand", brand.as_str());
                out
            }
            FromFrame::Focus => object("focus"),
            FromFrame::Blur => object("blur"),
            FromFrame::Height(px) => {
                let out = object("height");
                set(&out, "px", *px);
                out
            }
            FromFrame::Submit => object("submit"),
            FromFrame::Escape => object("escape"),
            FromFrame::Advance => object("advance"),
            FromFrame::Tokenized { id, token } => {
                let out = object("tokenized");
                set(&out, "id", *id);
                set(&out, "token", token.as_str());
                out
            }
            FromFrame::Failed { id, error } => {
                let out = object("failed");
                set(&out, "id", *id);
                if let Some(error) = error {
                    let e = Object::new();
                    set(&e, "type", error.kind.as_str());
                    set(&e, "code", error.code.as_str());
                    if let Some(decline) = error.decline_code {
                        set(&e, "decline_code", decline.as_str());
                    }
                    set(&e, "message", error.message.as_str());
                    if let Some(param) = &error.param {
                        set(&e, "param", param.as_str());
                    }
                    set(&out, "error", e);
                }
                out
            }
        };
        out.into()
    }

    /// The message received, or `None` for anything this version does not know.
    pub fn decode(value: &JsValue) -> Option<FromFrame> {
        Some(match string(value, "type")?.as_str() {
            "ready" => FromFrame::Ready,
            "change" => FromFrame::Change {
                summary: FrameSummary {
                    complete: get(value, "complete").as_bool()?,
                    empty: get(value, "empty").as_bool()?,
                    invalid: match string(value, "invalid") {
                        Some(name) => Some(card_field(&name)?),
                        None => None,
                    },
                    revision: number(value, "revision")
                        .filter(|n| n.fract() == 0.0 && *n >= 0.0)
                        .map(|n| n as u32)?,
                },
                error: string(value, "error"),
                brand: string(value, "brand").unwrap_or_else(|| "unknown".to_owned()),
            },
            "focus" => FromFrame::Focus,
            "blur" => FromFrame::Blur,
            "height" => FromFrame::Height(number(value, "px").filter(|px| *px >= 0.0)?),
            "submit" => FromFrame::Submit,
            "escape" => FromFrame::Escape,
            "advance" => FromFrame::Advance,
            "tokenized" => FromFrame::Tokenized {
                id: id(value)?,
                token: string(value, "token")
                    .filter(|t| t.starts_with("card_tok_") || t.starts_with("cvc_tok_"))?,
            },
            "failed" => {
                let error = get(value, "error");
                FromFrame::Failed {
                    id: id(value)?,
                    error: error
                        .dyn_ref::<Object>()
                        .map(|e| json::read_error(e.as_ref())),
                }
            }
            _ => return None,
        })
    }
}
