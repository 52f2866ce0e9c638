//! What a caller may do ([`Grant`]), what a route needs ([`Need`]), and the pure
//! rule between them ([`allows`]), table-tested.

use pulse_protocol::access::{Role, Via};
use pulse_protocol::fleet::{Metric, FLEET_HOST};

/// A recognised caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// What it may do.
    pub role: Role,
    /// How it was recognised.
    pub via: Via,
    /// The signed-in user, for sessions.
    pub user: Option<String>,
    /// The credential's id (a session's, token's or share link's), under which the
    /// streams it opened are cut when it ends; `None` for open access and
    /// `--agent-token`s.
    pub id: Option<String>,
    /// A share link's one host (`@fleet`: the fleet overview).
    pub host: Option<String>,
    /// When it stops working, ms since the epoch.
    pub expires: Option<u64>,
    /// Whether it came in a cookie (which a browser adds by itself, so a
    /// state-changing request must prove its origin).
    pub cookie: bool,
}

impl Grant {
    /// The one host a share link narrows host lists to (`/hosts`, `/alerts`); none
    /// for a fleet link and for every other credential, which see every host.
    pub fn only_host(&self) -> Option<&str> {
        self.host.as_deref().filter(|host| *host != FLEET_HOST)
    }
}

/// What a route needs: every route in `routes::table` states one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Nothing: `/healthz`, signing in, the site.
    Public,
    /// To read, and this route lists hosts (a share link sees only its own).
    Read,
    /// To read one host's data, named by `host=` (a share link: only its host).
    ReadHost,
    /// To read one host's history, named by `host=`, of the series in `series=`:
    /// as [`Need::ReadHost`], but a share link for the fleet overview reads any
    /// host's sources of the fleet's metrics ([`Metric::is_source`]): its compare
    /// view and sparklines draw them from the store.
    ReadHistory,
    /// An admin.
    Admin,
    /// An agent token: pushing a host's samples.
    Agent,
}

/// Why a request is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No usable credential: 401.
    SignIn,
    /// Recognised, but not allowed this: 403, saying why.
    Forbidden(String),
}

/// What a request asks for: its `host=` and `series=`, if any.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Asked<'a> {
    /// `host=`.
    pub host: Option<&'a str>,
    /// `series=`, comma-separated ids.
    pub series: Option<&'a str>,
}

/// [`allows`] for a request that asked `asked`: a fleet link's history of a host
/// ([`Need::ReadHistory`]) is allowed when every series asked is a fleet metric's
/// source, and refused naming them otherwise.
pub fn allows_asked(grant: Option<&Grant>, need: Need, asked: Asked<'_>) -> Result<(), Refusal> {
    let fleet_link = grant.is_some_and(|g| g.role != Role::Agent && g.host.as_deref() == Some(FLEET_HOST));
    let of_a_host = asked.host.is_some_and(|host| host != FLEET_HOST);
    if need == Need::ReadHistory && fleet_link && of_a_host {
        let series = asked.series.unwrap_or("");
        return if !series.is_empty() && series.split(',').all(|id| Metric::is_source(id.trim())) {
            Ok(())
        } else {
            let sources: Vec<&str> = Metric::ALL.iter().flat_map(|m| m.sources().iter().copied()).collect();
            Err(Refusal::Forbidden(format!(
                "this share link reads a host's history of the fleet's metrics only (series= of {})",
                sources.join(",")
            )))
        };
    }
    allows(grant, need, asked.host)
}

