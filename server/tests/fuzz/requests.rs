//! Raw HTTP/1.1 requests, well-formed and not: methods, targets (long,
//! percent-encoded, `..`, NUL, bytes that are not UTF-8), the query parameters of
//! every API route, the headers the server reads (resume, origin, host, proxy,
//! WebSocket handshake) with values good, bad and absurd, and plain garbage.
//!
//! A request is built as text with placeholders (`@port@`, `@epoch@`, `@seq@`,
//! `@series@`) filled in for the server under test by [`Request::render`]. Every
//! request ends its head with an empty line, so the server always has a whole
//! request to answer: a case that gets no answer is the server's fault.

use proptest::collection::vec;
use proptest::prelude::*;

/// What the placeholders stand for.
#[derive(Debug, Clone)]
pub struct Context {
    pub port: u16,
    /// This server run's epoch.
    pub epoch: String,
    /// A seq that exists.
    pub seq: u64,
    /// A series id the server has.
    pub series: String,
}

/// One request: bytes that are sent as they are, after the placeholders are filled.
#[derive(Clone)]
pub struct Request {
    pub method: Vec<u8>,
    pub target: Vec<u8>,
    pub version: Vec<u8>,
    /// `Host: 127.0.0.1:PORT` first (most requests), or not.
    pub host: bool,
    pub headers: Vec<(Vec<u8>, Vec<u8>)>,
    /// `Connection: close` last, so the server closes after answering (unless a
    /// generated `Connection` header came first).
    pub close: bool,
    /// Anything at all instead of a request line and headers (garbage cases).
    pub raw: Option<Vec<u8>>,
}

impl Request {
    /// The bytes to send, placeholders filled, ending with an empty line.
    pub fn render(&self, context: &Context) -> Vec<u8> {
        let mut out = Vec::new();
        match &self.raw {
            Some(raw) => {
                out.extend_from_slice(raw);
                out.extend_from_slice(b"\r\n");
            }
            None => {
                for part in [&self.method[..], b" ", &self.target, b" ", &self.version, b"\r\n"] {
                    out.extend_from_slice(part);
                }
                if self.host {
                    out.extend_from_slice(b"Host: 127.0.0.1:@port@\r\n");
                }
                for (name, value) in &self.headers {
                    for part in [&name[..], b": ", value, b"\r\n"] {
                        out.extend_from_slice(part);
                    }
                }
                if self.close {
                    out.extend_from_slice(b"Connection: close\r\n");
                }
            }
        }
        out.extend_from_slice(b"\r\n");
        fill(&out, context)
    }
}

/// Whether rendered request bytes ask for a HEAD (whose answer has no body).
pub fn is_head(request: &[u8]) -> bool {
    request.starts_with(b"HEAD ")
}

/// The request as it reads in a failure report: its bytes with the placeholders, escaped.
impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let context = Context { port: 0, epoch: "@epoch@".into(), seq: 0, series: "@series@".into() };
        let bytes = self.render(&context);
        write!(f, "b\"{}\"", bytes.escape_ascii())
    }
}

