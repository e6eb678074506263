//! The agreement and its implementation.
//!
//! Adopting a version (with nothing left bracketed and no open alternatives) makes the
//! agreement; each operative paragraph not deleted is a provision and becomes a commitment with
//! a theme, a responsible party and a deadline. Implementation is scored per reporting period
//! 0 not started, 1 minimal, 2 intermediate, 3 full, with evidence. The implementation rate (the
//! Peace Accords Matrix method) is the sum of each provision's latest score divided by
//! 3 × the number of provisions; a provision never scored counts 0.

use crate::Timestamp;
use crate::error::{Error, Result, clean_line, clean_text};
use crate::ids::{AgreementId, ParagraphId, PartyId, PersonId, ProcessId};
use crate::permissions;
use crate::process::Process;
use crate::text::render::body_lines;
use crate::text::{NegotiatingText, ParagraphStatus, TextRecord};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use time::Date;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commitment {
    /// The operative paragraph (provision) it comes from.
    pub provision: ParagraphId,
    /// Its number in the agreement ("3").
    pub label: String,
    /// The provision's text, sub-items included.
    pub text: String,
    pub theme: Option<String>,
    pub responsible: Option<PartyId>,
    pub deadline: Option<Date>,
}

/// Implementation level of a provision in a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum Level {
    NotStarted = 0,
    Minimal = 1,
    Intermediate = 2,
    Full = 3,
}

impl TryFrom<u8> for Level {
    type Error = Error;
    fn try_from(v: u8) -> Result<Level> {
        Ok(match v {
            0 => Level::NotStarted,
            1 => Level::Minimal,
            2 => Level::Intermediate,
            3 => Level::Full,
            v => return Err(Error::BadScore(v)),
        })
    }
}

impl From<Level> for u8 {
    fn from(l: Level) -> u8 {
        l as u8
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub provision: ParagraphId,
    /// Last day of the reporting period scored.
    pub period: Date,
    pub level: Level,
    pub evidence: String,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: Timestamp,
    pub recorded_by: PersonId,
}

/// An implementation rate: `points / max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    pub points: u32,
    pub max: u32,
    pub provisions: u32,
}

