//! Who an agent says it is: the headers of its upgrade request, checked (protocol,
//! host id, name, tags; its token is `crate::gate`'s). Every refusal names the header or flag.

use std::collections::BTreeMap;

use axum::http::HeaderMap;
use percent_encoding::percent_decode_str;
use pulse_protocol::agent::{HEADER_HOST_ID, HEADER_HOST_NAME, HEADER_HOST_TAGS, HEADER_PROTOCOL};
use pulse_protocol::{agent_version, AgentVersion, MIN_AGENT_PROTOCOL, PROTOCOL_VERSION, UNSTATED_PROTOCOL};

use crate::error::AppError;
use crate::quote::shown;
use crate::routes::params::bad;

/// A checked agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The host's stable id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// Its tags.
    pub tags: BTreeMap<String, String>,
    /// The agent's protocol version.
    pub protocol: u32,
}

/// The most tags one host may carry.
const MAX_TAGS: usize = 32;

/// The agent's protocol, host id, name and tags, from its headers (its token was
/// checked before, by `crate::gate`: nothing is read from a stranger).
pub fn identify(headers: &HeaderMap) -> Result<Identity, AppError> {
    for name in [HEADER_PROTOCOL, HEADER_HOST_ID, HEADER_HOST_NAME, HEADER_HOST_TAGS] {
        if headers.get_all(name).iter().count() > 1 {
            return Err(bad(format!("{name} may be given once")));
        }
        if headers.get(name).is_some_and(|v| v.to_str().is_err()) {
            return Err(bad(format!("{name} must be ASCII (percent-encode the rest as UTF-8)")));
        }
    }
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let protocol = match text(HEADER_PROTOCOL) {
        None => UNSTATED_PROTOCOL,
        Some(v) => {
            v.trim().parse::<u32>().map_err(|_| bad(format!("{HEADER_PROTOCOL} must be a number, got {}", shown(v))))?
        }
    };
    match agent_version(protocol, PROTOCOL_VERSION, MIN_AGENT_PROTOCOL) {
        AgentVersion::Accepted => {}
        AgentVersion::TooNew => return Err(AppError::ProtocolTooNew { agent: protocol, hub: PROTOCOL_VERSION }),
        AgentVersion::TooOld => {
            let (hub, min_agent) = (PROTOCOL_VERSION, MIN_AGENT_PROTOCOL);
            return Err(AppError::ProtocolTooOld { agent: protocol, hub, min_agent });
        }
    }
    let id = text(HEADER_HOST_ID).ok_or_else(|| bad(format!("{HEADER_HOST_ID} is missing")))?;
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)) {
        return Err(bad(format!("{HEADER_HOST_ID} must be 1 to 64 of [A-Za-z0-9._-], got {}", shown(id))));
    }
    let name = match text(HEADER_HOST_NAME) {
        Some(raw) => decode(raw).map_err(|why| bad(format!("{HEADER_HOST_NAME} {why}, got {}", shown(raw))))?,
        None => id.to_owned(),
    };
    // A frame names its host by this name, and a browser files it there: `@fleet`
    // is the summary's.
    if name.is_empty() || name.len() > 128 || name.chars().any(char::is_control) || name.starts_with('@') {
        return Err(bad(format!(
            "{HEADER_HOST_NAME} must be 1 to 128 bytes of text, not starting with @, got {}",
            shown(&name)
        )));
    }
    let tags = tags(text(HEADER_HOST_TAGS).unwrap_or(""))?;
    Ok(Identity { id: id.to_owned(), name, tags, protocol })
}

/// `k=v,k2=v2`, each part percent-encoded.
fn tags(raw: &str) -> Result<BTreeMap<String, String>, AppError> {
    let mut tags = BTreeMap::new();
    for pair in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) =
            pair.split_once('=').ok_or_else(|| bad(format!("{HEADER_HOST_TAGS}: {} is not key=value", shown(pair))))?;
        let decoded = |part: &str| {
            decode(part.trim()).map_err(|why| bad(format!("{HEADER_HOST_TAGS}: {why} in {}", shown(pair))))
        };
        let (key, value) = (decoded(key)?, decoded(value)?);
        if key.is_empty()
            || key.len() > 64
            || value.len() > 128
            || key.chars().chain(value.chars()).any(char::is_control)
        {
            return Err(bad(format!("{HEADER_HOST_TAGS}: tag {} is empty or too long", shown(pair))));
        }
        tags.insert(key, value);
    }
    if tags.len() > MAX_TAGS {
        return Err(bad(format!("{HEADER_HOST_TAGS}: at most {MAX_TAGS} tags")));
    }
    Ok(tags)
}

