//! Reading answers: the outcome of a message for the role of the server
//! that sent it, and record data in nshunt's normalised text (the form
//! passive DNS is stored in: names lower case without the final dot,
//! MX `pref name`, SOA fields separated by single spaces, TXT strings
//! quoted with `"` and `\` escaped and other bytes as `\DDD`).

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use nshunt_model::DomainName;
use nshunt_model::record::push_quoted;

use crate::net::TransportError;
use crate::outcome::Outcome;

/// Who was asked: the meaning of a referral or a REFUSED depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A recursive resolver (recursion desired).
    Resolver,
    /// A server the delegation names: it must answer authoritatively.
    Authoritative,
    /// A server of the parent zone: a referral is the answer.
    Parent,
}

/// The outcome of an exchange asked in `role`.
pub fn outcome(role: Role, answer: &Result<Message, TransportError>) -> Outcome {
    match answer {
        Ok(message) => classify(role, message),
        Err(TransportError::Timeout { .. }) => Outcome::Timeout,
        Err(TransportError::Refused(_)) => Outcome::Blocked,
        Err(TransportError::Io { .. } | TransportError::Malformed { .. }) => Outcome::Error,
    }
}

/// The outcome of an answer from a server in `role`.
pub fn classify(role: Role, message: &Message) -> Outcome {
    let authoritative = message.authoritative();
    let has_answer = !message.answers().is_empty();

    match (message.response_code(), role) {
        (ResponseCode::ServFail, _) => Outcome::ServFail,
        (ResponseCode::Refused, Role::Resolver) => Outcome::Refused,
        (ResponseCode::Refused, _) => Outcome::Lame,
        (ResponseCode::NXDomain, Role::Authoritative) if !authoritative => Outcome::Lame,
        (ResponseCode::NXDomain, _) => Outcome::NxDomain,
        (ResponseCode::NoError, Role::Authoritative) if !authoritative => Outcome::Lame,
        (ResponseCode::NoError, Role::Parent) if is_referral(message) => Outcome::Answer,
        (ResponseCode::NoError, _) if has_answer => Outcome::Answer,
        (ResponseCode::NoError, _) => Outcome::NoData,
        _ => Outcome::Error,
    }
}

/// A referral: no answer, name servers in the authority section.
pub fn is_referral(message: &Message) -> bool {
    message.answers().is_empty()
        && message.name_servers().iter().any(|r| r.record_type() == RecordType::NS)
}

/// The absolute DNS name a domain is asked as; `None` when the DNS
/// cannot carry it (a name `DomainName` accepts may hold spaces,
/// control characters or labels hickory refuses). Input is checked
/// with it so that such a name is invalid, not silently collected.
pub fn query_name(domain: &DomainName) -> Option<Name> {
    Name::from_ascii(domain.to_fqdn()).ok()
}

/// The normalised text of a name: canonical nshunt text (lower case,
/// no final dot), `.` for the root.
pub fn name_text(name: &Name) -> String {
    let ascii = name.to_ascii();
    match DomainName::parse(&ascii) {
        Ok(parsed) => parsed.as_str().to_owned(),
        Err(_) => ascii.trim_end_matches('.').to_ascii_lowercase(),
    }
}

/// A record's data in normalised text; `None` for types nshunt does not
/// collect (signatures and the like).
pub fn rdata_text(record: &Record) -> Option<String> {
    let text = match record.data() {
        RData::A(a) => a.0.to_string(),
        RData::AAAA(a) => a.0.to_string(),
        RData::NS(ns) => name_text(&ns.0),
        RData::CNAME(cname) => name_text(&cname.0),
        RData::PTR(ptr) => name_text(&ptr.0),
        RData::MX(mx) => format!("{} {}", mx.preference(), name_text(mx.exchange())),
        RData::SOA(soa) => soa_text(soa),
        RData::TXT(txt) => txt_text(txt.txt_data()),
        _ => return None,
    };
    Some(text)
}

fn soa_text(soa: &hickory_proto::rr::rdata::SOA) -> String {
    format!(
        "{} {} {} {} {} {} {}",
        name_text(soa.mname()),
        name_text(soa.rname()),
        soa.serial(),
        soa.refresh() as u32,
        soa.retry() as u32,
        soa.expire() as u32,
        soa.minimum()
    )
}

