//! The tamper-evident record: an append-only chain of entries, each committing to the previous
//! entry's hash and to its own canonical content.
//!
//! Canonical content of an entry is the JSON object of all its fields except `hash`, keys sorted,
//! no insignificant whitespace, UTF-8 (what Python's
//! `json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` writes).
//! `hash = lowercase hex SHA-256(canonical content)`. The first entry's `prev_hash` is
//! [`GENESIS_HASH`]. `docs/audit-verification.md` gives the procedure a third party follows.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a state change says about itself before it is chained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditDraft {
    /// Who made the change: a user id, or `system`/`cli:<user>` for operator commands.
    pub actor: String,
    /// What happened, as a dotted verb: `user.create`, `session.login`, `password.change`.
    pub action: String,
    /// What it happened to (an id; never confidential content).
    pub subject: String,
    /// Digest of the subject's state before the change (`-` when it did not exist).
    pub before_digest: String,
    /// Digest of the subject's state after the change (`-` when it no longer exists).
    pub after_digest: String,
}

impl AuditDraft {
    pub fn new(actor: impl Into<String>, action: &str, subject: impl Into<String>) -> Self {
        AuditDraft {
            actor: actor.into(),
            action: action.to_string(),
            subject: subject.into(),
            before_digest: "-".into(),
            after_digest: "-".into(),
        }
    }
    pub fn before(mut self, state: &Value) -> Self {
        self.before_digest = digest(state);
        self
    }
    pub fn after(mut self, state: &Value) -> Self {
        self.after_digest = digest(state);
        self
    }
}

/// One link of the chain, as stored and exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: i64,
    /// UTC, RFC 3339 with seconds (`2026-11-26T17:25:06Z`).
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub before_digest: String,
    pub after_digest: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// Chain a draft after the entry `(prev_seq, prev_hash)`.
    pub fn seal(draft: AuditDraft, prev_seq: i64, prev_hash: &str, at: String) -> AuditEntry {
        let mut entry = AuditEntry {
            seq: prev_seq + 1,
            at,
            actor: draft.actor,
            action: draft.action,
            subject: draft.subject,
            before_digest: draft.before_digest,
            after_digest: draft.after_digest,
            prev_hash: prev_hash.to_string(),
            hash: String::new(),
        };
        entry.hash = entry.compute_hash();
        entry
    }

    /// The canonical content this entry's hash commits to.
    pub fn canonical_content(&self) -> String {
        let mut map = BTreeMap::new();
        map.insert("seq", Value::from(self.seq));
        map.insert("at", Value::from(self.at.as_str()));
        map.insert("actor", Value::from(self.actor.as_str()));
        map.insert("action", Value::from(self.action.as_str()));
        map.insert("subject", Value::from(self.subject.as_str()));
        map.insert("before_digest", Value::from(self.before_digest.as_str()));
        map.insert("after_digest", Value::from(self.after_digest.as_str()));
        map.insert("prev_hash", Value::from(self.prev_hash.as_str()));
        serde_json::to_string(&map).expect("a map of strings and integers serialises")
    }

    pub fn compute_hash(&self) -> String {
        hex::encode(Sha256::digest(self.canonical_content().as_bytes()))
    }
}

