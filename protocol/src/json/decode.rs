//! [`Decode`]: how each type reads itself, for numbers, strings and containers.

use std::collections::BTreeMap;

use super::{JsonError, JsonErrorKind, Reader};
use crate::names::WireName;

/// A type that reads itself from JSON.
pub trait Decode: Sized {
    /// Reads one value at the reader's position.
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError>;
}

impl Decode for bool {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        reader.boolean()
    }
}

impl Decode for u64 {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        reader.u64()
    }
}

impl Decode for u32 {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        reader.u32()
    }
}

impl Decode for i64 {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        reader.i64()
    }
}

impl Decode for f64 {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        reader.f64()
    }
}

impl Decode for String {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        reader.string().map(|text| text.into_owned())
    }
}

/// `null` is `None`.
impl<T: Decode> Decode for Option<T> {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        if reader.null()? {
            Ok(None)
        } else {
            T::decode(reader).map(Some)
        }
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        reader.begin_array()?;
        let mut items = Vec::new();
        while reader.next_item()? {
            items.push(T::decode(reader)?);
        }
        Ok(items)
    }
}

/// An object with any keys; a repeated key keeps its last value (as serde does).
impl<T: Decode> Decode for BTreeMap<String, T> {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        reader.begin_object()?;
        let mut map = BTreeMap::new();
        while let Some(key) = reader.next_key()? {
            let value = T::decode(reader)?;
            map.insert(key.into_owned(), value);
        }
        Ok(map)
    }
}

/// A fieldless wire enum is one of its names ([`WireName`]: the list serde uses too).
impl<T: WireName> Decode for T {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        let name = reader.string()?;
        T::from_name(&name).ok_or_else(|| {
            reader.error(JsonErrorKind::UnknownVariant { found: name.into_owned(), expected: T::EXPECTED })
        })
    }
}
