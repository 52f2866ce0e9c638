//! What can be wrong in a rules file, and where: each [`Problem`] has the line and
//! column (from 1) of the key or value at fault and says what is wrong in words.

use std::ops::Range;

use thiserror::Error;

use super::duration::DurationError;
use super::secret::SecretError;

/// Everything wrong with a rules file, in file order.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{}", list(.problems))]
pub struct RulesError {
    /// Each problem, sorted by position.
    pub problems: Vec<Problem>,
}

/// One problem at one place.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("line {line}, column {column}: {kind}")]
pub struct Problem {
    /// The line, from 1.
    pub line: usize,
    /// The column in characters, from 1.
    pub column: usize,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ProblemKind {
    /// TOML itself could not be read.
    #[error("{}", .0.trim_end())]
    Syntax(String),
    /// A key this table does not have.
    #[error("unknown key `{key}` in a {table}{}", hint(.key, .expected))]
    UnknownKey {
        /// The key as written.
        key: String,
        /// `webhook`, `rule` or `file`.
        table: &'static str,
        /// The keys it may have, for the message.
        expected: &'static [&'static str],
    },
    /// A value of the wrong type.
    #[error("`{key}` must be {expected}, not {found}")]
    WrongType {
        /// The key.
        key: String,
        /// What it must be, in words.
        expected: &'static str,
        /// What it is (a TOML type name).
        found: &'static str,
    },
    /// A key every such table needs.
    #[error("a {table} needs `{key}`")]
    Missing {
        /// `webhook` or `rule`.
        table: &'static str,
        /// The key.
        key: &'static str,
    },
    /// Two webhooks or two rules with one name.
    #[error("a second {table} named \"{name}\" (names must be unique)")]
    Duplicate {
        /// `webhook` or `rule`.
        table: &'static str,
        /// The name.
        name: String,
    },
    /// `notify` names a webhook the file does not define.
    #[error("notify names \"{0}\", but no [[webhook]] has that name")]
    UnknownWebhook(String),
    /// Two keys that exclude each other.
    #[error("`{0}` and `{1}` cannot both be set")]
    Conflict(String, String),
    /// A threshold rule without any threshold, or a status rule with one.
    #[error("{0}")]
    Condition(String),
    /// A recovery threshold on the firing side of its threshold.
    #[error("`{key}` = {recover} is on the wrong side of the threshold {threshold}: {why}")]
    RecoverWrongSide {
        /// The recovery key.
        key: String,
        /// Its value.
        recover: f64,
        /// The threshold it belongs to.
        threshold: f64,
        /// What it should be, in words.
        why: &'static str,
    },
    /// A duration that could not be read.
    #[error("bad duration in `{key}`: {error}")]
    Duration {
        /// The key.
        key: String,
        /// Why.
        error: DurationError,
    },
    /// A secret that is not `whsec_` + base64.
    #[error("bad secret: {0}")]
    Secret(SecretError),
    /// A value outside what the key accepts.
    #[error("`{key}`: {why}")]
    Invalid {
        /// The key.
        key: String,
        /// What is wrong, in words.
        why: String,
    },
}

impl ProblemKind {
    /// The key the problem is about, when it is about one.
    pub fn key(&self) -> Option<&str> {
        match self {
            ProblemKind::UnknownKey { key, .. }
            | ProblemKind::WrongType { key, .. }
            | ProblemKind::RecoverWrongSide { key, .. }
            | ProblemKind::Duration { key, .. }
            | ProblemKind::Invalid { key, .. } => Some(key),
            ProblemKind::Missing { key, .. } => Some(key),
            ProblemKind::Duplicate { .. } => Some("name"),
            ProblemKind::UnknownWebhook(_) => Some("notify"),
            ProblemKind::Conflict(first, _) => Some(first),
            ProblemKind::Secret(_) => Some("secret"),
            ProblemKind::Syntax(_) | ProblemKind::Condition(_) => None,
        }
    }
}

impl RulesError {
    /// Places each problem (a byte span in `text`) at its line and column, sorted.
    pub(crate) fn new(text: &str, problems: Vec<(Range<usize>, ProblemKind)>) -> RulesError {
        let mut problems: Vec<(usize, ProblemKind)> =
            problems.into_iter().map(|(span, kind)| (span.start, kind)).collect();
        problems.sort_by_key(|(start, _)| *start);
        let problems = problems
            .into_iter()
            .map(|(start, kind)| {
                let (line, column) = position(text, start);
                Problem { line, column, kind }
            })
            .collect();
        RulesError { problems }
    }
}

/// The line and column (from 1, in characters) of byte `offset` in `text`.
pub fn position(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn list(problems: &[Problem]) -> String {
    problems.iter().map(Problem::to_string).collect::<Vec<_>>().join("\n")
}

/// "did you mean `series`?" for a near miss, else the keys the table may have.
fn hint(key: &str, expected: &[&str]) -> String {
    let nearest = expected.iter().map(|known| (distance(key, known), known)).min();
    match nearest {
        Some((distance, known)) if distance <= 2 && distance < key.chars().count() => {
            format!(" (did you mean `{known}`?)")
        }
        _ if expected.is_empty() => String::new(),
        _ => format!(" (expected one of: {})", expected.join(", ")),
    }
}

/// The edit distance between two words (insertions, deletions, substitutions).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb)).min(above + 1).min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_are_named() {
        let keys: &[&str] = &["series", "above", "recover_below", "for"];
        let cases = [
            ("serie", " (did you mean `series`?)"),
            ("abvoe", " (did you mean `above`?)"),
            ("recover_bellow", " (did you mean `recover_below`?)"),
            ("fr", " (did you mean `for`?)"),
            ("x", " (expected one of: series, above, recover_below, for)"),
            ("threshold", " (expected one of: series, above, recover_below, for)"),
        ];
        for (key, expected) in cases {
            assert_eq!(hint(key, keys), expected, "{key}");
        }
        assert_eq!(hint("x", &[]), "");
    }

    #[test]
    fn positions() {
        let text = "ab\ncdé\nf";
        let cases = [(0, (1, 1)), (1, (1, 2)), (3, (2, 1)), (5, (2, 3)), (7, (2, 4)), (8, (3, 1)), (99, (3, 2))];
        for (offset, expected) in cases {
            assert_eq!(position(text, offset), expected, "offset {offset}");
        }
    }
}
