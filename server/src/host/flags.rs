//! What `--allow-host` and `--public-url` accept.

use super::name_of;

/// `--public-url`: the address browsers use to reach this server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    /// Its origin, `scheme://host[:port]` as browsers send it (no default port).
    pub origin: String,
    /// Its host name, lower case, without port or brackets.
    pub host: String,
}

/// An `--allow-host` value: a host name or IP address, with a port (ignored) or
/// not; a leading `*.` allows the names under it. Lower-cased.
pub fn allowed_host(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.contains("://") {
        return Err(format!(
            "{text:?} is a URL: give --allow-host the host name alone (e.g. pulse.example.com), or give the URL to \
             --public-url"
        ));
    }
    let (wildcard, rest) = match text.strip_prefix("*.") {
        Some(rest) => ("*.", rest),
        None => ("", text),
    };
    let name = name_of(rest);
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._:".contains(&b));
    if !ok {
        return Err(format!(
            "{text:?} is not a host name: write it as in the browser's address bar, e.g. pulse.example.com or \
             *.example.com (international names in their xn-- form)"
        ));
    }
    Ok(format!("{wildcard}{name}"))
}

/// A `--public-url` value: an `http` or `https` URL with a host, e.g.
/// `https://pulse.example.com/dash/`.
pub fn public_url(text: &str) -> Result<PublicUrl, String> {
    let text = text.trim();
    let refuse = |why: &str| {
        format!(
            "{text:?} is not a public URL: {why}; write the address browsers use, e.g. https://pulse.example.com/dash/"
        )
    };
    let (scheme, rest) = text.split_once("://").ok_or_else(|| refuse("it has no scheme"))?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => ":80",
        "https" => ":443",
        _ => return Err(refuse("the scheme must be http or https")),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("").to_ascii_lowercase();
    if authority.contains('@') {
        return Err(refuse("it must not carry a user name or password"));
    }
    let host = allowed_host(&authority).map_err(|_| refuse("it has no host name"))?;
    if host.starts_with("*.") {
        return Err(refuse("its host must be a name, not a pattern"));
    }
    let authority = authority.strip_suffix(default_port).unwrap_or(&authority);
    Ok(PublicUrl { origin: format!("{scheme}://{authority}"), host })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_hosts_are_names_with_an_optional_wildcard() {
        let cases: &[(&str, Option<&str>)] = &[
            ("pulse.example.com", Some("pulse.example.com")),
            (" Pulse.Example.COM:8443 ", Some("pulse.example.com")),
            ("*.Example.com", Some("*.example.com")),
            ("[::1]:80", Some("::1")),
            ("192.168.1.5", Some("192.168.1.5")),
            ("pulse.example.com.", Some("pulse.example.com")),
            ("", None),
            ("*", None),
            ("*.", None),
            ("https://pulse.example.com", None),
            ("a b", None),
            ("a/b", None),
            ("bücher.example", None),
            ("*.*.example", None),
        ];
        for (text, want) in cases {
            assert_eq!(allowed_host(text).ok().as_deref(), *want, "{text:?}");
        }
        assert!(allowed_host("https://a.example").unwrap_err().contains("--public-url"));
    }

    #[test]
    fn public_urls_are_http_or_https_with_a_host() {
        let url = |origin: &str, host: &str| Some(PublicUrl { origin: origin.into(), host: host.into() });
        let cases: &[(&str, Option<PublicUrl>)] = &[
            ("https://pulse.example.com/dash/", url("https://pulse.example.com", "pulse.example.com")),
            ("HTTPS://Pulse.Example.com:443", url("https://pulse.example.com", "pulse.example.com")),
            ("http://pulse.example.com:8080/?x#y", url("http://pulse.example.com:8080", "pulse.example.com")),
            ("http://[::1]:9000/", url("http://[::1]:9000", "::1")),
            ("pulse.example.com", None),
            ("ftp://pulse.example.com/", None),
            ("https:///dash/", None),
            ("https://user:pw@pulse.example.com/", None),
            ("https://*.example.com/", None),
        ];
        for (text, want) in cases {
            assert_eq!(public_url(text).ok(), *want, "{text:?}");
        }
    }
}
