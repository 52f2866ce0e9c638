//! The rules in force: the rules file's and those admins made in the UI, merged
//! into one [`RuleSet`], with the mutes. The hub's engine evaluates it and its
//! sender reads the webhooks from it; nothing else decides which rule is in force.
//!
//! **Precedence.**
//! - Names are unique across both sources. The UI refuses a name the file uses
//!   ([`Change::Create`]), and a rule of the file is changed only in the file: the
//!   UI may mute it, never edit or delete it.
//! - Webhooks (and their secrets) come from the file only. A UI rule's `notify`
//!   names them; left out, it notifies every webhook of the file, as a file rule does.
//! - A reload of the file never drops a UI rule. If the file later gains a rule of
//!   a UI rule's name, the UI rule stays in force and the file's is set aside (and
//!   said so); a UI rule whose `notify` names a webhook the file no longer has stays
//!   in force without it. A UI rule that no longer reads at all (a newer hub's key)
//!   is set aside, kept, and can still be edited or deleted.
//! - A mute belongs to a rule's name, whatever its source, and outlives reloads; it
//!   ends by itself at its time.
//! - Order: the file's rules in file order, then the UI's in the order they were made.

use std::collections::{BTreeMap, BTreeSet};

use thiserror::Error;

use crate::rules::{read_lenient, ProblemKind, Rule, Rules, Webhook};

/// Where a rule comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The rules file (`--alerts FILE`).
    File,
    /// Made by an admin in the UI (kept in `alerts.db`).
    Ui,
}

/// A UI rule as it is kept: its name and its `[[rule]]` table's TOML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UiRule {
    /// The rule's name (also in the table).
    pub name: String,
    /// The table's `key = value` lines.
    pub table: String,
}

/// A rule that is not in force, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetAside {
    /// Its name.
    pub name: String,
    /// Where it comes from.
    pub source: Source,
    /// Why it is not in force.
    pub why: String,
}

/// Every rule in force, the webhooks and the mutes.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RuleSet {
    /// The file's webhooks, in file order.
    pub webhooks: Vec<Webhook>,
    /// The rules in force: the file's, then the UI's.
    pub rules: Vec<Rule>,
    /// Rules not in force, and why.
    pub set_aside: Vec<SetAside>,
    /// What the merge changed in a rule that stays in force (a `notify` name
    /// dropped), for the log.
    pub notes: Vec<String>,
    /// Each rule's mute: muted until then (ms since the Unix epoch).
    pub mutes: BTreeMap<String, u64>,
    /// The names of every UI rule kept, in force or not.
    ui: BTreeSet<String>,
    /// The names of every rule of the file, in force or not.
    file: BTreeSet<String>,
}

/// A change an admin asks for, by rule name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change<'a> {
    /// A new UI rule.
    Create(&'a str),
    /// A UI rule replaced.
    Edit(&'a str),
    /// A UI rule removed.
    Delete(&'a str),
    /// Any rule muted or unmuted.
    Mute(&'a str),
}

/// Why a change is refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum Refusal {
    /// No rule has that name.
    #[error("no rule is called {0:?}")]
    NotFound(String),
    /// A rule of the file, which only the file changes.
    #[error("{0:?} is a rule of the rules file: change it there (it can be muted here)")]
    FileRule(String),
    /// The name is in use.
    #[error("a rule {where_} is already called {name:?} (names are unique across the file and the UI)")]
    Taken {
        /// The name.
        name: String,
        /// `in the rules file` or `made in the UI`.
        where_: &'static str,
    },
}

impl RuleSet {
    /// Merges the file's rules, the UI's (in the order they were made) and the mutes.
    pub fn merge(file: &Rules, ui: &[UiRule], mutes: &BTreeMap<String, u64>) -> RuleSet {
        let webhooks: Vec<&str> = file.webhooks.iter().map(|webhook| webhook.name.as_str()).collect();
        let mut set = RuleSet {
            webhooks: file.webhooks.clone(),
            mutes: mutes.clone(),
            ui: ui.iter().map(|rule| rule.name.clone()).collect(),
            file: file.rules.iter().map(|rule| rule.name.clone()).collect(),
            ..RuleSet::default()
        };
        for rule in &file.rules {
            if set.ui.contains(&rule.name) {
                let why = "a rule made in the UI has this name and stays in force; rename one".to_owned();
                set.set_aside.push(SetAside { name: rule.name.clone(), source: Source::File, why });
            } else {
                set.rules.push(rule.clone());
            }
        }
        for stored in ui {
            let (rule, problems) = read_lenient(&stored.table, &webhooks);
            let (dropped, other): (Vec<_>, Vec<_>) = problems
                .problems
                .into_iter()
                .partition(|problem| matches!(problem.kind, ProblemKind::UnknownWebhook(_)));
            match rule {
                Some(rule) if other.is_empty() && rule.name == stored.name => {
                    for problem in dropped {
                        set.notes.push(format!("rule {:?}: {}; it notifies the others", rule.name, problem.kind));
                    }
                    set.rules.push(rule);
                }
                _ => {
                    let why = other.iter().map(|problem| problem.kind.to_string()).collect::<Vec<_>>().join("; ");
                    let why = if why.is_empty() { "its name does not match its table".to_owned() } else { why };
                    set.set_aside.push(SetAside { name: stored.name.clone(), source: Source::Ui, why });
                }
            }
        }
        set
    }

    /// The rule in force called `name`.
    pub fn rule(&self, name: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.name == name)
    }

    /// The webhook called `name`.
    pub fn webhook(&self, name: &str) -> Option<&Webhook> {
        self.webhooks.iter().find(|webhook| webhook.name == name)
    }

    /// Where the rule in force called `name` comes from.
    pub fn source(&self, name: &str) -> Source {
        if self.ui.contains(name) {
            Source::Ui
        } else {
            Source::File
        }
    }

    /// The names of the file's webhooks, which a UI rule's `notify` may name.
    pub fn webhook_names(&self) -> Vec<&str> {
        self.webhooks.iter().map(|webhook| webhook.name.as_str()).collect()
    }

    /// Until when rule `name` is muted, if it is at `now_ms`.
    pub fn muted_until(&self, name: &str, now_ms: u64) -> Option<u64> {
        self.mutes.get(name).copied().filter(|until| now_ms < *until)
    }

    /// Whether `change` may be made.
    pub fn check(&self, change: Change<'_>) -> Result<(), Refusal> {
        match change {
            Change::Create(name) => {
                let where_ = if self.file.contains(name) {
                    "in the rules file"
                } else if self.ui.contains(name) {
                    "made in the UI"
                } else {
                    return Ok(());
                };
                Err(Refusal::Taken { name: name.to_owned(), where_ })
            }
            Change::Edit(name) | Change::Delete(name) => {
                if self.ui.contains(name) {
                    Ok(())
                } else if self.file.contains(name) {
                    Err(Refusal::FileRule(name.to_owned()))
                } else {
                    Err(Refusal::NotFound(name.to_owned()))
                }
            }
            Change::Mute(name) if self.ui.contains(name) || self.file.contains(name) => Ok(()),
            Change::Mute(name) => Err(Refusal::NotFound(name.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests;