fn fill(bytes: &[u8], context: &Context) -> Vec<u8> {
    let replacements: [(&[u8], String); 4] = [
        (b"@port@", context.port.to_string()),
        (b"@epoch@", context.epoch.clone()),
        (b"@seq@", context.seq.to_string()),
        (b"@series@", context.series.clone()),
    ];
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    'bytes: while i < bytes.len() {
        if bytes[i] == b'@' {
            for (from, to) in &replacements {
                if bytes[i..].starts_with(from) {
                    out.extend_from_slice(to.as_bytes());
                    i += from.len();
                    continue 'bytes;
                }
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// Requests to any route, mostly well-formed, each part sometimes absurd.
pub fn any_request() -> impl Strategy<Value = Request> {
    (method(), target(), version(), prop::bool::weighted(0.9), vec(header(), 0..5), prop::bool::weighted(0.9)).prop_map(
        |(method, target, version, host, headers, close)| Request {
            method,
            target,
            version,
            host,
            headers,
            close,
            raw: None,
        },
    )
}

/// WebSocket openings: the four handshake headers present or not, right or wrong,
/// repeated, in any case, on `/api/v1/ws` (mostly) with a resume query or not.
pub fn handshake() -> impl Strategy<Value = Request> {
    let method = prop_oneof![12 => Just(b"GET".to_vec()), 1 => method()];
    let version = prop_oneof![12 => Just(b"HTTP/1.1".to_vec()), 1 => version()];
    let path =
        prop_oneof![8 => Just("/api/v1/ws".to_owned()), 1 => Just("/api/v1/sse".to_owned()), 1 => Just("/".to_owned())];
    let target = (path, prop::option::weighted(0.5, query())).prop_map(|(path, query)| match query {
        Some(query) => format!("{path}?{query}").into_bytes(),
        None => path.into_bytes(),
    });
    // Mostly all four right headers, some dropped, some added (wrong, repeated, lookalikes), in any order.
    let opening = (any::<[bool; 4]>(), prop::bool::weighted(0.6), vec(handshake_header(), 0..3)).prop_flat_map(
        |(drop, keep_all, extra)| {
            let mut headers: Vec<(Vec<u8>, Vec<u8>)> = GOOD_HANDSHAKE
                .iter()
                .zip(drop)
                .filter(|(_, drop)| keep_all || !drop)
                .map(|((n, v), _)| (n.as_bytes().to_vec(), v.as_bytes().to_vec()))
                .collect();
            headers.extend(extra);
            Just(headers).prop_shuffle()
        },
    );
    (method, target, version, opening, vec(header(), 0..3), prop::bool::weighted(0.95)).prop_map(
        |(method, target, version, mut headers, extra, host)| {
            headers.extend(extra);
            Request { method, target, version, host, headers, close: false, raw: None }
        },
    )
}

/// The headers of a WebSocket opening that the server accepts (RFC 6455's example key).
const GOOD_HANDSHAKE: [(&str, &str); 4] = [
    ("Connection", "Upgrade"),
    ("Upgrade", "websocket"),
    ("Sec-WebSocket-Version", "13"),
    ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
];

/// Bytes that are hardly HTTP: noise, other protocols, mangled requests.
pub fn garbage() -> impl Strategy<Value = Request> {
    let noise = prop_oneof![
        vec(any::<u8>(), 1..512),
        vec(prop::sample::select(b"GET /api HTTP/1.1\r\n:; ?&=%\0\x7f\xff\t".to_vec()), 1..256),
        prop::sample::select(OTHER_PROTOCOLS).prop_map(|bytes| bytes.to_vec()),
        (any_request(), vec((any::<prop::sample::Index>(), any::<u8>()), 1..6)).prop_map(|(request, flips)| {
            let mut bytes = request.render(&Context { port: 1, epoch: "e".into(), seq: 1, series: "s".into() });
            for (at, byte) in flips {
                let at = at.index(bytes.len());
                bytes[at] = byte;
            }
            bytes
        }),
    ];
    // Leading empty lines are skipped by HTTP servers: start with something else,
    // so the server always has a whole (bad) request in front of it.
    noise.prop_map(|mut raw| {
        if matches!(raw.first(), None | Some(b'\r' | b'\n' | b' ')) {
            raw.insert(0, b'X');
        }
        Request {
            method: vec![],
            target: vec![],
            version: vec![],
            host: false,
            headers: vec![],
            close: false,
            raw: Some(raw),
        }
    })
}

/// An HTTP/2 preface, a TLS hello, SSH, a proxy protocol line.
const OTHER_PROTOCOLS: &[&[u8]] = &[
    b"PRI * HTTP/2.0\r\n\r\nSM",
    b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03",
    b"SSH-2.0-OpenSSH_9.6",
    b"PROXY TCP4 127.0.0.1 127.0.0.1 1 2\r\nGET / HTTP/1.1",
    b"GET / HTTP/1.1\r\nHost: a\r\n\tfolded",
];

fn method() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        24 => Just(b"GET".to_vec()),
        2 => prop::sample::select(vec!["HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"])
            .prop_map(|m| m.as_bytes().to_vec()),
        1 => prop::sample::select(vec!["get", "Get", "GETT", "G", "PRI", "M-SEARCH", "PROPFIND"])
            .prop_map(|m| m.as_bytes().to_vec()),
        1 => "[A-Z]{1,16}".prop_map(String::into_bytes),
        1 => vec(line_byte(), 0..12),
    ]
}

fn version() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        24 => Just(b"HTTP/1.1".to_vec()),
        1 => prop::sample::select(vec!["HTTP/1.0", "HTTP/2.0", "HTTP/0.9", "HTTP/1.2", "HTTP/9.9", "http/1.1", "HTTP/1", ""])
            .prop_map(|v| v.as_bytes().to_vec()),
        1 => vec(line_byte(), 0..10),
    ]
}

