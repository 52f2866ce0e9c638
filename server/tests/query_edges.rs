//! The edges of the query parameters a review found (issue 14): times before
//! 1970 or beyond what a page holds, windows that give absurd steps, a repeated
//! parameter, and `alerts?host=` for a host the hub does not know. Each is a 4xx
//! with a JSON error naming the parameter; a real server on 127.0.0.1.

#[path = "support/server.rs"]
mod support;

use support::*;

/// The status and JSON body of `GET path`.
async fn get(server: &TestServer, path: &str) -> (u16, serde_json::Value) {
    let response = reqwest::get(server.url(path)).await.expect("an answer");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn history_times_windows_and_repeats_out_of_reason_are_a_400_naming_the_parameter() {
    let server = TestServer::start(&["--interval", "30ms"]).await;
    server.wait_for_seq(2).await;
    let safe = (1i64 << 53) - 1;
    let cases = [
        // (the query, the parameter the 400 names)
        ("from=-5", "from must be"),
        ("from=-9223372036854775808&width=100", "from must be"),
        ("from=9223372036854775807", "from must be"),
        (&format!("from={}", safe + 1), "from must be"),
        ("from=0&to=9223372036854775807&width=8192", "to must be"),
        ("from=1000&to=-1", "to must be"),
        (&format!("from=0&to={safe}&width=8192"), "from (0) is more than ten years before to"),
        ("from=2000&to=1000", "to (1000) must be after from (2000)"),
        ("from=2000&to=1000&width=100", "to (1000) must be after from (2000)"),
        ("from=1&from=2", "parameter \"from\" may be given once"),
        ("width=100&from=1&width=200", "parameter \"width\" may be given once"),
        ("series=cpu.total&series=mem.used", "parameter \"series\" may be given once"),
    ];
    for (query, words) in cases {
        let (status, body) = get(&server, &format!("/api/v1/history?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["error"], "bad_request", "{query}: {body}");
        assert!(body["detail"].as_str().is_some_and(|detail| detail.contains(words)), "{query}: {body}");
    }
    // Within reason, answered.
    let now = pulse_server::hub::now_ms();
    for query in
        [format!("from={}", now - 60_000), format!("from={}&to={now}&width=100", now - 60_000), "from=0".into()]
    {
        let (status, body) = get(&server, &format!("/api/v1/history?{query}")).await;
        assert_eq!(status, 200, "{query}: {body}");
    }
}

#[tokio::test]
async fn alerts_for_a_host_the_hub_does_not_know_are_a_404_naming_it() {
    let server = TestServer::start(&["--interval", "30ms", "--name", "own-1"]).await;
    server.wait_for_seq(1).await;
    let (status, body) = get(&server, "/api/v1/alerts?host=nope").await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"], "no_such_host", "{body}");
    assert!(body["detail"].as_str().is_some_and(|detail| detail.contains("nope")), "{body}");
    let (status, body) = get(&server, "/api/v1/alerts?host=own-1").await;
    assert_eq!(status, 200, "{body}");
    assert!(body["alerts"].is_array(), "{body}");
    // The fleet's stream and an empty host= filter nothing.
    for query in ["/api/v1/alerts?host=@fleet", "/api/v1/alerts?host="] {
        let (status, body) = get(&server, query).await;
        assert_eq!(status, 200, "{query}: {body}");
    }
    let (status, body) = get(&server, "/api/v1/alerts?history=1&history=0").await;
    assert_eq!(status, 400, "{body}");
}
