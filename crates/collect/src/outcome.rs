//! What one query told: an answer (positive or negative) or a failure,
//! which leaves the question unknown.

use std::fmt;

/// The outcome of one query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// Records of the type asked (or a CNAME in their place).
    Answer,
    /// The name does not exist.
    NxDomain,
    /// The name exists without records of the type asked.
    NoData,
    /// A server named by the delegation does not answer for the zone
    /// (no authoritative answer, a referral, or REFUSED).
    Lame,
    /// The server failed (SERVFAIL).
    ServFail,
    /// A resolver refused to answer.
    Refused,
    /// No answer in time, after every retry.
    Timeout,
    /// The socket failed, the answer was malformed or had an unexpected
    /// response code.
    Error,
    /// The loopback guard refused the destination.
    Blocked,
}

impl Outcome {
    /// Every outcome, in report order.
    pub const ALL: [Outcome; 9] = [
        Outcome::Answer,
        Outcome::NxDomain,
        Outcome::NoData,
        Outcome::Lame,
        Outcome::ServFail,
        Outcome::Refused,
        Outcome::Timeout,
        Outcome::Error,
        Outcome::Blocked,
    ];

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Answer => "answer",
            Outcome::NxDomain => "nxdomain",
            Outcome::NoData => "nodata",
            Outcome::Lame => "lame",
            Outcome::ServFail => "servfail",
            Outcome::Refused => "refused",
            Outcome::Timeout => "timeout",
            Outcome::Error => "error",
            Outcome::Blocked => "blocked",
        }
    }

    /// Whether the question stays unknown (and must be asked again).
    pub fn is_failure(self) -> bool {
        !matches!(self, Outcome::Answer | Outcome::NxDomain | Outcome::NoData)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
