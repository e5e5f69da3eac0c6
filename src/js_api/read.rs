//! Reads the option objects a page passes to the JS API into the same raw types the
//! Rust API deserialises (`crate::model::options::RawOptions`), so both go through one
//! `validate`. By hand rather than through serde: serde's generated deserialisers for
//! these types cost about 50 KB gzip of wasm, and reading them directly lets every
//! refusal name the option at fault (`layout.radios must be …`), unknown options too.

use crate::model::options::{
    OptionsError, RawAddress, RawAddressObject, RawAppearance, RawBillingDetails,
    RawBillingDetailsObject, RawBusiness, RawDefaultAddress, RawDefaultBilling, RawDefaultValues,
    RawFields, RawLayout, RawLayoutObject, RawOptions, RawRadios,
};
use crate::model::saved_methods::{
    RawCardOptions, RawPaymentMethodOptions, RawSavedPaymentMethods,
};
use crate::net::customer_api::read_features;
use js_sys::{Array, Object, Reflect};
use payment_core::api::{Address, BillingDetails, Shipping};
use std::collections::BTreeMap;
use wasm_bindgen::{JsCast, JsValue};

type Read<T> = Result<T, OptionsError>;

fn fail<T>(path: &str, what: &str) -> Read<T> {
    Err(OptionsError([path, " must be ", what].concat()))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        [path, ".", key].concat()
    }
}

fn absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

fn is_plain_object(value: &JsValue) -> bool {
    value.is_object() && !value.is_function() && !Array::is_array(value)
}

/// An options object: its fields, after refusing keys it does not know.
struct Fields<'a> {
    value: &'a JsValue,
    path: &'a str,
}

impl<'a> Fields<'a> {
    fn new(value: &'a JsValue, path: &'a str, known: &[&str]) -> Read<Fields<'a>> {
        if !is_plain_object(value) {
            return fail(if path.is_empty() { "options" } else { path }, "an object");
        }
        for key in Object::keys(value.unchecked_ref::<Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if !known.contains(&key.as_str()) {
                return Err(OptionsError(
                    [
                        &join(path, &key),
                        " is not an option; use one of ",
                        &known.join(", "),
                    ]
                    .concat(),
                ));
            }
        }
        Ok(Fields { value, path })
    }

    fn get(&self, key: &str) -> Option<JsValue> {
        let value = Reflect::get(self.value, &JsValue::from_str(key)).ok()?;
        (!absent(&value)).then_some(value)
    }

    fn path(&self, key: &str) -> String {
        join(self.path, key)
    }

    fn string(&self, key: &str) -> Read<Option<String>> {
        self.get(key)
            .map(|v| {
                v.as_string()
                    .map_or_else(|| fail(&self.path(key), "a string"), Ok)
            })
            .transpose()
    }

    fn boolean(&self, key: &str) -> Read<Option<bool>> {
        self.get(key)
            .map(|v| {
                v.as_bool()
                    .map_or_else(|| fail(&self.path(key), "true or false"), Ok)
            })
            .transpose()
    }

    fn integer(&self, key: &str) -> Read<Option<i64>> {
        self.get(key)
            .map(|v| {
                v.as_f64()
                    .filter(|n| n.fract() == 0.0 && n.abs() < 9.0e15)
                    .map_or_else(|| fail(&self.path(key), "a whole number"), |n| Ok(n as i64))
            })
            .transpose()
    }

    fn strings(&self, key: &str) -> Read<Option<Vec<String>>> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let path = self.path(key);
        if !Array::is_array(&value) {
            return fail(&path, "an array of names");
        }
        let array: Array = value.unchecked_into();
        array
            .iter()
            .map(|item| {
                item.as_string()
                    .map_or_else(|| fail(&path, "an array of names"), Ok)
            })
            .collect::<Read<Vec<String>>>()
            .map(Some)
    }

    /// An object of strings (`strings`, `appearance.variables`).
    fn string_map(&self, key: &str) -> Read<Option<BTreeMap<String, String>>> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        string_map(&value, &self.path(key)).map(Some)
    }

    fn object(&self, key: &str) -> Option<(JsValue, String)> {
        self.get(key).map(|v| (v, self.path(key)))
    }
}

fn string_map(value: &JsValue, path: &str) -> Read<BTreeMap<String, String>> {
    if !is_plain_object(value) {
        return fail(path, "an object of strings");
    }
    let mut out = BTreeMap::new();
    for key in Object::keys(value.unchecked_ref::<Object>()).iter() {
        let text = Reflect::get(value, &key).ok().and_then(|v| v.as_string());
        let key = key.as_string().unwrap_or_default();
        match text {
            Some(text) => out.insert(key, text),
            None => return fail(&join(path, &key), "a string"),
        };
    }
    Ok(out)
}