impl Rate {
    /// Between 0 and 1 (0 when there is no provision).
    pub fn value(&self) -> f64 {
        if self.max == 0 {
            0.0
        } else {
            f64::from(self.points) / f64::from(self.max)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeRate {
    /// `None`: provisions not yet given a theme.
    pub theme: Option<String>,
    pub rate: Rate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    pub id: AgreementId,
    pub process: ProcessId,
    pub version: u32,
    pub content_hash: String,
    pub text: NegotiatingText,
    #[serde(with = "time::serde::rfc3339")]
    pub adopted_at: Timestamp,
    pub adopted_by: PersonId,
    pub commitments: Vec<Commitment>,
    pub scores: Vec<Score>,
}

impl Agreement {
    /// Adopts a version of the text as the agreement (mediators only). Refused while any
    /// paragraph is bracketed, holds bracketed language or open alternatives.
    pub fn adopt<R: CryptoRng + RngCore + ?Sized>(
        rng: &mut R,
        process: &Process,
        person: &PersonId,
        record: &TextRecord,
        version: u32,
        at: Timestamp,
    ) -> Result<Agreement> {
        if record.process() != process.id() {
            return Err(Error::NotFound);
        }
        permissions::require(
            process,
            person,
            permissions::may_adopt_agreement(process, person),
            "only a mediator adopts the agreement",
        )?;
        let v = record.version(version)?;
        let open = v.text.open_paragraphs();
        if !open.is_empty() {
            let labels: Vec<String> = open.iter().filter_map(|id| v.text.label(id)).collect();
            return Err(Error::NotAgreed(labels.join(", ")));
        }
        let commitments = v
            .text
            .operative
            .iter()
            .filter(|p| p.status != ParagraphStatus::Deleted)
            .map(|p| {
                let mut text = body_lines(p).join("\n");
                for (j, s) in p
                    .sub_items
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.status != ParagraphStatus::Deleted)
                {
                    text.push_str(&format!(
                        "\n({}) {}",
                        crate::text::sub_item_letter(j),
                        body_lines(s).join(" ")
                    ));
                }
                Commitment {
                    provision: p.id.clone(),
                    label: v.text.label(&p.id).unwrap_or_default(),
                    text,
                    theme: None,
                    responsible: None,
                    deadline: None,
                }
            })
            .collect();
        Ok(Agreement {
            id: AgreementId::generate(rng),
            process: process.id().clone(),
            version,
            content_hash: v.content_hash.clone(),
            text: v.text.clone(),
            adopted_at: at,
            adopted_by: person.clone(),
            commitments,
            scores: Vec::new(),
        })
    }

    /// Sets a commitment's theme, responsible party (a party of the process) and deadline.
    pub fn set_commitment(
        &mut self,
        process: &Process,
        person: &PersonId,
        provision: &ParagraphId,
        theme: Option<&str>,
        responsible: Option<PartyId>,
        deadline: Option<Date>,
    ) -> Result<()> {
        self.check_scorer(process, person)?;
        if let Some(p) = &responsible
            && process.party(p).is_none()
        {
            return Err(Error::UnknownParty);
        }
        let theme = theme.map(|t| clean_line("theme", t, 100)).transpose()?;
        let c = self
            .commitments
            .iter_mut()
            .find(|c| &c.provision == provision)
            .ok_or(Error::NotFound)?;
        c.theme = theme;
        c.responsible = responsible;
        c.deadline = deadline;
        Ok(())
    }

    /// Records the implementation level of a provision for the period ending `period`.
    #[allow(clippy::too_many_arguments)]
    pub fn record_score(
        &mut self,
        process: &Process,
        person: &PersonId,
        provision: &ParagraphId,
        period: Date,
        level: Level,
        evidence: &str,
        at: Timestamp,
    ) -> Result<()> {
        self.check_scorer(process, person)?;
        if !self.commitments.iter().any(|c| &c.provision == provision) {
            return Err(Error::NotFound);
        }
        self.scores.push(Score {
            provision: provision.clone(),
            period,
            level,
            evidence: clean_text("evidence", evidence, 20_000)?,
            recorded_at: at,
            recorded_by: person.clone(),
        });
        Ok(())
    }

    /// The provision's latest score: the latest period, and for one period the last recorded.
    pub fn latest_score(&self, provision: &ParagraphId) -> Option<&Score> {
        self.latest_score_as_of(provision, Date::MAX)
    }

    /// The latest score for a period ending on or before `as_of`.
    pub fn latest_score_as_of(&self, provision: &ParagraphId, as_of: Date) -> Option<&Score> {
        self.scores
            .iter()
            .enumerate()
            .filter(|(_, s)| &s.provision == provision && s.period <= as_of)
            .max_by_key(|(i, s)| (s.period, s.recorded_at, *i))
            .map(|(_, s)| s)
    }

    fn rate_over<'a>(&self, provisions: impl Iterator<Item = &'a Commitment>, as_of: Date) -> Rate {
        let mut r = Rate {
            points: 0,
            max: 0,
            provisions: 0,
        };
        for c in provisions {
            r.provisions += 1;
            r.max += 3;
            r.points += self
                .latest_score_as_of(&c.provision, as_of)
                .map_or(0, |s| u32::from(u8::from(s.level)));
        }
        r
    }

    /// Overall implementation rate.
    pub fn rate(&self) -> Rate {
        self.rate_as_of(Date::MAX)
    }

    /// Overall rate counting only periods ending on or before `as_of` (for a trend).
    pub fn rate_as_of(&self, as_of: Date) -> Rate {
        self.rate_over(self.commitments.iter(), as_of)
    }

    /// Rate per theme, themes in alphabetical order, unthemed provisions last.
    pub fn rate_by_theme(&self) -> Vec<ThemeRate> {
        let mut themes: Vec<Option<String>> =
            self.commitments.iter().map(|c| c.theme.clone()).collect();
        themes.sort_by(|a, b| match (a, b) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, _) => std::cmp::Ordering::Greater,
            (_, None) => std::cmp::Ordering::Less,
            (a, b) => a.cmp(b),
        });
        themes.dedup();
        themes
            .into_iter()
            .map(|t| ThemeRate {
                rate: self.rate_over(self.commitments.iter().filter(|c| c.theme == t), Date::MAX),
                theme: t,
            })
            .collect()
    }

    fn check_scorer(&self, process: &Process, person: &PersonId) -> Result<()> {
        if process.id() != &self.process {
            return Err(Error::NotFound);
        }
        permissions::require(
            process,
            person,
            permissions::may_score_implementation(process, person),
            "only a mediator records implementation",
        )
    }
}
