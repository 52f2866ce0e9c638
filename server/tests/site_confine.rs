//! The site serves only what is inside `--dist`: symlinks out of it are 404s, and so
//! are paths the file system cannot look up (over-long names), as JSON like every 404.

#[path = "support/server.rs"]
mod support;

use pulse_protocol::ApiError;
use support::*;

async fn get(server: &TestServer, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(server.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    tokio::time::timeout(DEADLINE, request.send()).await.expect("an answer in time").expect("response")
}

async fn assert_json_404(response: reqwest::Response, what: &str) {
    assert_eq!(response.status(), 404, "{what}");
    assert_eq!(response.headers()["content-type"], "application/json", "{what}");
    let compressed = response.headers().contains_key("content-encoding");
    let bytes = response.bytes().await.expect("a body");
    assert!(!String::from_utf8_lossy(&bytes).contains("secret outside dist"), "{what}: {bytes:?}");
    if !compressed {
        let body: ApiError = serde_json::from_slice(&bytes).expect("a JSON body");
        assert_eq!(body.error, "not_found", "{what}");
    }
}

#[tokio::test]
async fn symlinks_out_of_the_site_directory_are_not_followed() {
    let base = std::env::temp_dir().join(format!("pulse-confine-test-{}", std::process::id()));
    let dist = base.join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(base.join("secret.txt"), "secret outside dist").unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>Pulse</title>").unwrap();
    std::fs::write(dist.join("app.js"), "export {}").unwrap();
    std::os::unix::fs::symlink(base.join("secret.txt"), dist.join("leak.txt")).unwrap();
    std::os::unix::fs::symlink(base.join("secret.txt"), dist.join("app.js.gz")).unwrap();
    std::os::unix::fs::symlink(&base, dist.join("up")).unwrap();
    std::os::unix::fs::symlink(dist.join("app.js"), dist.join("alias.js")).unwrap();
    let server = TestServer::start(&["--dist", dist.to_str().unwrap()]).await;

    assert_json_404(get(&server, "/leak.txt", &[]).await, "a symlink to a file outside").await;
    assert_json_404(get(&server, "/up/secret.txt", &[]).await, "a symlink to a directory outside").await;
    assert_json_404(get(&server, "/app.js", &[("accept-encoding", "gzip")]).await, "a .gz copy outside").await;

    let page = get(&server, "/", &[]).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("<title>Pulse</title>"));
    let alias = get(&server, "/alias.js", &[]).await;
    assert_eq!(alias.status(), 200, "a symlink that stays inside is served");
    assert_eq!(alias.text().await.unwrap(), "export {}");
    std::fs::remove_dir_all(base).ok();
}

#[tokio::test]
async fn over_long_path_components_are_json_404s() {
    let dist = std::env::temp_dir().join(format!("pulse-long-test-{}", std::process::id()));
    std::fs::create_dir_all(dist.join("assets")).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>Pulse</title>").unwrap();
    let built = TestServer::start(&["--dist", dist.to_str().unwrap()]).await;
    let unbuilt = TestServer::start(&[]).await;
    let long = "a".repeat(300);
    let deep = format!("/{}", vec!["b".repeat(250); 20].join("/"));
    for server in [&built, &unbuilt] {
        for path in [
            format!("/{long}"),
            format!("/api/v1/{long}"),
            format!("/assets/{long}"),
            format!("/{long}/x"),
            deep.clone(),
        ] {
            let response = get(server, &path, &[]).await;
            let length = response.content_length().unwrap_or(u64::MAX);
            assert_json_404(response, &path[..20]).await;
            assert!(length < 1024, "{}: the error quotes a short prefix, not {length} bytes", &path[..20]);
        }
    }
    std::fs::remove_dir_all(dist).ok();
}
