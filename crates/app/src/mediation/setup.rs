//! Setting a process up: parties, participants, tracks, the first draft, rooms, sessions,
//! attribution, minutes. Only the process's mediators set it up.

use super::{Changed, Mediation, Workspace, now, person_of};
use crate::error::{AppError, AppResult};
use chamber_mediation::ids::{PartyId, RoomId};
use chamber_mediation::process::{
    Attribution, ProcessKind, ProcessRole, TrackKind, TrackStatus, check_one_process_per_delegate,
};
use chamber_mediation::text::{NegotiatingText, TextRecord};
use chamber_mediation::venue::{Room, Session, SessionFormat};
use chamber_store::User;

/// A process opened by hand.
#[derive(Debug, Clone)]
pub struct NewProcess {
    pub title: String,
    pub kind: ProcessKind,
    /// The mediator's username (the opener, when a mediator opens it).
    pub mediator: Option<String>,
}

/// A session to plan.
#[derive(Debug, Clone)]
pub struct SessionPlan {
    pub title: String,
    pub format: SessionFormat,
    pub start: time::OffsetDateTime,
    pub end: time::OffsetDateTime,
    pub room: Option<RoomId>,
    pub agenda: Vec<String>,
}

/// Parse a session format as forms send it: `plenary`, `proximity`, `shuttle`,
/// `caucus:<party>`, `bilateral:<party>`.
pub fn parse_session_format(value: &str) -> AppResult<SessionFormat> {
    let party = |s: &str| PartyId::parse(s).map_err(|_| AppError::invalid("format: unknown party"));
    Ok(match value.trim().split_once(':') {
        Some(("caucus", p)) => SessionFormat::Caucus { party: party(p)? },
        Some(("bilateral", p)) => SessionFormat::Bilateral { party: party(p)? },
        _ => match value.trim() {
            "plenary" => SessionFormat::Plenary,
            "proximity" => SessionFormat::Proximity,
            "shuttle" => SessionFormat::Shuttle,
            other => return Err(AppError::invalid(format!("format: unknown {other:?}"))),
        },
    })
}

impl Mediation {
    /// Set-up changes: only the process's mediators may make them.
    async fn set_up<T>(
        &self,
        user: &User,
        id: &str,
        change: impl FnOnce(&mut Workspace) -> AppResult<(T, Changed)>,
    ) -> AppResult<T> {
        self.change(user, id, |ws| {
            if !chamber_mediation::permissions::may_issue_version(&ws.process, &ws.viewer) {
                return Err(AppError::Forbidden);
            }
            change(ws)
        })
        .await
    }

    /// A party (and its caucus space).
    pub async fn add_party(&self, user: &User, id: &str, name: &str) -> AppResult<PartyId> {
        self.set_up(user, id, |ws| {
            let party = ws.process.add_party(&mut rand::rng(), name.trim())?;
            Ok((party, Changed::Process))
        })
        .await
    }

    /// An account joins with a role that fits it; a delegate joins one party of one process
    /// (answered from the membership index, never by opening another process).
    pub async fn add_participant(
        &self,
        user: &User,
        id: &str,
        username: &str,
        role: &str,
        party: Option<&str>,
    ) -> AppResult<()> {
        // The caller must be able to set this process up before any account is looked up, so
        // nobody learns which accounts exist by asking.
        let repo = self.repository()?;
        let ws = repo.workspace(id, &person_of(user)?).await?;
        if !chamber_mediation::permissions::may_issue_version(&ws.process, &ws.viewer) {
            return Err(AppError::Forbidden);
        }
        let account = match self.store.login_lookup(username.trim()).await? {
            Some((u, _)) => u,
            None => {
                return Err(AppError::invalid(format!(
                    "username: no account named {:?}",
                    username.trim()
                )));
            }
        };
        let role = ProcessRole::for_account(role, party, account.role)?;
        let person = person_of(&account)?;
        let elsewhere = repo.delegate_in(&person).await?;
        check_one_process_per_delegate(&role, ws.process.id(), &elsewhere)?;
        self.set_up(user, id, |ws| {
            ws.process.add_participant(person, role)?;
            Ok(((), Changed::Process))
        })
        .await
    }

