//! Errors quote what the client sent briefly: a long value comes back as a short
//! prefix, never whole, whichever parameter, header or path carried it. The values
//! here are 12 KB, as long as fits in a request head (the server reads at most 16 KiB
//! of it, `listen::MAX_HEAD`; a longer one gets a 431 before any route sees it).

#[path = "support/server.rs"]
mod support;

use pulse_protocol::ApiError;
use support::*;

/// How long each value sent is, in bytes.
const VALUE_BYTES: usize = 12_000;

/// (path and query, extra headers, status, what the detail must name)
type Case<'a> = (String, Vec<(&'a str, &'a str)>, u16, &'a str);

#[tokio::test]
async fn a_huge_value_is_quoted_as_a_short_prefix() {
    let server = TestServer::start(&["--interval", "50ms"]).await;
    server.wait_for_seq(1).await;
    let huge = "9".repeat(VALUE_BYTES);
    let word = "z".repeat(VALUE_BYTES);
    let origin = format!("http://{}.example", "o".repeat(VALUE_BYTES));
    let host = format!("{}.example", "h".repeat(VALUE_BYTES));
    let cases: Vec<Case> = vec![
        (format!("/api/v1/poll?since={word}&epoch=e1"), vec![], 400, "since"),
        (format!("/api/v1/poll?since=1&epoch={word}"), vec![], 400, "epoch"),
        (format!("/api/v1/poll?wait={word}"), vec![], 400, "wait"),
        (format!("/api/v1/history?from={word}"), vec![], 400, "from"),
        (format!("/api/v1/history?series={word}"), vec![], 400, "series"),
        (format!("/api/v1/poll?since={huge}9&epoch=e1"), vec![], 400, "since"),
        ("/api/v1/sse".to_owned(), vec![("last-event-id", word.as_str())], 400, "Last-Event-ID"),
        (format!("/api/v1/{word}"), vec![], 404, "no such path"),
        ("/api/v1/series".to_owned(), vec![("origin", origin.as_str())], 403, "--allow-origin http://ooo"),
        ("/healthz".to_owned(), vec![("host", host.as_str())], 421, "--allow-host hhh"),
    ];
    let client = reqwest::Client::new();
    for (path, headers, status, names) in cases {
        let mut request = client.get(server.url(&path));
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = tokio::time::timeout(DEADLINE, request.send()).await.expect("in time").expect("response");
        assert_eq!(response.status(), status, "{}", &path[..30.min(path.len())]);
        let text = response.text().await.expect("a body");
        assert!(text.len() < 1024, "{}: a {}-byte error", &path[..30.min(path.len())], text.len());
        let body: ApiError = serde_json::from_str(&text).expect("a JSON body");
        assert!(body.detail.contains(names) && body.detail.contains('…'), "{names}: {}", body.detail);
    }
}