/// The options of `elements()` and `create("payment")`, merged.
pub fn options(value: &JsValue) -> Read<RawOptions> {
    let o = Fields::new(
        value,
        "",
        &[
            "layout",
            "mode",
            "amount",
            "currency",
            "paymentMethodTypes",
            "paymentMethodOrder",
            "locale",
            "strings",
            "appearance",
            "fields",
            "business",
            "customerSessionClientSecret",
            "customerSessionFeatures",
            "paymentMethodOptions",
            "savedPaymentMethods",
            "cardFields",
            "defaultValues",
            "readOnly",
            "wallets",
            "loader",
            "fonts",
            "terms",
        ],
    )?;
    let given = |key: &str| o.get(key).map(|_| serde::de::IgnoredAny);
    Ok(RawOptions {
        default_values: o
            .object("defaultValues")
            .map(|(v, p)| default_values(&v, &p))
            .transpose()?,
        read_only: o.boolean("readOnly")?,
        wallets: given("wallets"),
        loader: o.string("loader")?,
        fonts: given("fonts"),
        terms: o.string_map("terms")?,
        layout: o
            .object("layout")
            .map(|(v, p)| layout(&v, &p))
            .transpose()?,
        mode: o.string("mode")?,
        amount: o.integer("amount")?,
        currency: o.string("currency")?,
        payment_method_types: o.strings("paymentMethodTypes")?,
        payment_method_order: o.strings("paymentMethodOrder")?,
        locale: o.string("locale")?,
        strings: o.string_map("strings")?,
        appearance: o
            .object("appearance")
            .map(|(v, p)| appearance(&v, &p))
            .transpose()?,
        fields: o
            .object("fields")
            .map(|(v, p)| fields(&v, &p))
            .transpose()?,
        business: o
            .object("business")
            .map(|(v, p)| {
                Fields::new(&v, &p, &["name"]).and_then(|b| {
                    Ok(RawBusiness {
                        name: b.string("name")?,
                    })
                })
            })
            .transpose()?,
        card_fields: o.string("cardFields")?,
        // From `Checkout({paymentsOrigin, publishableKey})`, not from element options.
        payments: None,
        customer_session_client_secret: o
            .string("customerSessionClientSecret")?
            .map(payment_core::secret::ClientSecret::new),
        customer_session_features: o
            .object("customerSessionFeatures")
            .map(|(v, p)| {
                if is_plain_object(&v) {
                    Ok(read_features(&v))
                } else {
                    fail(&p, "an object")
                }
            })
            .transpose()?,
        payment_method_options: o
            .object("paymentMethodOptions")
            .map(|(v, p)| {
                let options = Fields::new(&v, &p, &["card"])?;
                let card = options
                    .object("card")
                    .map(|(v, p)| {
                        Fields::new(&v, &p, &["require_cvc_recollection", "brands"]).and_then(|c| {
                            Ok(RawCardOptions {
                                require_cvc_recollection: c.boolean("require_cvc_recollection")?,
                                brands: c.strings("brands")?,
                            })
                        })
                    })
                    .transpose()?;
                Ok(RawPaymentMethodOptions { card })
            })
            .transpose()?,
        saved_payment_methods: o
            .object("savedPaymentMethods")
            .map(|(v, p)| {
                Fields::new(&v, &p, &["hideExpired"]).and_then(|s| {
                    Ok(RawSavedPaymentMethods {
                        hide_expired: s.boolean("hideExpired")?,
                    })
                })
            })
            .transpose()?,
    })
}

fn default_values(value: &JsValue, path: &str) -> Read<RawDefaultValues> {
    let d = Fields::new(value, path, &["billingDetails"])?;
    let billing_details = d
        .object("billingDetails")
        .map(|(v, p)| {
            let b = Fields::new(&v, &p, &["name", "email", "phone", "address"])?;
            let address = b
                .object("address")
                .map(|(v, p)| {
                    let a = Fields::new(
                        &v,
                        &p,
                        &["country", "postal_code", "line1", "line2", "city", "state"],
                    )?;
                    Ok(RawDefaultAddress {
                        country: a.string("country")?,
                        postal_code: a.string("postal_code")?,
                        line1: a.string("line1")?,
                        line2: a.string("line2")?,
                        city: a.string("city")?,
                        state: a.string("state")?,
                    })
                })
                .transpose()?;
            Ok(RawDefaultBilling {
                name: b.string("name")?,
                email: b.string("email")?,
                phone: b.string("phone")?,
                address,
            })
        })
        .transpose()?;
    Ok(RawDefaultValues { billing_details })
}

