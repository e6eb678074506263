//! Checkpoints a party can keep: the record's head (sequence number and hash) at a moment,
//! signed by the server with an Ed25519 key of its own.
//!
//! A hash chain shows edits, deletions and insertions, but whoever holds the database can cut
//! entries from the end and rewrite the head to match: the shortened chain is intact. A
//! checkpoint kept outside the database closes that gap. Whoever downloaded one can later check
//! that the record still *extends* it — entry `seq` is still there with the same `hash` — and
//! since every later entry commits to the one before, a record that extends a checkpoint
//! contains every entry the checkpoint vouched for, unchanged.
//!
//! The signed message is plain text, so that a person can rebuild it with any tool:
//!
//! ```text
//! chamber-audit-checkpoint/v1\n
//! seq 42\n
//! hash 3f2a…(64 hex)\n
//! at 2026-12-06T18:00:00Z\n
//! ```
//!
//! A checkpoint file is JSON: `format`, `seq`, `hash`, `at`, `public_key` (32 bytes, hex) and
//! `signature` (64 bytes, hex). `docs/audit-verification.md` gives the offline procedure.
//!
//! Architecture invariant: no I/O here (the key file and the store are the application's);
//! a checkpoint that parses has well-formed fields, and one that verifies was signed by the
//! private half of its `public_key`.

use crate::audit::{AuditEntry, GENESIS_HASH};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

/// The `format` field of every checkpoint this version writes, and the first line of the
/// signed message.
pub const FORMAT: &str = "chamber-audit-checkpoint/v1";

/// The server's checkpoint signing key (Ed25519).
pub struct CheckpointKey {
    key: SigningKey,
}

impl std::fmt::Debug for CheckpointKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckpointKey")
            .field("public_key", &self.public_key_hex())
            .finish()
    }
}

impl CheckpointKey {
    /// A key from its 32 secret bytes (the caller draws them from the operating system's
    /// random source, or reads them from the key file).
    pub fn from_bytes(secret: [u8; 32]) -> CheckpointKey {
        CheckpointKey {
            key: SigningKey::from_bytes(&secret),
        }
    }

    /// Reads a key written by [`CheckpointKey::to_hex`]: 64 hexadecimal characters (white
    /// space around them ignored). The error never repeats the content.
    pub fn from_hex(text: &str) -> Result<CheckpointKey, CheckpointError> {
        let bytes = hex::decode(text.trim()).map_err(|_| CheckpointError::field("key", HEX32))?;
        let secret: [u8; 32] = bytes
            .try_into()
            .map_err(|_| CheckpointError::field("key", HEX32))?;
        Ok(CheckpointKey::from_bytes(secret))
    }

    /// The secret, as the key file holds it.
    pub fn to_hex(&self) -> String {
        hex::encode(self.key.to_bytes())
    }

    /// The public half, hex: what every checkpoint carries and a party may pin.
    pub fn public_key_hex(&self) -> String {
        hex::encode(self.key.verifying_key().to_bytes())
    }

    /// Signs the head `(seq, hash)` as of `at` (UTC, `YYYY-MM-DDTHH:MM:SSZ`).
    pub fn sign(&self, seq: i64, hash: &str, at: &str) -> SignedCheckpoint {
        let message = message(seq, hash, at);
        SignedCheckpoint {
            format: FORMAT.to_string(),
            seq,
            hash: hash.to_string(),
            at: at.to_string(),
            public_key: self.public_key_hex(),
            signature: hex::encode(self.key.sign(message.as_bytes()).to_bytes()),
        }
    }
}

const HEX32: &str = "expected 64 hexadecimal characters (32 bytes)";

/// The exact bytes a checkpoint's signature covers.
pub fn message(seq: i64, hash: &str, at: &str) -> String {
    format!("{FORMAT}\nseq {seq}\nhash {hash}\nat {at}\n")
}

