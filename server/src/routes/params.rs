//! Query parameters, parsed so that every mistake names the parameter and value.

use std::collections::HashMap;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use pulse_protocol::{Cursor, Epoch};

use crate::error::AppError;
pub use crate::quote::shown;

/// The largest time in milliseconds a query may name (2^53 − 1, the protocol's).
pub const MAX_MS: i64 = pulse_protocol::MAX_QUERY_MS;

/// The query string as a map; a repeated key is a 400 (which of its values a
/// handler read would be a guess).
#[derive(Debug, Default)]
pub struct Params(HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse(parts.uri.query().unwrap_or(""))
    }
}

/// The parameters of `query`, each given once.
fn parse(query: &str) -> Result<Params, AppError> {
    let mut params = HashMap::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()).into_owned() {
        if params.contains_key(&key) {
            return Err(bad(format!("the parameter {} may be given once", shown(&key))));
        }
        params.insert(key, value);
    }
    Ok(Params(params))
}

impl Params {
    /// A raw value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// The resume cursor from `since` and `epoch`, which come together or not at all.
    pub fn cursor(&self) -> Result<Option<Cursor>, AppError> {
        match (self.get("since"), self.get("epoch")) {
            (None, None) => Ok(None),
            (Some(_), None) => Err(bad("since needs epoch too: the server run its seq counts in")),
            (None, Some(_)) => Err(bad("epoch needs since too: the last seq received")),
            (Some(since), Some(epoch)) => {
                let seq = since
                    .parse::<u64>()
                    .map_err(|_| bad(format!("since must be an unsigned integer, got {}", shown(since))))?;
                let epoch = Epoch::parse(epoch)
                    .map_err(|_| bad(format!("epoch must be 1 to 32 characters of [0-9a-z], got {}", shown(epoch))))?;
                Ok(Some(Cursor { epoch, seq }))
            }
        }
    }

    /// Whether the client takes the `@fleet` summary in columns (`columns=1`; `0`
    /// or absent: keyed).
    pub fn columns(&self) -> Result<bool, AppError> {
        match self.get("columns") {
            None | Some("0") => Ok(false),
            Some("1") => Ok(true),
            Some(other) => Err(bad(format!("columns must be 1 (the summary in columns) or 0, got {}", shown(other)))),
        }
    }

    /// `wait` in seconds (decimals allowed), 0 when absent, capped at `max`.
    pub fn wait_seconds(&self, max: f64) -> Result<f64, AppError> {
        let Some(text) = self.get("wait") else {
            return Ok(0.0);
        };
        match text.parse::<f64>() {
            Ok(wait) if wait.is_finite() && wait >= 0.0 => Ok(wait.min(max)),
            _ => Err(bad(format!("wait must be a number of seconds from 0 to {max}, got {}", shown(text)))),
        }
    }

    /// `to=`, in ms since the Unix epoch (the end, exclusive), 0 to [`MAX_MS`].
    pub fn to_ms(&self) -> Result<Option<i64>, AppError> {
        self.time_ms("to")
    }

    /// The time parameter `name` in ms since the Unix epoch, 0 to [`MAX_MS`]: none
    /// of Pulse's samples is older than 1970, and a page cannot hold more.
    fn time_ms(&self, name: &str) -> Result<Option<i64>, AppError> {
        self.get(name)
            .map(|text| {
                text.parse::<i64>().ok().filter(|ms| (0..=MAX_MS).contains(ms)).ok_or_else(|| {
                    bad(format!("{name} must be milliseconds since the Unix epoch, 0 to {MAX_MS}, got {}", shown(text)))
                })
            })
            .transpose()
    }

    /// A notice's revision the client holds (`alerts=REV`, `hub=REV`: 0 for none),
    /// if it asked; `what` names the notice in the 400 for one that is not a number.
    pub fn revision(&self, name: &str, what: &str) -> Result<Option<u64>, AppError> {
        self.get(name)
            .map(|text| {
                text.parse::<u64>().map_err(|_| {
                    bad(format!("{name} must be the revision of {what} held (0 for none), got {}", shown(text)))
                })
            })
            .transpose()
    }

    /// `from` in ms since the Unix epoch, 0 to [`MAX_MS`], if given.
    pub fn from_ms(&self) -> Result<Option<i64>, AppError> {
        self.time_ms("from")
    }
}

/// A 400 naming the problem.
pub fn bad(detail: impl Into<String>) -> AppError {
    AppError::BadRequest(detail.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn bad_values_name_the_parameter() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("since", "abc"), ("epoch", "e1")], "since must be an unsigned integer"),
            (&[("since", "-1"), ("epoch", "e1")], "since must be"),
            (&[("since", "5"), ("epoch", "BAD!")], "epoch must be"),
            (&[("since", "5")], "since needs epoch"),
            (&[("epoch", "e1")], "epoch needs since"),
        ];
        for (pairs, want) in cases {
            let error = params(pairs).cursor().expect_err("must fail").to_string();
            assert!(error.contains(want), "{pairs:?}: {error}");
        }
        for wait in ["-1", "abc", "NaN", "inf"] {
            let error = params(&[("wait", wait)]).wait_seconds(30.0).expect_err("must fail").to_string();
            assert!(error.contains("wait must be"), "{wait}: {error}");
        }
        assert_eq!(params(&[("wait", "99")]).wait_seconds(30.0).unwrap(), 30.0);
        assert_eq!(params(&[("wait", "0.5")]).wait_seconds(30.0).unwrap(), 0.5);
        assert!(params(&[("from", "x")]).from_ms().is_err());
        assert!(params(&[("to", "soon")]).to_ms().is_err());
        assert_eq!(params(&[("to", "5")]).to_ms().unwrap(), Some(5));
        // (columns=, what it reads as; None: refused)
        let columns = [(None, Some(false)), (Some("0"), Some(false)), (Some("1"), Some(true)), (Some("yes"), None)];
        for (value, want) in columns {
            let pairs: Vec<(&str, &str)> = value.map(|v| ("columns", v)).into_iter().collect();
            assert_eq!(params(&pairs).columns().ok(), want, "{value:?}");
        }
        let error = params(&[("columns", "2")]).columns().expect_err("must fail").to_string();
        assert!(error.contains("columns must be 1"), "{error}");
    }

    #[test]
    fn times_are_between_1970_and_what_a_page_holds() {
        // (the value, read as)
        let cases = [
            ("0", Some(0)),
            ("1796600000000", Some(1_796_600_000_000)),
            ("9007199254740991", Some(MAX_MS)),
            ("9007199254740992", None),
            ("-5", None),
            ("-9223372036854775808", None),
            ("9223372036854775807", None),
            ("1e3", None),
        ];
        for (text, want) in cases {
            for name in ["from", "to"] {
                let got =
                    if name == "from" { params(&[(name, text)]).from_ms() } else { params(&[(name, text)]).to_ms() };
                match (got, want) {
                    (Ok(Some(ms)), Some(want)) => assert_eq!(ms, want, "{name}={text}"),
                    (Err(error), None) => assert!(error.to_string().starts_with(name), "{name}={text}: {error}"),
                    (got, want) => panic!("{name}={text}: got {got:?}, want {want:?}"),
                }
            }
        }
    }

    #[test]
    fn a_repeated_parameter_is_refused_by_name() {
        assert_eq!(parse("from=1&to=2").expect("once each").from_ms().expect("a time"), Some(1));
        for query in ["from=1&from=2", "from=1&fr%6Fm=2", "series=a&series=b", "x&x"] {
            let error = parse(query).expect_err(query).to_string();
            assert!(error.contains("may be given once"), "{query}: {error}");
        }
    }
}
