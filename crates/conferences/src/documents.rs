//! Required documents: what may be uploaded (PDF, JPEG or PNG, known by their first bytes, not
//! by a file name or a declared type), how large, how they are sealed before storage, and when
//! they must be deleted.
//!
//! A document leaves this module only sealed with [`chamber_mediation::confidential`]
//! (XChaCha20-Poly1305) under associated data naming its conference, registration, document
//! and kind, so a sealed document moved to another registration does not open.

use crate::Timestamp;
use crate::error::{Error, Result, invalid};
use crate::ids::{ConferenceId, DocumentId, RegistrationId};
use chamber_mediation::PersonId;
use chamber_mediation::confidential::Keyring;
use serde::{Deserialize, Serialize};

/// The default size limit for one document: 10 MiB.
pub const DEFAULT_MAX_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// From the Permanent Mission, naming the State's delegates.
    NoteVerbale,
    /// From an organisation's head, naming its representatives.
    NominationLetter,
    IdentityDocument,
    Photo,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 4] = [
        DocumentKind::NoteVerbale,
        DocumentKind::NominationLetter,
        DocumentKind::IdentityDocument,
        DocumentKind::Photo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::NoteVerbale => "note_verbale",
            DocumentKind::NominationLetter => "nomination_letter",
            DocumentKind::IdentityDocument => "identity_document",
            DocumentKind::Photo => "photo",
        }
    }

    pub fn parse(s: &str) -> Result<DocumentKind> {
        DocumentKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                invalid(
                    "document kind",
                    "note_verbale, nomination_letter, identity_document or photo",
                )
            })
    }

    /// "Note Verbale", for messages.
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::NoteVerbale => "Note Verbale",
            DocumentKind::NominationLetter => "nomination letter",
            DocumentKind::IdentityDocument => "identity document",
            DocumentKind::Photo => "photo",
        }
    }

    fn allowed(self) -> &'static [DocumentFormat] {
        match self {
            DocumentKind::Photo => &[DocumentFormat::Jpeg, DocumentFormat::Png],
            _ => &[
                DocumentFormat::Pdf,
                DocumentFormat::Jpeg,
                DocumentFormat::Png,
            ],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentFormat {
    Pdf,
    Jpeg,
    Png,
}

impl DocumentFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentFormat::Pdf => "pdf",
            DocumentFormat::Jpeg => "jpeg",
            DocumentFormat::Png => "png",
        }
    }

    pub fn parse(s: &str) -> Option<DocumentFormat> {
        [
            DocumentFormat::Pdf,
            DocumentFormat::Jpeg,
            DocumentFormat::Png,
        ]
        .into_iter()
        .find(|f| f.as_str() == s)
    }

    pub fn media_type(self) -> &'static str {
        match self {
            DocumentFormat::Pdf => "application/pdf",
            DocumentFormat::Jpeg => "image/jpeg",
            DocumentFormat::Png => "image/png",
        }
    }

    /// Known by the first bytes: `%PDF-`, JPEG's SOI marker `FF D8 FF`, PNG's eight-byte
    /// signature.
    pub fn sniff(bytes: &[u8]) -> Option<DocumentFormat> {
        if bytes.starts_with(b"%PDF-") {
            Some(DocumentFormat::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(DocumentFormat::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(DocumentFormat::Png)
        } else {
            None
        }
    }
}

/// Checks an upload before anything is stored: not empty, within `max_bytes`, and of a format
/// the kind allows (a photo is JPEG or PNG; letters and identity documents may also be PDF).
pub fn check_upload(kind: DocumentKind, bytes: &[u8], max_bytes: usize) -> Result<DocumentFormat> {
    if bytes.is_empty() {
        return Err(invalid("document", "the file is empty"));
    }
    if bytes.len() > max_bytes {
        return Err(Error::DocumentTooLarge {
            size: bytes.len(),
            limit: max_bytes,
        });
    }
    let refused = Error::DocumentFormat {
        kind: kind.label(),
        allowed: if kind == DocumentKind::Photo {
            "a JPEG or PNG image"
        } else {
            "a PDF, JPEG or PNG file"
        },
    };
    match DocumentFormat::sniff(bytes) {
        Some(f) if kind.allowed().contains(&f) => Ok(f),
        _ => Err(refused),
    }
}

/// What is known of a stored document without opening it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentMeta {
    pub id: DocumentId,
    pub conference: ConferenceId,
    pub registration: RegistrationId,
    pub kind: DocumentKind,
    pub format: DocumentFormat,
    pub size: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub uploaded_at: Timestamp,
    pub uploaded_by: PersonId,
}

/// Associated data binding a sealed document to its place.
pub fn document_aad(meta: &DocumentMeta) -> Vec<u8> {
    format!(
        "chamber/conferences/v1/{}/{}/{}/{}",
        meta.conference,
        meta.registration,
        meta.id,
        meta.kind.as_str()
    )
    .into_bytes()
}