/// Whether `grant` may use a route that needs `need`, asking for `host` (its
/// `host=`, if any).
pub fn allows(grant: Option<&Grant>, need: Need, host: Option<&str>) -> Result<(), Refusal> {
    if need == Need::Public {
        return Ok(());
    }
    let Some(grant) = grant else {
        return Err(Refusal::SignIn);
    };
    let forbid = |why: &str| Err(Refusal::Forbidden(why.to_owned()));
    match (need, grant.role) {
        (Need::Agent, Role::Agent) => Ok(()),
        (Need::Agent, _) => Err(Refusal::SignIn),
        (_, Role::Agent) => forbid("an agent token can push a host's samples and nothing else"),
        (Need::Admin, Role::Admin) if grant.host.is_none() => Ok(()),
        (Need::Admin, _) => forbid("only an admin may do this"),
        (Need::Read, _) => Ok(()),
        (Need::ReadHost | Need::ReadHistory, _) => match (&grant.host, host) {
            (None, _) => Ok(()),
            (Some(shared), Some(asked)) if shared == asked => Ok(()),
            (Some(shared), _) if shared == FLEET_HOST => forbid("this share link shows the fleet overview only"),
            (Some(shared), _) => Err(Refusal::Forbidden(format!("this share link shows host {shared} only"))),
        },
        (Need::Public, _) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: Role, host: Option<&str>) -> Grant {
        Grant {
            role,
            via: if host.is_some() { Via::Share } else { Via::Token },
            user: None,
            id: None,
            host: host.map(str::to_owned),
            expires: None,
            cookie: false,
        }
    }

    #[test]
    fn needs_against_grants() {
        let admin = grant(Role::Admin, None);
        let viewer = grant(Role::Viewer, None);
        let agent = grant(Role::Agent, None);
        let share = grant(Role::Viewer, Some("web-1"));
        let fleet = grant(Role::Viewer, Some(FLEET_HOST));
        let ok = Ok(());
        let sign_in = Err(Refusal::SignIn);
        let forbidden = |g: Option<&Grant>, n, h| matches!(allows(g, n, h), Err(Refusal::Forbidden(_)));
        // (grant, need, host, expected)
        type Case<'a> = (Option<&'a Grant>, Need, Option<&'a str>, Result<(), Refusal>);
        let table: Vec<Case> = vec![
            (None, Need::Public, None, ok.clone()),
            (None, Need::Read, None, sign_in.clone()),
            (None, Need::ReadHost, Some("web-1"), sign_in.clone()),
            (None, Need::Admin, None, sign_in.clone()),
            (None, Need::Agent, None, sign_in.clone()),
            (Some(&admin), Need::Admin, None, ok.clone()),
            (Some(&admin), Need::ReadHost, None, ok.clone()),
            (Some(&admin), Need::Agent, None, sign_in.clone()),
            (Some(&viewer), Need::Read, None, ok.clone()),
            (Some(&viewer), Need::ReadHost, Some("db"), ok.clone()),
            (Some(&agent), Need::Agent, None, ok.clone()),
            (Some(&share), Need::ReadHost, Some("web-1"), ok.clone()),
            (Some(&share), Need::Read, None, ok.clone()),
            (Some(&fleet), Need::ReadHost, Some(FLEET_HOST), ok.clone()),
        ];
        for (i, (g, need, host, want)) in table.into_iter().enumerate() {
            assert_eq!(allows(g, need, host), want, "case {i}");
        }
        for (g, need, host) in [
            (&viewer, Need::Admin, None),
            (&agent, Need::Read, None),
            (&agent, Need::ReadHost, Some("web-1")),
            (&agent, Need::Admin, None),
            (&share, Need::ReadHost, Some("db")),
            (&share, Need::ReadHost, None),
            (&share, Need::ReadHost, Some(FLEET_HOST)),
            (&share, Need::Admin, None),
            (&fleet, Need::ReadHost, Some("web-1")),
        ] {
            assert!(forbidden(Some(g), need, host), "{g:?} {need:?} {host:?}");
        }
        // A fleet link reads any host's history of the fleet's metrics, and nothing
        // else of a host; a host's link is held to its host.
        let asked = |host, series| Asked { host: Some(host), series };
        type AskedCase<'a> = (&'a Grant, Asked<'a>, bool);
        let history: [AskedCase; 9] = [
            (&fleet, asked("web-1", Some("cpu.total")), true),
            (&fleet, asked("web-1", Some("mem.used,mem.total")), true),
            (&fleet, asked(FLEET_HOST, Some("web-1/cpu")), true),
            (&fleet, asked("web-1", Some("cpu.total,cpu.core:0")), false),
            (&fleet, asked("web-1", Some("")), false),
            (&fleet, asked("web-1", None), false),
            (&share, asked("web-1", Some("cpu.core:0")), true),
            (&share, asked("db", Some("cpu.total")), false),
            (&viewer, asked("db", Some("cpu.core:0")), true),
        ];
        for (g, asked, want) in history {
            assert_eq!(allows_asked(Some(g), Need::ReadHistory, asked).is_ok(), want, "{g:?} {asked:?}");
        }
        assert!(forbidden(Some(&fleet), Need::ReadHost, Some("web-1")), "the fleet link's rule is history's only");
        let mut shared_admin = admin.clone();
        shared_admin.host = Some("x".into());
        assert!(forbidden(Some(&shared_admin), Need::Admin, None), "a share link never administers");
    }
}
