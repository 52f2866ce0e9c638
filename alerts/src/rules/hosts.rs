//! Which hosts a rule applies to: `"*"`, a list of host names (or one name), or
//! `"tag:KEY=VALUE"` (a host whose tags include that pair).

use std::collections::BTreeMap;

/// The hosts a rule applies to.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Hosts {
    /// Every host (`"*"`, and the default).
    #[default]
    All,
    /// The hosts with these names or ids.
    Named(Vec<String>),
    /// The hosts tagged `key=value`.
    Tagged {
        /// The tag's key.
        key: String,
        /// The value it must have.
        value: String,
    },
}

impl Hosts {
    /// Reads the string form: `"*"`, `"tag:env=prod"` or one host name. `None` for a
    /// malformed tag (`"tag:env"`, `"tag:=x"`).
    pub fn from_str_form(text: &str) -> Option<Hosts> {
        if text == "*" {
            return Some(Hosts::All);
        }
        match text.strip_prefix("tag:") {
            Some(pair) => {
                let (key, value) = pair.split_once('=')?;
                if key.is_empty() {
                    return None;
                }
                Some(Hosts::Tagged { key: key.to_owned(), value: value.to_owned() })
            }
            None if text.is_empty() => None,
            None => Some(Hosts::Named(vec![text.to_owned()])),
        }
    }

    /// Whether a host with this id, name and tags is one of them.
    pub fn matches(&self, id: &str, name: &str, tags: &BTreeMap<String, String>) -> bool {
        match self {
            Hosts::All => true,
            Hosts::Named(names) => names.iter().any(|wanted| wanted == id || wanted == name),
            Hosts::Tagged { key, value } => tags.get(key) == Some(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_forms() {
        let named = |n: &str| Some(Hosts::Named(vec![n.to_owned()]));
        let tagged = |k: &str, v: &str| Some(Hosts::Tagged { key: k.into(), value: v.into() });
        let cases = [
            ("*", Some(Hosts::All)),
            ("web1", named("web1")),
            ("tag:env=prod", tagged("env", "prod")),
            ("tag:env=", tagged("env", "")),
            ("tag:env", None),
            ("tag:=prod", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(Hosts::from_str_form(text), expected, "{text:?}");
        }
    }

    #[test]
    fn matching() {
        let tags: BTreeMap<String, String> = [("env".to_owned(), "prod".to_owned())].into();
        let none = BTreeMap::new();
        let named = Hosts::Named(vec!["web1".into(), "db".into()]);
        let prod = Hosts::Tagged { key: "env".into(), value: "prod".into() };
        let cases = [
            (&Hosts::All, "h1", "x", &none, true),
            (&named, "h1", "web1", &none, true),
            (&named, "db", "database", &none, true),
            (&named, "h2", "web2", &none, false),
            (&prod, "h1", "x", &tags, true),
            (&prod, "h1", "x", &none, false),
        ];
        for (hosts, id, name, tags, expected) in cases {
            assert_eq!(hosts.matches(id, name, tags), expected, "{hosts:?} on {id}/{name}");
        }
    }
}
