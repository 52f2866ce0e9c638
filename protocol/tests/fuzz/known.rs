//! Disagreements between `from_json` and serde that this fuzz pass found and that
//! are not decided yet: each is recognised precisely (the text, rewritten to
//! avoid just that construct, must read alike) and counted, not failed. Remove an
//! entry once the reader and serde agree on it; the pass then holds them to it.

/// A known disagreement: its name, and the rewrite that avoids it (`None` when
/// the text does not contain the construct).
pub struct Known {
    pub name: &'static str,
    pub rewrite: fn(&str) -> Option<String>,
}

/// Every known disagreement.
pub const KNOWN: &[Known] = &[Known { name: "minus-zero-integer", rewrite: minus_zero_as_zero }];

/// `-0` where an integer is expected. `from_json` reads it as 0 (its unit tests say
/// so: `from_json::<u64>("-0") == Ok(0)`); serde_json reads `-0` as the float
/// `-0.0` and refuses it for an integer field ("invalid type: floating point
/// `-0.0`, expected u64"). Smallest reproduction:
/// `{"type":"heartbeat","seq":-0,"ts":1}` is a heartbeat with seq 0 for
/// `from_json::<ServerMessage>`, an error for serde.
fn minus_zero_as_zero(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut inside = false;
    let mut escaped = false;
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if inside {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => inside = false,
                _ => {}
            }
            continue;
        }
        inside = b == b'"';
        let ends_number = |at: usize| !matches!(bytes.get(at), Some(b'0'..=b'9' | b'.' | b'e' | b'E'));
        let starts_number = i == 0 || !matches!(bytes[i - 1], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-');
        if b == b'-' && bytes.get(i + 1) == Some(&b'0') && ends_number(i + 2) && starts_number {
            out.push_str(&text[run..i]);
            run = i + 1;
            changed = true;
        }
    }
    out.push_str(&text[run..]);
    changed.then_some(out)
}

#[test]
fn minus_zero_integers_are_rewritten_and_nothing_else() {
    let cases = [
        (r#"{"seq":-0,"ts":-0}"#, Some(r#"{"seq":0,"ts":0}"#)),
        (r#"[-0]"#, Some("[0]")),
        (r#"[-0.5,-01,-0e1,"-0",-10]"#, None),
    ];
    for (text, want) in cases {
        assert_eq!(minus_zero_as_zero(text).as_deref(), want, "{text}");
    }
}
