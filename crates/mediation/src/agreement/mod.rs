//! The agreement and its implementation.
//!
//! Adopting a version (with nothing left bracketed and no open alternatives) makes the
//! agreement; each operative paragraph not deleted is a provision and becomes a [`Commitment`]
//! with a provision type from a fixed list ([`ProvisionType`], after the Peace Accords Matrix), a
//! responsible party and a deadline. Implementation is scored per reporting period (the last day
//! of the period: a month, a quarter, a reporting date) 0 not started, 1 minimal, 2 intermediate,
//! 3 full, with evidence and who recorded it.
//!
//! Monitoring never loses data: a score is appended to the history and changes nothing else
//! (not the deadline, not the responsible party, not the type); a correction for the same period
//! is a later score, and the earlier one stays in the history. A commitment is changed only by
//! [`Agreement::update_commitment`], field by field ([`Change::Keep`] leaves a field as it is).
//!
//! The implementation rate (the Peace Accords Matrix method) is the sum of each provision's
//! latest level divided by 3 × the number of provisions; a provision never scored counts 0.
//! Over time ([`Agreement::trend`]) the rate is taken at the end of each scored period, overall
//! and per provision type; untyped provisions count in the overall rate only.
//!
//! Stored agreements written before provision types (a free-text `theme`) still load: the theme
//! is kept as `legacy_theme`, and becomes the type when it names one.
//!
//! Submodules: [`provision_types`] (the list), [`monitoring`] (overdue commitments, trend, the
//! monitoring view, CSV export), [`chart`] (the trend as an SVG chart).

pub mod chart;
pub mod monitoring;
pub mod provision_types;

pub use monitoring::{MonitoringView, Overdue, Trend, TypeSeries};
pub use provision_types::ProvisionType;

use crate::Timestamp;
use crate::error::{Error, Result, clean_text};
use crate::ids::{AgreementId, ParagraphId, PartyId, PersonId, ProcessId};
use crate::permissions;
use crate::process::Process;
use crate::text::render::body_lines;
use crate::text::{NegotiatingText, ParagraphStatus, TextRecord};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use time::Date;

/// What one provision commits to, and who is to do it by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "CommitmentData")]
pub struct Commitment {
    /// The operative paragraph (provision) it comes from.
    pub provision: ParagraphId,
    /// Its number in the agreement ("3").
    pub label: String,
    /// The provision's text, sub-items included.
    pub text: String,
    /// Its Peace Accords Matrix provision type; `None` until the mediator gives it one.
    pub provision_type: Option<ProvisionType>,
    pub responsible: Option<PartyId>,
    pub deadline: Option<Date>,
    /// The free-text theme of an agreement stored before provision types, kept so nothing
    /// stored is lost. Never written now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy_theme: Option<String>,
}

/// The stored shape of a commitment, old (`theme`) or new.
#[derive(Deserialize)]
struct CommitmentData {
    provision: ParagraphId,
    label: String,
    text: String,
    #[serde(default)]
    provision_type: Option<ProvisionType>,
    #[serde(default)]
    responsible: Option<PartyId>,
    #[serde(default)]
    deadline: Option<Date>,
    #[serde(default, alias = "theme")]
    legacy_theme: Option<String>,
}

impl From<CommitmentData> for Commitment {
    fn from(d: CommitmentData) -> Commitment {
        let provision_type = d.provision_type.or_else(|| {
            d.legacy_theme
                .as_deref()
                .and_then(ProvisionType::from_legacy_theme)
        });
        Commitment {
            provision: d.provision,
            label: d.label,
            text: d.text,
            provision_type,
            responsible: d.responsible,
            deadline: d.deadline,
            legacy_theme: d.legacy_theme,
        }
    }
}

/// One field of a commitment in an update: keep it, set it, or clear it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Change<T> {
    #[default]
    Keep,
    Set(T),
    Clear,
}

impl<T> Change<T> {
    /// `Set` for `Some`, `Clear` for `None`: for a form that always shows the field's value.
    pub fn replace(v: Option<T>) -> Change<T> {
        match v {
            Some(v) => Change::Set(v),
            None => Change::Clear,
        }
    }

    /// `Set` for `Some`, `Keep` for `None`: for a form whose empty field means "unchanged".
    pub fn if_given(v: Option<T>) -> Change<T> {
        v.map_or(Change::Keep, Change::Set)
    }

    fn apply(self, field: &mut Option<T>) {
        match self {
            Change::Keep => {}
            Change::Set(v) => *field = Some(v),
            Change::Clear => *field = None,
        }
    }
}

/// A change to a commitment: each field kept unless named.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommitmentUpdate {
    pub provision_type: Change<ProvisionType>,
    pub responsible: Change<PartyId>,
    pub deadline: Change<Date>,
}

