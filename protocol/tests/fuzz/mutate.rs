//! Mutations of valid JSON: flipped bytes, cuts, insertions of nasty snippets
//! (deep nesting, huge numbers, escapes, lone surrogates), numbers and strings
//! swapped for others.

use proptest::prelude::*;
use proptest::sample::Index;

/// One change to a text.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// XOR one byte with a mask.
    Flip(Index, u8),
    /// Cut the text short.
    Truncate(Index),
    /// Insert a snippet.
    Insert(Index, String),
    /// Remove up to this many bytes.
    Delete(Index, u8),
    /// Copy a run of bytes elsewhere.
    Copy(Index, Index, u8),
    /// Replace the n-th number with a snippet.
    Number(Index, String),
    /// Replace the contents of the n-th string with a snippet.
    Text(Index, String),
    /// Add a member `"name":value,` at the start of the n-th object.
    Field(Index, String, String),
}

/// A mutation, with insertions and replacements drawn from [`snippet`].
pub fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<Index>;
    prop_oneof![
        2 => (at(), 1..=u8::MAX).prop_map(|(i, mask)| Mutation::Flip(i, mask)),
        1 => at().prop_map(Mutation::Truncate),
        3 => (at(), snippet()).prop_map(|(i, s)| Mutation::Insert(i, s)),
        1 => (at(), 1..=32u8).prop_map(|(i, n)| Mutation::Delete(i, n)),
        1 => (at(), at(), 1..=32u8).prop_map(|(from, to, n)| Mutation::Copy(from, to, n)),
        3 => (at(), number()).prop_map(|(i, s)| Mutation::Number(i, s)),
        3 => (at(), string_body()).prop_map(|(i, s)| Mutation::Text(i, s)),
        3 => (at(), prop::sample::select(NAMES), member_value())
            .prop_map(|(i, name, value)| Mutation::Field(i, name.to_owned(), value)),
    ]
}

/// `text` with `mutations` applied in order (bytes that are no longer UTF-8 become U+FFFD).
pub fn apply(text: &str, mutations: &[Mutation]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for mutation in mutations {
        match mutation {
            Mutation::Flip(at, mask) if !bytes.is_empty() => {
                let at = at.index(bytes.len());
                bytes[at] ^= mask;
            }
            Mutation::Flip(..) => {}
            Mutation::Truncate(at) => bytes.truncate(at.index(bytes.len() + 1)),
            Mutation::Insert(at, snippet) => {
                let at = at.index(bytes.len() + 1);
                bytes.splice(at..at, snippet.bytes());
            }
            Mutation::Delete(at, len) => {
                let at = at.index(bytes.len() + 1);
                let end = (at + usize::from(*len)).min(bytes.len());
                bytes.drain(at..end);
            }
            Mutation::Copy(from, to, len) => {
                let from = from.index(bytes.len() + 1);
                let end = (from + usize::from(*len)).min(bytes.len());
                let run = bytes[from..end].to_vec();
                let to = to.index(bytes.len() + 1);
                bytes.splice(to..to, run);
            }
            Mutation::Number(which, with) => {
                let runs = number_runs(&bytes);
                replace_nth(&mut bytes, runs, which, with);
            }
            Mutation::Text(which, with) => {
                let runs = string_runs(&bytes);
                replace_nth(&mut bytes, runs, which, with);
            }
            Mutation::Field(which, name, value) => {
                let opens = object_starts(&bytes);
                replace_nth(&mut bytes, opens, which, &format!("\"{name}\":{value},"));
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn replace_nth(bytes: &mut Vec<u8>, runs: Vec<(usize, usize)>, which: &Index, with: &str) {
    if runs.is_empty() {
        return;
    }
    let (start, end) = runs[which.index(runs.len())];
    bytes.splice(start..end, with.bytes());
}

/// Where the numbers are: runs of number characters outside strings.
fn number_runs(bytes: &[u8]) -> Vec<(usize, usize)> {
    let number_byte = |b: u8| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E');
    let mut runs = Vec::new();
    let mut start = None;
    let mut strings = Strings::default();
    for (i, &b) in bytes.iter().enumerate() {
        let in_number = !strings.step(b) && number_byte(b);
        match (start, in_number) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                runs.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    runs.extend(start.map(|s| (s, bytes.len())));
    runs.retain(|&(s, e)| bytes[s..e].iter().any(u8::is_ascii_digit));
    runs
}

/// Where objects start: the empty run just after each `{` outside strings.
fn object_starts(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut strings = Strings::default();
    let mut starts = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        if !strings.step(b) && b == b'{' {
            starts.push((i + 1, i + 1));
        }
    }
    starts
}

/// The value of an added member: of the right type for some field, or not.
fn member_value() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => number(),
        2 => prop::sample::select(NAMES).prop_map(|name| format!("\"{name}\"")),
        1 => string_body().prop_map(|s| format!("\"{s}\"")),
        1 => prop::sample::select(&["null", "true", "[]", "{}", "[1.5,null]", "{\"a\":1}", "{\"series\":[]}"][..])
            .prop_map(str::to_owned),
    ]
}

/// Where the contents of strings are (between their quotes).
fn string_runs(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut open = None;
    let mut strings = Strings::default();
    for (i, &b) in bytes.iter().enumerate() {
        let inside = strings.step(b);
        match (open, inside) {
            (None, true) => open = Some(i + 1),
            (Some(s), false) => {
                runs.push((s, i));
                open = None;
            }
            _ => {}
        }
    }
    runs
}

/// A scan that knows whether it is inside a string (quotes included), enough to aim mutations.
#[derive(Default)]
struct Strings {
    inside: bool,
    escaped: bool,
}

impl Strings {
    /// Takes one byte; tells whether it belongs to a string.
    fn step(&mut self, b: u8) -> bool {
        if !self.inside {
            self.inside = b == b'"';
            return self.inside;
        }
        match b {
            _ if self.escaped => self.escaped = false,
            b'\\' => self.escaped = true,
            b'"' => {
                self.inside = false;
                return false;
            }
            _ => {}
        }
        true
    }
}

/// Text that breaks readers: structure, numbers, escapes and non-JSON lookalikes.
pub fn snippet() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(SNIPPETS).prop_map(str::to_owned),
        1 => (1usize..=100_000).prop_map(|n| "[".repeat(n)),
        1 => (1usize..=20_000).prop_map(|n| r#"{"a":"#.repeat(n)),
        1 => (120usize..=136).prop_map(nested),
        2 => number(),
        2 => string_body().prop_map(|s| format!("\"{s}\"")),
        1 => any::<char>().prop_map(String::from),
    ]
}

/// A balanced nesting `depth` deep, around the depth limit of both readers (128).
pub fn nested(depth: usize) -> String {
    "[".repeat(depth) + &"]".repeat(depth)
}

/// Numbers at and past every edge: integer widths, `f64` range, long digit strings, bad syntax.
pub fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(NUMBERS).prop_map(str::to_owned),
        1 => (1usize..=5_000, "[1-9]").prop_map(|(n, d)| d + &"9".repeat(n)),
        1 => (1usize..=5_000).prop_map(|n| format!("0.{}1", "0".repeat(n))),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(|x| format!("{x:?}")),
        1 => (any::<u32>(), any::<i32>()).prop_map(|(m, e)| format!("{m}e{e}")),
    ]
}

