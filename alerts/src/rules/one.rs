//! One rule on its own, as an admin makes it in the UI: the keys of one `[[rule]]`
//! table (TOML text, see `json` for where it comes from), read by the very reader
//! the file's rules go through, against the webhooks the file defines. A rule
//! therefore means the same thing whichever way it came.

use toml::de::DeTable;

use super::problem::ProblemKind;
use super::read::{Fields, Problems};
use super::{rule, Rule, RulesError};

/// The header put before a table's keys.
const HEADER: &str = "[[rule]]\n";

/// Reads one rule table (its `key = value` lines) against the webhooks `webhooks`.
pub fn read_rule(table: &str, webhooks: &[&str]) -> Result<Rule, RulesError> {
    match read_lenient(table, webhooks) {
        (Some(rule), problems) if problems.problems.is_empty() => Ok(rule),
        (_, problems) => Err(problems),
    }
}

/// Reads one rule table; the rule (if it has a usable name and condition) and every
/// problem found, so a caller may keep a rule whose only problem is a `notify`
/// naming a webhook the file no longer has (those names are left out of it).
pub(crate) fn read_lenient(table: &str, webhooks: &[&str]) -> (Option<Rule>, RulesError) {
    let text = format!("{HEADER}{table}");
    let (document, syntax) = DeTable::parse_recoverable(&text);
    if !syntax.is_empty() {
        let problems = syntax
            .into_iter()
            .map(|error| (error.span().unwrap_or(0..0), ProblemKind::Syntax(error.message().to_owned())))
            .collect();
        return (None, RulesError::new(&text, problems));
    }
    let mut problems: Problems = Vec::new();
    let top = Fields::new(document.get_ref(), 0..0, "file", &["rule"], &mut problems);
    let tables = top.tables("rule", &mut problems);
    if tables.len() != 1 {
        let why = format!("holds {} rules, not one", tables.len());
        problems.push((0..0, ProblemKind::Invalid { key: "rule".into(), why }));
    }
    let rule = match tables.as_slice() {
        [table] => rule::read(table, webhooks, &mut problems).map(|(rule, _)| rule),
        _ => None,
    };
    (rule, RulesError::new(&text, problems))
}
