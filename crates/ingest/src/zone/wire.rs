//! RFC 3597 `\#` data of known types, written in their own form.
//!
//! `A \# 4 c0000201` and `A 192.0.2.1` are the same record, and should
//! have the same text. This module decodes the wire form of every type
//! [`super::rdata`] has a grammar for; the others stay `\# length hex`.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use nshunt_model::{DomainName, RrType};

use super::encoding::{base32hex_encode, base64_encode, hex_encode, push_quoted};
use super::rdata::push_domain;
use super::values::format_time;

/// The presentation text of `data`, the wire form of a `rtype` record;
/// `Ok(None)` for types this module does not decode.
pub(super) fn present(rtype: RrType, data: &[u8]) -> Result<Option<String>, String> {
    let mut wire = Wire { data, out: String::new() };
    let decoded = match rtype.0 {
        1 => wire.ipv4(),
        28 => wire.ipv6(),
        2..=5 | 7..=9 | 12 | 39 => wire.name(),
        6 => wire.soa(),
        13 => wire.text().and_then(|()| wire.text()),
        15 | 18 | 21 | 36 => wire.number(2).and_then(|()| wire.name()),
        16 | 99 => wire.texts(),
        17 => wire.name().and_then(|()| wire.name()),
        24 | 46 => wire.rrsig(),
        25 | 48 | 60 => wire.numbers(&[2, 1, 1]).and_then(|()| wire.base64_rest()),
        33 => wire.numbers(&[2, 2, 2]).and_then(|()| wire.name()),
        35 => wire.naptr(),
        43 | 59 | 32769 => wire.numbers(&[2, 1, 1]).and_then(|()| wire.hex_rest()),
        44 => wire.numbers(&[1, 1]).and_then(|()| wire.hex_rest()),
        47 => wire.name().and_then(|()| wire.type_bitmap()),
        49 | 61 => wire.base64_rest(),
        50 => wire.nsec3(),
        51 => wire.nsec3_parameters(),
        52 | 53 => wire.numbers(&[1, 1, 1]).and_then(|()| wire.hex_rest()),
        62 => wire.numbers(&[4, 2]).and_then(|()| wire.type_bitmap()),
        63 => wire.numbers(&[4, 1, 1]).and_then(|()| wire.hex_rest()),
        256 => wire.numbers(&[2, 2]).and_then(|()| wire.quoted_rest()),
        257 => wire.caa(),
        _ => return Ok(None),
    };

    decoded.map_err(|e| format!("\\# data does not fit {rtype}: {e}"))?;
    if !wire.data.is_empty() {
        return Err(format!("\\# data has {} octets too many for {rtype}", wire.data.len()));
    }
    Ok(Some(wire.out))
}

/// Unread wire data and the text written so far.
struct Wire<'a> {
    data: &'a [u8],
    out: String,
}

