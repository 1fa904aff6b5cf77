//! Parsing one Linux audit log line into its header and `key=value` fields.
//!
//! auditd writes `[node=HOST ]type=TYPE msg=audit(SECONDS.MILLIS:SERIAL): k=v ...`;
//! user-space records nest their own fields in `msg='...'`; untrusted strings are
//! either double-quoted or hex-encoded; the enriched log format appends resolved names
//! (`UID="root"`) after a 0x1D separator. Values are borrowed from the line.

use std::borrow::Cow;

/// One parsed audit record.
#[derive(Debug)]
pub struct AuditLine<'a> {
    pub node: Option<&'a str>,
    pub record_type: &'a str,
    pub time_ms: i64,
    pub sequence: u64,
    /// Fields in line order, the nested `msg='...'` fields in place of `msg`.
    pub fields: Vec<(&'a str, Cow<'a, str>)>,
    /// The enriched format's resolved names (`UID`, `AUID`, `SYSCALL`...).
    pub enriched: Vec<(&'a str, &'a str)>,
}

impl<'a> AuditLine<'a> {
    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_ref())
    }

    /// The resolved name the enriched format gives for `key`.
    pub fn enriched(&self, key: &str) -> Option<&'a str> {
        self.enriched
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }
}

/// Fields that hold untrusted strings, written hex-encoded when not quoted. `aN` are
/// strings only in EXECVE records (in SYSCALL records they are hex numbers).
fn may_be_hex(key: &str, execve: bool) -> bool {
    matches!(
        key,
        "acct" | "exe" | "comm" | "cmd" | "proctitle" | "name" | "cwd" | "key" | "grp" | "data"
    ) || (execve
        && key.len() > 1
        && key.starts_with('a')
        && key[1..].bytes().all(|b| b.is_ascii_digit()))
}

/// Parses one line; the error says what is wrong with it.
pub fn parse(line: &str) -> Result<AuditLine<'_>, String> {
    let line = line.trim();
    let (node, rest) = match line.strip_prefix("node=") {
        Some(r) => {
            let (n, rest) = r
                .split_once(' ')
                .ok_or("a node= prefix with nothing after it")?;
            (Some(n), rest.trim_start())
        }
        None => (None, line),
    };
    let rest = rest
        .strip_prefix("type=")
        .ok_or("not an audit record: expected type=TYPE at the start of the line")?;
    let (record_type, rest) = rest
        .split_once(' ')
        .ok_or("not an audit record: nothing after type=")?;
    let rest = rest
        .trim_start()
        .strip_prefix("msg=audit(")
        .ok_or("not an audit record: expected msg=audit(SECONDS:SERIAL) after the type")?;
    let (stamp, rest) = rest
        .split_once("):")
        .ok_or("the msg=audit( header is not closed with '):'")?;
    let (time_ms, sequence) = parse_stamp(stamp)?;
    let (body, enriched_text) = match rest.split_once('\u{1d}') {
        Some((b, e)) => (b, Some(e)),
        None => (rest, None),
    };
    let mut fields = Vec::new();
    let execve = record_type == "EXECVE";
    parse_fields(body, &mut fields, true, execve);
    let mut enriched = Vec::new();
    if let Some(e) = enriched_text {
        let mut raw = Vec::new();
        parse_fields(e, &mut raw, false, false);
        enriched = raw
            .into_iter()
            .filter_map(|(k, v)| match v {
                Cow::Borrowed(s) => Some((k, s)),
                Cow::Owned(_) => None,
            })
            .collect();
    }
    Ok(AuditLine {
        node,
        record_type,
        time_ms,
        sequence,
        fields,
        enriched,
    })
}

/// `1700000000.123:456` to (epoch ms, serial).
fn parse_stamp(stamp: &str) -> Result<(i64, u64), String> {
    let bad = || format!("audit time stamp {stamp:?} is not SECONDS.MILLIS:SERIAL");
    let (time, serial) = stamp.split_once(':').ok_or_else(bad)?;
    let (secs, frac) = time.split_once('.').unwrap_or((time, "0"));
    let secs: i64 = secs.parse().map_err(|_| bad())?;
    if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let millis: i64 = format!("{frac:0<3}")
        .get(..3)
        .and_then(|m| m.parse().ok())
        .ok_or_else(bad)?;
    let ms = secs
        .checked_mul(1000)
        .and_then(|s| s.checked_add(millis))
        .ok_or_else(bad)?;
    Ok((ms, serial.parse().map_err(|_| bad())?))
}

