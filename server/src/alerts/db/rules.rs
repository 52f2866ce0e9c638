//! The rules admins make in the UI (`rules`: each one's `[[rule]]` table as TOML,
//! in the order they were made; an edit keeps its place) and the mutes of every
//! rule, from the file or the UI (`mutes`: muted until a time). No webhook, and so
//! no secret, is ever written here.

use std::collections::BTreeMap;

use pulse_alerts::ruleset::UiRule;
use rusqlite::params;

use super::{Db, DbError};

/// The tables, made when missing (an older `alerts.db` gains them as it opens).
pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS rules (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, rule TEXT NOT NULL,
    created INTEGER NOT NULL, updated INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS mutes (rule TEXT PRIMARY KEY, until INTEGER NOT NULL);
";

impl Db {
    /// Every UI rule, in the order they were made.
    pub fn ui_rules(&self) -> Result<Vec<UiRule>, DbError> {
        let connection = self.lock();
        let mut statement = connection.prepare("SELECT name, rule FROM rules ORDER BY seq")?;
        let rows = statement.query_map([], |row| Ok(UiRule { name: row.get(0)?, table: row.get(1)? }))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Adds UI rule `rule`, or replaces the one of its name where it stands.
    pub fn put_rule(&self, rule: &UiRule, now: i64) -> Result<(), DbError> {
        self.lock().execute(
            "INSERT INTO rules (name, rule, created, updated) VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT (name) DO UPDATE SET rule = excluded.rule, updated = excluded.updated",
            params![rule.name, rule.table, now],
        )?;
        Ok(())
    }

    /// Removes UI rule `name` and its mute, in one transaction.
    pub fn delete_rule(&self, name: &str) -> Result<(), DbError> {
        let mut connection = self.lock();
        let transaction = connection.transaction()?;
        transaction.execute("DELETE FROM rules WHERE name = ?1", params![name])?;
        transaction.execute("DELETE FROM mutes WHERE rule = ?1", params![name])?;
        transaction.commit()?;
        Ok(())
    }

    /// Replaces every UI rule and mute with `ui` (in that order) and `mutes`, in one
    /// transaction: the fleet's, as Redis holds them (`--redis`).
    pub fn replace_rules(&self, ui: &[UiRule], mutes: &BTreeMap<String, u64>) -> Result<(), DbError> {
        let mut connection = self.lock();
        let transaction = connection.transaction()?;
        transaction.execute("DELETE FROM rules", [])?;
        transaction.execute("DELETE FROM mutes", [])?;
        for rule in ui {
            transaction.execute(
                "INSERT INTO rules (name, rule, created, updated) VALUES (?1, ?2, 0, 0)",
                params![rule.name, rule.table],
            )?;
        }
        for (name, until) in mutes {
            transaction.execute(
                "INSERT INTO mutes (rule, until) VALUES (?1, ?2)",
                params![name, (*until).min(i64::MAX as u64) as i64],
            )?;
        }
        transaction.commit()?;
        Ok(())
    }

    /// Every mute: rule name → muted until (ms since the Unix epoch).
    pub fn mutes(&self) -> Result<BTreeMap<String, u64>, DbError> {
        let connection = self.lock();
        let mut statement = connection.prepare("SELECT rule, until FROM mutes")?;
        let rows =
            statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?.max(0) as u64)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Mutes rule `name` until `until` (ms), or unmutes it (`None`).
    pub fn set_mute(&self, name: &str, until: Option<u64>) -> Result<(), DbError> {
        let connection = self.lock();
        match until {
            Some(until) => connection.execute(
                "INSERT INTO mutes (rule, until) VALUES (?1, ?2) ON CONFLICT (rule) DO UPDATE SET until = excluded.until",
                params![name, until.min(i64::MAX as u64) as i64],
            )?,
            None => connection.execute("DELETE FROM mutes WHERE rule = ?1", params![name])?,
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_keep_their_place_and_a_delete_takes_the_mute() {
        let db = Db::open(None).expect("open");
        let rule = |name: &str, table: &str| UiRule { name: name.into(), table: table.into() };
        db.put_rule(&rule("a", "v1"), 1).expect("put");
        db.put_rule(&rule("b", "v1"), 2).expect("put");
        db.put_rule(&rule("a", "v2"), 3).expect("edit");
        assert_eq!(db.ui_rules().expect("rules"), [rule("a", "v2"), rule("b", "v1")]);
        db.set_mute("a", Some(10)).expect("mute");
        db.set_mute("file rule", Some(20)).expect("mute");
        db.set_mute("file rule", Some(30)).expect("mute again");
        assert_eq!(db.mutes().expect("mutes"), [("a".to_owned(), 10), ("file rule".to_owned(), 30)].into());
        db.delete_rule("a").expect("delete");
        db.set_mute("file rule", None).expect("unmute");
        assert_eq!(db.ui_rules().expect("rules"), [rule("b", "v1")]);
        assert!(db.mutes().expect("mutes").is_empty());
        db.replace_rules(&[rule("c", "v1"), rule("b", "v2")], &[("c".to_owned(), 5)].into()).expect("replace");
        assert_eq!(db.ui_rules().expect("rules"), [rule("c", "v1"), rule("b", "v2")]);
        assert_eq!(db.mutes().expect("mutes"), [("c".to_owned(), 5)].into());
    }
}
