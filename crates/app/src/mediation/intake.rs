//! Cases from alerts: an analyst (or the secretariat) opens a preventive case from a Watch
//! alert; it waits in the intake, which every mediator and the secretariat see, until a mediator
//! takes it and becomes its mediator. The opener is recorded as the case's origin, not made a
//! participant. Opening a case from the same alert again answers with the case already opened.

use super::{Mediation, Record, now, person_of};
use crate::error::{AppError, AppResult};
use chamber_mediation::permissions::may_see_intake;
use chamber_mediation::process::{Origin, ProcessKind, ProcessRole};
use chamber_mediation::{PersonId, Process};
use chamber_store::User;

/// What the intake shows of a case, and what the opener of a case may still see of it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CaseSummary {
    pub id: String,
    pub title: String,
    pub kind: ProcessKind,
    pub alert: Option<String>,
    pub evidence: String,
    pub opened_by: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub opened_at: time::OffsetDateTime,
    pub awaiting_mediator: bool,
}

impl CaseSummary {
    fn of(p: &Process) -> CaseSummary {
        let (alert, evidence, opened_by) = match p.origin() {
            Origin::WatchAlert {
                alert,
                evidence,
                opened_by,
            } => (
                Some(alert.clone()),
                evidence.clone(),
                opened_by.as_ref().map(|o| o.as_str().to_string()),
            ),
            Origin::Manual => (None, String::new(), None),
        };
        CaseSummary {
            id: p.id().as_str().to_string(),
            title: p.title().to_string(),
            kind: p.kind(),
            alert,
            evidence,
            opened_by,
            opened_at: p.opened_at(),
            awaiting_mediator: p.awaiting_mediator(),
        }
    }
}

/// A case opened from an alert: its id, and whether this call created it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseOpened {
    pub id: String,
    pub created: bool,
}

fn opened_by(p: &Process) -> Option<&PersonId> {
    match p.origin() {
        Origin::WatchAlert { opened_by, .. } => opened_by.as_ref(),
        Origin::Manual => None,
    }
}

impl Mediation {
    /// Open a preventive case from an alert (analysts, mediators, the secretariat). A mediator
    /// who opens it holds it at once; anyone else's case waits in the intake. The same alert
    /// twice answers with the case already opened.
    pub async fn open_case_for_alert(
        &self,
        user: &User,
        alert: &str,
        title: &str,
        evidence: &str,
    ) -> AppResult<CaseOpened> {
        if !chamber_core::permissions::may_open_process(user.role) {
            return Err(AppError::Forbidden);
        }
        let alert = alert.trim();
        if alert.is_empty() {
            return Err(AppError::invalid("alert: which alert the case comes from"));
        }
        let repo = self.repository()?;
        let opener = person_of(user)?;
        let _guard = self.write.lock().await;
        if let Some(existing) = repo.processes_tagged(&repo.alert_tag(alert)).await?.first() {
            return Ok(CaseOpened {
                id: existing.id().as_str().to_string(),
                created: false,
            });
        }
        let title = if title.trim().is_empty() {
            format!("Preventive case: {alert}")
        } else {
            title.trim().to_string()
        };
        let mut process = Process::open(
            &mut rand::rng(),
            &title,
            ProcessKind::PreventiveCase,
            Origin::WatchAlert {
                alert: alert.to_string(),
                opened_by: Some(opener.clone()),
                evidence: evidence.trim().to_string(),
            },
            now(),
        )?;
        if user.role == chamber_core::Role::Mediator {
            process.add_participant(opener, ProcessRole::Mediator)?;
        }
        let pid = process.id().as_str().to_string();
        repo.save(&user.id, &pid, &[Record::Process(&process)])
            .await?;
        Ok(CaseOpened {
            id: pid,
            created: true,
        })
    }

    /// The cases awaiting a mediator (mediators and the secretariat; empty for anyone else).
    pub async fn intake(&self, user: &User) -> AppResult<Vec<CaseSummary>> {
        if !may_see_intake(user.role) {
            return Ok(Vec::new());
        }
        let Ok(repo) = self.repository() else {
            return Ok(Vec::new());
        };
        Ok(repo
            .processes_tagged(&repo.intake_tag())
            .await?
            .iter()
            .filter(|p| p.awaiting_mediator())
            .map(CaseSummary::of)
            .collect())
    }

    /// A mediator takes a case from the intake and becomes its mediator.
    pub async fn take(&self, user: &User, id: &str) -> AppResult<()> {
        let repo = self.repository()?;
        let person = person_of(user)?;
        let _guard = self.write.lock().await;
        let mut process = repo.process(id).await?.ok_or(AppError::NotFound)?;
        if !may_see_intake(user.role) || !process.awaiting_mediator() {
            // Taken already, or not the caller's to see: the case is no longer in their intake.
            return Err(if process.role_of(&person).is_some() {
                AppError::invalid("case: you already hold this case")
            } else {
                AppError::NotFound
            });
        }
        process.take(person, user.role)?;
        repo.save(&user.id, id, &[Record::Process(&process)]).await
    }

    /// What the caller may know of a case they do not take part in: an intake case (mediators,
    /// the secretariat) or one they opened from an alert (its title and whether a mediator
    /// holds it). `NotFound` otherwise, like an unknown id.
    pub async fn case_summary(&self, user: &User, id: &str) -> AppResult<CaseSummary> {
        let repo = self.repository()?;
        let person = person_of(user)?;
        let process = repo.process(id).await?.ok_or(AppError::NotFound)?;
        let in_intake = process.awaiting_mediator() && may_see_intake(user.role);
        let participant = process.role_of(&person).is_some();
        if in_intake || participant || opened_by(&process) == Some(&person) {
            Ok(CaseSummary::of(&process))
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The case opened from an alert, when the caller may know of it.
    pub async fn case_for_alert(&self, user: &User, alert: &str) -> AppResult<Option<String>> {
        let Ok(repo) = self.repository() else {
            return Ok(None);
        };
        for p in repo.processes_tagged(&repo.alert_tag(alert.trim())).await? {
            let id = p.id().as_str().to_string();
            if self.case_summary(user, &id).await.is_ok() {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }
}
