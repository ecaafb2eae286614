//! Splitting a block of CZDS lines with one pass over its bytes.
//!
//! Finding each line's end, then each field's, byte loop by byte loop,
//! costs a hard-to-predict branch per field. Instead one pass over a
//! piece of the block, 64 bytes at a time, marks every byte up to space
//! (tab, newline, carriage return, space, controls) in a bit mask and
//! writes the marked positions to an index; the same pass notices the
//! bytes only the general reader understands, and upper-case letters.
//! A CZDS NS line is then five consecutive index entries: four tabs and
//! a newline. Any other line is handed on whole, to be split the slow
//! way.

use super::{has_upper, parse_ttl};

/// Bytes indexed at a time: small enough that a piece and its index
/// stay in the cache while its lines are counted.
const PIECE_BYTES: usize = 128 << 10;

/// One line of a block.
#[derive(Clone, Copy)]
pub(super) enum Line<'a> {
    /// An NS record in the CZDS shape with a lower-case host.
    Ns(NsFields<'a>),
    /// Anything else, with its newline (the last line may lack it).
    Other(&'a [u8]),
}

/// The fields of a CZDS NS line.
#[derive(Clone, Copy)]
pub(super) struct NsFields<'a> {
    /// As written, with its trailing dot.
    pub(super) owner: &'a [u8],
    pub(super) ttl: u32,
    /// Lower case, without its trailing dot.
    pub(super) host: &'a [u8],
    /// The owner is known to be lower case too.
    pub(super) lower: bool,
}

/// The index of separator positions, kept between pieces to reuse its
/// memory.
#[derive(Default)]
pub(super) struct Scanner {
    seps: Vec<u32>,
}

impl Scanner {
    /// Indexes `piece` and returns its lines; `None` when it holds
    /// parentheses, quotes, comments or escapes.
    pub(super) fn lines<'a>(&'a mut self, piece: &'a [u8]) -> Option<Lines<'a>> {
        if self.seps.len() < piece.len() + 64 {
            self.seps.resize(piece.len() + 64, 0);
        }
        let mut count = 0;
        let (mut special, mut upper) = (false, false);

        let mut chunks = piece.chunks_exact(64);
        for (base, chunk) in (0u32..).step_by(64).zip(chunks.by_ref()) {
            let chunk = <&[u8; 64]>::try_from(chunk).ok()?;
            let (seps, has_special, has_upper) = classify(chunk);
            (special, upper) = (special | has_special, upper | has_upper);
            push_positions(seps, base, &mut self.seps, &mut count);
        }
        let mut tail = [b'x'; 64];
        tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        let (seps, has_special, has_upper) = classify(&tail);
        let base = u32::try_from(piece.len() - chunks.remainder().len()).ok()?;
        push_positions(seps, base, &mut self.seps, &mut count);

        let seps = &self.seps[..count];
        let lines = Lines { text: piece, seps, upper: upper | has_upper, next: 0, start: 0 };
        (!special && !has_special).then_some(lines)
    }
}

/// Cuts a block of whole lines into pieces of whole lines, each about
/// [`PIECE_BYTES`] long (a longer line makes a longer piece).
pub(super) fn pieces(block: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = block;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let cut = match rest.len() <= PIECE_BYTES {
            true => rest.len(),
            false => memchr::memrchr(b'\n', &rest[..PIECE_BYTES])
                .or_else(|| memchr::memchr(b'\n', &rest[PIECE_BYTES..]).map(|i| PIECE_BYTES + i))
                .map_or(rest.len(), |nl| nl + 1),
        };
        let (piece, after) = rest.split_at(cut);
        rest = after;
        Some(piece)
    })
}

/// The separator mask of 64 bytes (bit i for byte i), and whether they
/// hold a byte only the general reader understands or an upper-case
/// letter.
#[cfg(target_arch = "x86_64")]
#[expect(unsafe_code, reason = "SSE2 functions are unsafe to call without `target_feature`")]
fn classify(chunk: &[u8; 64]) -> (u64, bool, bool) {
    // SAFETY: SSE2 is part of x86-64: every processor that runs this
    // build has it (and the build enables it for all code already).
    unsafe { classify_sse2(chunk) }
}

/// [`classify`] with SSE2, 16 bytes a compare.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn classify_sse2(chunk: &[u8; 64]) -> (u64, bool, bool) {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
        _mm_setzero_si128, _mm_sub_epi8,
    };

    let byte = |b: u8| _mm_set1_epi8(b as i8);
    let (mut seps, mut special, mut upper) = (0u64, _mm_setzero_si128(), _mm_setzero_si128());
    for (i, part) in chunk.chunks_exact(16).enumerate() {
        let x = load16(part);
        // Unsigned `x <= b' '` and `x - b'A' < 26`, as `min(x, k) == x`.
        let sep = _mm_cmpeq_epi8(_mm_min_epu8(x, byte(b' ')), x);
        seps |= u64::from(_mm_movemask_epi8(sep) as u16) << (16 * i);
        let letter = _mm_sub_epi8(x, byte(b'A'));
        upper = _mm_or_si128(upper, _mm_cmpeq_epi8(_mm_min_epu8(letter, byte(25)), letter));
        let open_or_quote =
            _mm_or_si128(_mm_cmpeq_epi8(x, byte(b'(')), _mm_cmpeq_epi8(x, byte(b'"')));
        let comment_or_escape =
            _mm_or_si128(_mm_cmpeq_epi8(x, byte(b';')), _mm_cmpeq_epi8(x, byte(b'\\')));
        special = _mm_or_si128(special, _mm_or_si128(open_or_quote, comment_or_escape));
    }
    (seps, _mm_movemask_epi8(special) != 0, _mm_movemask_epi8(upper) != 0)
}