/// Strict percent-decoding (`+` stays a plus): `Err` saying what is wrong when a
/// `%` is not followed by two hex digits or the bytes are not UTF-8 (a lenient
/// decoder would list `%ZZ%ff` as `%ZZ\u{fffd}`).
fn decode(text: &str) -> Result<String, &'static str> {
    let well_formed = text
        .split('%')
        .skip(1)
        .all(|after| after.as_bytes().get(..2).is_some_and(|pair| pair.iter().all(u8::is_ascii_hexdigit)));
    if !well_formed {
        return Err("is not valid percent-encoding (a % must be followed by two hex digits)");
    }
    match percent_decode_str(text).decode_utf8() {
        Ok(decoded) => Ok(decoded.into_owned()),
        Err(_) => Err("is not percent-encoded UTF-8"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn a_hub_takes_agents_of_every_protocol_it_reads_and_names_the_rest() {
        let newer = (PROTOCOL_VERSION + 1).to_string();
        let oldest = MIN_AGENT_PROTOCOL.to_string();
        let own = PROTOCOL_VERSION.to_string();
        let older = MIN_AGENT_PROTOCOL.saturating_sub(1).to_string();
        // (the header, what the hub makes of it)
        let cases: [(Option<&str>, Result<u32, &str>); 8] = [
            (None, Ok(UNSTATED_PROTOCOL)),
            (Some(&own), Ok(PROTOCOL_VERSION)),
            (Some(&oldest), Ok(MIN_AGENT_PROTOCOL)),
            (Some(" 1 "), Ok(1)),
            (Some(&newer), Err("protocol_too_new")),
            (Some(&older), Err("protocol_too_old")),
            (Some("4294967296"), Err("bad_request")),
            (Some("v1"), Err("bad_request")),
        ];
        for (header, want) in cases {
            let mut pairs = vec![("authorization", "Bearer t0k"), ("pulse-host-id", "a")];
            pairs.extend(header.map(|value| ("pulse-protocol", value)));
            let got = identify(&headers(&pairs)).map(|who| who.protocol).map_err(|e| e.code().1);
            assert_eq!(got, want, "{header:?}");
        }
    }

    #[test]
    fn names_and_tags_must_be_strict_percent_encoded_utf8() {
        // (the name header, the name listed, or what the 400 says)
        let cases: [(&str, Result<&str, &str>); 9] = [
            ("web%201", Ok("web 1")),
            ("B%C3%BCro", Ok("Büro")),
            ("a+b", Ok("a+b")),
            ("100%25", Ok("100%")),
            ("%ZZ", Err("pulse-host-name is not valid percent-encoding")),
            ("%ff", Err("pulse-host-name is not percent-encoded UTF-8")),
            ("%ZZ%ff", Err("not valid percent-encoding")),
            ("cut%4", Err("not valid percent-encoding")),
            ("end%", Err("not valid percent-encoding")),
        ];
        for (raw, want) in cases {
            let got = identify(&headers(&[("pulse-host-id", "a"), ("pulse-host-name", raw)]));
            match (got, want) {
                (Ok(who), Ok(name)) => assert_eq!(who.name, name, "{raw}"),
                (Err(error), Err(words)) => assert!(error.to_string().contains(words), "{raw}: {error}"),
                (got, want) => panic!("{raw}: got {got:?}, want {want:?}"),
            }
        }
        let tag = identify(&headers(&[("pulse-host-id", "a"), ("pulse-host-tags", "env=%E2%28")]));
        assert!(
            matches!(&tag, Err(e) if e.to_string().contains("pulse-host-tags: is not percent-encoded UTF-8")),
            "{tag:?}"
        );
        let mut map = HeaderMap::new();
        map.insert("pulse-host-id", HeaderValue::from_static("a"));
        map.insert("pulse-host-name", HeaderValue::from_bytes(b"B\xfcro").unwrap());
        let raw = identify(&map);
        assert!(matches!(&raw, Err(e) if e.to_string().contains("pulse-host-name must be ASCII")), "{raw:?}");
        map.append("pulse-host-id", HeaderValue::from_static("b"));
        let twice = identify(&map);
        assert!(matches!(&twice, Err(e) if e.to_string().contains("pulse-host-id may be given once")), "{twice:?}");
    }

    #[test]
    fn identity_headers() {
        let ok = identify(&headers(&[
            ("authorization", "Bearer t0k"),
            ("pulse-host-id", "web-1"),
            ("pulse-host-name", "web%201"),
            ("pulse-host-tags", "role=web, dc=eu%2Cwest"),
            ("pulse-protocol", "1"),
        ]))
        .unwrap();
        assert_eq!(ok.name, "web 1");
        assert_eq!(ok.tags["dc"], "eu,west");
        assert_eq!(ok.tags["role"], "web");
        let base = [("authorization", "Bearer t0k")];
        let with = |extra: (&'static str, &str)| identify(&headers(&[base[0], extra]));
        assert!(with(("pulse-host-id", "a b")).is_err());
        assert!(with(("pulse-host-id", &"x".repeat(65))).is_err());
        let fleet = identify(&headers(&[base[0], ("pulse-host-id", "a"), ("pulse-host-name", "%40fleet")]));
        assert!(matches!(&fleet, Err(e) if e.to_string().contains("not starting with @")), "{fleet:?}");
        assert!(matches!(
            identify(&headers(&[base[0], ("pulse-host-id", "a"), ("pulse-protocol", "99")])),
            Err(AppError::ProtocolTooNew { agent: 99, .. })
        ));
        assert!(identify(&headers(&[base[0], ("pulse-host-id", "a"), ("pulse-host-tags", "novalue")])).is_err());
        assert_eq!(identify(&headers(&[base[0], ("pulse-host-id", "a")])).unwrap().name, "a");
    }
}
