//! Walks the parsed TOML (every key and value with its byte span) into [`Rules`],
//! noting every problem instead of stopping at the first. [`Fields`] reads one table's
//! keys with their types; `endpoint` and `rule` read the two kinds of table.

use std::collections::BTreeSet;
use std::ops::Range;
use std::time::Duration;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::duration::parse_duration;
use super::problem::ProblemKind;
use super::{endpoint, rule, Rules};

/// A byte range in the file.
pub(crate) type Span = Range<usize>;
/// The problems found so far, each with its span.
pub(crate) type Problems = Vec<(Span, ProblemKind)>;

const TOP_KEYS: &[&str] = &["webhook", "rule"];

/// Reads the whole document.
pub(crate) fn document(document: &DeTable<'_>, problems: &mut Problems) -> Rules {
    let top = Fields::new(document, 0..0, "file", TOP_KEYS, problems);
    let webhooks: Vec<_> =
        top.tables("webhook", problems).into_iter().filter_map(|table| endpoint::read(&table, problems)).collect();
    unique(webhooks.iter().map(|(webhook, span)| (webhook.name.as_str(), span.clone())), "webhook", problems);
    let names: Vec<&str> = webhooks.iter().map(|(webhook, _)| webhook.name.as_str()).collect();
    let rules: Vec<_> =
        top.tables("rule", problems).into_iter().filter_map(|table| rule::read(&table, &names, problems)).collect();
    unique(rules.iter().map(|(rule, span)| (rule.name.as_str(), span.clone())), "rule", problems);
    Rules {
        webhooks: webhooks.into_iter().map(|(webhook, _)| webhook).collect(),
        rules: rules.into_iter().map(|(rule, _)| rule).collect(),
    }
}

/// Notes every name after its first use.
fn unique<'a>(names: impl Iterator<Item = (&'a str, Span)>, table: &'static str, problems: &mut Problems) {
    let mut seen = BTreeSet::new();
    for (name, span) in names {
        if !seen.insert(name) {
            problems.push((span, ProblemKind::Duplicate { table, name: name.to_owned() }));
        }
    }
}

/// One table and what it may hold.
pub(crate) struct Fields<'a, 'i> {
    table: &'a DeTable<'i>,
    span: Span,
    kind: &'static str,
}

