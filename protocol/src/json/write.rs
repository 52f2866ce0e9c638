//! Writing the few JSON bodies the web app sends (sign-in, new tokens, share links
//! and users): strings quoted and escaped as serde writes them, so the page needs
//! no serializer for a handful of flat objects.

/// `text` as a JSON string, quotes included.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[(c as usize) >> 4]));
                out.push(char::from(HEX[(c as usize) & 0xf]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A flat JSON object of string fields, in the given order.
pub fn object(fields: &[(&str, &str)]) -> String {
    let mut out = String::from("{");
    for (i, (key, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&quote(key));
        out.push(':');
        out.push_str(&quote(value));
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_quoted_as_serde_quotes_them() {
        for text in
            ["", "ada", "pass \"word\"", "back\\slash", "tab\tnew\nline\r", "\u{1}\u{1f}", "é 日本 🦀", "</script>"]
        {
            assert_eq!(quote(text), serde_json::to_string(text).expect("serde"), "{text:?}");
            assert_eq!(crate::from_json::<String>(&quote(text)).as_deref(), Ok(text), "read back: {text:?}");
        }
    }

    #[test]
    fn objects_read_back_with_serde() {
        let body = object(&[("user", "ada"), ("password", "p\"w")]);
        let read: crate::access::SignIn = serde_json::from_str(&body).expect("serde reads it");
        assert_eq!((read.user.as_str(), read.password.as_str()), ("ada", "p\"w"));
        assert_eq!(object(&[]), "{}");
    }
}
