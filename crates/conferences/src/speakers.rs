//! The speakers' list of a meeting: delegations inscribe in order; the chair calls them.
//!
//! * Order of inscription is kept. A delegation that changes its slot goes to the end of the
//!   list; the chair may swap two delegations only with both delegations' consent.
//! * Each kind of intervention has its time limit, set by the chair (defaults: statement
//!   5 minutes, explanation of vote 10, first right of reply 10, second 5 — the General
//!   Assembly's practice for rights of reply and explanations of vote).
//! * Rights of reply are heard at the end of the day, after every statement: they wait in a
//!   queue of their own. A delegation has at most two rights of reply per list.
//! * The countdown is computed here from the instant the current speaker began; the room
//!   screen only renders it.

use crate::Timestamp;
use crate::conference::Conference;
use crate::delegation::Delegation;
use crate::error::{Error, Result, invalid};
use crate::ids::{ConferenceId, DelegationId, EntryId};
use crate::permissions;
use chamber_mediation::{PersonId, SessionId};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpeechKind {
    Statement,
    ExplanationOfVote,
    RightOfReply,
}

impl SpeechKind {
    pub fn parse(s: &str) -> Result<SpeechKind> {
        match s.trim() {
            "statement" => Ok(SpeechKind::Statement),
            "explanation_of_vote" => Ok(SpeechKind::ExplanationOfVote),
            "right_of_reply" => Ok(SpeechKind::RightOfReply),
            _ => Err(invalid(
                "kind",
                "statement, explanation_of_vote or right_of_reply",
            )),
        }
    }
}

/// Time limits in seconds, set by the chair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeLimits {
    pub statement: u32,
    pub explanation_of_vote: u32,
    pub right_of_reply: u32,
    pub second_right_of_reply: u32,
}

impl Default for TimeLimits {
    fn default() -> Self {
        TimeLimits {
            statement: 300,
            explanation_of_vote: 600,
            right_of_reply: 600,
            second_right_of_reply: 300,
        }
    }
}

