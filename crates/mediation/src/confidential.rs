//! Encryption at rest for confidential records (processes, texts, notes, sessions, agreements;
//! conference documents): XChaCha20-Poly1305 under 32-byte keys the operator supplies, and the
//! blind index tags ([`Keyring::blind`]) the store matches records by without learning what
//! they stand for.
//!
//! Sealed format: `key id (1 byte) ‖ nonce (24 random bytes) ‖ ciphertext and tag`. The key id
//! is the first byte of SHA-256("chamber-key-id" ‖ key), so a keyring holding the current key
//! and retired ones opens old records after a rotation. The caller's associated data binds a
//! ciphertext to its place (the application layer uses `chamber/v1/{process}/{kind}/{id}`): a
//! record moved to another process or relabelled does not open.

use crate::error::{Error, Result};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::path::Path;

const NONCE: usize = 24;

struct Key {
    id: u8,
    cipher: XChaCha20Poly1305,
}

/// The operator's keys: the first seals, all are tried (by key id) to open.
pub struct Keyring {
    keys: Vec<Key>,
    /// Keys the blind index ([`Keyring::blind`]), derived from the sealing key.
    index: [u8; 32],
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<u8> = self.keys.iter().map(|k| k.id).collect();
        f.debug_struct("Keyring").field("key_ids", &ids).finish()
    }
}

fn key_id(key: &[u8; 32]) -> u8 {
    let mut h = Sha256::new();
    h.update(b"chamber-key-id");
    h.update(key);
    h.finalize()[0]
}

/// Reads a key: 64 hex characters (surrounding white space ignored) or exactly 32 raw bytes.
fn parse_key(bytes: &[u8]) -> Result<[u8; 32]> {
    let trimmed = std::str::from_utf8(bytes).ok().map(str::trim);
    if let Some(t) = trimmed
        && t.len() == 64
        && let Ok(v) = hex::decode(t)
    {
        let mut k = [0u8; 32];
        k.copy_from_slice(&v);
        return Ok(k);
    }
    if bytes.len() == 32 {
        let mut k = [0u8; 32];
        k.copy_from_slice(bytes);
        return Ok(k);
    }
    Err(Error::Key(
        "a key is 64 hexadecimal characters or 32 raw bytes".into(),
    ))
}

impl Keyring {
    /// A keyring of one key.
    pub fn from_bytes(key: [u8; 32]) -> Keyring {
        let mut h = Sha256::new();
        h.update(b"chamber-blind-index-key");
        h.update(key);
        Keyring {
            keys: vec![Key {
                id: key_id(&key),
                cipher: XChaCha20Poly1305::new((&key).into()),
            }],
            index: h.finalize().into(),
        }
    }

    /// Reads a key file (hex or raw 32 bytes). The error names the path, never the content.
    pub fn from_file(path: &Path) -> Result<Keyring> {
        let bytes = std::fs::read(path)
            .map_err(|e| Error::Key(format!("cannot read {}: {e}", path.display())))?;
        parse_key(&bytes)
            .map(Keyring::from_bytes)
            .map_err(|e| Error::Key(format!("{}: {e}", path.display())))
    }

    /// Reads a hex key from an environment variable (e.g. `CHAMBER_KEY`).
    pub fn from_env(var: &str) -> Result<Keyring> {
        let v = std::env::var(var).map_err(|_| Error::Key(format!("{var} is not set")))?;
        parse_key(v.as_bytes())
            .map(Keyring::from_bytes)
            .map_err(|e| Error::Key(format!("{var}: {e}")))
    }

    /// Creates a new random key and writes it as hex to a new file (mode 0600 on Unix).
    /// Refuses to overwrite an existing file.
    pub fn generate_to_file(path: &Path) -> Result<Keyring> {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts
            .open(path)
            .map_err(|e| Error::Key(format!("cannot create {}: {e}", path.display())))?;
        use std::io::Write;
        f.write_all(format!("{}\n", hex::encode(key)).as_bytes())
            .and_then(|_| f.sync_all())
            .map_err(|e| Error::Key(format!("cannot write {}: {e}", path.display())))?;
        Ok(Keyring::from_bytes(key))
    }

    /// Adds a retired key (opened, never used to seal): rotation.
    pub fn with_retired(mut self, retired: Keyring) -> Keyring {
        self.keys.extend(retired.keys);
        self
    }

