//! Backfill (`/history`) and the catalogue (`/series`).

#[path = "support/server.rs"]
mod support;

use support::*;

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

#[tokio::test]
async fn history_is_columns_aligned_with_timestamps() {
    let server = TestServer::start(&["--interval", "30ms"]).await;
    server.wait_for_seq(5).await;
    let body: pulse_protocol::HistoryResponse = client()
        .get(server.url("/api/v1/history?series=cpu.total,mem.used"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body.ts.len() >= 5);
    assert_eq!(body.last_seq - body.first_seq + 1, body.ts.len() as u64);
    assert_eq!(body.series.len(), 2);
    assert!(body.series.values().all(|s| s.values.len() == body.ts.len()));
}

#[tokio::test]
async fn the_catalogue_has_the_core_series_and_history_honours_from() {
    let server = TestServer::start(&["--interval", "30ms"]).await;
    server.wait_for_seq(6).await;
    let catalog: pulse_protocol::Catalog =
        client().get(server.url("/api/v1/series")).send().await.unwrap().json().await.unwrap();
    for (id, group) in [("cpu.total", "cpu"), ("mem.used", "memory"), ("load.1", "load"), ("uptime", "uptime")] {
        assert_eq!(catalog.get(id).map(|s| s.group.as_str()), Some(group), "{id}");
    }
    let all: pulse_protocol::HistoryResponse =
        client().get(server.url("/api/v1/history")).send().await.unwrap().json().await.unwrap();
    assert_eq!(all.series.len(), catalog.series.len(), "no series= means all of them");
    let from = all.ts[3];
    let url = server.url(&format!("/api/v1/history?series=cpu.total&from={from}"));
    let some: pulse_protocol::HistoryResponse = client().get(url).send().await.unwrap().json().await.unwrap();
    assert_eq!(some.ts[0], from);
    assert_eq!(some.first_seq, all.first_seq + 3);
}

#[tokio::test]
async fn history_is_gzipped_for_clients_that_ask() {
    let server = TestServer::start(&["--interval", "30ms"]).await;
    server.wait_for_seq(3).await;
    let response = client().get(server.url("/api/v1/history")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
}