/// Seals a checked document's bytes for storage.
pub fn seal(keys: &Keyring, meta: &DocumentMeta, bytes: &[u8]) -> Result<Vec<u8>> {
    Ok(keys.seal(bytes, &document_aad(meta))?)
}

/// Opens a sealed document (for its category's accreditation officers: ask
/// [`crate::permissions::may_see_documents`] first).
pub fn open(keys: &Keyring, meta: &DocumentMeta, sealed: &[u8]) -> Result<Vec<u8>> {
    Ok(keys.open(sealed, &document_aad(meta))?)
}

/// How long documents are kept after the conference ends (the operator's setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    pub days: u32,
}

impl Retention {
    /// The default: 90 days after the conference's last day.
    pub const DEFAULT: Retention = Retention { days: 90 };

    /// A document of a conference that ended at `conference_end` (see
    /// [`crate::Conference::end_instant`]) and was uploaded at `uploaded_at` must be deleted
    /// from this instant: the retention period counted from the later of the two.
    pub fn delete_after(&self, conference_end: Timestamp, uploaded_at: Timestamp) -> Timestamp {
        conference_end.max(uploaded_at) + time::Duration::days(i64::from(self.days))
    }

    /// The latest conference end whose documents are due at `now` (for a query on the
    /// conference's end date): `now - days`.
    pub fn ended_before(&self, now: Timestamp) -> Timestamp {
        now - time::Duration::days(i64::from(self.days))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use time::macros::datetime;

    pub(crate) const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\nNote Verbale No. 123\n%%EOF";

    #[test]
    fn formats_are_known_by_content_not_name() {
        assert_eq!(
            check_upload(DocumentKind::NoteVerbale, PDF, 1000),
            Ok(DocumentFormat::Pdf)
        );
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(
            check_upload(DocumentKind::Photo, png, 1000),
            Ok(DocumentFormat::Png)
        );
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];
        assert_eq!(
            check_upload(DocumentKind::IdentityDocument, &jpeg, 1000),
            Ok(DocumentFormat::Jpeg)
        );
        let exe = b"MZ\x90\0 this is not a PDF.pdf";
        let e = check_upload(DocumentKind::NoteVerbale, exe, 1000).unwrap_err();
        assert_eq!(
            e.to_string(),
            "document refused: a Note Verbale must be a PDF, JPEG or PNG file (checked by its content, not its name)"
        );
        assert!(matches!(
            check_upload(DocumentKind::Photo, PDF, 1000),
            Err(Error::DocumentFormat { .. })
        ));
        assert!(check_upload(DocumentKind::Photo, b"", 1000).is_err());
    }

    #[test]
    fn the_size_limit_is_checked_before_anything_else() {
        let mut big = PDF.to_vec();
        big.resize(2001, b' ');
        assert_eq!(
            check_upload(DocumentKind::NoteVerbale, &big, 2000),
            Err(Error::DocumentTooLarge {
                size: 2001,
                limit: 2000
            })
        );
        assert_eq!(
            Error::DocumentTooLarge {
                size: 2001,
                limit: 2000
            }
            .to_string(),
            "document too large: 2001 bytes, the limit is 2000 bytes"
        );
    }

    #[test]
    fn sealed_documents_hide_their_text_and_open_only_in_place() {
        let mut r = rand::rngs::StdRng::seed_from_u64(3);
        let keys = Keyring::from_bytes([5; 32]);
        let meta = DocumentMeta {
            id: DocumentId::generate(&mut r),
            conference: ConferenceId::generate(&mut r),
            registration: RegistrationId::generate(&mut r),
            kind: DocumentKind::NoteVerbale,
            format: DocumentFormat::Pdf,
            size: PDF.len() as u64,
            uploaded_at: datetime!(2026-11-02 10:00 UTC),
            uploaded_by: PersonId::parse("amira").unwrap(),
        };
        let sealed = seal(&keys, &meta, PDF).unwrap();
        assert!(!sealed.windows(12).any(|w| w == b"Note Verbale"));
        assert_eq!(open(&keys, &meta, &sealed).unwrap(), PDF);
        let moved = DocumentMeta {
            registration: RegistrationId::generate(&mut r),
            ..meta.clone()
        };
        assert!(open(&keys, &moved, &sealed).is_err());
    }

    #[test]
    fn retention_counts_from_the_later_of_end_and_upload() {
        let r = Retention { days: 30 };
        let end = datetime!(2026-12-14 0:00 UTC);
        assert_eq!(
            r.delete_after(end, datetime!(2026-11-01 0:00 UTC)),
            datetime!(2027-01-13 0:00 UTC)
        );
        assert_eq!(
            r.delete_after(end, datetime!(2026-12-20 0:00 UTC)),
            datetime!(2027-01-19 0:00 UTC)
        );
    }
}