/// A signed checkpoint, as served, kept and checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedCheckpoint {
    /// Always [`FORMAT`].
    pub format: String,
    /// The last entry the checkpoint vouches for (0: the empty record).
    pub seq: i64,
    /// That entry's hash ([`GENESIS_HASH`] for the empty record).
    pub hash: String,
    /// When the server signed it (UTC, to the second).
    pub at: String,
    /// The Ed25519 public key that verifies `signature`, hex.
    pub public_key: String,
    /// Ed25519 signature of [`message`], hex.
    pub signature: String,
}

/// Why a checkpoint could not be read or does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// The file is not a checkpoint: the field and what is wrong with it.
    #[error("field '{field}': {reason}")]
    Field { field: String, reason: String },
    /// Not JSON, or not the checkpoint's shape (line and column given by the parser).
    #[error("{0}")]
    Json(String),
    /// The signature does not verify under the checkpoint's public key: the file was changed
    /// after signing, or was never signed by that key.
    #[error(
        "its signature does not verify under its public key {public_key} (the checkpoint was \
         altered or not signed by that key)"
    )]
    Signature { public_key: String },
    /// The checkpoint was signed by another key than the one expected.
    #[error("it was signed by {found}, not by the expected key {expected}")]
    OtherKey { expected: String, found: String },
}

impl CheckpointError {
    fn field(field: &str, reason: &str) -> CheckpointError {
        CheckpointError::Field {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

fn is_lower_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn is_utc_second(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

impl SignedCheckpoint {
    /// Reads a checkpoint file's text; every field is checked for shape (the signature is
    /// checked by [`SignedCheckpoint::verify_signature`]).
    pub fn parse(text: &str) -> Result<SignedCheckpoint, CheckpointError> {
        let cp: SignedCheckpoint =
            serde_json::from_str(text).map_err(|e| CheckpointError::Json(e.to_string()))?;
        cp.check_shape()?;
        Ok(cp)
    }

    fn check_shape(&self) -> Result<(), CheckpointError> {
        if self.format != FORMAT {
            return Err(CheckpointError::field(
                "format",
                &format!("expected \"{FORMAT}\""),
            ));
        }
        if self.seq < 0 {
            return Err(CheckpointError::field("seq", "must be 0 or more"));
        }
        if !is_lower_hex(&self.hash, 64) {
            return Err(CheckpointError::field(
                "hash",
                "expected 64 lower-case hexadecimal characters",
            ));
        }
        if self.seq == 0 && self.hash != GENESIS_HASH {
            return Err(CheckpointError::field(
                "hash",
                "the empty record's hash is 64 zeros",
            ));
        }
        if !is_utc_second(&self.at) {
            return Err(CheckpointError::field(
                "at",
                "expected UTC time as YYYY-MM-DDTHH:MM:SSZ",
            ));
        }
        if !is_lower_hex(&self.public_key, 64) {
            return Err(CheckpointError::field("public_key", HEX32));
        }
        if !is_lower_hex(&self.signature, 128) {
            return Err(CheckpointError::field(
                "signature",
                "expected 128 hexadecimal characters (64 bytes)",
            ));
        }
        Ok(())
    }

    /// The exact bytes the signature covers.
    pub fn message(&self) -> String {
        message(self.seq, &self.hash, &self.at)
    }

    /// Checks the signature under the checkpoint's own public key.
    pub fn verify_signature(&self) -> Result<(), CheckpointError> {
        self.check_shape()?;
        let bad = || CheckpointError::Signature {
            public_key: self.public_key.clone(),
        };
        let key: [u8; 32] = hex::decode(&self.public_key)
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or_else(bad)?;
        let key = VerifyingKey::from_bytes(&key).map_err(|_| bad())?;
        let sig: [u8; 64] = hex::decode(&self.signature)
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or_else(bad)?;
        key.verify_strict(self.message().as_bytes(), &Signature::from_bytes(&sig))
            .map_err(|_| bad())
    }

    /// Checks the signature, and that it was made by `expected` (a public key, hex) when one
    /// is pinned.
    pub fn verify_signed_by(&self, expected: Option<&str>) -> Result<(), CheckpointError> {
        self.verify_signature()?;
        match expected {
            Some(k) if !k.trim().eq_ignore_ascii_case(&self.public_key) => {
                Err(CheckpointError::OtherKey {
                    expected: k.trim().to_ascii_lowercase(),
                    found: self.public_key.clone(),
                })
            }
            _ => Ok(()),
        }
    }

    /// The JSON a party downloads and keeps (pretty, one field a line, newline-terminated).
    pub fn to_json_pretty(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a checkpoint serialises");
        s.push('\n');
        s
    }

    /// Does the record `entries` (already checked as a chain) extend this checkpoint? See
    /// [`extends`].
    pub fn is_extended_by(&self, entries: &[AuditEntry]) -> Result<(), NotExtended> {
        extends(entries, self)
    }
}

/// Why a record no longer extends a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotExtended {
    /// The record ends before the checkpoint's entry: entries were cut from the end.
    #[error(
        "the record ends at entry {last} but the checkpoint vouches for entry {seq}: entries \
         were cut from the end"
    )]
    Cut { seq: i64, last: i64 },
    /// The checkpoint's entry is there with another hash: the record was rewritten from that
    /// entry or before it.
    #[error(
        "entry {seq} has hash {found} but the checkpoint names {expected}: the record was \
         rewritten at or before entry {seq}"
    )]
    Rewritten {
        seq: i64,
        expected: String,
        found: String,
    },
}

