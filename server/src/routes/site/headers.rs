//! Security headers on every answer from the site (the page, its files, its 404s):
//! `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` (the page's
//! address, which may carry `?server=`, goes to no other site) and the page's
//! `Content-Security-Policy` (see `csp`). The policy is sent with every site answer,
//! not only HTML, so a `304 Not Modified` or a `HEAD` carries it too; it means
//! nothing on a script or stylesheet.
//!
//! The policy is worked out from `index.html` at startup, and again whenever that
//! file changes (a rebuild while the server runs), since its inline script names the
//! build's hashed files.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use super::csp;

/// What the site's answers carry; the policy follows `index.html`.
pub struct SiteHeaders {
    /// `dist/index.html`.
    index: PathBuf,
    /// The policy and the version of `index.html` it was worked out from.
    cached: Mutex<(Option<Stamp>, HeaderValue)>,
}

/// A version of a file: its modification time and length.
type Stamp = (SystemTime, u64);

impl SiteHeaders {
    /// Reads `dist/index.html` (if it is there) and works out its policy.
    pub fn new(dist: &Path) -> Self {
        let index = dist.join("index.html");
        let stamp = std::fs::metadata(&index).ok().and_then(|m| Some((m.modified().ok()?, m.len())));
        let policy = policy_value(&std::fs::read_to_string(&index).unwrap_or_default());
        SiteHeaders { index, cached: Mutex::new((stamp, policy)) }
    }

    /// The policy for the `index.html` there is now.
    async fn policy(&self) -> HeaderValue {
        let stamp = tokio::fs::metadata(&self.index).await.ok().and_then(|m| Some((m.modified().ok()?, m.len())));
        {
            let cached = self.cached.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if cached.0 == stamp {
                return cached.1.clone();
            }
        }
        let policy = policy_value(&tokio::fs::read_to_string(&self.index).await.unwrap_or_default());
        *self.cached.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = (stamp, policy.clone());
        policy
    }
}

/// Adds the headers to a site answer.
pub async fn add(State(site): State<Arc<SiteHeaders>>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let policy = site.policy().await;
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    response
}

/// The policy for `html` as a header. It is ASCII by construction; were it not, the
/// page would get the strictest policy rather than none.
fn policy_value(html: &str) -> HeaderValue {
    HeaderValue::try_from(csp::policy(html)).unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"))
}
