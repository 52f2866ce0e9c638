//! The access bodies read as serde writes them, and malformed ones are refused by
//! both readers.

use super::super::check::{round_trip, same};
use crate::access::*;
use crate::names::WireName;

fn token(id: &str, last_used: Option<u64>) -> TokenInfo {
    TokenInfo { id: id.into(), role: Role::Viewer, label: "grafana".into(), created: 1_765_000_000_000, last_used }
}

fn share(host: &str) -> ShareInfo {
    ShareInfo { id: "s1".into(), host: host.into(), label: "".into(), created: 1, expires: 1_765_604_800_000 }
}

#[test]
fn sessions_read_as_serde_writes_them() {
    let signed_in = Session {
        user: Some("ada".into()),
        role: Role::Admin,
        via: Via::Session,
        expires: Some(1_765_000_000_000),
        host: None,
        users: true,
        token: Some("sekrit".into()),
    };
    let shared = Session {
        user: None,
        role: Role::Viewer,
        via: Via::Share,
        expires: Some(9),
        host: Some("@fleet".into()),
        users: true,
        token: None,
    };
    let open =
        Session { user: None, role: Role::Admin, via: Via::Open, expires: None, host: None, users: false, token: None };
    for session in [signed_in, shared, open] {
        round_trip(&session);
    }
}

#[test]
fn admin_lists_and_created_secrets_read_as_serde_writes_them() {
    round_trip(&TokensResponse { tokens: vec![token("t1", None), token("t2", Some(1_765_000_060_000))] });
    round_trip(&SharesResponse { shares: vec![share("web-1"), share("@fleet")] });
    round_trip(&UsersResponse { users: vec![UserInfo { name: "ada".into(), role: Role::Admin, created: 3 }] });
    round_trip(&Created { info: token("t3", None), secret: "pulse_t_abc".into() });
    round_trip(&Created { info: share("web-1"), secret: "pulse_s_abc".into() });
    round_trip(&TokensResponse { tokens: vec![] });
}

#[test]
fn malformed_access_bodies_are_refused_by_both_readers() {
    let cases = [
        r#"{"role":"admin","via":"open","users":false}"#,
        r#"{"user":null,"role":"admin","via":"open","expires":null,"users":false,"extra":[1]}"#,
        r#"{"role":"root","via":"open","users":false}"#,
        r#"{"role":"admin","via":"carrier","users":false}"#,
        r#"{"role":"admin","via":"open"}"#,
        r#"{"role":"admin","via":"open","users":"yes"}"#,
        r#"{"role":"admin","role":"admin","via":"open","users":false}"#,
        r#"{"user":7,"role":"admin","via":"open","users":false}"#,
    ];
    for json in cases {
        same::<Session>(json);
    }
    let created = [
        r#"{"id":"t","role":"viewer","label":"","created":1,"last_used":null,"secret":"s"}"#,
        r#"{"id":"t","role":"viewer","label":"","created":1,"secret":"s"}"#,
        r#"{"id":"t","role":"viewer","label":"","created":1}"#,
        r#"{"id":"t","role":"viewer","label":"","created":-1,"secret":"s"}"#,
        r#"{"secret":"s","secret":"s","id":"t","role":"viewer","label":"","created":1}"#,
    ];
    for json in created {
        same::<Created<TokenInfo>>(json);
    }
    same::<Created<ShareInfo>>(r#"{"id":"s","host":"h","label":"","created":1,"expires":2,"secret":"x"}"#);
    same::<Created<ShareInfo>>(r#"{"id":"s","host":"h","label":"","created":1,"secret":"x"}"#);
    same::<UsersResponse>(r#"{"users":[{"name":"a","role":"viewer","created":1}]}"#);
    same::<UsersResponse>(r#"{"users":[{"name":"a","role":"viewer"}]}"#);
}

#[test]
fn roles_and_vias_read_every_name() {
    for role in Role::ALL {
        same::<Role>(&format!("\"{}\"", role.as_str()));
        round_trip(role);
    }
    for via in Via::ALL {
        round_trip(via);
    }
}
