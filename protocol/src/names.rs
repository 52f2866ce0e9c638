//! Fieldless wire enums, written as one of a fixed set of names (`"percent"`,
//! `"too_old"`).
//!
//! [`wire_names!`] declares such an enum from one list of variants and their names,
//! and gives it [`WireName`]: serde's reading and writing (below) and the web app's
//! reader (`json/decode.rs`) both go through that list, so a new variant cannot be
//! written by one side and unknown to the other.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};

/// An enum whose every value is written as one of [`WireName::NAMES`].
pub trait WireName: Copy + Sized + 'static {
    /// Every variant, in declaration order.
    const ALL: &'static [Self];
    /// Every name, in the order of [`WireName::ALL`].
    const NAMES: &'static [&'static str];
    /// The names in words, for errors: "one of `a` `b`".
    const EXPECTED: &'static str;

    /// This value's name on the wire.
    fn as_str(self) -> &'static str;

    /// The value named `name`, if it is one.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|value| value.as_str() == name)
    }
}

/// Declares a fieldless enum written as names, with [`WireName`], `Serialize` and
/// `Deserialize`:
///
/// ```ignore
/// wire_names! {
///     /// How a series was measured.
///     pub enum SeriesKind {
///         /// A level read as it is.
///         Gauge = "gauge",
///         /// A rate computed from a counter.
///         Rate = "rate",
///     }
/// }
/// ```
macro_rules! wire_names {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident = $text:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[$variant_meta])* $variant,)+
        }

        impl $crate::names::WireName for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];
            const NAMES: &'static [&'static str] = &[$($text),+];
            const EXPECTED: &'static str = concat!("one of" $(, " `", $text, "`")+);

            fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str($crate::names::WireName::as_str(*self))
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::names::deserialize(deserializer)
            }
        }
    };
}
pub(crate) use wire_names;

/// Reads a [`WireName`] with serde: a string that is one of its names.
pub(crate) fn deserialize<'de, T: WireName, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_str(NameVisitor(PhantomData))
}

/// The value named by a string.
struct NameVisitor<T>(PhantomData<T>);

impl<T: WireName> Visitor<'_> for NameVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str(T::EXPECTED)
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<T, E> {
        name_to_value(name)
    }
}

/// The value named `name`, or serde's error naming the allowed ones.
pub(crate) fn name_to_value<T: WireName, E: de::Error>(name: &str) -> Result<T, E> {
    T::from_name(name).ok_or_else(|| E::unknown_variant(name, T::NAMES))
}

#[cfg(test)]
mod tests {
    use super::*;

    wire_names! {
        /// A test enum.
        enum Sample {
            /// First.
            One = "one",
            /// Second.
            TwoWords = "two_words",
        }
    }

    #[test]
    fn every_variant_has_its_name_in_order() {
        assert_eq!(Sample::ALL, &[Sample::One, Sample::TwoWords]);
        assert_eq!(Sample::NAMES, &["one", "two_words"]);
        assert_eq!(Sample::EXPECTED, "one of `one` `two_words`");
        let cases = [("one", Some(Sample::One)), ("two_words", Some(Sample::TwoWords)), ("One", None), ("", None)];
        for (name, want) in cases {
            assert_eq!(Sample::from_name(name), want, "{name}");
        }
        for value in Sample::ALL {
            assert_eq!(Sample::from_name(value.as_str()), Some(*value));
        }
    }
}
