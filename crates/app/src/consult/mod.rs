//! Consultations' use cases: create, join, vote, submit and moderate statements, the
//! opinion map and the convenor's report (Pol.is's method, computed off the async workers and
//! cached per vote history), statements in several languages (`languages`), the report's
//! readers and publication (`report`). `polis` carries consultations to and from Pol.is's
//! export layout.

pub mod languages;
pub mod map;
pub mod polis;
pub mod report;

pub use languages::{Shown, StatementInLanguages};
pub use map::{MapCache, OpinionMap};
pub use polis::{ImportRows, Imported, export, export_from_rows, import_folder, rows_from_export};
pub use report::{Reader, ReportView};

use crate::error::{AppError, AppResult};
use chamber_core::{Lang, permissions};
use chamber_store::consult::{Consultation, Statement, vote_value};
use chamber_store::{Store, StoreError, User};
use std::sync::Arc;

/// Who takes part: a signed-in account's participant, or an anonymous link holder's.
#[derive(Debug, Clone)]
pub struct Voter {
    pub participant: i64,
    /// The actor the audit record names.
    pub actor: String,
}

/// What a participant's page shows.
#[derive(Debug, Clone)]
pub struct Ballot {
    pub consultation: Consultation,
    pub next: Option<Statement>,
    /// The next statement in the participant's language when it is translated into it.
    pub shown: Option<Shown>,
    /// Statements awaiting moderation (organisers only).
    pub pending: Vec<Statement>,
    pub may_organise: bool,
}

/// A new consultation.
#[derive(Debug, Clone, Default)]
pub struct NewConsultation {
    pub title: String,
    pub description: String,
    /// Seed statements, accepted at once.
    pub statements: Vec<String>,
}

pub(crate) fn from_store(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::NotFound,
        other => AppError::from(other),
    }
}

/// The consultations of one platform.
pub struct Consultations {
    pub(crate) store: Arc<Store>,
    maps: MapCache,
}

impl Consultations {
    pub fn new(store: Arc<Store>) -> Consultations {
        Consultations {
            store,
            maps: MapCache::default(),
        }
    }

    pub fn may_organise(user: Option<&User>) -> bool {
        user.is_some_and(|u| permissions::may_organise_consultation(u.role))
    }

    /// Every consultation (signed-in accounts).
    pub async fn list(&self) -> AppResult<Vec<Consultation>> {
        Ok(self.store.list_consultations().await?)
    }

    pub async fn get(&self, id: &str) -> AppResult<Consultation> {
        self.store.consultation(id).await?.ok_or(AppError::NotFound)
    }

