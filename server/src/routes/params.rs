//! Query parameters, parsed so that every mistake names the parameter and value.

use std::collections::HashMap;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use pulse_protocol::{Cursor, Epoch};

use crate::error::AppError;
pub use crate::quote::shown;

/// The query string as a map (the last value of a repeated key wins).
#[derive(Debug, Default)]
pub struct Params(HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        Ok(Params(form_urlencoded::parse(query.as_bytes()).into_owned().collect()))
    }
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

    /// `to=`, in ms since the Unix epoch (the end, exclusive).
    pub fn to_ms(&self) -> Result<Option<i64>, AppError> {
        self.get("to")
            .map(|text| {
                text.parse::<i64>()
                    .map_err(|_| bad(format!("to must be milliseconds since the Unix epoch, got {}", shown(text))))
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

    /// `from` in ms since the Unix epoch, if given.
    pub fn from_ms(&self) -> Result<Option<i64>, AppError> {
        self.get("from")
            .map(|text| {
                text.parse::<i64>()
                    .map_err(|_| bad(format!("from must be milliseconds since the Unix epoch, got {}", shown(text))))
            })
            .transpose()
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
}
