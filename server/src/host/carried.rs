//! Every host name a request carries, as sent: the request target's authority
//! (HTTP/2's `:authority`, or an absolute-form request line), every `Host`, every
//! `X-Forwarded-Host` value and every `host=` of every `Forwarded` element. A value
//! that is not text comes back as [`UNREADABLE`], which names no host.

use axum::extract::Request;
use axum::http::{header, HeaderValue};

/// Stands for a header value that is not text.
pub const UNREADABLE: &str = "(not text)";

/// The names, in the order above; empty when the request names no host at all.
pub fn names(request: &Request) -> Vec<&str> {
    let headers = request.headers();
    let mut names: Vec<&str> = request.uri().authority().map(|authority| authority.as_str()).into_iter().collect();
    names.extend(headers.get_all(header::HOST).iter().map(text));
    names
        .extend(headers.get_all("x-forwarded-host").iter().map(text).flat_map(|value| value.split(',')).map(str::trim));
    for value in headers.get_all(header::FORWARDED).iter().map(text) {
        if value == UNREADABLE {
            names.push(value);
            continue;
        }
        let pairs = value.split([',', ';']).filter_map(|pair| pair.trim().split_once('='));
        names.extend(
            pairs
                .filter(|(key, _)| key.trim().eq_ignore_ascii_case("host"))
                .map(|(_, host)| host.trim().trim_matches('"')),
        );
    }
    names
}

/// A header value as text, or [`UNREADABLE`].
fn text(value: &HeaderValue) -> &str {
    value.to_str().unwrap_or(UNREADABLE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn request(uri: &str, headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder().uri(uri);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Body::empty()).expect("a valid request")
    }

    /// (request target, headers, the names carried)
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [&'a str]);

    #[test]
    fn every_name_is_collected() {
        let cases: &[Case] = &[
            ("/", &[], &[]),
            ("/", &[("host", "a:1")], &["a:1"]),
            ("http://b.example/x", &[("host", "a")], &["b.example", "a"]),
            ("/", &[("host", "a"), ("x-forwarded-host", "b, c"), ("x-forwarded-host", "d")], &["a", "b", "c", "d"]),
            (
                "/",
                &[("forwarded", "for=1.2.3.4;Host=\"b:8443\";proto=https, host=c"), ("forwarded", "host=d")],
                &["b:8443", "c", "d"],
            ),
            ("/", &[("forwarded", "for=1.2.3.4")], &[]),
            ("/", &[("forwarded", "host=\"a,evil\"")], &["a"]),
            ("/", &[("host", "")], &[""]),
        ];
        for (uri, headers, want) in cases {
            assert_eq!(names(&request(uri, headers)), *want, "{uri} {headers:?}");
        }
        let mut unreadable = request("/", &[]);
        unreadable.headers_mut().insert("x-forwarded-host", HeaderValue::from_bytes(b"caf\xe9").expect("obs-text"));
        assert_eq!(names(&unreadable), [UNREADABLE]);
    }
}
