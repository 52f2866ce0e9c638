//! Security headers: every site answer carries `nosniff`, `Referrer-Policy` and the
//! page's Content-Security-Policy (inline scripts allowed by hash, worked out from the
//! served index.html); every API answer carries `nosniff`.

#[path = "support/server.rs"]
mod support;

use support::*;

/// The inline boot script of the test page, and its hash:
/// `printf "$SCRIPT" | openssl dgst -sha256 -binary | base64`.
const SCRIPT: &str = "import init from './app.js'; await init();";
const SCRIPT_HASH: &str = "'sha256-yAa0PW5jyWSMisvDkUgEhbP7Le7ImgN9PeCA2VrqYFU='";
const REBUILT_SCRIPT: &str = "import init from './app-2.js'; await init();";
const REBUILT_HASH: &str = "'sha256-JwcT72cP6vjejKe6OOgaJaQZ6paZbkTUX7lUl2Vxohw='";

fn page(script: &str) -> String {
    format!(
        "<!doctype html><html><head><title>Pulse</title><link rel=\"modulepreload\" href=\"./app.js\">\
         <script type=\"module\">{script}</script></head><body></body></html>"
    )
}

async fn get(server: &TestServer, path: &str) -> reqwest::Response {
    let request = reqwest::Client::new().get(server.url(path)).send();
    tokio::time::timeout(DEADLINE, request).await.expect("an answer in time").expect("response")
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_else(|| panic!("no {name}"))
}

/// The sources a CSP directive lists.
fn directive<'a>(policy: &'a str, name: &str) -> Vec<&'a str> {
    let found = policy.split(';').map(str::trim).find(|d| d.split(' ').next() == Some(name));
    found.unwrap_or_else(|| panic!("no {name} in {policy}")).split(' ').skip(1).collect()
}

#[tokio::test]
async fn the_page_carries_a_policy_its_app_runs_under() {
    let dist = std::env::temp_dir().join(format!("pulse-csp-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), page(SCRIPT)).unwrap();
    std::fs::write(dist.join("app.js"), "export default async function init() {}").unwrap();
    let server = TestServer::start(&["--dist", dist.to_str().unwrap()]).await;

    let index = get(&server, "/").await;
    assert_eq!(index.status(), 200);
    let policy = header(&index, "content-security-policy").to_owned();
    let script_src = directive(&policy, "script-src");
    assert!(script_src.contains(&"'self'") && script_src.contains(&"'wasm-unsafe-eval'"), "{policy}");
    assert!(script_src.contains(&SCRIPT_HASH), "the inline boot script is allowed by its hash: {policy}");
    assert!(!script_src.contains(&"'unsafe-inline'") && !script_src.contains(&"'unsafe-eval'"), "{policy}");
    let connect_src = directive(&policy, "connect-src");
    for source in ["'self'", "http:", "https:", "ws:", "wss:"] {
        assert!(connect_src.contains(&source), "connect-src {source}: {policy}");
    }
    assert_eq!(directive(&policy, "img-src"), ["'self'", "data:"]);
    assert_eq!(directive(&policy, "object-src"), ["'none'"]);
    assert_eq!(directive(&policy, "base-uri"), ["'none'"]);
    assert_eq!(directive(&policy, "frame-ancestors"), ["'none'"]);

    for path in ["/", "/index.html", "/app.js", "/config.json", "/no-such-file"] {
        let response = get(&server, path).await;
        assert_eq!(header(&response, "x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header(&response, "referrer-policy"), "no-referrer", "{path}");
        assert_eq!(header(&response, "content-security-policy"), policy, "{path}");
    }

    // A rebuild while the server runs: the page's new boot script is allowed at once.
    std::fs::write(dist.join("index.html"), page(REBUILT_SCRIPT)).unwrap();
    let rebuilt = get(&server, "/").await;
    let policy = header(&rebuilt, "content-security-policy");
    assert!(policy.contains(REBUILT_HASH) && !policy.contains(SCRIPT_HASH), "{policy}");
    std::fs::remove_dir_all(dist).ok();
}

#[tokio::test]
async fn every_api_answer_says_nosniff() {
    let server = TestServer::start(&["--interval", "50ms"]).await;
    for path in [
        "/api/v1/series",
        "/api/v1/poll",
        "/api/v1/history",
        "/healthz",
        "/api/v1/poll?since=x&epoch=e",
        "/api/v1/nope",
    ] {
        let response = get(&server, path).await;
        assert_eq!(header(&response, "x-content-type-options"), "nosniff", "{path}");
    }
    let refused =
        reqwest::Client::new().get(server.url("/healthz")).header("host", "evil.example").send().await.unwrap();
    assert_eq!(refused.status(), 421);
    assert_eq!(header(&refused, "x-content-type-options"), "nosniff");
    let unbuilt = get(&server, "/").await;
    assert!(header(&unbuilt, "content-security-policy").contains("frame-ancestors 'none'"), "the not-built page too");
}