/// A byte of a line: anything but CR and LF.
fn line_byte() -> impl Strategy<Value = u8> {
    any::<u8>().prop_filter("no line breaks", |b| *b != b'\r' && *b != b'\n')
}

/// The request target: a route with a query, a route with junk after it, junk, or odd forms.
fn target() -> impl Strategy<Value = Vec<u8>> {
    let routed = (prop::sample::select(ROUTES), prop::option::weighted(0.7, query()))
        .prop_map(|(route, query)| query.map_or(route.to_owned(), |q| format!("{route}?{q}")).into_bytes());
    prop_oneof![
        12 => routed,
        3 => (prop::sample::select(ROUTES), vec(path_piece(), 1..6)).prop_map(|(route, pieces)| {
            let mut target = route.as_bytes().to_vec();
            pieces.into_iter().for_each(|piece| target.extend(piece));
            target
        }),
        1 => (1usize..=70_000).prop_map(|n| format!("/{}", "a".repeat(n)).into_bytes()),
        1 => (1usize..=2_000).prop_map(|n| format!("/api/v1/poll?{}", "since=1&".repeat(n)).into_bytes()),
        1 => prop::sample::select(vec![
            "*", "", "/", "//", "http://127.0.0.1:@port@/api/v1/poll", "http://evil.example/healthz",
            "127.0.0.1:@port@", "https://127.0.0.1:@port@/api/v1/series", "/api/v1/poll#frag", "?since=1", "api/v1/poll",
        ])
        .prop_map(|t| t.as_bytes().to_vec()),
        1 => vec(line_byte(), 0..64),
    ]
}

/// Every route and a few near misses.
const ROUTES: &[&str] = &[
    "/api/v1/poll",
    "/api/v1/poll",
    "/api/v1/history",
    "/api/v1/history",
    "/api/v1/sse",
    "/api/v1/ws",
    "/api/v1/series",
    "/healthz",
    "/",
    "/index.html",
    "/config.json",
    "/api",
    "/api/",
    "/api/v1",
    "/api/v1/",
    "/api/v2/poll",
    "/API/V1/POLL",
    "/api/v1/poll/",
    "/healthz/",
];

/// A piece of a path: traversal, encodings good and bad, NUL, bytes past ASCII.
fn path_piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "/", "..", "/..", "/../..", ".", "%2e%2e", "%2E%2E%2f", "%2f", "%5c", "\\", "//", "%00", "%", "%zz", "%f",
            "%ff", "%c3%a9", "%e2%82", "~", "'", "\"", "<", ">", "{", "}", "|", "^", "`", "[", "]", ";x=1", "#", "@",
            "%20", "+", "%2b", "é", "\u{1f600}", "%u0041", "%25", "%252e%252e",
        ])
        .prop_map(|p| p.as_bytes().to_vec()),
        2 => "[a-zA-Z0-9._-]{1,12}".prop_map(String::into_bytes),
        1 => Just(vec![0u8]),
        1 => vec(0x80u8..=0xff, 1..8),
        1 => vec(0x01u8..0x20, 1..3).prop_filter("no line breaks", |b| !b.contains(&b'\r') && !b.contains(&b'\n')),
    ]
}

/// A query string for the API routes: their parameters, repeated or not, with any values.
fn query() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        8 => prop::sample::select(vec!["since", "epoch", "wait", "from", "series", "hello"]).prop_map(str::to_owned),
        1 => prop::sample::select(vec!["Since", "since[]", "", "%73ince", "since%00", "wait ", "é"]).prop_map(str::to_owned),
        1 => "[a-z]{0,6}",
    ];
    let separator = prop_oneof![8 => Just("&"), 1 => Just("&&"), 1 => Just(";"), 1 => Just("&=&")];
    vec((key, prop::option::weighted(0.95, value()), separator), 0..7).prop_map(|pairs| {
        let mut out = String::new();
        for (key, value, separator) in pairs {
            out.push_str(&key);
            if let Some(value) = value {
                out.push('=');
                out.push_str(&value);
            }
            out.push_str(separator);
        }
        out
    })
}

