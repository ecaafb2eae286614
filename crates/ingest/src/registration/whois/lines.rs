//! Splitting a WHOIS answer into classified lines and paragraphs.

/// What one line holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineKind<'a> {
    /// A remark: `%`, `#`, `>>>` or a bracketed notice (`[ JPRS … ]`).
    Comment,
    /// `key: value`, `key.....: value`, `[key] value` or `key<TAB>value`.
    /// The value may be empty.
    Entry {
        /// The key as written, trimmed.
        key: &'a str,
        /// The value, trimmed.
        value: &'a str,
    },
    /// Anything else: a bare value, a heading or prose.
    Text(&'a str),
}

/// One non-blank line.
#[derive(Debug, Clone)]
pub struct Line<'a> {
    /// Line number, counted from 1.
    pub number: usize,
    /// Leading whitespace, in characters (a tab counts as 8).
    pub indent: usize,
    /// The whole line, trimmed.
    pub text: &'a str,
    /// What it holds.
    pub kind: LineKind<'a>,
}

/// Lines between blank lines.
#[derive(Debug, Default)]
pub struct Paragraph<'a> {
    /// The last comment line just above the paragraph, without its
    /// comment marks: `% Registrant:` (.ua) names the block below.
    pub heading: Option<&'a str>,
    /// The non-comment lines.
    pub lines: Vec<Line<'a>>,
}

/// Splits `text` into paragraphs at blank lines. Comment lines are left
/// out of the paragraphs (without splitting them) and returned
/// separately, in order, for the "not found" check.
pub fn paragraphs(text: &str) -> (Vec<Paragraph<'_>>, Vec<Line<'_>>) {
    let mut paragraphs = vec![Paragraph::default()];
    let mut comments = Vec::new();

    for (i, raw) in text.lines().enumerate() {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            start_paragraph(&mut paragraphs);
            continue;
        }

        let line =
            Line { number: i + 1, indent: indent_of(raw), text: trimmed, kind: classify(trimmed) };
        let Some(last) = paragraphs.last_mut() else { continue };
        if line.kind != LineKind::Comment {
            last.lines.push(line);
            continue;
        }
        if last.lines.is_empty() {
            last.heading = comment_heading(trimmed).or(last.heading);
        }
        comments.push(line);
    }

    paragraphs.retain(|p| !p.lines.is_empty());
    (paragraphs, comments)
}

fn start_paragraph(paragraphs: &mut Vec<Paragraph<'_>>) {
    if paragraphs.last().is_some_and(|p| !p.lines.is_empty()) {
        paragraphs.push(Paragraph::default());
    }
}

/// The words of a comment line, if it has any: `% Registrant:` gives
/// `Registrant:`; `% ======` gives nothing.
fn comment_heading(line: &str) -> Option<&str> {
    let text = line.trim_start_matches(['%', '#', ' ']).trim();
    text.chars().any(char::is_alphabetic).then_some(text)
}

fn indent_of(raw: &str) -> usize {
    raw.chars().take_while(|c| c.is_whitespace()).map(|c| if c == '\t' { 8 } else { 1 }).sum()
}

/// Classifies one trimmed, non-empty line.
pub fn classify(line: &str) -> LineKind<'_> {
    if is_comment(line) {
        return LineKind::Comment;
    }

    bracket_entry(line)
        .or_else(|| colon_entry(line))
        .or_else(|| tab_entry(line))
        .unwrap_or(LineKind::Text(line))
}

fn is_comment(line: &str) -> bool {
    line.starts_with('%')
        || line.starts_with('#')
        || line.starts_with(">>>")
        || line.starts_with("[ ")
        || line.starts_with("--")
        || line.chars().all(|c| c == '*' || c == '=' || c == '-' || c == '_')
        || (line.starts_with('*') && line.ends_with('*'))
}

