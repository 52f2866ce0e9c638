//! What a receiver's answer means: 2xx delivered; 410 Gone disables the endpoint;
//! 408 and 429 and every 5xx, timeouts and network errors are worth retrying; other
//! 4xx, and 3xx (redirects are not followed: a webhook URL must be the final one),
//! are permanent failures.

use std::time::Duration;

/// How an attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The receiver answered.
    Status {
        /// The HTTP status.
        code: u16,
        /// Its `Retry-After`, already read (see `parse_retry_after`).
        retry_after: Option<Duration>,
    },
    /// No answer within the per-request timeout.
    Timeout,
    /// No connection (refused, reset, DNS, TLS).
    Network,
}

/// What the answer means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// 2xx.
    Delivered,
    /// 410: the receiver wants no more.
    Disable,
    /// Will not succeed by trying again.
    Failed,
    /// May succeed later, not before `retry_after`.
    Retry {
        /// The receiver's `Retry-After`, if it sent one.
        retry_after: Option<Duration>,
    },
}

/// What `answer` means.
pub fn classify(answer: Answer) -> Verdict {
    match answer {
        Answer::Status { code: 200..=299, .. } => Verdict::Delivered,
        Answer::Status { code: 410, .. } => Verdict::Disable,
        Answer::Status { code: 408 | 429, retry_after } | Answer::Status { code: 500..=599, retry_after } => {
            Verdict::Retry { retry_after }
        }
        Answer::Status { code: 100..=199, retry_after } => Verdict::Retry { retry_after },
        Answer::Status { .. } => Verdict::Failed,
        Answer::Timeout | Answer::Network => Verdict::Retry { retry_after: None },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        let after = Some(Duration::from_secs(30));
        let status = |code| Answer::Status { code, retry_after: None };
        let retry = Verdict::Retry { retry_after: None };
        let cases = [
            (status(200), Verdict::Delivered),
            (status(204), Verdict::Delivered),
            (status(299), Verdict::Delivered),
            (status(410), Verdict::Disable),
            (status(400), Verdict::Failed),
            (status(401), Verdict::Failed),
            (status(404), Verdict::Failed),
            (status(413), Verdict::Failed),
            (status(301), Verdict::Failed),
            (status(408), retry),
            (status(429), retry),
            (Answer::Status { code: 429, retry_after: after }, Verdict::Retry { retry_after: after }),
            (Answer::Status { code: 503, retry_after: after }, Verdict::Retry { retry_after: after }),
            (status(500), retry),
            (status(502), retry),
            (status(599), retry),
            (Answer::Timeout, retry),
            (Answer::Network, retry),
        ];
        for (answer, expected) in cases {
            assert_eq!(classify(answer), expected, "{answer:?}");
        }
    }
}
