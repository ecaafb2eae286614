//! Buffered output and hand-written number formatting.
//!
//! Records are appended to one reusable byte buffer that goes to the
//! writer in large blocks, so no record allocates and the writer sees
//! few, large writes.

use std::io::{self, Write};

/// The buffer is handed to the writer once it holds this many bytes.
const FLUSH_AT: usize = 1 << 20;

/// A buffered writer that counts the bytes it wrote.
pub(crate) struct Out<W: Write> {
    pub(crate) buf: Vec<u8>,
    inner: W,
    written: u64,
}

impl<W: Write> Out<W> {
    pub(crate) fn new(inner: W) -> Self {
        Out { buf: Vec::with_capacity(FLUSH_AT + (64 << 10)), inner, written: 0 }
    }

    /// Writes the buffer out if it is full enough.
    pub(crate) fn maybe_flush(&mut self) -> io::Result<()> {
        if self.buf.len() >= FLUSH_AT { self.flush() } else { Ok(()) }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.write_all(&self.buf)?;
        self.written += self.buf.len() as u64;
        self.buf.clear();
        Ok(())
    }

    /// Writes what is left and flushes the writer; returns the bytes written.
    pub(crate) fn finish(mut self) -> io::Result<u64> {
        self.flush()?;
        self.inner.flush()?;
        Ok(self.written)
    }
}

/// Appends `value` in decimal.
pub(crate) fn push_u64(buf: &mut Vec<u8>, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();

    loop {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }

    buf.extend_from_slice(&digits[at..]);
}

/// Appends an IPv4 address in dotted-quad form.
pub(crate) fn push_ipv4(buf: &mut Vec<u8>, addr: [u8; 4]) {
    for (i, octet) in addr.into_iter().enumerate() {
        if i > 0 {
            buf.push(b'.');
        }
        push_u64(buf, u64::from(octet));
    }
}

/// Appends an IPv6 address in RFC 5952 form: lower case, no leading
/// zeros, the longest run of two or more zero groups as `::`.
pub(crate) fn push_ipv6(buf: &mut Vec<u8>, groups: [u16; 8]) {
    let (run_start, run_len) = longest_zero_run(&groups);
    let mut i = 0;

    while i < 8 {
        if run_len >= 2 && i == run_start {
            buf.extend_from_slice(b"::");
            i += run_len;
            continue;
        }
        if i > 0 && !(run_len >= 2 && i == run_start + run_len) {
            buf.push(b':');
        }
        push_hex_group(buf, groups[i]);
        i += 1;
    }
}

fn longest_zero_run(groups: &[u16; 8]) -> (usize, usize) {
    let mut best = (0, 0);
    let mut start = 0;

    // A non-zero sentinel after the last group closes a trailing run.
    for (i, &group) in groups.iter().chain([&1]).enumerate() {
        if group == 0 {
            continue;
        }
        if i - start > best.1 {
            best = (start, i - start);
        }
        start = i + 1;
    }

    best
}

fn push_hex_group(buf: &mut Vec<u8>, group: u16) {
    let mut started = false;

    for shift in [12, 8, 4, 0] {
        let nibble = (group >> shift) & 0xf;
        if nibble != 0 || started || shift == 0 {
            buf.push(HEX_LOWER[usize::from(nibble)]);
            started = true;
        }
    }
}

const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";
const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Appends the 16 hex digits of `value`, upper case when `upper`.
pub(crate) fn push_hex64(buf: &mut Vec<u8>, value: u64, upper: bool) {
    let digits = if upper { HEX_UPPER } else { HEX_LOWER };
    for shift in (0..16).rev() {
        buf.push(digits[((value >> (shift * 4)) & 0xf) as usize]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut buf = Vec::new();
        f(&mut buf);
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn numbers() {
        assert_eq!(text(|b| push_u64(b, 0)), "0");
        assert_eq!(text(|b| push_u64(b, 172_800)), "172800");
        assert_eq!(text(|b| push_u64(b, u64::MAX)), u64::MAX.to_string());
    }

    #[test]
    fn addresses_match_std() {
        let cases = [
            [0x2a01, 0x4f8, 0xc17, 0, 0, 0, 0, 1],
            [0x2a01, 0, 0, 0x1, 0, 0, 0, 0],
            [0, 0, 0, 0, 0, 0, 0, 0],
            [1, 0, 2, 0, 3, 0, 4, 0],
            [0x2a0f, 0xffff, 0, 0xabcd, 0, 0, 0, 0x30],
        ];
        for groups in cases {
            let expected = std::net::Ipv6Addr::from(groups).to_string();
            assert_eq!(text(|b| push_ipv6(b, groups)), expected);
        }
        assert_eq!(text(|b| push_ipv4(b, [5, 0, 255, 1])), "5.0.255.1");
    }

    #[test]
    fn hex() {
        assert_eq!(text(|b| push_hex64(b, 0xab, false)), "00000000000000ab");
        assert_eq!(text(|b| push_hex64(b, 0xab, true)), "00000000000000AB");
    }
}