impl<'a, 'i> Fields<'a, 'i> {
    /// Takes a table of kind `kind` (`"rule"`), noting each key not in `allowed`.
    pub(crate) fn new(
        table: &'a DeTable<'i>,
        span: Span,
        kind: &'static str,
        allowed: &'static [&'static str],
        problems: &mut Problems,
    ) -> Fields<'a, 'i> {
        for key in table.keys() {
            if !allowed.contains(&key.get_ref().as_ref()) {
                let unknown =
                    ProblemKind::UnknownKey { key: key.get_ref().to_string(), table: kind, expected: allowed };
                problems.push((key.span(), unknown));
            }
        }
        Fields { table, span, kind }
    }

    /// Where the table is, for problems about a key it lacks.
    pub(crate) fn span(&self) -> Span {
        self.span.clone()
    }

    /// The value of `key` and the span of the key (problems point at the key's line).
    pub(crate) fn get(&self, key: &str) -> Option<(&'a DeValue<'i>, Span)> {
        self.table.get_key_value(key).map(|(k, v)| (v.get_ref(), k.span()))
    }

    /// The span of `key`'s value, or the table's when it has no such key.
    pub(crate) fn value_span(&self, key: &str) -> Span {
        self.table.get(key).map_or(self.span(), Spanned::span)
    }

    /// Notes that this table lacks `key`.
    pub(crate) fn missing(&self, key: &'static str, problems: &mut Problems) {
        problems.push((self.span(), ProblemKind::Missing { table: self.kind, key }));
    }

    /// A string.
    pub(crate) fn string(&self, key: &str, problems: &mut Problems) -> Option<(String, Span)> {
        let (value, span) = self.get(key)?;
        match value {
            DeValue::String(text) => Some((text.to_string(), self.value_span(key))),
            other => wrong_type(key, "a string", other, span, problems),
        }
    }

    /// A string that must be there.
    pub(crate) fn required_string(&self, key: &'static str, problems: &mut Problems) -> Option<(String, Span)> {
        if self.get(key).is_none() {
            self.missing(key, problems);
            return None;
        }
        self.string(key, problems)
    }

    /// A number: a float or an integer.
    pub(crate) fn number(&self, key: &str, problems: &mut Problems) -> Option<(f64, Span)> {
        let (value, span) = self.get(key)?;
        let number = match value {
            DeValue::Float(float) => float.as_str().parse::<f64>().ok(),
            DeValue::Integer(integer) => i64::from_str_radix(integer.as_str(), integer.radix()).ok().map(|i| i as f64),
            other => return wrong_type(key, "a number", other, span, problems),
        };
        match number {
            Some(number) if number.is_finite() => Some((number, span)),
            _ => {
                problems
                    .push((span, ProblemKind::Invalid { key: key.to_owned(), why: "must be a finite number".into() }));
                None
            }
        }
    }

    /// A duration written as a string (`"30s"`).
    pub(crate) fn duration(&self, key: &str, problems: &mut Problems) -> Option<(Duration, Span)> {
        let (text, span) = self.string(key, problems)?;
        match parse_duration(&text) {
            Ok(duration) => Some((duration, span)),
            Err(error) => {
                problems.push((span, ProblemKind::Duration { key: key.to_owned(), error }));
                None
            }
        }
    }

    /// An array of strings, each with its span.
    pub(crate) fn strings(&self, key: &str, problems: &mut Problems) -> Option<Vec<(String, Span)>> {
        let (value, span) = self.get(key)?;
        let DeValue::Array(items) = value else {
            return wrong_type(key, "an array of strings", value, span, problems);
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(text) => out.push((text.to_string(), item.span())),
                other => {
                    let found = other.type_str();
                    let problem =
                        ProblemKind::WrongType { key: key.to_owned(), expected: "an array of strings", found };
                    problems.push((item.span(), problem));
                }
            }
        }
        Some(out)
    }

    /// An array of tables (`[[rule]]`), each as its own [`Fields`] of kind `key`.
    pub(crate) fn tables(&self, key: &'static str, problems: &mut Problems) -> Vec<TableAt<'a, 'i>> {
        let Some((value, span)) = self.get(key) else { return Vec::new() };
        let DeValue::Array(items) = value else {
            let expected = if key == "rule" {
                "an array of tables: write [[rule]]"
            } else {
                "an array of tables: write [[webhook]]"
            };
            let _: Option<()> = wrong_type(key, expected, value, span, problems);
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::Table(table) => out.push(TableAt { table, span: item.span(), kind: key }),
                other => {
                    let problem =
                        ProblemKind::WrongType { key: key.to_owned(), expected: "a table", found: other.type_str() };
                    problems.push((item.span(), problem));
                }
            }
        }
        out
    }
}

/// A table found in an array of tables, not yet checked against its keys.
pub(crate) struct TableAt<'a, 'i> {
    table: &'a DeTable<'i>,
    span: Span,
    kind: &'static str,
}

impl<'a, 'i> TableAt<'a, 'i> {
    /// Its fields, noting each key not in `allowed`.
    pub(crate) fn fields(&self, allowed: &'static [&'static str], problems: &mut Problems) -> Fields<'a, 'i> {
        Fields::new(self.table, self.span.clone(), self.kind, allowed, problems)
    }
}

fn wrong_type<T>(
    key: &str,
    expected: &'static str,
    found: &DeValue<'_>,
    span: Span,
    problems: &mut Problems,
) -> Option<T> {
    problems.push((span, ProblemKind::WrongType { key: key.to_owned(), expected, found: found.type_str() }));
    None
}