/// `[Domain Name]   EXAMPLE.JP`, optionally after `a. ` (JPRS).
fn bracket_entry(line: &str) -> Option<LineKind<'_>> {
    let rest = strip_letter_prefix(line);
    let inner = rest.strip_prefix('[')?;
    let (key, value) = inner.split_once(']')?;
    let plausible = !key.is_empty() && key.len() <= 50 && !key.starts_with(' ');
    plausible.then(|| LineKind::Entry { key: key.trim(), value: value.trim() })
}

fn strip_letter_prefix(line: &str) -> &str {
    let bytes = line.as_bytes();
    if bytes.len() > 3 && bytes[0].is_ascii_lowercase() && bytes[1] == b'.' && bytes[2] == b' ' {
        return line[3..].trim_start();
    }
    line
}

/// `key: value` where the key is short and the colon is no URL's.
fn colon_entry(line: &str) -> Option<LineKind<'_>> {
    let colon = line.find(':')?;
    let key = line[..colon].trim_end().trim_end_matches('.').trim_end();
    let value = &line[colon + 1..];
    if value.starts_with("//") || !plausible_key(key) {
        return None;
    }
    Some(LineKind::Entry { key, value: value.trim().trim_start_matches(':').trim_start() })
}

fn plausible_key(key: &str) -> bool {
    let key = without_parentheses(key);
    let chars = key.trim().chars().count();
    (1..=60).contains(&chars)
        && key.split_whitespace().count() <= 10
        && key.chars().any(char::is_alphabetic)
        && !key.contains('@')
        && !has_long_number(&key)
}

/// "Company English Name (It should be …)" → "Company English Name ".
fn without_parentheses(key: &str) -> String {
    let mut depth = 0usize;
    key.chars()
        .filter(|c| {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                _ => return depth == 0,
            }
            false
        })
        .collect()
}

/// "Record created on 2018-02-05 22" is a date cut at its time, not a key.
fn has_long_number(key: &str) -> bool {
    key.split(|c: char| !c.is_ascii_digit()).any(|run| run.len() >= 4)
}

/// `key<TAB>value` (SWITCH, for .ch and .li).
fn tab_entry(line: &str) -> Option<LineKind<'_>> {
    let (key, value) = line.split_once('\t')?;
    let key = key.trim();
    plausible_key(key).then(|| LineKind::Entry { key, value: value.trim() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(line: &str) -> Option<(&str, &str)> {
        match classify(line) {
            LineKind::Entry { key, value } => Some((key, value)),
            _ => None,
        }
    }

    #[test]
    fn entry_shapes() {
        assert_eq!(entry("Domain Name: google.com"), Some(("Domain Name", "google.com")));
        assert_eq!(entry("domain.............: google.fi"), Some(("domain", "google.fi")));
        assert_eq!(entry("a. [Domain Name]   GOOGLE.CO.JP"), Some(("Domain Name", "GOOGLE.CO.JP")));
        assert_eq!(entry("[Signing Key]"), Some(("Signing Key", "")));
        assert_eq!(entry("Domain name\tswitch.ch"), Some(("Domain name", "switch.ch")));
        assert_eq!(entry("Registrant:"), Some(("Registrant", "")));
        assert_eq!(entry("https://www.icann.org/epp"), None);
        assert_eq!(classify("% comment"), LineKind::Comment);
        assert_eq!(classify("[ JPRS notice ]"), LineKind::Comment);
        assert_eq!(classify("ns1.google.com"), LineKind::Text("ns1.google.com"));
    }

    #[test]
    fn paragraphs_split_on_blank_and_comment_lines() {
        let (paragraphs, comments) = paragraphs("a: 1\nb: 2\n\n% x\nc: 3\n\n\nd: 4");
        assert_eq!(paragraphs.len(), 3);
        assert_eq!(comments.len(), 1);
        assert_eq!(paragraphs[1].lines[0].number, 5);
        assert_eq!(paragraphs[1].heading, Some("x"));
    }
}