/// Does `entries` (the record in sequence order, already checked with
/// [`crate::audit::verify_chain`]) extend `checkpoint`? It does when entry `checkpoint.seq` is
/// there with `checkpoint.hash`; since each entry commits to the one before it, every earlier
/// entry is then the one the checkpoint vouched for.
pub fn extends(entries: &[AuditEntry], checkpoint: &SignedCheckpoint) -> Result<(), NotExtended> {
    if checkpoint.seq == 0 {
        return Ok(());
    }
    let last = entries.last().map_or(0, |e| e.seq);
    // Entries are 1, 2, 3, … in a verified chain; look up by position, fall back to a search.
    let idx = usize::try_from(checkpoint.seq - 1).unwrap_or(usize::MAX);
    let entry = entries
        .get(idx)
        .filter(|e| e.seq == checkpoint.seq)
        .or_else(|| entries.iter().find(|e| e.seq == checkpoint.seq));
    match entry {
        None => Err(NotExtended::Cut {
            seq: checkpoint.seq,
            last,
        }),
        Some(e) if e.hash != checkpoint.hash => Err(NotExtended::Rewritten {
            seq: checkpoint.seq,
            expected: checkpoint.hash.clone(),
            found: e.hash.clone(),
        }),
        Some(_) => Ok(()),
    }
}

/// Why a later checkpoint is not shown to extend an earlier one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotConsistent {
    #[error("the earlier checkpoint: {0}")]
    Earlier(NotExtended),
    #[error("the later checkpoint: {0}")]
    Later(NotExtended),
    #[error("both name entry {seq} but with different hashes: at most one of them is genuine")]
    Fork { seq: i64 },
}

/// Shows that `later` extends `earlier` over a record: both are entries of the same intact
/// chain, so the entries from `earlier.seq + 1` to `later.seq` link `earlier.hash` to
/// `later.hash`. The order of the two arguments does not matter; the result says which is later.
pub fn consistent<'a>(
    entries: &[AuditEntry],
    a: &'a SignedCheckpoint,
    b: &'a SignedCheckpoint,
) -> Result<(&'a SignedCheckpoint, &'a SignedCheckpoint), NotConsistent> {
    let (earlier, later) = if a.seq <= b.seq { (a, b) } else { (b, a) };
    if earlier.seq == later.seq && earlier.hash != later.hash {
        return Err(NotConsistent::Fork { seq: earlier.seq });
    }
    extends(entries, earlier).map_err(NotConsistent::Earlier)?;
    extends(entries, later).map_err(NotConsistent::Later)?;
    Ok((earlier, later))
}