/// Appends the `key=value` pairs of `text` to `out`. A bare word without `=` continues
/// the previous bare value (`op=adding user` is one value).
fn parse_fields<'a>(
    text: &'a str,
    out: &mut Vec<(&'a str, Cow<'a, str>)>,
    nested: bool,
    execve: bool,
) {
    let mut rest = text;
    let mut last_bare: Option<usize> = None;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return;
        }
        let word_end = rest.find([' ', '=']).unwrap_or(rest.len());
        if rest.as_bytes().get(word_end) != Some(&b'=') {
            let word = &rest[..word_end];
            if let Some(i) = last_bare
                && let Some((_, v)) = out.get_mut(i)
            {
                let joined = format!("{v} {word}");
                *v = Cow::Owned(joined);
            }
            rest = &rest[word_end..];
            continue;
        }
        let key = &rest[..word_end];
        rest = &rest[word_end + 1..];
        last_bare = None;
        match rest.as_bytes().first() {
            Some(b'"') => {
                let end = rest[1..].find('"').map_or(rest.len(), |i| i + 1);
                out.push((key, Cow::Borrowed(&rest[1..end])));
                rest = rest.get(end + 1..).unwrap_or("");
            }
            Some(b'\'') if nested => {
                let end = rest[1..].find('\'').map_or(rest.len(), |i| i + 1);
                parse_fields(&rest[1..end], out, false, false);
                rest = rest.get(end + 1..).unwrap_or("");
            }
            _ => {
                let end = rest.find(' ').unwrap_or(rest.len());
                let value = &rest[..end];
                let value = if may_be_hex(key, execve) {
                    decode_hex(value).map_or(Cow::Borrowed(value), Cow::Owned)
                } else {
                    Cow::Borrowed(value)
                };
                last_bare = Some(out.len());
                out.push((key, value));
                rest = &rest[end..];
            }
        }
    }
}

/// Decodes auditd's hex encoding; `None` when `v` is not hex (`(null)`, `?`, a number
/// too short to be text...). NUL bytes (argument separators in proctitle) become spaces.
pub fn decode_hex(v: &str) -> Option<String> {
    if v.len() < 2 || !v.len().is_multiple_of(2) || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let bytes: Vec<u8> = (0..v.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(v.get(i..i + 2)?, 16).ok())
        .map(|b| if b == 0 { b' ' } else { b })
        .collect();
    Some(String::from_utf8_lossy(&bytes).trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_user_with_nested_message_and_enrichment() {
        let line = "node=web01 type=ADD_USER msg=audit(1700000000.123:456): pid=3858 uid=0 auid=1000 ses=3 \
                    subj=unconfined msg='op=adding user acct=\"sysupdate\" exe=\"/usr/sbin/useradd\" hostname=web01 \
                    addr=? terminal=pts/0 res=success'\u{1d}UID=\"root\" AUID=\"alice\"";
        let a = parse(line).unwrap();
        assert_eq!(a.node, Some("web01"));
        assert_eq!(a.record_type, "ADD_USER");
        assert_eq!(a.time_ms, 1_700_000_000_123);
        assert_eq!(a.sequence, 456);
        assert_eq!(a.get("op"), Some("adding user"));
        assert_eq!(a.get("acct"), Some("sysupdate"));
        assert_eq!(a.get("exe"), Some("/usr/sbin/useradd"));
        assert_eq!(a.get("res"), Some("success"));
        assert_eq!(a.get("auid"), Some("1000"));
        assert_eq!(a.enriched("AUID"), Some("alice"));
    }

    #[test]
    fn hex_values_and_time_fractions() {
        let a = parse("type=EXECVE msg=audit(1700000000.5:9): argc=3 a0=\"useradd\" a1=2D6D a2=6A6F686E20646F65")
            .unwrap();
        assert_eq!(a.time_ms, 1_700_000_000_500);
        assert_eq!(a.get("a1"), Some("-m"));
        assert_eq!(a.get("a2"), Some("john doe"));
        assert_eq!(a.get("argc"), Some("3"));
        assert_eq!(decode_hex("(null)"), None);
        let s = parse("type=SYSCALL msg=audit(1.1:1): a0=3 a1=7ffd4a3b").unwrap();
        assert_eq!(s.get("a1"), Some("7ffd4a3b"));
        assert_eq!(
            decode_hex("2F62696E2F7368002D63"),
            Some("/bin/sh -c".into())
        );
    }

    #[test]
    fn malformed_lines_are_errors_not_panics() {
        for line in [
            "",
            "type=",
            "type=X",
            "node=",
            "type=X msg=audit(",
            "type=X msg=audit(abc:1): a=b",
            "type=X msg=audit(1.x:1): a=b",
            "type=X msg=audit(99999999999999999.1:1): a=b",
        ] {
            assert!(parse(line).is_err(), "{line:?}");
        }
        // Odd but parseable: unterminated quotes and lone words.
        let a = parse("type=X msg=audit(1.1:1): a=\"open b=' c d= =e").unwrap();
        assert_eq!(a.get("a"), Some("open b=' c d= =e"));
    }
}
