//! What serde makes of a text, to hold `from_json` to: the reference reading of
//! each [`Kind`], and a comparison that allows the few ulps the two number
//! parsers may differ by.
//!
//! `ServerMessage` has two serde readings. Its own `Deserialize` (`message/de.rs`)
//! reads in one pass and so types a field met before `type` by the name alone
//! (documented there); `from_json` finds `type` first and then reads the object as
//! that type's derived struct would. The reference here is the latter, exactly:
//! serde reads `type` (once, a known tag) and then the type's own derived struct.
//! Where serde's one-pass reader also accepts a text, it must agree too.

use proptest::prelude::*;
use pulse_protocol::*;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::known::{rewrite_all, KNOWN};
use super::values::Kind;

/// Most ulps two readings of one number may differ by: each reader is within one
/// ulp of the exact value where metrics live, a few far outside it.
const MAX_ULPS: u64 = 16;

/// How one text read as one kind: by `from_json`, by the reference, and by serde's
/// own `ServerMessage` reader where that applies (each as JSON values, or an error).
#[derive(Debug)]
pub struct Readings {
    pub ours: Result<Value, String>,
    pub reference: Result<Value, String>,
    pub serde_one_pass: Option<Result<Value, String>>,
    /// The known disagreement (`fuzz/known.rs`) that explains a difference, if any.
    pub known: Option<&'static str>,
}

/// Reads `text` as `kind` every way.
pub fn read(kind: Kind, text: &str) -> Readings {
    match kind {
        Kind::Message => Readings {
            ours: value(from_json::<ServerMessage>(text)),
            reference: reference_message(text),
            serde_one_pass: Some(value(serde_json::from_str::<ServerMessage>(text))),
            known: None,
        },
        Kind::Poll => Readings {
            ours: value(from_json::<PollResponse>(text)),
            reference: reference_poll(text),
            serde_one_pass: Some(value(serde_json::from_str::<PollResponse>(text))),
            known: None,
        },
        Kind::History => plain::<HistoryResponse>(text),
        Kind::Catalog => plain::<Catalog>(text),
        Kind::Error => plain::<ApiError>(text),
    }
}

/// Checks the property: whatever `from_json` accepts, the reference reads to the
/// same value (and so does serde's one-pass reader, when it accepts the text too),
/// unless a known disagreement explains the difference.
pub fn check(kind: Kind, text: &str) -> Result<Readings, TestCaseError> {
    let mut readings = read(kind, text);
    if let Ok(ours) = &readings.ours {
        let agrees = readings.reference.as_ref().is_ok_and(|reference| close(ours, reference));
        if !agrees {
            readings.known = explain(kind, text, ours);
        }
        if readings.known.is_some() {
            return Ok(readings);
        }
        match &readings.reference {
            Ok(reference) => prop_assert!(
                close(ours, reference),
                "{kind:?}: from_json read {ours} but serde read {reference} from {text:?}"
            ),
            Err(why) => prop_assert!(false, "{kind:?}: from_json read {ours} but serde refused ({why}) {text:?}"),
        }
        if let Some(Ok(serde)) = &readings.serde_one_pass {
            prop_assert!(close(ours, serde), "{kind:?}: from_json read {ours} but serde's one-pass reader {serde}");
        }
    }
    Ok(readings)
}

/// The known disagreement whose rewrite of `text` makes the reference read `ours`
/// (or all of them together, for a text that has several).
fn explain(kind: Kind, text: &str, ours: &Value) -> Option<&'static str> {
    let explains = |rewritten: Option<String>| {
        let reference = read(kind, &rewritten?).reference.ok()?;
        close(ours, &reference).then_some(())
    };
    KNOWN
        .iter()
        .find_map(|known| explains((known.rewrite)(text)).map(|()| known.name))
        .or_else(|| explains(rewrite_all(text)).map(|()| "several"))
}

/// Whether two readings are the same value, numbers within [`MAX_ULPS`].
pub fn close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() && y.is_f64() => {
            let (x, y) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
            x == y || (x.signum() == y.signum() && x.to_bits().abs_diff(y.to_bits()) <= MAX_ULPS)
        }
        (Value::Array(xs), Value::Array(ys)) => xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| close(x, y)),
        (Value::Object(xs), Value::Object(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|((kx, x), (ky, y))| kx == ky && close(x, y))
        }
        _ => a == b,
    }
}

fn value<T: serde::Serialize, E: std::fmt::Display>(read: Result<T, E>) -> Result<Value, String> {
    read.map_err(|e| e.to_string()).and_then(|t| serde_json::to_value(t).map_err(|e| e.to_string()))
}

/// A type whose serde reading is its derived `Deserialize`.
fn plain<T>(text: &str) -> Readings
where
    T: serde::de::DeserializeOwned + serde::Serialize + json::Decode,
{
    Readings {
        ours: value(from_json::<T>(text)),
        reference: value(serde_json::from_str::<T>(text)),
        serde_one_pass: None,
        known: None,
    }
}

/// A message's `type`, read by serde's derive (a repeated `type` is an error).
#[derive(Deserialize)]
struct Tagged {
    #[serde(rename = "type")]
    tag: String,
}

/// The reference reading of one message: its `type`, then its type's derived struct.
fn reference_message(text: &str) -> Result<Value, String> {
    let Tagged { tag } = serde_json::from_str(text).map_err(|e| e.to_string())?;
    match tag.as_str() {
        "hello" => value(serde_json::from_str::<Hello>(text).map(ServerMessage::Hello)),
        "frame" => value(serde_json::from_str::<Frame>(text).map(ServerMessage::Frame)),
        "heartbeat" => value(serde_json::from_str::<Heartbeat>(text).map(ServerMessage::Heartbeat)),
        "gap" => value(serde_json::from_str::<Gap>(text).map(ServerMessage::Gap)),
        "bye" => value(serde_json::from_str::<Bye>(text).map(ServerMessage::Bye)),
        other => Err(format!("unknown variant `{other}`")),
    }
}

/// A poll body with its messages kept as text, each then read by [`reference_message`].
#[derive(Deserialize)]
struct RawPoll<'a> {
    epoch: Epoch,
    next: u64,
    #[serde(borrow)]
    messages: Vec<&'a RawValue>,
}

fn reference_poll(text: &str) -> Result<Value, String> {
    let RawPoll { epoch, next, messages } = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let messages = messages.iter().map(|raw| reference_message(raw.get())).collect::<Result<Vec<_>, _>>()?;
    Ok(serde_json::json!({ "epoch": epoch, "next": next, "messages": messages }))
}