/// TXT strings, each quoted as ldns prints them, separated by one space.
fn txt_text(strings: &[Box<[u8]>]) -> String {
    let mut out = String::new();
    for (i, bytes) in strings.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_quoted(bytes, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_dns_cannot_carry_have_no_query_name() {
        let bad = ["a b.lab.test", "a\tb.lab.test", "a\0b.test", "-bad-.lab.test", "a@b.test"];
        for text in bad.iter().chain(&["http://x.test/", "x.test/path"]) {
            if let Ok(domain) = DomainName::parse(text) {
                assert_eq!(query_name(&domain), None, "{text:?}");
            }
        }
        // These pass the model's parser: only the wire check stops them.
        for text in ["a b.lab.test", "-bad-.lab.test", "a@b.test"] {
            assert!(DomainName::parse(text).is_ok(), "{text:?}");
        }
        let good = DomainName::parse("Ok-1.lab.test").unwrap();
        assert_eq!(query_name(&good), Some(Name::from_ascii("ok-1.lab.test.").unwrap()));
    }
    use hickory_proto::op::MessageType;
    use hickory_proto::rr::rdata::{A, MX, NS, TXT};

    fn name(text: &str) -> Name {
        Name::from_ascii(text).unwrap()
    }

    fn answer(code: ResponseCode, aa: bool) -> Message {
        let mut m = Message::new();
        m.set_message_type(MessageType::Response).set_response_code(code).set_authoritative(aa);
        m
    }

    fn ns(owner: &str, host: &str) -> Record {
        Record::from_rdata(name(owner), 3600, RData::NS(NS(name(host))))
    }

    #[test]
    fn resolver_outcomes() {
        let r = Role::Resolver;
        assert_eq!(classify(r, &answer(ResponseCode::NXDomain, false)), Outcome::NxDomain);
        assert_eq!(classify(r, &answer(ResponseCode::NoError, false)), Outcome::NoData);
        assert_eq!(classify(r, &answer(ResponseCode::ServFail, false)), Outcome::ServFail);
        assert_eq!(classify(r, &answer(ResponseCode::Refused, false)), Outcome::Refused);
        assert_eq!(classify(r, &answer(ResponseCode::FormErr, false)), Outcome::Error);

        let mut m = answer(ResponseCode::NoError, false);
        m.add_answer(ns("a.test.", "ns1.a.test."));
        assert_eq!(classify(r, &m), Outcome::Answer);
    }

    #[test]
    fn authoritative_outcomes_tell_lameness() {
        let a = Role::Authoritative;
        assert_eq!(classify(a, &answer(ResponseCode::NoError, true)), Outcome::NoData);
        assert_eq!(classify(a, &answer(ResponseCode::NXDomain, true)), Outcome::NxDomain);
        assert_eq!(classify(a, &answer(ResponseCode::Refused, false)), Outcome::Lame);

        let mut referral = answer(ResponseCode::NoError, false);
        referral.add_name_server(ns("a.test.", "ns1.a.test."));
        assert_eq!(classify(a, &referral), Outcome::Lame);
        assert_eq!(classify(Role::Parent, &referral), Outcome::Answer);
    }

    #[test]
    fn record_text_is_normalised() {
        let owner = name("A.Test.");
        let rec = |data| Record::from_rdata(owner.clone(), 60, data);
        let mx = RData::MX(MX::new(10, name("Mail.A.TEST.")));
        assert_eq!(rdata_text(&rec(mx)).unwrap(), "10 mail.a.test");
        let a = RData::A(A::new(192, 0, 2, 1));
        assert_eq!(rdata_text(&rec(a)).unwrap(), "192.0.2.1");

        let strings = vec!["v=spf1 -all".to_owned(), "say \"hi\"\u{1}".to_owned()];
        let txt = RData::TXT(TXT::new(strings));
        assert_eq!(rdata_text(&rec(txt)).unwrap(), r#""v=spf1 -all" "say \"hi\"\001""#);
        assert_eq!(name_text(&name("Ns1.Example.TEST.")), "ns1.example.test");
    }
}
