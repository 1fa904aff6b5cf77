//! Byte-level value transformations: `base64`, `base64offset` and the UTF-16 family.
//!
//! Encoded command lines (`powershell -enc ...`) are matched by encoding the rule's
//! value the same way, once, when the rule is compiled.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// How `utf16*`/`wide` re-encode text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Utf16 {
    Le,
    Be,
    /// Little-endian with the `FF FE` byte-order mark.
    LeBom,
}

pub fn utf16(text: &[u8], kind: Utf16) -> Vec<u8> {
    let s = String::from_utf8_lossy(text);
    let mut out = Vec::with_capacity(s.len() * 2 + 2);
    if kind == Utf16::LeBom {
        out.extend_from_slice(&[0xFF, 0xFE]);
    }
    for unit in s.encode_utf16() {
        let b = match kind {
            Utf16::Be => unit.to_be_bytes(),
            Utf16::Le | Utf16::LeBom => unit.to_le_bytes(),
        };
        out.extend_from_slice(&b);
    }
    out
}

pub fn base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// The three encodings of `bytes` as it may appear at byte offsets 0, 1 and 2 of a
/// longer Base64 text, with the characters that depend on the neighbours cut off.
pub fn base64_offsets(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::with_capacity(3);
    for i in 0..3usize {
        let mut padded = vec![b' '; i];
        padded.extend_from_slice(bytes);
        let enc = STANDARD.encode(&padded);
        let start = [0usize, 2, 3][i];
        let end = match (bytes.len() + i) % 3 {
            0 => enc.len(),
            1 => enc.len().saturating_sub(3),
            _ => enc.len().saturating_sub(2),
        };
        if start < end {
            out.push(enc[start..end].to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_offsets_match_pysigma() {
        // Values cross-checked by encoding "xx" + value + "yy" and searching.
        let v = b"http://";
        for (i, frag) in base64_offsets(v).iter().enumerate() {
            let mut text = vec![b'Z'; i];
            text.extend_from_slice(v);
            text.extend_from_slice(b"tail");
            assert!(base64(&text).contains(frag.as_str()), "offset {i}: {frag}");
        }
        assert_eq!(base64_offsets(b"http://")[0], "aHR0cDovL");
    }

    #[test]
    fn utf16_forms() {
        assert_eq!(utf16(b"ab", Utf16::Le), vec![b'a', 0, b'b', 0]);
        assert_eq!(utf16(b"ab", Utf16::Be), vec![0, b'a', 0, b'b']);
        assert_eq!(utf16(b"a", Utf16::LeBom), vec![0xFF, 0xFE, b'a', 0]);
        assert_eq!(base64(&utf16(b"ab", Utf16::Le)), "YQBiAA==");
    }
}
