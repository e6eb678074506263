//! Text decoding: UTF-8 when valid, otherwise Windows-1252 (the usual encoding of old exports).

use std::borrow::Cow;

/// Windows-1252 code points for bytes 0x80–0x9F (undefined bytes map to the C1 control).
const CP1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{2C6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}', '\u{8F}',
    '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}', '\u{153}', '\u{9D}', '\u{17E}', '\u{178}',
];

/// Decode bytes; the flag tells whether Windows-1252 was needed.
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), false),
        Err(_) => (Cow::Owned(bytes.iter().map(|&b| cp1252(b)).collect()), true),
    }
}

fn cp1252(b: u8) -> char {
    match b {
        0x80..=0x9F => CP1252_HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_passes_and_cp1252_is_recoded() {
        assert_eq!(
            decode("Tbilisi – ok".as_bytes()),
            (Cow::Borrowed("Tbilisi – ok"), false)
        );
        let (s, re) = decode(b"caf\xe9 \x93q\x94 \x80");
        assert!(re);
        assert_eq!(s, "café “q” €");
    }
}