/// Sixteen bytes in a vector register.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn load16(bytes: &[u8]) -> std::arch::x86_64::__m128i {
    let word = |at: usize| {
        let eight = bytes.get(at..at + 8).and_then(|b| <[u8; 8]>::try_from(b).ok());
        i64::from_le_bytes(eight.unwrap_or_default())
    };
    std::arch::x86_64::_mm_set_epi64x(word(8), word(0))
}

/// [`classify`] on other processors, byte by byte.
#[cfg(not(target_arch = "x86_64"))]
fn classify(chunk: &[u8; 64]) -> (u64, bool, bool) {
    let mut seps = 0u64;
    let (mut special, mut upper) = (false, false);
    for (i, &b) in chunk.iter().enumerate() {
        seps |= u64::from(b <= b' ') << i;
        special |= matches!(b, b'(' | b'"' | b';' | b'\\');
        upper |= b.is_ascii_uppercase();
    }
    (seps, special, upper)
}

/// Appends the positions of the set bits of `mask` to `out[*count..]`.
/// Eight are written whether or not there are eight, so that the usual
/// chunk costs no branch per bit; `out` has room for 64 past `count`.
#[inline]
fn push_positions(mut mask: u64, base: u32, out: &mut [u32], count: &mut usize) {
    let bits = mask.count_ones() as usize;
    let Some(out) = out.get_mut(*count..*count + 64) else { return };

    for slot in &mut out[..8] {
        *slot = base + mask.trailing_zeros();
        mask &= mask.wrapping_sub(1);
    }
    let mut at = 8;
    while mask != 0 {
        out[at] = base + mask.trailing_zeros();
        mask &= mask.wrapping_sub(1);
        at += 1;
    }
    *count += bits;
}

/// The lines of an indexed piece.
pub(super) struct Lines<'a> {
    text: &'a [u8],
    seps: &'a [u32],
    /// The piece has an upper-case letter somewhere.
    upper: bool,
    /// The first index entry of the current line.
    next: usize,
    /// Where the current line starts.
    start: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        if self.start >= self.text.len() {
            return None;
        }
        Some(self.ns_line().map_or_else(|| Line::Other(self.other_line()), Line::Ns))
    }
}

impl<'a> Lines<'a> {
    /// The current line if it is `owner<TAB>ttl<TAB>in<TAB>ns<TAB>host`
    /// with an absolute owner, a plain TTL and a lower-case absolute
    /// host: exactly the lines the slow split would read the same way
    /// with nothing to lower-case.
    fn ns_line(&mut self) -> Option<NsFields<'a>> {
        let seps = self.seps.get(self.next..self.next + 5)?;
        let [t0, t1, t2, t3, nl] = <[u32; 5]>::try_from(seps).ok()?.map(|s| s as usize);
        let text = self.text;
        let tabs = [t0, t1, t2, t3].iter().all(|&t| text[t] == b'\t');
        if !tabs || text[nl] != b'\n' {
            return None;
        }

        let owner = &text[self.start..t0];
        let plain_owner = owner.ends_with(b".") && owner[0] != b'$';
        let known = is_word(&text[t1 + 1..t2], *b"in") && is_word(&text[t2 + 1..t3], *b"ns");
        if !plain_owner || !known {
            return None;
        }

        let host = text[t3 + 1..nl].strip_suffix(b".")?;
        if self.upper && has_upper(host) {
            return None;
        }
        let ttl = parse_ttl(&text[t0 + 1..t1])?;
        (self.next, self.start) = (self.next + 5, nl + 1);
        Some(NsFields { owner, ttl, host, lower: !self.upper })
    }

    /// The current line, whatever it holds: through the next newline.
    fn other_line(&mut self) -> &'a [u8] {
        let start = self.start;
        while let Some(&sep) = self.seps.get(self.next) {
            self.next += 1;
            let sep = sep as usize;
            if self.text[sep] == b'\n' {
                self.start = sep + 1;
                return &self.text[start..=sep];
            }
        }
        self.start = self.text.len();
        &self.text[start..]
    }
}

/// Whether `field` is the two-letter `word` (lower case letters) in any
/// case.
fn is_word(field: &[u8], word: [u8; 2]) -> bool {
    matches!(field, &[a, b] if a | 0x20 == word[0] && b | 0x20 == word[1])
}