/// Digest of a state: SHA-256 of its canonical JSON (sorted keys, compact).
pub fn digest(state: &Value) -> String {
    let canonical = canonical_json(state);
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// Compact JSON with object keys sorted at every level.
pub fn canonical_json(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let ordered: BTreeMap<&String, Value> =
                    map.iter().map(|(k, v)| (k, sorted(v))).collect();
                serde_json::to_value(ordered).expect("sorted map serialises")
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    // serde_json's Map keeps keys sorted when the preserve_order feature is off, as here; the
    // explicit sort keeps this true whatever features a dependency turns on.
    serde_json::to_string(&sorted(value)).expect("JSON value serialises")
}

/// Where and why the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit entry {seq}: {reason}")]
pub struct ChainBreak {
    /// The first bad entry's sequence number (as stored).
    pub seq: i64,
    pub reason: String,
}

/// The record's head as separately stored: last sequence number and hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

/// Walk entries in stored order and check every link. Returns the number of entries.
///
/// Detects an edited entry (its content no longer matches its hash), a deleted or inserted one
/// (sequence gap, or a `prev_hash` that does not match), reordering (sequence out of order), and,
/// given the stored `head`, entries cut from the end.
pub fn verify_chain<I>(entries: I, head: Option<&Head>) -> Result<u64, ChainBreak>
where
    I: IntoIterator<Item = AuditEntry>,
{
    let mut expected_seq = 1i64;
    let mut prev_hash = GENESIS_HASH.to_string();
    let mut count = 0u64;
    for entry in entries {
        if entry.seq != expected_seq {
            let what = if entry.seq > expected_seq {
                format!("expected entry {expected_seq} next: entries were deleted or reordered")
            } else {
                format!(
                    "follows entry {}: an entry was inserted or reordered",
                    expected_seq - 1
                )
            };
            return Err(ChainBreak {
                seq: entry.seq,
                reason: what,
            });
        }
        if entry.prev_hash != prev_hash {
            return Err(ChainBreak {
                seq: entry.seq,
                reason: "does not commit to the previous entry's hash (an entry before it was \
                         removed, inserted or changed)"
                    .into(),
            });
        }
        if entry.compute_hash() != entry.hash {
            return Err(ChainBreak {
                seq: entry.seq,
                reason: "its content does not match its hash (the entry was edited)".into(),
            });
        }
        prev_hash = entry.hash;
        expected_seq += 1;
        count += 1;
    }
    if let Some(head) = head {
        let last_seq = expected_seq - 1;
        if head.seq != last_seq || (last_seq > 0 && head.hash != prev_hash) {
            return Err(ChainBreak {
                seq: last_seq + 1,
                reason: format!(
                    "the record ends at entry {last_seq} but its head names entry {} \
                     (entries were cut from the end, or the head was changed)",
                    head.seq
                ),
            });
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut out: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let (seq, hash) = out
                .last()
                .map(|e| (e.seq, e.hash.clone()))
                .unwrap_or((0, GENESIS_HASH.to_string()));
            let draft = AuditDraft::new(format!("user-{i}"), "user.create", format!("u{i}"))
                .after(&serde_json::json!({"name": format!("n{i}")}));
            out.push(AuditEntry::seal(
                draft,
                seq,
                &hash,
                format!("2026-01-01T00:00:{i:02}Z"),
            ));
        }
        out
    }

    fn head_of(c: &[AuditEntry]) -> Head {
        let last = c.last().unwrap();
        Head {
            seq: last.seq,
            hash: last.hash.clone(),
        }
    }

    #[test]
    fn an_intact_chain_verifies() {
        let c = chain(5);
        let head = head_of(&c);
        assert_eq!(verify_chain(c, Some(&head)).unwrap(), 5);
        assert_eq!(verify_chain(Vec::new(), None).unwrap(), 0);
    }

    #[test]
    fn an_edit_is_found_at_the_edited_entry() {
        let mut c = chain(5);
        let head = head_of(&c);
        c[2].actor = "someone-else".into();
        let err = verify_chain(c, Some(&head)).unwrap_err();
        assert_eq!(err.seq, 3);
        assert!(err.reason.contains("edited"), "{err}");
    }

    #[test]
    fn a_deletion_is_found() {
        let mut c = chain(5);
        let head = head_of(&c);
        c.remove(1);
        assert_eq!(verify_chain(c, Some(&head)).unwrap_err().seq, 3);
    }

    #[test]
    fn a_cut_tail_is_found_through_the_head() {
        let mut c = chain(5);
        let head = head_of(&c);
        c.pop();
        assert_eq!(verify_chain(c, Some(&head)).unwrap_err().seq, 5);
    }

    #[test]
    fn an_insertion_is_found_even_with_a_valid_own_hash() {
        let mut c = chain(4);
        let head = head_of(&c);
        // A forger appends a well-formed entry after 2 and renumbers the rest.
        let forged = AuditEntry::seal(
            AuditDraft::new("intruder", "user.create", "x"),
            c[1].seq,
            &c[1].hash,
            "2026-01-01T00:00:02Z".into(),
        );
        c.insert(2, forged);
        for (i, e) in c.iter_mut().enumerate() {
            e.seq = i as i64 + 1;
        }
        let err = verify_chain(c, Some(&head)).unwrap_err();
        assert_eq!(err.seq, 4, "{err}");
    }

    #[test]
    fn a_reorder_is_found() {
        let mut c = chain(5);
        let head = head_of(&c);
        c.swap(1, 3);
        assert_eq!(verify_chain(c, Some(&head)).unwrap_err().seq, 4);
    }

    #[test]
    fn canonical_content_sorts_keys_and_is_compact() {
        let c = chain(1);
        let text = c[0].canonical_content();
        assert!(text.starts_with("{\"action\":\"user.create\",\"actor\":\"user-0\""));
        assert!(!text.contains(": "));
        assert_eq!(
            canonical_json(&serde_json::json!({"b": 1, "a": {"d": 2, "c": 3}})),
            r#"{"a":{"c":3,"d":2},"b":1}"#
        );
    }
}
