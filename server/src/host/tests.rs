use super::*;
use axum::body::Body;

fn hosts(listen: &str, allowed: &[&str], public_url: Option<&str>) -> Hosts {
    let allowed: Vec<String> = allowed.iter().map(|a| flags::allowed_host(a).expect("a valid --allow-host")).collect();
    let public_url = public_url.map(|url| flags::public_url(url).expect("a valid --public-url"));
    Hosts::new(listen.parse().expect("an address"), &allowed, public_url.as_ref())
}

#[test]
fn the_host_rule() {
    let loopback = hosts("127.0.0.1", &[], None);
    let lan = hosts("192.168.1.5", &[], None);
    let any = hosts("0.0.0.0", &[], None);
    let any6 = hosts("::", &[], None);
    let named =
        hosts("127.0.0.1", &["pulse.example.com", "*.dash.example", "10.0.0.9"], Some("https://pub.example/x/"));
    let cases: &[(&Hosts, &str, bool)] = &[
        // IP literals: the listen address, any loopback, or any when listening on all.
        (&loopback, "127.0.0.1:8080", true),
        (&loopback, "127.0.0.1", true),
        (&loopback, "127.1.2.3:80", true),
        (&loopback, "[::1]:8080", true),
        (&loopback, "[::1]", true),
        (&loopback, "[::ffff:127.0.0.1]:8080", true),
        (&loopback, "192.168.1.5:8080", false),
        (&lan, "192.168.1.5:8080", true),
        (&lan, "192.168.1.6:8080", false),
        (&lan, "127.0.0.1:8080", true),
        (&any, "192.168.1.6:8080", true),
        (&any, "[fe80::1]:8080", true),
        (&any6, "10.1.2.3", true),
        (&any, "evil.example:8080", false),
        // Loopback names.
        (&loopback, "localhost:8080", true),
        (&loopback, "LOCALHOST", true),
        (&loopback, "localhost.", true),
        (&loopback, "pulse.localhost:8080", true),
        (&loopback, "localhost.evil.example", false),
        (&loopback, "evillocalhost", false),
        // Names from the flags: case-insensitive, port ignored, `*.` for the names under it.
        (&loopback, "evil.example:8080", false),
        (&loopback, "evil.example", false),
        (&named, "pulse.example.com", true),
        (&named, "PULSE.example.COM:443", true),
        (&named, "pulse.example.com.", true),
        (&named, "x.pulse.example.com", false),
        (&named, "a.dash.example", true),
        (&named, "a.b.dash.example:1", true),
        (&named, "dash.example", false),
        (&named, "evildash.example", false),
        (&named, "10.0.0.9:80", true),
        (&named, "pub.example", true),
        (&named, "evil.example", false),
        // Malformed or empty names are never allowed.
        (&loopback, "", false),
        (&loopback, "[::1", false),
        (&loopback, "0x7f.1", false),
        (&loopback, carried::UNREADABLE, false),
    ];
    for (hosts, authority, allowed) in cases {
        assert_eq!(hosts.allows(authority), *allowed, "{authority:?} with {hosts:?}");
    }
}

fn request(version: Version, headers: &[(&str, &str)]) -> Request {
    let mut builder = Request::builder().uri("/api/v1/poll").version(version);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Body::empty()).expect("a valid request")
}

#[test]
fn every_name_must_pass() {
    let hosts = hosts("127.0.0.1", &[], None);
    let check = |headers: &[(&str, &str)]| hosts.check(&request(Version::HTTP_11, headers));
    assert!(check(&[("host", "127.0.0.1:8080")]).is_ok());
    assert!(check(&[("host", "127.0.0.1:8080"), ("x-forwarded-host", "localhost:8080")]).is_ok());
    for refused in [
        &[("host", "evil.example:8080")][..],
        &[("host", "127.0.0.1:8080"), ("x-forwarded-host", "evil.example")],
        &[("host", "127.0.0.1:8080"), ("x-forwarded-host", "localhost, evil.example")],
        &[("host", "127.0.0.1:8080"), ("forwarded", "for=1.2.3.4;host=evil.example")],
        &[("x-forwarded-host", "localhost"), ("host", "evil.example")],
    ] {
        let error = check(refused).expect_err("refused");
        assert!(
            matches!(error, AppError::UnknownHost { ref sent, .. } if sent.contains("evil.example")),
            "{refused:?}"
        );
    }
}

#[test]
fn only_http_1_0_may_name_no_host() {
    let hosts = hosts("127.0.0.1", &[], None);
    assert!(hosts.check(&request(Version::HTTP_10, &[])).is_ok());
    let error = hosts.check(&request(Version::HTTP_11, &[])).expect_err("HTTP/1.1 needs Host");
    assert!(error.to_string().contains("Host"), "{error}");
    assert!(hosts.check(&request(Version::HTTP_10, &[("host", "evil.example")])).is_err());
}

#[test]
fn the_refusal_names_the_host_briefly_and_the_flags() {
    let unknown = |sent: &str| AppError::UnknownHost { sent: sent.to_owned(), name: name_of(sent) };
    let detail = unknown("Evil.Example:8080").to_string();
    assert!(detail.contains("\"Evil.Example:8080\""), "{detail}");
    assert!(detail.contains("--allow-host evil.example ") && detail.contains("--public-url"), "{detail}");
    let long = unknown(&format!("{}.example", "a".repeat(60_000))).to_string();
    assert!(long.len() < 400, "{} bytes: {long}", long.len());
}