    /// Someone leaves the process: from the next request they see nothing of it.
    pub async fn remove_participant(&self, user: &User, id: &str, username: &str) -> AppResult<()> {
        let person = chamber_mediation::PersonId::parse(username.trim())
            .map_err(|_| AppError::invalid("username: not a participant"))?;
        self.set_up(user, id, |ws| {
            if person == ws.viewer {
                return Err(AppError::invalid(
                    "username: a mediator cannot remove themselves",
                ));
            }
            if !ws.process.remove_participant(&person) {
                return Err(AppError::invalid("username: not a participant"));
            }
            Ok(((), Changed::Process))
        })
        .await
    }

    /// A track of preventive diplomacy and its status.
    pub async fn set_track(
        &self,
        user: &User,
        id: &str,
        kind: TrackKind,
        status: TrackStatus,
    ) -> AppResult<()> {
        self.set_up(user, id, |ws| {
            ws.process.set_track(kind, status);
            Ok(((), Changed::Process))
        })
        .await
    }

    /// Neutral (default) or open attribution of proposals.
    pub async fn set_attribution(&self, user: &User, id: &str, mode: Attribution) -> AppResult<()> {
        self.set_up(user, id, |ws| {
            ws.process.set_attribution(mode);
            Ok(((), Changed::Process))
        })
        .await
    }

    /// The first version of the single negotiating text, one paragraph a line, every
    /// paragraph bracketed until agreed.
    pub async fn start_text(
        &self,
        user: &User,
        id: &str,
        title: &str,
        preamble: &str,
        operative: &str,
    ) -> AppResult<()> {
        self.set_up(user, id, |ws| {
            if ws.record.is_some() {
                return Err(AppError::invalid("this process already has its text"));
            }
            let text =
                NegotiatingText::from_lines(&mut rand::rng(), title.trim(), preamble, operative)?;
            ws.record = Some(TextRecord::start(
                &ws.process,
                &ws.viewer,
                text,
                // Version 1 is the first draft: pages say so in the reader's language.
                "",
                now(),
            )?);
            Ok(((), Changed::Text))
        })
        .await
    }

    /// A room of the venue.
    pub async fn add_room(
        &self,
        user: &User,
        id: &str,
        name: &str,
        capacity: Option<u32>,
    ) -> AppResult<RoomId> {
        self.set_up(user, id, |ws| {
            let room = Room::new(&mut rand::rng(), name.trim(), capacity)?;
            let rid = room.id.clone();
            ws.rooms.push(room);
            Ok((rid, Changed::Room))
        })
        .await
    }

    /// Plan a session; its participants are everyone who may read its space.
    pub async fn plan_session(
        &self,
        user: &User,
        id: &str,
        plan: SessionPlan,
    ) -> AppResult<String> {
        self.set_up(user, id, |ws| {
            let mut session = Session::plan(
                &mut rand::rng(),
                &ws.process,
                &ws.viewer,
                plan.format,
                plan.title.trim(),
                plan.start,
                plan.end,
                plan.room,
                Vec::new(),
                plan.agenda,
            )?;
            session.invite_readers(&ws.process);
            let sid = session.id.clone();
            ws.sessions.push(session);
            Ok((sid.as_str().to_string(), Changed::Session(sid)))
        })
        .await
    }

    /// The minutes of a session, sealed with it (seen by whoever may see the session).
    pub async fn set_minutes(
        &self,
        user: &User,
        id: &str,
        session: &str,
        minutes: &str,
    ) -> AppResult<()> {
        self.set_up(user, id, |ws| {
            let s = ws
                .sessions
                .iter_mut()
                .find(|s| s.id.as_str() == session)
                .ok_or(AppError::NotFound)?;
            s.set_minutes(minutes.trim())?;
            let sid = s.id.clone();
            Ok(((), Changed::Session(sid)))
        })
        .await
    }
}