/// The inside of a string: escapes good and bad, surrogates paired and lone, raw controls.
pub fn string_body() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(ESCAPES).prop_map(str::to_owned),
            1 => (0xD800u32..0xE000).prop_map(|u| format!("\\u{u:04x}")),
            1 => any::<u16>().prop_map(|u| format!("\\u{u:04X}")),
            2 => any::<char>().prop_map(String::from),
            2 => prop::sample::select(NAMES).prop_map(str::to_owned),
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat())
}

/// Field names and `type` tags of the wire types, so mutated texts stay close to real ones.
#[rustfmt::skip]
pub const NAMES: &[&str] = &[
    "type", "hello", "frame", "heartbeat", "gap", "bye", "protocol", "epoch", "seq", "catalog", "heartbeat_ms",
    "interval_ms", "history_ms", "server_time", "ts", "host", "values", "top", "pid", "name", "cpu", "mem",
    "reason", "next_seq", "missed", "retry_ms", "too_old", "epoch_changed", "lagged", "series", "id", "group",
    "label", "unit", "kind", "percent", "gauge", "rate", "next", "messages", "first_seq", "last_seq", "error",
    "detail",
];

/// Pieces of a string's inside.
#[rustfmt::skip]
const ESCAPES: &[&str] = &[
    r"\\", r#"\""#, r"\/", r"\b", r"\f", r"\n", r"\r", r"\t", r"\u0000", r"\u001f", r"\u00e9", r"\uFFFF",
    r"\ud83d\ude00", r"\ud800", r"\udc00", r"\ud800\u0041", r"\ud800\ud800", r"\udbff\udfff", r"\u", r"\u12",
    r"\u12G4", r"\x41", r"\", r"\'", "\u{0}", "\u{1f}", "\u{7f}", "\t", "\n", "é", "😀", "\u{feff}",
];

/// Number texts, valid and not.
#[rustfmt::skip]
const NUMBERS: &[&str] = &[
    "0", "-0", "-0.0", "1", "-1", "01", "-01", "00", "1.", ".5", "1e", "1e+", "1E-", "+1", "--1", "0x10", "NaN",
    "-NaN", "Infinity", "-Infinity", "1_000", "4294967295", "4294967296", "-4294967296", "9223372036854775807",
    "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
    "18446744073709551616", "-18446744073709551616", "99999999999999999999", "1e308", "1e309", "-1e309",
    "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1.797693134862316e308",
    "2.2250738585072011e-308", "2.2250738585072014e-308", "4.9e-324", "5e-324", "2.4703282292062327e-324",
    "2.4703282292062328e-324", "1e-400", "1e400", "1e999999999999", "1e-999999999999", "1e2147483648",
    "1e-2147483649", "123456789012345678901234567890", "0.1e1", "1.0", "1.5", "12.5e-1", "1e0", "0e0", "-0e-0",
    "100000000000000000000000e-20",
];

/// Structure and lookalikes: what a cut, a doubled field or a hand-edited message holds.
#[rustfmt::skip]
const SNIPPETS: &[&str] = &[
    "{", "}", "[", "]", ":", ",", "\"", "\\", " ", "\t", "\r\n", "\u{a0}", "\u{feff}", "\u{2028}", "null", "true",
    "false", "nul", "tru", "None", "undefined", "{}", "[]", "[,]", "{,}", ",,", "::", "\"\"", "\"type\":\"bye\",",
    "\"type\":\"hello\",", "\"type\":\"frame\",", "\"type\":\"gap\",", "\"type\":\"heartbeat\",", "\"type\":7,",
    "\"type\":null,", "\"seq\":1,", "\"seq\":-1,", "\"seq\":1.5,", "\"seq\":\"1\",", "\"ts\":1,",
    "\"reason\":\"x\",", "\"reason\":\"lagged\",", "\"retry_ms\":1,", "\"missed\":null,", "\"top\":null,",
    "\"top\":[],", "\"values\":{},", "\"x\":[1,{\"a\":null}],", "/*c*/", "//c\n", "'a'", "\u{0}", "\u{1}", "\u{7f}",
    "😀", "\u{fffd}",
];