    /// A blind index tag: HMAC-SHA-256 of the parts under a key derived from the sealing key,
    /// as hex. The store can match records by tag (a space, a member) without learning which
    /// space or person a tag stands for; without the key, tags cannot be linked to names.
    pub fn blind(&self, parts: &[&str]) -> String {
        use hmac::{Hmac, Mac};
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.index).expect("HMAC takes any key length");
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        hex::encode(mac.finalize().into_bytes())
    }

    /// The id byte of the sealing key.
    pub fn current_key_id(&self) -> u8 {
        self.keys[0].id
    }

    /// Encrypts with the current key under a fresh random nonce.
    pub fn seal(&self, plaintext: &[u8], associated_data: &[u8]) -> Result<Vec<u8>> {
        let mut nonce = [0u8; NONCE];
        rand::rng().fill_bytes(&mut nonce);
        let key = &self.keys[0];
        let ct = key
            .cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: associated_data,
                },
            )
            .map_err(|_| Error::Key("encryption failed".into()))?;
        let mut out = Vec::with_capacity(1 + NONCE + ct.len());
        out.push(key.id);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// Decrypts and authenticates. Any failure (unknown key, wrong associated data, a changed
    /// byte) is the same [`Error::Open`].
    pub fn open(&self, sealed: &[u8], associated_data: &[u8]) -> Result<Vec<u8>> {
        if sealed.len() < 1 + NONCE + 16 {
            return Err(Error::Open);
        }
        let (id, rest) = (sealed[0], &sealed[1..]);
        let (nonce, ct) = rest.split_at(NONCE);
        let nonce: [u8; NONCE] = nonce.try_into().map_err(|_| Error::Open)?;
        for key in self.keys.iter().filter(|k| k.id == id) {
            if let Ok(pt) = key.cipher.decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ct,
                    aad: associated_data,
                },
            ) {
                return Ok(pt);
            }
        }
        Err(Error::Open)
    }
}

/// Seals any serialisable value as JSON (minutes, documents, positions).
pub fn seal_json<T: serde::Serialize>(keys: &Keyring, aad: &[u8], value: &T) -> Result<Vec<u8>> {
    let json =
        serde_json::to_vec(value).map_err(|e| Error::Key(format!("cannot serialise: {e}")))?;
    keys.seal(&json, aad)
}

/// Opens a value sealed with [`seal_json`].
pub fn open_json<T: serde::de::DeserializeOwned>(
    keys: &Keyring,
    aad: &[u8],
    sealed: &[u8],
) -> Result<T> {
    serde_json::from_slice(&keys.open(sealed, aad)?).map_err(|_| Error::Open)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(b: u8) -> Keyring {
        Keyring::from_bytes([b; 32])
    }

    #[test]
    fn round_trip_and_fresh_nonces() {
        let k = ring(1);
        let a = k.seal(b"we can accept a 10 km line", b"ctx").unwrap();
        let b = k.seal(b"we can accept a 10 km line", b"ctx").unwrap();
        assert_ne!(a, b, "random nonce");
        assert_eq!(a.len(), 1 + 24 + 26 + 16);
        assert!(!a.windows(6).any(|w| w == b"accept"));
        assert_eq!(k.open(&a, b"ctx").unwrap(), b"we can accept a 10 km line");
    }

    #[test]
    fn wrong_key_tamper_and_context_fail() {
        let k = ring(1);
        let sealed = k.seal(b"secret", b"ctx").unwrap();
        assert_eq!(ring(2).open(&sealed, b"ctx"), Err(Error::Open));
        for i in [0, 1, 25, sealed.len() - 1] {
            let mut t = sealed.clone();
            t[i] ^= 0x01;
            assert_eq!(k.open(&t, b"ctx"), Err(Error::Open), "byte {i}");
        }
        assert_eq!(k.open(&sealed[..10], b"ctx"), Err(Error::Open));
        assert_eq!(k.open(&sealed, b"other"), Err(Error::Open));
    }

    #[test]
    fn json_values_seal_and_open() {
        let k = ring(3);
        let minutes = vec!["Party A asked for 60 days".to_string()];
        let sealed = seal_json(&k, b"minutes", &minutes).unwrap();
        assert_eq!(
            open_json::<Vec<String>>(&k, b"minutes", &sealed).unwrap(),
            minutes
        );
        assert_eq!(
            open_json::<Vec<String>>(&k, b"other", &sealed),
            Err(Error::Open)
        );
    }

    #[test]
    fn rotation_keeps_old_records_readable() {
        let old = ring(1);
        let sealed = old.seal(b"v1", b"").unwrap();
        let rotated = ring(2).with_retired(ring(1));
        assert_eq!(rotated.open(&sealed, b"").unwrap(), b"v1");
        let new = rotated.seal(b"v2", b"").unwrap();
        assert_eq!(new[0], rotated.current_key_id());
        assert_eq!(ring(1).open(&new, b""), Err(Error::Open));
    }

    #[test]
    fn key_files_and_env() {
        let dir = std::env::temp_dir().join(format!("chamber-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("key");
        let _ = std::fs::remove_file(&path);
        let k = Keyring::generate_to_file(&path).unwrap();
        assert!(
            Keyring::generate_to_file(&path).is_err(),
            "never overwrites"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = Keyring::from_file(&path).unwrap();
        let sealed = k.seal(b"x", b"").unwrap();
        assert_eq!(again.open(&sealed, b"").unwrap(), b"x");
        let raw = dir.join("raw");
        std::fs::write(&raw, [7u8; 32]).unwrap();
        assert_eq!(
            Keyring::from_file(&raw).unwrap().current_key_id(),
            ring(7).current_key_id()
        );
        let bad = dir.join("bad");
        std::fs::write(&bad, "not a key").unwrap();
        let err = Keyring::from_file(&bad).unwrap_err().to_string();
        assert!(!err.contains("not a key"), "never echoes content: {err}");
        assert!(Keyring::from_env("CHAMBER_TEST_KEY_THAT_IS_NOT_SET").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