fn layout(value: &JsValue, path: &str) -> Read<RawLayout> {
    if let Some(kind) = value.as_string() {
        return Ok(RawLayout::Kind(kind));
    }
    if !is_plain_object(value) {
        return fail(path, "\"accordion\", \"tabs\" or a layout object");
    }
    let l = Fields::new(
        value,
        path,
        &[
            "type",
            "defaultCollapsed",
            "radios",
            "spacedAccordionItems",
            "visibleAccordionItemsCount",
            "paymentMethodOrder",
        ],
    )?;
    let radios = match l.get("radios") {
        None => None,
        Some(v) => Some(match (v.as_bool(), v.as_string()) {
            (Some(flag), _) => RawRadios::Flag(flag),
            (_, Some(name)) => RawRadios::Name(name),
            _ => {
                return fail(
                    &l.path("radios"),
                    "\"always\", \"never\" or \"if_multiple\"",
                )
            }
        }),
    };
    Ok(RawLayout::Object(RawLayoutObject {
        kind: l.string("type")?,
        default_collapsed: l.boolean("defaultCollapsed")?,
        radios,
        spaced_accordion_items: l.boolean("spacedAccordionItems")?,
        visible_accordion_items_count: l.integer("visibleAccordionItemsCount")?,
        payment_method_order: l.strings("paymentMethodOrder")?,
    }))
}

fn appearance(value: &JsValue, path: &str) -> Read<RawAppearance> {
    let a = Fields::new(value, path, &["theme", "variables", "rules"])?;
    let rules = match a.object("rules") {
        None => None,
        Some((v, p)) => {
            if !is_plain_object(&v) {
                return fail(&p, "an object of selectors");
            }
            let mut out = BTreeMap::new();
            for selector in Object::keys(v.unchecked_ref::<Object>()).iter() {
                let declarations = Reflect::get(&v, &selector).unwrap_or(JsValue::UNDEFINED);
                let selector = selector.as_string().unwrap_or_default();
                let at = [&p, "[\"", &selector, "\"]"].concat();
                out.insert(selector, string_map(&declarations, &at)?);
            }
            Some(out)
        }
    };
    Ok(RawAppearance {
        theme: a.string("theme")?,
        variables: a.string_map("variables")?,
        rules,
    })
}

fn fields(value: &JsValue, path: &str) -> Read<RawFields> {
    let f = Fields::new(value, path, &["billingDetails"])?;
    let billing_details = match f.object("billingDetails") {
        None => None,
        Some((v, p)) => Some(match v.as_string() {
            Some(all) => RawBillingDetails::All(all),
            None => {
                let b = Fields::new(&v, &p, &["name", "email", "address"])?;
                let address = match b.object("address") {
                    None => None,
                    Some((v, p)) => Some(match v.as_string() {
                        Some(all) => RawAddress::All(all),
                        None => {
                            let a = Fields::new(&v, &p, &["country", "postalCode"])?;
                            RawAddress::Each(RawAddressObject {
                                country: a.string("country")?,
                                postal_code: a.string("postalCode")?,
                            })
                        }
                    }),
                };
                RawBillingDetails::Each(RawBillingDetailsObject {
                    name: b.string("name")?,
                    email: b.string("email")?,
                    address,
                })
            }
        }),
    };
    Ok(RawFields { billing_details })
}

fn address(value: &JsValue, path: &str) -> Read<Address> {
    let a = Fields::new(
        value,
        path,
        &["line1", "line2", "city", "state", "postal_code", "country"],
    )?;
    Ok(Address {
        line1: a.string("line1")?,
        line2: a.string("line2")?,
        city: a.string("city")?,
        state: a.string("state")?,
        postal_code: a.string("postal_code")?,
        country: a.string("country")?,
    })
}

/// `params.shipping`: `{name, address, phone?}`.
pub fn shipping(value: &JsValue, path: &str) -> Read<Shipping> {
    let s = Fields::new(value, path, &["name", "address", "phone"])?;
    let Some(name) = s.string("name")? else {
        return fail(&s.path("name"), "given");
    };
    let Some((v, p)) = s.object("address") else {
        return fail(&s.path("address"), "given");
    };
    Ok(Shipping {
        name,
        address: address(&v, &p)?,
        phone: s.string("phone")?,
    })
}

/// `params.billing_details`: `{name?, email?, phone?, address?}`.
pub fn billing_details(value: &JsValue, path: &str) -> Read<BillingDetails> {
    let b = Fields::new(value, path, &["name", "email", "phone", "address"])?;
    Ok(BillingDetails {
        name: b.string("name")?,
        email: b.string("email")?,
        phone: b.string("phone")?,
        address: b
            .object("address")
            .map(|(v, p)| address(&v, &p))
            .transpose()?,
    })
}
