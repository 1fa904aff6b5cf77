//! A fingerprint of a short object key read with at most four word loads: its length
//! and two words that together cover every byte of keys up to 16 bytes (ECS keys are
//! almost all that short). Two keys of up to 16 bytes are equal exactly when their
//! prints are; the words also answer whether the key contains a dot. This keeps the
//! per-key cost of scanning an event's objects (see `field_tree`) free of library calls.

const DOTS: u64 = u64::from_ne_bytes([b'.'; 8]);
const LOW: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyPrint {
    len: usize,
    a: u64,
    b: u64,
}

fn read8(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8)
        .and_then(|s| <[u8; 8]>::try_from(s).ok())
        .map_or(0, u64::from_le_bytes)
}

fn read4(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 4)
        .and_then(|s| <[u8; 4]>::try_from(s).ok())
        .map_or(0, |w| u64::from(u32::from_le_bytes(w)))
}

/// Whether some byte of `w` is a dot (bytes the word does not use are zero).
fn dot_in(w: u64) -> bool {
    let x = w ^ DOTS;
    x.wrapping_sub(LOW) & !x & HIGH != 0
}

impl KeyPrint {
    pub fn of(key: &[u8]) -> KeyPrint {
        let len = key.len();
        let byte = |i: usize| u64::from(key.get(i).copied().unwrap_or(0));
        let (a, b) = if len >= 8 {
            (read8(key, 0), read8(key, len - 8))
        } else if len >= 4 {
            (read4(key, 0), read4(key, len - 4))
        } else if len > 0 {
            (byte(0) | byte(len / 2) << 8 | byte(len - 1) << 16, 0)
        } else {
            (0, 0)
        };
        KeyPrint { len, a, b }
    }

    /// Whether the printed key (given again as `key`) equals `other`'s key.
    pub fn same_key(&self, other: &KeyPrint, key: &[u8], other_key: &[u8]) -> bool {
        self == other && (self.len <= 16 || key == other_key)
    }

    /// Whether the printed key (given again as `key`) contains a dot.
    pub fn has_dot(&self, key: &[u8]) -> bool {
        if self.len <= 16 {
            dot_in(self.a) || dot_in(self.b)
        } else {
            key.contains(&b'.')
        }
    }

    /// A table slot for the key among `mask + 1` slots.
    pub fn slot(&self, mask: usize) -> usize {
        let h =
            (self.a ^ self.b.rotate_left(29) ^ self.len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (h >> 40) as usize & mask
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_decide_equality_and_dots() {
        let keys = [
            "",
            "a",
            "b",
            "ab",
            "ba",
            "abc",
            "acb",
            "a.c",
            "name",
            "nime",
            "n.me",
            "args",
            "parent",
            "parenT",
            "pa.ent",
            "entity_id",
            "entity_ie",
            "original_file_name",
            "original_file_nbme",
            "original.file_name",
            "command_line",
            "0123456789abcdef",
            "0123456789abcdeg",
            "0123456789abcde.",
            "é",
            "é.",
            "x\0",
            "x",
        ];
        for a in keys {
            let pa = KeyPrint::of(a.as_bytes());
            assert_eq!(pa.has_dot(a.as_bytes()), a.contains('.'), "{a:?}");
            for b in keys {
                let pb = KeyPrint::of(b.as_bytes());
                assert_eq!(
                    pa.same_key(&pb, a.as_bytes(), b.as_bytes()),
                    a == b,
                    "{a:?} vs {b:?}"
                );
            }
        }
    }
}
