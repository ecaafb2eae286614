//! Recognising "no such domain" answers.

/// Phrases that registries use to say a name is not registered, matched
/// case-insensitively within a line.
const PHRASES: &[&str] = &[
    "no match",
    "not found",
    "no found",
    "nothing found",
    "no data found",
    "no entries found",
    "no matching record",
    "no matching objects",
    "no object found",
    "object does not exist",
    "domain does not exist",
    "does not exist in database",
    "is not registered",
    "not been registered",
    "has not been registered",
    "domain name is not registered",
    "is available for registration",
    "is available for purchase",
    "not available for registration",
    "not available for second level",
    "no information available about domain name",
    "invalid query or domain name not known",
    "this query returned 0 objects",
    "returned 0 objects",
    "no such domain",
    "status: free",
    "status: available",
    "is free",
    "domain not known",
    "등록되어 있지 않습니다",
    "未找到",
    "没有匹配",
];

/// Status values that mean "not registered".
const FREE_STATUSES: &[&str] =
    &["free", "available", "no object found", "220 available", "not registered", "not found"];

/// Whether a line of the answer says the domain is not registered.
pub fn line_says_not_found(line: &str) -> bool {
    let lower = line.to_lowercase();
    PHRASES.iter().any(|p| lower.contains(p))
}

/// Whether a status value means the domain is free.
pub fn status_says_free(value: &str) -> bool {
    let lower = value.trim().trim_end_matches('.').to_lowercase();
    FREE_STATUSES.iter().any(|s| lower == *s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases() {
        assert!(line_says_not_found("No match for \"EXAMPLE.COM\"."));
        assert!(line_says_not_found("%ERROR:101: no entries found"));
        assert!(line_says_not_found(">>> Domain x.love is available for registration"));
        assert!(!line_says_not_found("Domain Name: example.com"));
        assert!(status_says_free("AVAILABLE"));
        assert!(status_says_free("220 Available"));
        assert!(!status_says_free("ok"));
    }
}
