//! The floor: each meeting's speakers' list (the chair's view computes the countdown), and
//! the outcome document negotiated among the delegations.

use super::delegations::DELEGATION;
use super::{Conferences, from_json, now, person_of, to_json};
use crate::error::{AppError, AppResult};
use chamber_conferences::outcome::{self, Outcome};
use chamber_conferences::speakers::{Current, Entry, SpeakersList, SpeechKind, TimeLimits};
use chamber_conferences::{Conference, Delegation, EntryId};
use chamber_core::{AuditDraft, Lang};
use chamber_mediation::text::{AmendmentView, Decision, Operation, Version};
use chamber_mediation::{PersonId, SessionId};
use chamber_store::conferences::{Record, tx};
use chamber_store::{User, WriteTx};

const SPEAKERS: &str = "speakers";
const OUTCOME: &str = "outcome";

/// The chair's view and the room screen: who speaks, for how long yet, who follows.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SpeakersView {
    pub session: String,
    pub current: Option<Current>,
    pub elapsed_secs: i64,
    /// Negative when the speaker runs over.
    pub remaining_secs: i64,
    pub next: Vec<Entry>,
    pub limits: TimeLimits,
    /// Delegation id → its name in the requested language.
    pub names: std::collections::BTreeMap<String, String>,
}

/// The outcome document as the viewer may see it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutcomeView {
    pub current: Version,
    pub versions: u32,
    pub amendments: Vec<AmendmentView>,
    pub adopted_version: Option<u32>,
}

fn session_id(s: &str) -> AppResult<SessionId> {
    SessionId::parse(s).map_err(|_| AppError::NotFound)
}

fn entry_id(s: &str) -> AppResult<EntryId> {
    EntryId::parse(s).map_err(|_| AppError::NotFound)
}

impl Conferences {
    async fn speakers_in(
        t: &mut WriteTx<'_>,
        c: &Conference,
        session: &SessionId,
    ) -> AppResult<SpeakersList> {
        match tx::record(t, c.id.as_str(), SPEAKERS, session.as_str()).await? {
            Some(r) => from_json("speakers' list", &r.body),
            None => Ok(SpeakersList::open(c, session)?),
        }
    }

    /// Changes a speakers' list (opened on first use) in one transaction.
    async fn change_speakers<T>(
        &self,
        user: &User,
        conference: &str,
        session: &str,
        action: &str,
        change: impl FnOnce(&Conference, &mut SpeakersList, &PersonId, &[Delegation]) -> AppResult<T>,
    ) -> AppResult<T> {
        let person = person_of(user)?;
        let session = session_id(session)?;
        let mut t = self.store.begin_write().await?;
        let c = Self::load_in(&mut t, conference).await?;
        let mut list = Self::speakers_in(&mut t, &c, &session).await?;
        let ds: Vec<Delegation> = tx::records(&mut t, conference, DELEGATION)
            .await?
            .iter()
            .map(|r| from_json("delegation", &r.body))
            .collect::<AppResult<_>>()?;
        let out = change(&c, &mut list, &person, &ds)?;
        let rec = Record {
            id: session.to_string(),
            natural_key: session.to_string(),
            body: to_json(&list),
        };
        tx::save_record(&mut t, conference, SPEAKERS, &rec).await?;
        t.record(AuditDraft::new(
            &user.username,
            &format!("conferences.speakers.{action}"),
            session.as_str(),
        ))
        .await?;
        t.commit().await?;
        Ok(out)
    }

    /// A meeting's list as the chair's view and the room screen show it (public).
    pub async fn speakers(
        &self,
        conference: &str,
        session: &str,
        lang: Lang,
    ) -> AppResult<SpeakersView> {
        let c = self.load(conference).await?;
        let sid = session_id(session)?;
        c.session(&sid)?;
        let list = match self
            .store
            .conference_record(conference, SPEAKERS, session)
            .await?
        {
            Some(r) => from_json("speakers' list", &r.body)?,
            None => SpeakersList::open(&c, &sid)?,
        };
        let names = self
            .delegations_of(conference)
            .await?
            .iter()
            .map(|d| (d.id.to_string(), d.name(lang).to_string()))
            .collect();
        let v = list.view(now());
        Ok(SpeakersView {
            session: session.to_string(),
            current: v.current.cloned(),
            elapsed_secs: v.elapsed_secs,
            remaining_secs: v.remaining_secs,
            next: v.next.into_iter().cloned().collect(),
            limits: list.limits,
            names,
        })
    }