/// The chain between two entries, checked link by link: `segment` must be the entries
/// `from_seq + 1 ..= to` in order, the first committing to `from_hash`. Used to extend a
/// checkpoint without re-reading the whole record. Returns the last (seq, hash).
pub fn check_segment(
    from_seq: i64,
    from_hash: &str,
    segment: &[AuditEntry],
) -> Result<(i64, String), crate::audit::ChainBreak> {
    let mut seq = from_seq;
    let mut hash = from_hash.to_string();
    for e in segment {
        let fail = |reason: &str| crate::audit::ChainBreak {
            seq: e.seq,
            reason: reason.to_string(),
        };
        if e.seq != seq + 1 {
            return Err(fail("out of sequence after the last checkpoint"));
        }
        if e.prev_hash != hash {
            return Err(fail(
                "does not commit to the entry before it (the record no longer extends the \
                 last checkpoint)",
            ));
        }
        if e.compute_hash() != e.hash {
            return Err(fail(
                "its content does not match its hash (the entry was edited)",
            ));
        }
        seq = e.seq;
        hash = e.hash.clone();
    }
    Ok((seq, hash))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{AuditDraft, AuditEntry, verify_chain};

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut out: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let (seq, hash) = out
                .last()
                .map(|e| (e.seq, e.hash.clone()))
                .unwrap_or((0, GENESIS_HASH.to_string()));
            out.push(AuditEntry::seal(
                AuditDraft::new("cli:test", "user.create", format!("u{i}")),
                seq,
                &hash,
                format!("2026-01-01T00:00:{i:02}Z"),
            ));
        }
        out
    }

    fn key(b: u8) -> CheckpointKey {
        CheckpointKey::from_bytes([b; 32])
    }

    fn at(c: &[AuditEntry], seq: i64) -> SignedCheckpoint {
        let e = &c[(seq - 1) as usize];
        key(1).sign(e.seq, &e.hash, "2026-12-06T18:00:00Z")
    }

    #[test]
    fn a_signed_checkpoint_round_trips_and_verifies() {
        let c = chain(5);
        let cp = at(&c, 5);
        assert_eq!(cp.format, FORMAT);
        cp.verify_signature().unwrap();
        let back = SignedCheckpoint::parse(&cp.to_json_pretty()).unwrap();
        assert_eq!(back, cp);
        back.verify_signed_by(Some(&key(1).public_key_hex()))
            .unwrap();
        assert!(matches!(
            back.verify_signed_by(Some(&key(2).public_key_hex())),
            Err(CheckpointError::OtherKey { .. })
        ));
        assert_eq!(
            cp.message(),
            format!(
                "chamber-audit-checkpoint/v1\nseq 5\nhash {}\nat 2026-12-06T18:00:00Z\n",
                c[4].hash
            )
        );
    }

    #[test]
    fn a_changed_field_breaks_the_signature() {
        let c = chain(5);
        let cp = at(&c, 5);
        let mut later = cp.clone();
        later.seq = 4;
        later.hash = c[3].hash.clone();
        assert!(matches!(
            later.verify_signature(),
            Err(CheckpointError::Signature { .. })
        ));
        let mut moved = cp.clone();
        moved.at = "2026-12-06T18:00:01Z".into();
        assert!(moved.verify_signature().is_err());
        // Another key's signature under this public key.
        let mut swapped = cp.clone();
        swapped.signature = key(2).sign(5, &c[4].hash, &cp.at).signature;
        assert!(swapped.verify_signature().is_err());
    }

    #[test]
    fn a_cut_record_no_longer_extends_an_earlier_checkpoint() {
        let c = chain(20);
        let cp = at(&c, 20);
        assert_eq!(extends(&c, &cp), Ok(()));
        // Cut the last entry: the shortened chain is intact against its rewritten head...
        let mut cut = c.clone();
        cut.pop();
        let head = crate::audit::Head {
            seq: 19,
            hash: cut[18].hash.clone(),
        };
        assert_eq!(verify_chain(cut.clone(), Some(&head)), Ok(19));
        // ...but not against the checkpoint taken before the cut.
        assert_eq!(
            extends(&cut, &cp),
            Err(NotExtended::Cut { seq: 20, last: 19 })
        );
        // Cut and regrown to the same length: entry 20 is there with another hash.
        let mut regrown = cut.clone();
        regrown.push(AuditEntry::seal(
            AuditDraft::new("intruder", "user.create", "x"),
            19,
            &cut[18].hash,
            "2026-01-02T00:00:00Z".into(),
        ));
        assert!(matches!(
            extends(&regrown, &cp),
            Err(NotExtended::Rewritten { seq: 20, .. })
        ));
    }

    #[test]
    fn a_later_checkpoint_extends_an_earlier_one_and_a_fork_is_named() {
        let c = chain(30);
        let (a, b) = (at(&c, 10), at(&c, 30));
        let (earlier, later) = consistent(&c, &b, &a).unwrap();
        assert_eq!((earlier.seq, later.seq), (10, 30));
        let mut forked = a.clone();
        forked.hash = c[3].hash.clone();
        assert_eq!(
            consistent(&c, &a, &forked),
            Err(NotConsistent::Fork { seq: 10 })
        );
        let short: Vec<_> = c[..25].to_vec();
        assert!(matches!(
            consistent(&short, &a, &b),
            Err(NotConsistent::Later(NotExtended::Cut { .. }))
        ));
        assert_eq!(extends(&[], &key(1).sign(0, GENESIS_HASH, &a.at)), Ok(()));
    }

    #[test]
    fn a_segment_after_a_checkpoint_is_checked_link_by_link() {
        let c = chain(8);
        assert_eq!(
            check_segment(3, &c[2].hash, &c[3..]).unwrap(),
            (8, c[7].hash.clone())
        );
        assert_eq!(
            check_segment(0, GENESIS_HASH, &c).unwrap(),
            (8, c[7].hash.clone())
        );
        assert_eq!(check_segment(3, &c[1].hash, &c[3..]).unwrap_err().seq, 4);
        let mut edited = c.clone();
        edited[5].actor = "x".into();
        assert_eq!(
            check_segment(3, &c[2].hash, &edited[3..]).unwrap_err().seq,
            6
        );
        assert_eq!(check_segment(2, &c[1].hash, &c[3..]).unwrap_err().seq, 4);
    }

    #[test]
    fn malformed_files_name_the_field() {
        let c = chain(2);
        let good = at(&c, 2);
        let cases: Vec<(serde_json::Value, &str)> = vec![
            (serde_json::json!({"format": "other"}), "format"),
            (serde_json::json!({"seq": -1}), "seq"),
            (serde_json::json!({"hash": "ABC"}), "hash"),
            (serde_json::json!({"at": "yesterday"}), "at"),
            (serde_json::json!({"public_key": "00"}), "public_key"),
            (serde_json::json!({"signature": "zz"}), "signature"),
        ];
        for (patch, field) in cases {
            let mut v = serde_json::to_value(&good).unwrap();
            for (k, x) in patch.as_object().unwrap() {
                v[k] = x.clone();
            }
            let err = SignedCheckpoint::parse(&v.to_string()).unwrap_err();
            assert!(
                matches!(&err, CheckpointError::Field { field: f, .. } if f == field),
                "{field}: {err}"
            );
        }
        let err = SignedCheckpoint::parse("{\"seq\": 1}").unwrap_err();
        assert!(err.to_string().contains("missing field"), "{err}");
        assert!(SignedCheckpoint::parse("not json").is_err());
        let mut extra = serde_json::to_value(&good).unwrap();
        extra["note"] = "x".into();
        assert!(SignedCheckpoint::parse(&extra.to_string()).is_err());
    }

    #[test]
    fn keys_round_trip_through_hex_and_never_echo_content() {
        let k = key(7);
        let back = CheckpointKey::from_hex(&format!("  {}\n", k.to_hex())).unwrap();
        assert_eq!(back.public_key_hex(), k.public_key_hex());
        let err = CheckpointKey::from_hex("secret-ish text").unwrap_err();
        assert!(!err.to_string().contains("secret"), "{err}");
        assert!(!format!("{k:?}").contains(&k.to_hex()));
    }
}
