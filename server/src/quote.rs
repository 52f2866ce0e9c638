//! How an error quotes back what a client sent: a short prefix, never the whole of
//! it, so a 60 KB parameter, path, origin or host does not come back as a 60 KB error.
//! Every error detail that names a client's value goes through here.

/// The most characters of a client's value an error quotes.
pub const SHOWN_CHARS: usize = 64;

/// A client's value as an error quotes it: in double quotes and escaped, cut after
/// [`SHOWN_CHARS`] characters with `…` and the full length in bytes.
pub fn shown(value: &str) -> String {
    match cut(value) {
        Some(prefix) => format!("{prefix:?}… ({} bytes)", value.len()),
        None => format!("{value:?}"),
    }
}

/// A client's value as it goes into a command line an error suggests (`--allow-origin
/// VALUE`): as it is, or cut after [`SHOWN_CHARS`] characters with `…`.
pub fn prefix(value: &str) -> String {
    match cut(value) {
        Some(prefix) => format!("{prefix}…"),
        None => value.to_owned(),
    }
}

/// The first [`SHOWN_CHARS`] characters, when there are more.
fn cut(value: &str) -> Option<&str> {
    value.char_indices().nth(SHOWN_CHARS).map(|(end, _)| &value[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_quoted_whole_and_long_ones_cut() {
        let cases: &[(&str, &str, &str)] = &[
            ("abc", "\"abc\"", "abc"),
            ("", "\"\"", ""),
            ("a\"b\n", "\"a\\\"b\\n\"", "a\"b\n"),
            (&"x".repeat(64), &format!("{:?}", "x".repeat(64)), &"x".repeat(64)),
        ];
        for (value, want_shown, want_prefix) in cases {
            assert_eq!(shown(value), *want_shown);
            assert_eq!(prefix(value), *want_prefix);
        }
        let long = "é".repeat(30_000);
        let quoted = shown(&long);
        assert!(quoted.starts_with(&format!("\"{}\"…", "é".repeat(64))), "{quoted}");
        assert!(quoted.ends_with("… (60000 bytes)"), "{quoted}");
        assert_eq!(prefix(&long), format!("{}…", "é".repeat(64)));
    }
}
