//! A small serde `Deserializer` over a `JsValue`, so the option objects a merchant
//! passes to the JS API go through the same serde types and checks as the Rust API
//! (`RawOptions` in `crate::options`) without pulling serde_json into the wasm.
//!
//! Plain data only: `null`/`undefined` are absent, numbers are integers when they are
//! whole, arrays are sequences and other objects are maps of their own enumerable keys.

use js_sys::{Array, Object, Reflect};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use wasm_bindgen::{JsCast, JsValue};

/// Why a value could not be read; the message is serde's (or the type's own check).
#[derive(Debug)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// Reads a `T` from a JS value.
pub fn from_value<T: de::DeserializeOwned>(value: &JsValue) -> Result<T, Error> {
    T::deserialize(JsDeserializer(value.clone()))
}

/// The deserializer for one value.
pub struct JsDeserializer(pub JsValue);

fn is_absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

impl<'de> de::Deserializer<'de> for JsDeserializer {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let value = self.0;
        if is_absent(&value) {
            return visitor.visit_unit();
        }
        if let Some(flag) = value.as_bool() {
            return visitor.visit_bool(flag);
        }
        if let Some(number) = value.as_f64() {
            if number.fract() == 0.0 && number.abs() < 9.0e15 {
                return visitor.visit_i64(number as i64);
            }
            return visitor.visit_f64(number);
        }
        if let Some(text) = value.as_string() {
            return visitor.visit_string(text);
        }
        if Array::is_array(&value) {
            let array: Array = value.unchecked_into();
            return visitor.visit_seq(Items { array, next: 0 });
        }
        if value.is_object() && !value.is_function() {
            let object: Object = value.unchecked_into();
            let keys = Object::keys(&object);
            return visitor.visit_map(Entries {
                object,
                keys,
                next: 0,
            });
        }
        Err(Error(
            "expected plain data (a string, number, boolean, array or object)".into(),
        ))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if is_absent(&self.0) {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        // Unit variants only: the enums options carry are names.
        match self.0.as_string() {
            Some(name) => visitor.visit_enum(name.into_deserializer()),
            None => Err(Error("expected a name".into())),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

struct Items {
    array: Array,
    next: u32,
}

impl<'de> SeqAccess<'de> for Items {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if self.next >= self.array.length() {
            return Ok(None);
        }
        let item = self.array.get(self.next);
        self.next += 1;
        seed.deserialize(JsDeserializer(item)).map(Some)
    }
}

struct Entries {
    object: Object,
    keys: Array,
    next: u32,
}

impl<'de> MapAccess<'de> for Entries {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if self.next >= self.keys.length() {
            return Ok(None);
        }
        let key = self.keys.get(self.next);
        seed.deserialize(JsDeserializer(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let key = self.keys.get(self.next);
        self.next += 1;
        let value = Reflect::get(&self.object, &key).unwrap_or(JsValue::UNDEFINED);
        seed.deserialize(JsDeserializer(value))
    }
}