/// A parameter value: valid ones for this server, numbers at every edge, encodings, junk.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(VALUES).prop_map(str::to_owned),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(|x| x.to_string()),
        1 => (1usize..=20_000).prop_map(|n| "9".repeat(n)),
        1 => (1usize..=20_000).prop_map(|n| "a".repeat(n)),
        1 => "[ -~]{0,16}".prop_map(|s| s.replace(' ', "+").replace('#', "%23")),
    ]
}

const VALUES: &[&str] = &[
    "",
    "0",
    "1",
    "2",
    "-1",
    "-0",
    "+1",
    "1.5",
    "0.05",
    "0.1",
    "1e3",
    "1e308",
    "1e309",
    "-1e309",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "infinity",
    "0x10",
    "1_000",
    "30",
    "31",
    "30.000001",
    "0.0001",
    "1e-400",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999999",
    "abc",
    "e1",
    "ABC",
    "a-b",
    "@epoch@",
    "@epoch@",
    "@epoch@",
    "@epoch@x",
    "@seq@",
    "@seq@",
    "@series@",
    "@series@,@series@",
    "@series@,nope",
    ",",
    ",,",
    "%00",
    "%ff%fe",
    "%",
    "%zz",
    "%2",
    "+",
    "%2B",
    "%20",
    "é",
    "%C3%A9",
    "%C3",
    "\u{1f600}",
    "0123456789abcdefghijklmnopqrstuvw",
    "0123456789abcdefghijklmnopqrstuv",
    "1,2",
    "[1]",
    "{}",
    "null",
    "true",
    "1;2",
    "1&since=2",
];

/// A header the server reads, or any other, with values good, bad and absurd.
fn header() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    let pick = |table: &'static [(&'static str, &'static [&'static str])]| {
        (prop::sample::select(table), any::<prop::sample::Index>()).prop_map(|((name, values), i)| {
            (name.as_bytes().to_vec(), values[i.index(values.len())].as_bytes().to_vec())
        })
    };
    prop_oneof![
        12 => pick(HEADER_VALUES),
        2 => pick(FRAMING),
        2 => ("[A-Za-z0-9-]{1,20}", "[ -~]{0,40}").prop_map(|(n, v)| (n.into_bytes(), v.into_bytes())),
        1 => (vec(line_byte(), 0..16), vec(line_byte(), 0..64)),
        1 => (prop::sample::select(HEADER_NAMES), vec(line_byte(), 0..64)).prop_map(|(n, v)| (n.as_bytes().to_vec(), v)),
        1 => (prop::sample::select(HEADER_NAMES), 1usize..=100_000)
            .prop_map(|(n, len)| (n.as_bytes().to_vec(), vec![b'a'; len])),
        1 => (1usize..=150).prop_map(|n| (b"X-Many".to_vec(), format!("1{}", "\r\nX-More: y".repeat(n)).into_bytes())),
        1 => prop::sample::select(vec![
            ("X-Folded", "a\r\n b"), ("X-Bare-Lf", "a\nX-After: b"), ("X-Bare-Cr", "a\rb"), ("", "empty name"),
            ("Bad Name", "v"), ("Bad:Name", "v"), ("X-Nul", "a\0b"), (" Host", "127.0.0.1"),
        ])
        .prop_map(|(n, v)| (n.as_bytes().to_vec(), v.as_bytes().to_vec())),
    ]
}

const HEADER_NAMES: &[&str] = &[
    "Host",
    "Origin",
    "Last-Event-ID",
    "Forwarded",
    "X-Forwarded-Host",
    "Upgrade",
    "Connection",
    "Sec-WebSocket-Key",
    "Sec-WebSocket-Version",
    "Content-Length",
    "Transfer-Encoding",
    "Accept-Encoding",
];

