//! The JSON body of every 4xx and 5xx answer.

use serde::{Deserialize, Serialize};

/// `{"error": "...", "detail": "..."}`: what went wrong, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    /// A short machine-readable code, e.g. `bad_request`, `not_found`, `forbidden_origin`.
    pub error: String,
    /// What exactly was wrong, naming the parameter or value.
    pub detail: String,
}
