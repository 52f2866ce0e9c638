//! The agent's TLS client for an `https` hub: rustls (ring), trusting `--ca`'s PEM
//! certificates when given, else the system's roots.

use std::path::Path;
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;

/// Why no TLS client could be made; each names where the roots came from.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// `--ca` is missing, unreadable or holds no usable certificate.
    #[error("--ca {path}: {reason}")]
    Ca {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The system has no root certificates rustls can use.
    #[error("no system root certificates found ({0}); install ca-certificates, or give --ca FILE")]
    NoSystemRoots(String),
    /// rustls refused the settings.
    #[error("cannot set up TLS: {0}")]
    Setup(String),
}

/// A connector trusting `ca`'s certificates, or the system's roots without it.
pub fn connector(ca: Option<&Path>) -> Result<TlsConnector, TlsError> {
    let roots = match ca {
        Some(path) => ca_roots(path)?,
        None => system_roots()?,
    };
    // The provider the server uses (see `listen/tls.rs`).
    #[allow(deprecated)]
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Setup(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsConnector::from(Arc::new(config)))
}

fn ca_roots(path: &Path) -> Result<RootCertStore, TlsError> {
    let refuse = |reason: String| TlsError::Ca { path: path.display().to_string(), reason };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<Result<_, _>>())
        .map_err(|e| refuse(e.to_string()))?;
    let mut roots = RootCertStore::empty();
    let (added, _ignored) = roots.add_parsable_certificates(certs);
    if added == 0 {
        return Err(refuse("no usable PEM certificate (-----BEGIN CERTIFICATE-----) in it".into()));
    }
    Ok(roots)
}

fn system_roots() -> Result<RootCertStore, TlsError> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = RootCertStore::empty();
    let (added, _ignored) = roots.add_parsable_certificates(found.certs);
    if added == 0 {
        let errors: Vec<String> = found.errors.iter().map(ToString::to_string).collect();
        return Err(TlsError::NoSystemRoots(if errors.is_empty() { "none".into() } else { errors.join("; ") }));
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_empty_ca_file_is_named() {
        let error = connector(Some(Path::new("/nonexistent/ca.pem"))).err().expect("refused");
        assert!(error.to_string().starts_with("--ca /nonexistent/ca.pem: "), "{error}");
        let empty = std::env::temp_dir().join(format!("pulse-agent-empty-ca-{}.pem", std::process::id()));
        std::fs::write(&empty, "not a certificate\n").expect("write");
        let error = connector(Some(&empty)).err().expect("refused");
        assert!(error.to_string().contains("no usable PEM certificate"), "{error}");
        let _ = std::fs::remove_file(empty);
    }
}
