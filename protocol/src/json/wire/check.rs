//! The two checks every wire body's tests make: serde's writing read back by both
//! readers, and both readers agreeing on any text, malformed or not.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::super::{from_json, Decode};

/// Serde writes `value`; both readers read it back to the same value.
pub fn round_trip<T>(value: &T)
where
    T: Serialize + DeserializeOwned + Decode + PartialEq + std::fmt::Debug,
{
    let text = serde_json::to_string(value).expect("serialise");
    assert_eq!(from_json::<T>(&text).as_ref(), Ok(value), "ours: {text}");
    assert_eq!(serde_json::from_str::<T>(&text).ok().as_ref(), Some(value), "serde: {text}");
}

/// Both readers read `json` to the same value, or both refuse it.
pub fn same<T>(json: &str)
where
    T: DeserializeOwned + Decode + PartialEq + std::fmt::Debug,
{
    assert_eq!(serde_json::from_str::<T>(json).ok(), from_json::<T>(json).ok(), "{json}");
}
