//! The fuzz pass over request parsing and the WebSocket handshake, through real
//! sockets: one real server per test on 127.0.0.1, and generated raw HTTP/1.1
//! requests (`fuzz/requests.rs`) sent one per connection. For every request the
//! server answers or closes within [`exchange::ANSWER_WITHIN`], no server thread
//! panics, and the answer passes `fuzz/verdict.rs` (no 5xx but 503, every error a
//! JSON `{"error","detail"}`, every `101` a working WebSocket). After the run the
//! server still answers `/healthz` with 200.
//!
//! ```sh
//! cargo test -p pulse-server --test fuzz                                     # seconds, in CI
//! PULSE_FUZZ_SCALE=100 cargo test --release -p pulse-server --test fuzz -- --nocapture     # 100 × the cases
//! ```
//!
//! `./pulse bench fuzz` runs the long form; `protocol/tests/fuzz/budget.rs` lists
//! the variables. `-- --nocapture` shows what the server answered, by kind.

#[path = "support/server.rs"]
mod support;

mod fuzz {
    /// The same budget as the protocol reader's fuzz pass.
    #[path = "../../../protocol/tests/fuzz/budget.rs"]
    pub mod budget;
    pub mod exchange;
    pub mod recent;
    pub mod requests;
    pub mod tally;
    pub mod verdict;
}

use std::time::Duration;

use fuzz::budget::{self, Budget};
use fuzz::exchange::exchange;
use fuzz::recent::Recent;
use fuzz::requests::{self, Context, Request};
use fuzz::tally::Tally;
use fuzz::verdict;
use proptest::prelude::*;
use proptest::strategy::Strategy;
use support::TestServer;

#[test]
fn any_request_is_answered_cleanly() {
    fuzz_server("server-requests", 4_000, requests::any_request());
}

#[test]
fn websocket_openings_are_accepted_or_refused_cleanly() {
    fuzz_server("server-handshakes", 2_000, requests::handshake());
}

#[test]
fn garbage_is_refused_cleanly() {
    fuzz_server("server-garbage", 2_000, requests::garbage());
}

/// Starts a server on its own runtime (whose threads are named after `name`, so a
/// panic in them is told apart from this test's), sends it every request of the
/// budget, then checks that it still serves.
fn fuzz_server(name: &str, default_cases: u32, strategy: impl Strategy<Value = Request>) {
    let threads = format!("{name}-thread");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(threads.clone())
        .enable_all()
        .build()
        .expect("a runtime");
    let server = runtime.block_on(TestServer::start(&["--interval", "100ms"]));
    let context = runtime.block_on(context(&server));
    let tally = Tally::default();
    let recent = Recent::default();
    let summary = budget::run(name, Budget::from_env(default_cases), strategy, |request| {
        let bytes = request.render(&context);
        let shown = || format!("request b\"{}\"", bytes.escape_ascii());
        let panics = budget::panics(&threads);
        let answer = runtime.block_on(exchange(server.addr, &bytes, requests::is_head(&bytes))).map_err(|why| {
            let health = runtime.block_on(exchange(server.addr, &healthz(&context), false));
            let serving = match health.map(|answer| answer.status) {
                Ok(Some(200)) => "the server still answers /healthz".to_owned(),
                other => format!("the server no longer answers /healthz ({other:?}); the requests before: {recent:?}"),
            };
            TestCaseError::fail(format!("{why}; {serving}; {}", shown()))
        })?;
        recent.push(&bytes);
        let kind = verdict::judge(&bytes, requests::is_head(&bytes), &answer)
            .map_err(|why| TestCaseError::fail(format!("{why}; {}; answer {answer:?}", shown())))?;
        prop_assert_eq!(budget::panics(&threads), panics, "the server panicked; {}", shown());
        tally.add(kind, &bytes);
        Ok(())
    });
    tally.print(name);
    let health = runtime.block_on(async {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("a client");
        client.get(server.url("/healthz")).send().await.map(|response| response.status().as_u16())
    });
    assert_eq!(health.ok(), Some(200), "{name}: the server stopped serving after {} cases", summary.cases);
    assert_eq!(summary.panics, 0, "{name}: server threads panicked");
}

/// `GET /healthz`, as the fuzz cases are sent.
fn healthz(context: &Context) -> Vec<u8> {
    format!("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n", context.port).into_bytes()
}

/// The placeholders' values for `server`: its port, epoch, newest seq and a series id.
async fn context(server: &TestServer) -> Context {
    server.wait_for_seq(2).await;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("a client");
    let get = |path: &str| {
        let request = client.get(server.url(path));
        async move { request.send().await.expect("answer").json::<serde_json::Value>().await.expect("json") }
    };
    let health = get("/healthz").await;
    let catalog = get("/api/v1/series").await;
    Context {
        port: server.addr.port(),
        epoch: health["epoch"].as_str().expect("an epoch").to_owned(),
        seq: health["seq"].as_u64().expect("a seq"),
        series: catalog["series"][0]["id"].as_str().expect("a series").to_owned(),
    }
}
