//! Recognising privacy and proxy services and redaction placeholders.

/// Wording that marks a privacy or proxy service, or a redacted value.
/// Matched case-insensitively as a substring.
const MARKERS: &[&str] = &[
    "privacy",
    "redacted",
    "withheld",
    "domains by proxy",
    "domainsbyproxy",
    "whoisguard",
    "whois guard",
    "contact privacy",
    "data protected",
    "dataprotected",
    "privacyguardian",
    "perfect privacy",
    "whoisproxy",
    "whois proxy",
    "proxy service",
    "protection service",
    "protected domain",
    "identity protect",
    "id protect",
    "anonymize",
    "anonymised",
    "anonymous",
    "not disclosed",
    "non-public data",
    "statutory masking",
    "gdpr masked",
    "gdpr",
    "hidden upon user request",
    "not shown",
    "data not disclosed",
    "on behalf of",
    "c/o whois",
    "select request email form",
    "please query the rdds service",
    "please query the whois service",
    "please contact the registrar",
    "contact domain holder",
    "contact form",
    "hidden",
    "private whois",
    "privatewho.is",
    "whois not there",
    "private person",
];

/// Whether `text` reads like a privacy service or a redaction marker.
pub fn is_privacy_text(text: &str) -> bool {
    let lower = text.to_lowercase();
    MARKERS.iter().any(|m| lower.contains(m))
}

/// Whether a value is only a redaction placeholder ("REDACTED FOR
/// PRIVACY", "Not Disclosed", `<data not disclosed>`, "GDPR Masked").
pub fn is_redaction_marker(text: &str) -> bool {
    let lower = text.trim().trim_matches(|c| c == '<' || c == '>').to_lowercase();
    lower.starts_with("redacted")
        || lower.starts_with("not disclosed")
        || lower.starts_with("data not disclosed")
        || lower.starts_with("gdpr masked")
        || lower.starts_with("withheld")
        || lower.contains("redacted for privacy")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_services_and_markers() {
        assert!(is_privacy_text("Domains By Proxy, LLC"));
        assert!(is_privacy_text("WhoisGuard, Inc."));
        assert!(is_privacy_text("REDACTED FOR PRIVACY"));
        assert!(is_privacy_text("Contact Privacy Inc. Customer 0145"));
        assert!(is_privacy_text("Data Protected"));
        assert!(!is_privacy_text("Google LLC"));
        assert!(is_redaction_marker("<data not disclosed>"));
        assert!(!is_redaction_marker("Google LLC"));
    }
}