/// Implementation level of a provision in a period (the Peace Accords Matrix scale).
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

/// One recorded score: a provision's level in a period. Scores are never changed or removed.
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

    /// Whole percent, rounded (0 when there is no provision).
    pub fn percent(&self) -> u32 {
        (self.points * 100 + self.max / 2)
            .checked_div(self.max)
            .unwrap_or(0)
    }
}

/// The rate of the provisions of one type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeRate {
    pub provision_type: ProvisionType,
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
    /// Every score ever recorded, in the order recorded.
    #[serde(default)]
    pub scores: Vec<Score>,
}

impl Agreement {
    /// Adopts a version of the text as the agreement (mediators only). Refused while any
    /// paragraph is bracketed, holds bracketed language or open alternatives, and once the
    /// process is closed.
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
        if process.is_closed() {
            return Err(Error::Closed);
        }
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
                    provision_type: None,
                    responsible: None,
                    deadline: None,
                    legacy_theme: None,
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

    /// The commitment of a provision.
    pub fn commitment(&self, provision: &ParagraphId) -> Option<&Commitment> {
        self.commitments.iter().find(|c| &c.provision == provision)
    }

    /// Changes a commitment's provision type, responsible party (a party of the process) and
    /// deadline, each only when the update names it (mediators only).
    pub fn update_commitment(
        &mut self,
        process: &Process,
        person: &PersonId,
        provision: &ParagraphId,
        update: CommitmentUpdate,
    ) -> Result<()> {
        self.check_scorer(process, person)?;
        if let Change::Set(p) = &update.responsible
            && process.party(p).is_none()
        {
            return Err(Error::UnknownParty);
        }
        let c = self
            .commitments
            .iter_mut()
            .find(|c| &c.provision == provision)
            .ok_or(Error::NotFound)?;
        update.provision_type.apply(&mut c.provision_type);
        update.responsible.apply(&mut c.responsible);
        update.deadline.apply(&mut c.deadline);
        Ok(())
    }

    /// Records the implementation level of a provision for the period ending `period`
    /// (mediators only). Appends to the history; changes nothing else.
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
    ) -> Result<&Score> {
        self.check_scorer(process, person)?;
        if self.commitment(provision).is_none() {
            return Err(Error::NotFound);
        }
        self.scores.push(Score {
            provision: provision.clone(),
            period,
            level,
            evidence: clean_text("evidence", evidence.trim(), 20_000)?,
            recorded_at: at,
            recorded_by: person.clone(),
        });
        Ok(self.scores.last().expect("just pushed"))
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

    /// Every score of a provision, by period then by time recorded (corrections after what they
    /// correct).
    pub fn history(&self, provision: &ParagraphId) -> Vec<&Score> {
        let mut v: Vec<(usize, &Score)> = self
            .scores
            .iter()
            .enumerate()
            .filter(|(_, s)| &s.provision == provision)
            .collect();
        v.sort_by_key(|(i, s)| (s.period, s.recorded_at, *i));
        v.into_iter().map(|(_, s)| s).collect()
    }

    /// The periods scored, oldest first, each once.
    pub fn periods(&self) -> Vec<Date> {
        let mut v: Vec<Date> = self.scores.iter().map(|s| s.period).collect();
        v.sort();
        v.dedup();
        v
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

    /// Overall rate counting only periods ending on or before `as_of`.
    pub fn rate_as_of(&self, as_of: Date) -> Rate {
        self.rate_over(self.commitments.iter(), as_of)
    }

    /// The provision types in use, in the list's order.
    pub fn provision_types(&self) -> Vec<ProvisionType> {
        let mut v: Vec<ProvisionType> = self
            .commitments
            .iter()
            .filter_map(|c| c.provision_type)
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Rate of the provisions of one type, counting periods ending on or before `as_of`.
    pub fn type_rate_as_of(&self, t: ProvisionType, as_of: Date) -> Rate {
        self.rate_over(
            self.commitments
                .iter()
                .filter(|c| c.provision_type == Some(t)),
            as_of,
        )
    }

    /// Rate per provision type in use, in the list's order. Untyped provisions have no row
    /// (they count in the overall rate; [`Agreement::untyped`] says how many there are).
    pub fn rate_by_type(&self) -> Vec<TypeRate> {
        self.provision_types()
            .into_iter()
            .map(|t| TypeRate {
                provision_type: t,
                rate: self.type_rate_as_of(t, Date::MAX),
            })
            .collect()
    }

    /// How many provisions have no type yet.
    pub fn untyped(&self) -> usize {
        self.commitments
            .iter()
            .filter(|c| c.provision_type.is_none())
            .count()
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
        )?;
        if process.is_closed() {
            return Err(Error::Closed);
        }
        Ok(())
    }
}