impl TimeLimits {
    fn check(&self) -> Result<()> {
        for v in [
            self.statement,
            self.explanation_of_vote,
            self.right_of_reply,
            self.second_right_of_reply,
        ] {
            if !(10..=3600).contains(&v) {
                return Err(invalid("time limit", "between 10 seconds and one hour"));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: EntryId,
    pub delegation: DelegationId,
    pub kind: SpeechKind,
    /// A delegation's second right of reply on this list (shorter limit).
    pub second: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub inscribed_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spoken {
    pub entry: Entry,
    #[serde(with = "time::serde::rfc3339")]
    pub started: Timestamp,
    #[serde(with = "time::serde::rfc3339")]
    pub ended: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Current {
    pub entry: Entry,
    #[serde(with = "time::serde::rfc3339")]
    pub started: Timestamp,
    pub limit_secs: u32,
}

/// The list of one meeting (a session of the timetable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpeakersList {
    pub conference: ConferenceId,
    pub session: SessionId,
    pub limits: TimeLimits,
    /// Statements and explanations of vote, in order.
    pub waiting: Vec<Entry>,
    /// Rights of reply, heard after every statement.
    pub replies: Vec<Entry>,
    pub current: Option<Current>,
    pub spoken: Vec<Spoken>,
}

/// What the chair's view and the room screen show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChairView<'a> {
    pub current: Option<&'a Current>,
    pub elapsed_secs: i64,
    /// Negative when the speaker runs over.
    pub remaining_secs: i64,
    pub next: Vec<&'a Entry>,
}

impl SpeakersList {
    pub fn open(conference: &Conference, session: &SessionId) -> Result<SpeakersList> {
        conference.session(session)?;
        Ok(SpeakersList {
            conference: conference.id.clone(),
            session: session.clone(),
            limits: TimeLimits::default(),
            waiting: Vec::new(),
            replies: Vec::new(),
            current: None,
            spoken: Vec::new(),
        })
    }

    fn chair(&self, c: &Conference, by: &PersonId) -> Result<()> {
        if c.id != self.conference {
            return Err(Error::NotFound);
        }
        permissions::require(permissions::may_chair(c, by), "only the chair")
    }

    fn all_entries(&self) -> impl Iterator<Item = &Entry> {
        self.waiting
            .iter()
            .chain(&self.replies)
            .chain(self.current.iter().map(|c| &c.entry))
            .chain(self.spoken.iter().map(|s| &s.entry))
    }

    /// A delegation inscribes (one of its members, or the chair or secretariat for it).
    pub fn inscribe<R: CryptoRng + RngCore + ?Sized>(
        &mut self,
        rng: &mut R,
        c: &Conference,
        by: &PersonId,
        delegation: &Delegation,
        kind: SpeechKind,
        at: Timestamp,
    ) -> Result<EntryId> {
        if c.id != self.conference || delegation.conference != c.id {
            return Err(Error::NotFound);
        }
        permissions::require(
            permissions::may_act_for(c, by, delegation),
            "only a member of the delegation inscribes it",
        )?;
        let d = &delegation.id;
        let mut second = false;
        if kind == SpeechKind::RightOfReply {
            let had = self
                .all_entries()
                .filter(|e| &e.delegation == d && e.kind == kind)
                .count();
            if had >= 2 {
                return Err(invalid(
                    "kind",
                    "a delegation has at most two rights of reply",
                ));
            }
            second = had == 1;
        } else if self
            .waiting
            .iter()
            .any(|e| &e.delegation == d && e.kind == kind)
        {
            return Err(invalid(
                "kind",
                "this delegation is already inscribed for that",
            ));
        }
        let entry = Entry {
            id: EntryId::generate(rng),
            delegation: d.clone(),
            kind,
            second,
            inscribed_at: at,
        };
        let id = entry.id.clone();
        if kind == SpeechKind::RightOfReply {
            self.replies.push(entry);
        } else {
            self.waiting.push(entry);
        }
        Ok(id)
    }

    fn queue_of(&mut self, entry: &EntryId) -> Result<(&mut Vec<Entry>, usize)> {
        if let Some(i) = self.waiting.iter().position(|e| &e.id == entry) {
            return Ok((&mut self.waiting, i));
        }
        if let Some(i) = self.replies.iter().position(|e| &e.id == entry) {
            return Ok((&mut self.replies, i));
        }
        Err(Error::NotFound)
    }

    /// The delegation gives up its slot for a later one: the entry goes to the end.
    pub fn change_slot(
        &mut self,
        c: &Conference,
        by: &PersonId,
        delegation: &Delegation,
        entry: &EntryId,
    ) -> Result<()> {
        permissions::require(
            permissions::may_act_for(c, by, delegation),
            "only a member of the delegation",
        )?;
        let (queue, i) = self.queue_of(entry)?;
        if queue[i].delegation != delegation.id {
            return Err(Error::NotFound);
        }
        let e = queue.remove(i);
        queue.push(e);
        Ok(())
    }

    /// The chair swaps two waiting entries, only with both delegations' consent.
    pub fn swap(
        &mut self,
        c: &Conference,
        by: &PersonId,
        a: &EntryId,
        b: &EntryId,
        both_consent: bool,
    ) -> Result<()> {
        self.chair(c, by)?;
        if !both_consent {
            return Err(invalid(
                "consent",
                "both delegations must consent to a swap",
            ));
        }
        let ia = self.waiting.iter().position(|e| &e.id == a);
        let ib = self.waiting.iter().position(|e| &e.id == b);
        match (ia, ib) {
            (Some(x), Some(y)) if x != y => {
                self.waiting.swap(x, y);
                Ok(())
            }
            _ => Err(invalid(
                "entries",
                "two different statements waiting on the list",
            )),
        }
    }

    pub fn withdraw_entry(
        &mut self,
        c: &Conference,
        by: &PersonId,
        delegation: &Delegation,
        entry: &EntryId,
    ) -> Result<()> {
        permissions::require(
            permissions::may_act_for(c, by, delegation),
            "only a member of the delegation",
        )?;
        let (queue, i) = self.queue_of(entry)?;
        if queue[i].delegation != delegation.id {
            return Err(Error::NotFound);
        }
        queue.remove(i);
        Ok(())
    }

    pub fn set_limits(&mut self, c: &Conference, by: &PersonId, limits: TimeLimits) -> Result<()> {
        self.chair(c, by)?;
        limits.check()?;
        self.limits = limits;
        Ok(())
    }

    fn limit_for(&self, e: &Entry) -> u32 {
        match (e.kind, e.second) {
            (SpeechKind::Statement, _) => self.limits.statement,
            (SpeechKind::ExplanationOfVote, _) => self.limits.explanation_of_vote,
            (SpeechKind::RightOfReply, false) => self.limits.right_of_reply,
            (SpeechKind::RightOfReply, true) => self.limits.second_right_of_reply,
        }
    }

    /// The chair gives the floor to the next speaker (statements first, then rights of reply);
    /// the current one, if any, is done. `Ok(None)` when nobody is left.
    pub fn next_speaker(
        &mut self,
        c: &Conference,
        by: &PersonId,
        at: Timestamp,
    ) -> Result<Option<&Current>> {
        self.chair(c, by)?;
        self.close_current(at);
        let next = if !self.waiting.is_empty() {
            Some(self.waiting.remove(0))
        } else if !self.replies.is_empty() {
            Some(self.replies.remove(0))
        } else {
            None
        };
        Ok(match next {
            Some(entry) => {
                let limit_secs = self.limit_for(&entry);
                Some(self.current.insert(Current {
                    entry,
                    started: at,
                    limit_secs,
                }))
            }
            None => None,
        })
    }

    /// The chair ends the current intervention without calling the next.
    pub fn finish(&mut self, c: &Conference, by: &PersonId, at: Timestamp) -> Result<()> {
        self.chair(c, by)?;
        self.close_current(at);
        Ok(())
    }

    fn close_current(&mut self, at: Timestamp) {
        if let Some(cur) = self.current.take() {
            self.spoken.push(Spoken {
                entry: cur.entry,
                started: cur.started,
                ended: at.max(cur.started),
            });
        }
    }

    /// The current speaker, the time used and left at `now`, and who follows.
    pub fn view(&self, now: Timestamp) -> ChairView<'_> {
        let (elapsed, remaining) = match &self.current {
            Some(c) => {
                let e = (now - c.started).whole_seconds().max(0);
                (e, i64::from(c.limit_secs) - e)
            }
            None => (0, 0),
        };
        ChairView {
            current: self.current.as_ref(),
            elapsed_secs: elapsed,
            remaining_secs: remaining,
            next: self.waiting.iter().chain(&self.replies).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conference::tests::{forum, pid};
    use crate::conference::{Category, StaffRole};
    use crate::ids::Country;
    use rand::SeedableRng;
    use time::macros::datetime;

    struct F {
        r: rand::rngs::StdRng,
        c: Conference,
        d: Vec<Delegation>,
        list: SpeakersList,
    }

    fn fixture() -> F {
        let mut r = rand::rngs::StdRng::seed_from_u64(10);
        let mut c = forum(&mut r);
        c.assign(&pid("sec"), pid("chair"), StaffRole::Chair)
            .unwrap();
        let (sid, _) = c
            .plan_session(
                &mut r,
                &pid("sec"),
                "General debate",
                datetime!(2026-12-12 10:00 UTC),
                datetime!(2026-12-12 13:00 UTC),
                None,
                vec![],
            )
            .unwrap();
        let d = ["TKM", "FRA", "CHN"]
            .iter()
            .map(|code| {
                let mut d = Delegation::open(
                    &mut r,
                    &c,
                    &pid("sec"),
                    Country::parse(code).unwrap(),
                    Category::MemberState,
                )
                .unwrap();
                d.add_member(
                    &c,
                    &pid("sec"),
                    pid(&format!("head-{code}")),
                    crate::delegation::Function::Head,
                )
                .unwrap();
                d
            })
            .collect();
        let list = SpeakersList::open(&c, &sid).unwrap();
        F { r, c, d, list }
    }

    const T: Timestamp = datetime!(2026-12-12 10:00 UTC);

    fn order(l: &SpeakersList, f: &F) -> Vec<usize> {
        l.view(T)
            .next
            .iter()
            .map(|e| f.d.iter().position(|d| d.id == e.delegation).unwrap())
            .collect()
    }

    #[test]
    fn inscription_order_is_kept_and_a_change_of_slot_goes_to_the_end() {
        let mut f = fixture();
        let mut ids = Vec::new();
        for i in 0..3 {
            let by = pid(&format!("head-{}", f.d[i].country));
            ids.push(
                f.list
                    .inscribe(&mut f.r, &f.c, &by, &f.d[i], SpeechKind::Statement, T)
                    .unwrap(),
            );
        }
        assert_eq!(order(&f.list, &f), [0, 1, 2]);
        // Another delegation cannot inscribe or move TKM.
        assert!(
            f.list
                .inscribe(
                    &mut f.r,
                    &f.c,
                    &pid("head-FRA"),
                    &f.d[0],
                    SpeechKind::Statement,
                    T
                )
                .is_err()
        );
        assert!(
            f.list
                .change_slot(&f.c, &pid("head-FRA"), &f.d[0], &ids[0])
                .is_err()
        );
        f.list
            .change_slot(&f.c, &pid("head-TKM"), &f.d[0], &ids[0])
            .unwrap();
        assert_eq!(order(&f.list, &f), [1, 2, 0]);
        // Swap only by the chair and with consent.
        assert!(
            f.list
                .swap(&f.c, &pid("chair"), &ids[1], &ids[2], false)
                .is_err()
        );
        assert!(
            f.list
                .swap(&f.c, &pid("head-FRA"), &ids[1], &ids[2], true)
                .is_err()
        );
        f.list
            .swap(&f.c, &pid("chair"), &ids[1], &ids[2], true)
            .unwrap();
        assert_eq!(order(&f.list, &f), [2, 1, 0]);
    }

    #[test]
    fn rights_of_reply_come_after_every_statement_with_their_own_limits() {
        let mut f = fixture();
        let chair = pid("chair");
        f.list
            .inscribe(&mut f.r, &f.c, &chair, &f.d[0], SpeechKind::RightOfReply, T)
            .unwrap();
        f.list
            .inscribe(&mut f.r, &f.c, &chair, &f.d[1], SpeechKind::Statement, T)
            .unwrap();
        f.list
            .inscribe(&mut f.r, &f.c, &chair, &f.d[0], SpeechKind::RightOfReply, T)
            .unwrap();
        assert!(
            f.list
                .inscribe(&mut f.r, &f.c, &chair, &f.d[0], SpeechKind::RightOfReply, T)
                .is_err(),
            "two at most"
        );
        assert_eq!(order(&f.list, &f), [1, 0, 0]);
        let limits = TimeLimits {
            statement: 180,
            ..TimeLimits::default()
        };
        assert!(f.list.set_limits(&f.c, &pid("head-TKM"), limits).is_err());
        f.list.set_limits(&f.c, &chair, limits).unwrap();
        let cur = f.list.next_speaker(&f.c, &chair, T).unwrap().unwrap();
        assert_eq!(
            (cur.entry.delegation.clone(), cur.limit_secs),
            (f.d[1].id.clone(), 180)
        );
        let v = f.list.view(T + time::Duration::seconds(200));
        assert_eq!(
            (v.elapsed_secs, v.remaining_secs),
            (200, -20),
            "over time shows negative"
        );
        let first = f
            .list
            .next_speaker(&f.c, &chair, T + time::Duration::seconds(200))
            .unwrap()
            .unwrap();
        assert_eq!(first.limit_secs, 600);
        let second = f
            .list
            .next_speaker(&f.c, &chair, T + time::Duration::seconds(700))
            .unwrap()
            .unwrap();
        assert_eq!(second.limit_secs, 300);
        assert!(
            f.list
                .next_speaker(&f.c, &chair, T + time::Duration::seconds(900))
                .unwrap()
                .is_none()
        );
        assert_eq!(f.list.spoken.len(), 3);
    }
}
