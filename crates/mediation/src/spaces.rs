//! Spaces of a process and the notes that live in them.
//!
//! A process has one plenary space (all parties, mediators, observers), one caucus space per
//! party (that party's delegates and the mediators) and one mediators-only space. Who sees which
//! is decided in [`crate::permissions`] only.

use crate::Timestamp;
use crate::error::{Result, clean_line, clean_text};
use crate::ids::{NoteId, PartyId, PersonId, SpaceId};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum SpaceKind {
    Plenary,
    Caucus { party: PartyId },
    Mediators,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Space {
    pub id: SpaceId,
    pub kind: SpaceKind,
}

/// A space as shown to one viewer (see [`crate::permissions::visible_space_views`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceView {
    pub id: SpaceId,
    pub kind: SpaceKind,
    /// "Plenary", "Mediators", or "Caucus: <party name>".
    pub label: String,
}

/// Anything that lives in exactly one space (notes, documents, sessions, sealed records):
/// [`crate::permissions::filter_visible`] keeps the ones the viewer may read.
pub trait InSpace {
    fn space(&self) -> &SpaceId;
}

/// A note or short document in a space. Title and body are confidential when the space is a
/// caucus or the mediators' space: store them sealed (see [`crate::confidential`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: NoteId,
    pub space: SpaceId,
    pub author: PersonId,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: Timestamp,
    pub title: String,
    pub body: String,
}

impl Note {
    pub fn new<R: CryptoRng + RngCore + ?Sized>(
        rng: &mut R,
        space: SpaceId,
        author: PersonId,
        created_at: Timestamp,
        title: &str,
        body: &str,
    ) -> Result<Note> {
        Ok(Note {
            id: NoteId::generate(rng),
            space,
            author,
            created_at,
            title: clean_line("note title", title, 300)?,
            body: clean_text("note body", body, 200_000)?,
        })
    }
}

impl Note {
    /// Posts a note after [`crate::permissions::check_write`]: the space must be one the
    /// author may write in (an unknown or invisible space is [`crate::Error::NotFound`]).
    pub fn post<R: CryptoRng + RngCore + ?Sized>(
        rng: &mut R,
        process: &crate::process::Process,
        author: &PersonId,
        space: &SpaceId,
        created_at: Timestamp,
        title: &str,
        body: &str,
    ) -> Result<Note> {
        crate::permissions::check_write(process, space, author)?;
        Note::new(rng, space.clone(), author.clone(), created_at, title, body)
    }
}

impl InSpace for Note {
    fn space(&self) -> &SpaceId {
        &self.space
    }
}

impl InSpace for Space {
    fn space(&self) -> &SpaceId {
        &self.id
    }
}