impl<'a> Wire<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.data.len() < n {
            return Err("data ends early".into());
        }
        let (head, tail) = self.data.split_at(n);
        self.data = tail;
        Ok(head)
    }

    fn space(&mut self) {
        if !self.out.is_empty() {
            self.out.push(' ');
        }
    }

    fn ipv4(&mut self) -> Result<(), String> {
        let octets: [u8; 4] = self.take(4)?.try_into().map_err(|_| "short address")?;
        let _ = write!(self.out, "{}", Ipv4Addr::from(octets));
        Ok(())
    }

    fn ipv6(&mut self) -> Result<(), String> {
        let octets: [u8; 16] = self.take(16)?.try_into().map_err(|_| "short address")?;
        let _ = write!(self.out, "{}", Ipv6Addr::from(octets));
        Ok(())
    }

    /// A big-endian unsigned number of `width` octets, in decimal.
    fn number(&mut self, width: usize) -> Result<(), String> {
        let value = self.take(width)?.iter().fold(0u64, |v, &b| v << 8 | u64::from(b));
        self.space();
        let _ = write!(self.out, "{value}");
        Ok(())
    }

    fn numbers(&mut self, widths: &[usize]) -> Result<(), String> {
        widths.iter().try_for_each(|&w| self.number(w))
    }

    /// An uncompressed name: labels, each after its length, then 0.
    fn name(&mut self) -> Result<(), String> {
        let mut text = String::new();
        loop {
            let length = usize::from(self.take(1)?[0]);
            if length == 0 {
                break;
            }
            if length > 63 {
                return Err("compressed or malformed name".into());
            }

            self.take(length)?.iter().for_each(|&b| push_label_octet(b, &mut text));
            text.push('.');
        }

        let name = if text.is_empty() { Ok(DomainName::root()) } else { DomainName::parse(&text) };
        let name = name.map_err(|e| e.to_string())?;
        self.space();
        push_domain(&name, &mut self.out);
        Ok(())
    }

    /// One character string, after its length.
    fn text(&mut self) -> Result<(), String> {
        let length = usize::from(self.take(1)?[0]);
        let bytes = self.take(length)?.to_vec();
        self.space();
        push_quoted(&bytes, &mut self.out);
        Ok(())
    }

    /// Character strings until the data ends; at least one.
    fn texts(&mut self) -> Result<(), String> {
        self.text()?;
        while !self.data.is_empty() {
            self.text()?;
        }
        Ok(())
    }

    /// The rest of the data in hex; there must be some.
    fn hex_rest(&mut self) -> Result<(), String> {
        let bytes = self.rest()?;
        self.space();
        hex_encode(bytes, &mut self.out);
        Ok(())
    }

    /// The rest of the data in base64; there must be some.
    fn base64_rest(&mut self) -> Result<(), String> {
        let bytes = self.rest()?;
        self.space();
        base64_encode(bytes, &mut self.out);
        Ok(())
    }

    fn rest(&mut self) -> Result<&'a [u8], String> {
        if self.data.is_empty() {
            return Err("data ends early".into());
        }
        Ok(std::mem::take(&mut self.data))
    }

    fn soa(&mut self) -> Result<(), String> {
        self.name()?;
        self.name()?;
        self.numbers(&[4, 4, 4, 4, 4])
    }

    fn rrsig(&mut self) -> Result<(), String> {
        let covered = self.take(2)?;
        let covered = RrType(u16::from_be_bytes([covered[0], covered[1]]));
        let _ = write!(self.out, "{covered}");
        self.numbers(&[1, 1, 4])?;
        self.time()?;
        self.time()?;
        self.number(2)?;
        self.name()?;
        self.base64_rest()
    }

    /// A time stamp of 4 octets, as `YYYYMMDDHHmmSS`.
    fn time(&mut self) -> Result<(), String> {
        let seconds = self.take(4)?.iter().fold(0u64, |v, &b| v << 8 | u64::from(b));
        self.space();
        self.out.push_str(&format_time(seconds));
        Ok(())
    }

    /// A type bitmap (RFC 4034 §4.1.2): windows of up to 32 octets.
    fn type_bitmap(&mut self) -> Result<(), String> {
        let mut last_window = None;
        while !self.data.is_empty() {
            let head = self.take(2)?;
            let (window, length) = (head[0], usize::from(head[1]));
            if last_window.is_some_and(|w| w >= window) || !(1..=32).contains(&length) {
                return Err("bad type bitmap".into());
            }

            last_window = Some(window);
            let bits = self.take(length)?.to_vec();
            self.bitmap_window(window, &bits);
        }
        Ok(())
    }

    fn bitmap_window(&mut self, window: u8, bits: &[u8]) {
        for (i, &octet) in bits.iter().enumerate() {
            for bit in 0..8 {
                if octet & (0x80 >> bit) != 0 {
                    let number = u16::from(window) << 8 | (i as u16) << 3 | bit;
                    self.space();
                    let _ = write!(self.out, "{}", RrType(number));
                }
            }
        }
    }

    fn nsec3_parameters(&mut self) -> Result<(), String> {
        self.numbers(&[1, 1, 2])?;
        let length = usize::from(self.take(1)?[0]);
        let salt = self.take(length)?.to_vec();
        self.space();
        if salt.is_empty() {
            self.out.push('-');
        } else {
            hex_encode(&salt, &mut self.out);
        }
        Ok(())
    }

    fn nsec3(&mut self) -> Result<(), String> {
        self.nsec3_parameters()?;
        let length = usize::from(self.take(1)?[0]);
        if length == 0 {
            return Err("empty next hashed owner".into());
        }

        let hash = self.take(length)?.to_vec();
        self.space();
        base32hex_encode(&hash, &mut self.out);
        self.type_bitmap()
    }

    fn naptr(&mut self) -> Result<(), String> {
        self.numbers(&[2, 2])?;
        (0..3).try_for_each(|_| self.text())?;
        self.name()
    }

    /// The rest of the data as one quoted string (CAA value, URI target).
    fn quoted_rest(&mut self) -> Result<(), String> {
        let value = std::mem::take(&mut self.data);
        self.space();
        push_quoted(value, &mut self.out);
        Ok(())
    }

    fn caa(&mut self) -> Result<(), String> {
        self.number(1)?;
        let length = usize::from(self.take(1)?[0]);
        let tag = self.take(length)?;
        if tag.is_empty() || !tag.iter().all(u8::is_ascii_alphanumeric) {
            return Err("bad CAA tag".into());
        }

        let tag = String::from_utf8_lossy(tag).into_owned();
        self.space();
        self.out.push_str(&tag);
        self.quoted_rest()
    }
}