    fn find<'a>(ds: &'a [Delegation], id: &str) -> AppResult<&'a Delegation> {
        ds.iter()
            .find(|d| d.id.as_str() == id)
            .ok_or(AppError::NotFound)
    }

    /// A delegation inscribes on a meeting's list.
    pub async fn inscribe(
        &self,
        user: &User,
        conference: &str,
        session: &str,
        delegation: &str,
        kind: SpeechKind,
    ) -> AppResult<String> {
        self.change_speakers(user, conference, session, "inscribe", |c, l, p, ds| {
            Ok(l.inscribe(
                &mut rand::rng(),
                c,
                p,
                Self::find(ds, delegation)?,
                kind,
                now(),
            )?
            .to_string())
        })
        .await
    }

    /// The delegation gives up its slot: its entry goes to the end.
    pub async fn change_slot(
        &self,
        user: &User,
        conference: &str,
        session: &str,
        delegation: &str,
        entry: &str,
    ) -> AppResult<()> {
        let e = entry_id(entry)?;
        self.change_speakers(user, conference, session, "change_slot", |c, l, p, ds| {
            Ok(l.change_slot(c, p, Self::find(ds, delegation)?, &e)?)
        })
        .await
    }

    pub async fn withdraw_entry(
        &self,
        user: &User,
        conference: &str,
        session: &str,
        delegation: &str,
        entry: &str,
    ) -> AppResult<()> {
        let e = entry_id(entry)?;
        self.change_speakers(user, conference, session, "withdraw", |c, l, p, ds| {
            Ok(l.withdraw_entry(c, p, Self::find(ds, delegation)?, &e)?)
        })
        .await
    }

    /// The chair swaps two entries, with both delegations' consent.
    pub async fn swap_entries(
        &self,
        user: &User,
        conference: &str,
        session: &str,
        a: &str,
        b: &str,
        both_consent: bool,
    ) -> AppResult<()> {
        let (a, b) = (entry_id(a)?, entry_id(b)?);
        self.change_speakers(user, conference, session, "swap", |c, l, p, _| {
            Ok(l.swap(c, p, &a, &b, both_consent)?)
        })
        .await
    }

    pub async fn set_time_limits(
        &self,
        user: &User,
        conference: &str,
        session: &str,
        limits: TimeLimits,
    ) -> AppResult<()> {
        self.change_speakers(user, conference, session, "limits", |c, l, p, _| {
            Ok(l.set_limits(c, p, limits)?)
        })
        .await
    }

    /// The chair gives the floor to the next speaker (`None`: the list is exhausted).
    pub async fn next_speaker(
        &self,
        user: &User,
        conference: &str,
        session: &str,
    ) -> AppResult<Option<Current>> {
        self.change_speakers(user, conference, session, "next", |c, l, p, _| {
            Ok(l.next_speaker(c, p, now())?.cloned())
        })
        .await
    }

    pub async fn finish_speaker(
        &self,
        user: &User,
        conference: &str,
        session: &str,
    ) -> AppResult<()> {
        self.change_speakers(user, conference, session, "finish", |c, l, p, _| {
            Ok(l.finish(c, p, now())?)
        })
        .await
    }

    // ------------------------------------------------------------ the outcome document

    async fn outcome_in(t: &mut WriteTx<'_>, conference: &str) -> AppResult<Option<Outcome>> {
        match tx::record(t, conference, OUTCOME, conference).await? {
            Some(r) => Ok(Some(from_json("outcome", &r.body)?)),
            None => Ok(None),
        }
    }

    async fn change_outcome<T>(
        &self,
        user: &User,
        conference: &str,
        action: &str,
        change: impl FnOnce(&Conference, &mut Option<Outcome>, &PersonId) -> AppResult<T>,
    ) -> AppResult<T> {
        let person = person_of(user)?;
        let mut t = self.store.begin_write().await?;
        let c = Self::load_in(&mut t, conference).await?;
        let mut o = Self::outcome_in(&mut t, conference).await?;
        let out = change(&c, &mut o, &person)?;
        let o = o.ok_or(AppError::NotFound)?;
        let rec = Record {
            id: conference.to_string(),
            natural_key: OUTCOME.into(),
            body: to_json(&o),
        };
        tx::save_record(&mut t, conference, OUTCOME, &rec).await?;
        t.record(
            AuditDraft::new(&user.username, &format!("conferences.outcome.{action}"), conference)
                .after(&serde_json::json!({"version": o.record.current().number, "hash": o.record.current().content_hash})),
        )
        .await?;
        t.commit().await?;
        Ok(out)
    }

    /// The chair issues the first draft: lines in the diplomats' notation (`[…]` brackets).
    pub async fn start_outcome(
        &self,
        user: &User,
        conference: &str,
        title: &str,
        preamble: &[String],
        operative: &[String],
        note: &str,
    ) -> AppResult<u32> {
        self.change_outcome(user, conference, "start", |c, o, p| {
            if o.is_some() {
                return Err(AppError::invalid(
                    "the outcome document has its first draft already",
                ));
            }
            let text = outcome::draft(&mut rand::rng(), title, preamble, operative)?;
            *o = Some(Outcome::start(c, p, text, note, now())?);
            Ok(1)
        })
        .await
    }

    /// The outcome document for a participant (staff with the pen, delegation members);
    /// anyone else is told it does not exist.
    pub async fn outcome(&self, user: &User, conference: &str) -> AppResult<OutcomeView> {
        let person = person_of(user)?;
        let c = self.load(conference).await?;
        if !chamber_mediation::permissions::may_read_text(&c.process, &person) {
            return Err(AppError::NotFound);
        }
        let r = self
            .store
            .conference_record(conference, OUTCOME, conference)
            .await?
            .ok_or(AppError::NotFound)?;
        let o: Outcome = from_json("outcome", &r.body)?;
        Ok(OutcomeView {
            current: o.record.current().clone(),
            versions: o.record.current().number,
            amendments: o.amendments_for(&c, &person),
            adopted_version: o.adopted.as_ref().map(|a| a.version),
        })
    }

    /// A delegation member proposes an amendment against a version.
    pub async fn propose_amendment(
        &self,
        user: &User,
        conference: &str,
        base_version: u32,
        operations: Vec<Operation>,
        explanation: &str,
    ) -> AppResult<String> {
        self.change_outcome(user, conference, "propose", |c, o, p| {
            let o = o.as_mut().ok_or(AppError::NotFound)?;
            Ok(o.propose(
                &mut rand::rng(),
                c,
                p,
                base_version,
                operations,
                explanation,
                now(),
            )?
            .to_string())
        })
        .await
    }

    /// The chair issues a new version, deciding amendments and editing.
    pub async fn issue_outcome_version(
        &self,
        user: &User,
        conference: &str,
        decisions: &[Decision],
        edits: &[Operation],
        note: &str,
    ) -> AppResult<u32> {
        self.change_outcome(user, conference, "version", |c, o, p| {
            let o = o.as_mut().ok_or(AppError::NotFound)?;
            Ok(o.issue_version(c, p, decisions, edits, note, now())?)
        })
        .await
    }

    /// The chair records the adoption of a version with nothing left in brackets.
    pub async fn adopt_outcome(
        &self,
        user: &User,
        conference: &str,
        version: u32,
    ) -> AppResult<()> {
        self.change_outcome(user, conference, "adopt", |c, o, p| {
            let o = o.as_mut().ok_or(AppError::NotFound)?;
            o.adopt(&mut rand::rng(), c, p, version, now())?;
            Ok(())
        })
        .await
    }

    /// Akoma Ntoso of the adopted text (public), or of the current draft for a participant.
    pub async fn outcome_akoma_ntoso(
        &self,
        user: Option<&User>,
        conference: &str,
        lang: Lang,
    ) -> AppResult<String> {
        let c = self.load(conference).await?;
        let r = self
            .store
            .conference_record(conference, OUTCOME, conference)
            .await?
            .ok_or(AppError::NotFound)?;
        let o: Outcome = from_json("outcome", &r.body)?;
        if o.adopted.is_none() {
            let reader = user.map(person_of).transpose()?;
            if !reader
                .is_some_and(|p| chamber_mediation::permissions::may_read_text(&c.process, &p))
            {
                return Err(AppError::NotFound);
            }
        }
        Ok(o.akoma_ntoso(&c, lang)?)
    }
}
