//! A rule as JSON (the body of `POST /api/v1/alerts/rules`), turned into the TOML
//! table the rules file would hold: the same keys, the same values. Only the shape
//! is checked here (an object of strings, numbers, booleans and flat arrays);
//! everything a key means is checked by `one::read_rule`, the file's own reader.

use serde_json::Value;
use thiserror::Error;

/// Keys a rule listing carries that are not part of the rule: ignored in a body, so
/// a rule read from `GET …/rules` can be sent back as it is.
pub const READ_ONLY: &[&str] = &["source", "muted_until"];

/// What is wrong with a body's shape, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("`{field}`: {why}")]
pub struct ShapeError {
    /// The field (`body` for the whole).
    pub field: String,
    /// What is wrong.
    pub why: String,
}

/// The TOML table (its `key = value` lines) of a JSON rule. `null` values are left
/// out, as a key not written.
pub fn table_from_json(body: &Value) -> Result<String, ShapeError> {
    let Value::Object(fields) = body else {
        return Err(ShapeError { field: "body".into(), why: format!("must be a JSON object, not {}", kind(body)) });
    };
    let mut table = toml::Table::new();
    for (key, value) in fields {
        if READ_ONLY.contains(&key.as_str()) || value.is_null() {
            continue;
        }
        let value = match value {
            Value::Array(items) => {
                let items = items.iter().map(|item| scalar(key, item, " in a list")).collect::<Result<_, _>>()?;
                toml::Value::Array(items)
            }
            other => scalar(key, other, "")?,
        };
        table.insert(key.clone(), value);
    }
    toml::to_string(&table).map_err(|error| ShapeError { field: "body".into(), why: error.to_string() })
}

fn scalar(key: &str, value: &Value, place: &str) -> Result<toml::Value, ShapeError> {
    let refused = |what: &str| ShapeError {
        field: key.to_owned(),
        why: format!("must be a string, a number, a boolean or a list of them, not {what}{place}"),
    };
    Ok(match value {
        Value::String(text) => toml::Value::String(text.clone()),
        Value::Bool(flag) => toml::Value::Boolean(*flag),
        Value::Number(number) => match number.as_i64() {
            Some(integer) => toml::Value::Integer(integer),
            None => toml::Value::Float(number.as_f64().ok_or_else(|| refused("a number this large"))?),
        },
        other => return Err(refused(kind(other))),
    })
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