/// One label octet as name text: letters, digits, `-` and `_` as they
/// are, anything else as a `\DDD` escape for [`DomainName::parse`].
fn push_label_octet(b: u8, text: &mut String) {
    if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
        text.push(char::from(b));
    } else {
        let _ = write!(text, "\\{b:03}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(rtype: RrType, data: &[u8]) -> String {
        present(rtype, data).unwrap().unwrap()
    }

    #[test]
    fn known_types_are_decoded() {
        assert_eq!(text(RrType::A, &[192, 0, 2, 1]), "192.0.2.1");
        assert_eq!(text(RrType::NS, b"\x02ns\x07Example\x00"), "ns.example.");
        assert_eq!(text(RrType::NS, b"\x00"), ".");
        assert_eq!(text(RrType::MX, b"\x00\x0a\x01a\x00"), "10 a.");
        assert_eq!(text(RrType::TXT, b"\x02hi\x00"), "\"hi\" \"\"");
        assert_eq!(text(RrType::DS, b"\x00\x01\x08\x02\xab"), "1 8 2 ab");
        assert_eq!(text(RrType(48), b"\x01\x00\x03\x08\x01"), "256 3 8 AQ==");
        assert_eq!(text(RrType::NS, b"\x01.\x00"), "\\..");
        assert_eq!(text(RrType(44), b"\x01\x01\xab"), "1 1 ab");
        assert_eq!(text(RrType(47), b"\x01a\x00\x00\x01\x62"), "a. A NS SOA");
        assert_eq!(text(RrType(51), b"\x01\x00\x00\x0a\x00"), "1 0 10 -");
        assert_eq!(text(RrType(257), b"\x00\x05issuex"), "0 issue \"x\"");
    }

    #[test]
    fn bad_wire_data_is_refused() {
        assert!(present(RrType::A, &[1, 2, 3]).is_err());
        assert!(present(RrType::A, &[1, 2, 3, 4, 5]).is_err());
        assert!(present(RrType::NS, b"\xc0\x0c").is_err());
        assert!(present(RrType::NS, b"\x02a").is_err());
        assert!(present(RrType::TXT, b"").is_err());
        assert!(present(RrType::DS, b"\x00\x01\x08\x02").is_err());
        assert!(present(RrType(47), b"\x00\x00\x00").is_err());
        assert_eq!(present(RrType(65280), b"x").unwrap(), None);
    }
}