/// Headers and values worth trying for each.
const HEADER_VALUES: &[(&str, &[&str])] = &[
    (
        "Last-Event-ID",
        &[
            "",
            "@epoch@:@seq@",
            "@epoch@:0",
            "@epoch@:1",
            "e1:5",
            ":",
            ":5",
            "a:",
            "a:b",
            "@epoch@:-1",
            "@epoch@:18446744073709551616",
            "@epoch@:@seq@:1",
            "ABC:1",
            "garbage",
            "\u{e9}:1",
            "@epoch@ : 1",
        ],
    ),
    (
        "Origin",
        &[
            "http://127.0.0.1:@port@",
            "http://127.0.0.1",
            "http://evil.example",
            "null",
            "",
            "https://127.0.0.1:@port@",
            "http://[::1]:@port@",
            "file://",
            "http://127.0.0.1:@port@/",
            "HTTP://127.0.0.1:@port@",
            "http://127.0.0.1:1",
            "://",
            "http://",
            "\u{e9}",
            "http://localhost:@port@",
        ],
    ),
    (
        "Host",
        &[
            "127.0.0.1:@port@",
            "127.0.0.1",
            "localhost:@port@",
            "evil.example",
            "",
            "[::1]:@port@",
            "127.0.0.1:@port@:1",
            "127.0.0.1:99999",
            "a b",
            "\u{e9}",
        ],
    ),
    ("X-Forwarded-Host", &["127.0.0.1:@port@", "evil.example", "", ",", "a, b", "evil.example, 127.0.0.1:@port@"]),
    (
        "Forwarded",
        &[
            "host=127.0.0.1:@port@",
            "for=1.2.3.4;host=\"evil.example\"",
            "host=",
            ";;;",
            "host",
            "=",
            "host=\"",
            "for=a, host=b",
            "HOST=127.0.0.1:@port@;proto=http",
        ],
    ),
    ("Upgrade", &["websocket", "WebSocket", "h2c", "", "websocket, foo", "websockets"]),
    ("Connection", &["upgrade", "Upgrade, keep-alive", "close", "keep-alive", "", "upgrades", ",,upgrade,,"]),
    ("Sec-WebSocket-Key", &["dGhlIHNhbXBsZSBub25jZQ==", "", "x", "====", "dGhlIHNhbXBsZSBub25jZQ"]),
    ("Sec-WebSocket-Version", &["13", "8", "", "13, 8", "abc", " 13", "013"]),
    ("Accept-Encoding", &["gzip", "br", "identity", "*", "gzip;q=0", "deflate, gzip", "zstd"]),
    ("Cookie", &["a=b", "", "=;="]),
];

/// Headers that frame the body (the requests here send none).
const FRAMING: &[(&str, &[&str])] = &[
    ("Content-Length", &["0", "-1", "abc", "1, 2", "18446744073709551616"]),
    ("Transfer-Encoding", &["chunked", "gzip, chunked", "identity", "chunked, chunked", "x"]),
    ("Expect", &["100-continue", "nonsense"]),
];

/// One of the four handshake headers (or a lookalike), right or wrong.
fn handshake_header() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    let names = prop::sample::select(vec![
        "Connection",
        "Upgrade",
        "Sec-WebSocket-Version",
        "Sec-WebSocket-Key",
        "connection",
        "UPGRADE",
        "sec-websocket-key",
        "Sec-WebSocket-Protocol",
        "Sec-WebSocket-Extensions",
        "Origin",
    ]);
    let good =
        prop::sample::select(&GOOD_HANDSHAKE[..]).prop_map(|(n, v)| (n.as_bytes().to_vec(), v.as_bytes().to_vec()));
    let value = prop_oneof![
        4 => prop::sample::select(vec![
            "Upgrade", "keep-alive, Upgrade", "websocket", "WebSocket", "13", "8", "dGhlIHNhbXBsZSBub25jZQ==", "",
            "x", "chat", "permessage-deflate", "http://127.0.0.1:@port@", "http://evil.example", "upgrade, close",
        ])
        .prop_map(|v| v.as_bytes().to_vec()),
        1 => "[ -~]{0,40}".prop_map(String::into_bytes),
        1 => vec(line_byte(), 0..40),
        1 => (1usize..=10_000).prop_map(|n| vec![b'A'; n]),
    ];
    prop_oneof![4 => good, 1 => (names.prop_map(|n| n.as_bytes().to_vec()), value)]
}