    /// Organisers open a consultation, optionally with seed statements.
    pub async fn create(&self, user: &User, new: &NewConsultation) -> AppResult<Consultation> {
        if !permissions::may_organise_consultation(user.role) {
            return Err(AppError::Forbidden);
        }
        let title = new.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(AppError::invalid("title: 1 to 200 characters"));
        }
        if new.description.chars().count() > 2000 {
            return Err(AppError::invalid("description: at most 2000 characters"));
        }
        if let Some(bad) = new
            .statements
            .iter()
            .position(|s| s.trim().is_empty() || s.chars().count() > 1000)
        {
            return Err(AppError::invalid(format!(
                "statements[{bad}]: 1 to 1000 characters"
            )));
        }
        let c = self
            .store
            .create_consultation(&user.id, title, new.description.trim())
            .await?;
        for s in &new.statements {
            self.store
                .add_statement(&user.id, &c.id, s.trim(), None, 1)
                .await?;
        }
        Ok(c)
    }

    /// The consultation a participation link opens.
    pub async fn by_join_token(&self, token: &str) -> AppResult<Consultation> {
        self.store
            .consultation_by_join_token(token)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// A new anonymous participant of the consultation a link opens: its number and secret.
    pub async fn join_anonymously(&self, token: &str) -> AppResult<(Consultation, i64, String)> {
        let c = self.by_join_token(token).await?;
        let (n, secret) = self.store.anonymous_participant(&c.id).await?;
        Ok((c, n, secret))
    }

    /// The caller as a participant: an account's own participant (created on first use), or
    /// the holder of an anonymous participant's secret. `None` for anyone else.
    pub async fn voter(
        &self,
        c: &Consultation,
        user: Option<&User>,
        secret: Option<&str>,
    ) -> AppResult<Option<Voter>> {
        if let Some(user) = user {
            let n = self.store.participant_for_user(&c.id, &user.id).await?;
            return Ok(Some(Voter {
                participant: n,
                actor: user.id.clone(),
            }));
        }
        match secret {
            Some(secret) => Ok(self
                .store
                .participant_by_secret(&c.id, secret)
                .await?
                .map(|n| Voter {
                    participant: n,
                    actor: "anonymous".to_string(),
                })),
            None => Ok(None),
        }
    }

    /// The next statement for a participant, shown in `reader`'s language when translated,
    /// and the moderation queue for organisers.
    pub async fn ballot(
        &self,
        c: Consultation,
        voter: &Voter,
        user: Option<&User>,
        reader: Lang,
    ) -> AppResult<Ballot> {
        let next = self.store.next_statement(&c.id, voter.participant).await?;
        let shown = match &next {
            Some(s) => Some(self.shown(&c.id, s, reader).await?),
            None => None,
        };
        let may_organise = Self::may_organise(user);
        let pending = if may_organise {
            self.store
                .statements(&c.id)
                .await?
                .into_iter()
                .filter(|s| s.moderation == 0)
                .collect()
        } else {
            Vec::new()
        };
        Ok(Ballot {
            consultation: c,
            next,
            shown,
            pending,
            may_organise,
        })
    }

    /// Agree, disagree or pass on a statement, read in `lang` (a UN language code; empty or
    /// `None`: not said). The vote counts for the statement whatever the language; a language
    /// the statement has no text in is refused.
    pub async fn vote(
        &self,
        c: &Consultation,
        voter: &Voter,
        statement: i64,
        vote: &str,
        lang: Option<&str>,
    ) -> AppResult<()> {
        let value =
            vote_value(vote).ok_or_else(|| AppError::invalid("vote: agree, disagree or pass"))?;
        let lang = match lang.map(str::trim) {
            None | Some("") => None,
            Some(code) => Some(languages::parse_lang("lang", code)?),
        };
        if let Some(l) = lang {
            self.check_vote_language(&c.id, statement, l).await?;
        }
        self.store
            .cast_vote_in(
                &voter.actor,
                &c.id,
                voter.participant,
                statement,
                value,
                lang.map(Lang::code),
            )
            .await
            .map_err(from_store)
    }

    /// A participant's statement: accepted at once from an organiser, otherwise queued for
    /// moderation. Returns whether it awaits moderation.
    pub async fn submit(
        &self,
        c: &Consultation,
        voter: &Voter,
        user: Option<&User>,
        body: &str,
    ) -> AppResult<bool> {
        let body = body.trim();
        if body.is_empty() || body.chars().count() > 1000 {
            return Err(AppError::invalid("statement: 1 to 1000 characters"));
        }
        let organise = Self::may_organise(user);
        self.store
            .add_statement(
                &voter.actor,
                &c.id,
                body,
                Some(voter.participant),
                if organise { 1 } else { 0 },
            )
            .await?;
        Ok(!organise)
    }

    /// Organisers accept or reject a submitted statement.
    pub async fn moderate(
        &self,
        user: &User,
        id: &str,
        statement: i64,
        decision: &str,
    ) -> AppResult<()> {
        if !permissions::may_organise_consultation(user.role) {
            return Err(AppError::Forbidden);
        }
        let value = match decision {
            "accept" => 1,
            "reject" => -1,
            _ => return Err(AppError::invalid("decision: accept or reject")),
        };
        self.store
            .moderate_statement(&user.id, id, statement, value)
            .await
            .map_err(from_store)
    }

    /// The opinion map: computed in a blocking task, cached until the next vote or statement.
    pub async fn opinion_map(&self, c: &Consultation) -> AppResult<Arc<OpinionMap>> {
        self.maps.get_or_compute(&self.store, c).await
    }
}
