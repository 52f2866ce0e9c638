//! The page's Content-Security-Policy, worked out from the `index.html` it is sent
//! with: Trunk's page boots the app from an inline `<script type="module">`, which is
//! allowed by its SHA-256 hash rather than by `'unsafe-inline'`.
//!
//! What the app needs, and nothing else: its own scripts and WebAssembly (`'self'`,
//! `'wasm-unsafe-eval'`); inline styles, since Leptos sets `style` attributes
//! (`'unsafe-inline'` in `style-src` only); connections to itself and to whatever
//! server `?server=` or `config.json` points it at, over HTTP, SSE or WebSocket
//! (`http: https: ws: wss:`); images from itself and `data:` (the favicon). No
//! plugins, no `<base>`, no framing, no form posts.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The policy for a page whose HTML is `html`.
pub fn policy(html: &str) -> String {
    let hashes: String = inline_scripts(html).map(|script| format!(" 'sha256-{}'", hash(script))).collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self' http: https: ws: wss:; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'none'"
    )
}

/// The text of every `<script>` element without a `src` attribute, exactly as the
/// browser hashes it (everything between the start tag and `</script`).
pub fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    let mut rest = html;
    std::iter::from_fn(move || loop {
        let start = find_ignoring_case(rest, "<script")?;
        let after_name = &rest[start + "<script".len()..];
        // `<scripts>` or `<script-x>` is another element.
        if !after_name.starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/') {
            rest = after_name;
            continue;
        }
        let tag_end = after_name.find('>')?;
        let attributes = &after_name[..tag_end];
        let body = &after_name[tag_end + 1..];
        let end = find_ignoring_case(body, "</script").unwrap_or(body.len());
        rest = &body[end..];
        if !has_attribute(attributes, "src") {
            return Some(&body[..end]);
        }
    })
}

/// The base64 SHA-256 of `text`, as CSP writes hashes.
fn hash(text: &str) -> String {
    STANDARD.encode(Sha256::digest(text.as_bytes()))
}

fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack.as_bytes().windows(needle.len()).position(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Whether a start tag's attribute text (`type="module" src=x.js`) has `name`.
fn has_attribute(attributes: &str, name: &str) -> bool {
    let mut rest = attributes.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
    while !rest.is_empty() {
        let name_end = rest.find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '/').unwrap_or(rest.len());
        if rest[..name_end].eq_ignore_ascii_case(name) {
            return true;
        }
        rest = rest[name_end..].trim_start();
        if let Some(value) = rest.strip_prefix('=') {
            let value = value.trim_start();
            rest = match value.chars().next() {
                Some(quote @ ('"' | '\'')) => value[1..].find(quote).map_or("", |end| &value[end + 2..]),
                _ => value.find(|c: char| c.is_ascii_whitespace()).map_or("", |end| &value[end..]),
            };
        }
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_found_and_external_ones_skipped() {
        let cases: &[(&str, &[&str])] = &[
            ("<title>x</title>", &[]),
            ("<script type=\"module\">boot()</script>", &["boot()"]),
            ("<SCRIPT>a</SCRIPT><script src=\"x.js\"></script><script>\nb\n</script>", &["a", "\nb\n"]),
            ("<script type=module src=./x.js></script>", &[]),
            ("<script data-src=\"x.js\">c</script>", &["c"]),
            ("<script title='a src b'>d</script>", &["d"]),
            ("<scripts>no</scripts><script>e</script>", &["e"]),
            ("<script>unclosed", &["unclosed"]),
            ("<script", &[]),
        ];
        for (html, want) in cases {
            assert_eq!(inline_scripts(html).collect::<Vec<_>>(), *want, "{html}");
        }
    }

    #[test]
    fn the_policy_allows_exactly_the_inline_scripts_by_hash() {
        // printf 'boot()' | openssl dgst -sha256 -binary | base64
        let page = policy("<script type=\"module\">boot()</script><script src=\"app.js\"></script>");
        assert!(page.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"), "{page}");
        assert!(page.contains("'sha256-MeZS89WlF0u+o0hCvHTBt4q1WHU+U+sJKgbdRUc36mY='"), "{page}");
        assert_eq!(page.matches("'sha256-").count(), 1, "{page}");
        assert!(!page.contains("script-src 'self' 'unsafe-inline'"), "{page}");
        for directive in ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "img-src 'self' data:"] {
            assert!(page.contains(directive), "{directive}: {page}");
        }
    }
}
