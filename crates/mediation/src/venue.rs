//! The venue: rooms, sessions and rounds, clash detection, iCalendar export (RFC 5545).
//!
//! A session lives in a space: a plenary, proximity or shuttle round in the plenary space; a
//! party caucus or a mediator–party bilateral in that party's caucus space — so a caucus
//! session's existence and timing are confidential like its notes, and listings go through
//! [`crate::permissions::filter_visible`]. Clash reports name sessions: show them only to
//! people who may see both (see [`visible_clashes`]).

use crate::Timestamp;
use crate::error::{Result, clean_line, clean_text, invalid};
use crate::ids::{PartyId, PersonId, ProcessId, RoomId, SessionId, SpaceId};
use crate::permissions;
use crate::process::Process;
use crate::spaces::InSpace;
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    pub id: RoomId,
    pub name: String,
    pub capacity: Option<u32>,
}

impl Room {
    pub fn new<R: CryptoRng + RngCore + ?Sized>(
        rng: &mut R,
        name: &str,
        capacity: Option<u32>,
    ) -> Result<Room> {
        Ok(Room {
            id: RoomId::generate(rng),
            name: clean_line("room name", name, 200)?,
            capacity,
        })
    }
}

/// The format of a session or round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "format")]
pub enum SessionFormat {
    Plenary,
    /// A party meets alone (with the mediators).
    Caucus {
        party: PartyId,
    },
    /// The mediators meet one party.
    Bilateral {
        party: PartyId,
    },
    /// Parties in separate rooms of one venue, the mediator moving between them.
    Proximity,
    /// The mediator travels between the parties.
    Shuttle,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub id: SessionId,
    pub process: ProcessId,
    pub space: SpaceId,
    pub format: SessionFormat,
    pub title: String,
    #[serde(with = "time::serde::rfc3339")]
    pub start: Timestamp,
    #[serde(with = "time::serde::rfc3339")]
    pub end: Timestamp,
    pub room: Option<RoomId>,
    pub participants: Vec<PersonId>,
    pub agenda: Vec<String>,
    pub minutes: Option<String>,
}

impl InSpace for Session {
    fn space(&self) -> &SpaceId {
        &self.space
    }
}

impl Session {
    /// Plans a session (mediators only). The space follows from the format; participants must
    /// take part in the process, and a caucus admits only that party's delegates and mediators.
    #[allow(clippy::too_many_arguments)]
    pub fn plan<R: CryptoRng + RngCore + ?Sized>(
        rng: &mut R,
        process: &Process,
        planner: &PersonId,
        format: SessionFormat,
        title: &str,
        start: Timestamp,
        end: Timestamp,
        room: Option<RoomId>,
        participants: Vec<PersonId>,
        agenda: Vec<String>,
    ) -> Result<Session> {
        permissions::require(
            process,
            planner,
            permissions::may_plan_sessions(process, planner),
            "only a mediator plans sessions",
        )?;
        if end <= start {
            return Err(invalid("end", "must be after the start"));
        }
        let space = match &format {
            SessionFormat::Plenary | SessionFormat::Proximity | SessionFormat::Shuttle => {
                permissions::plenary_for(process, planner)?.id.clone()
            }
            SessionFormat::Caucus { party } | SessionFormat::Bilateral { party } => {
                permissions::caucus_for(process, planner, party)?.id.clone()
            }
        };
        for p in &participants {
            if !permissions::may_read(process, &space, p) {
                return Err(invalid(
                    "participants",
                    "everyone listed must belong to the session's space",
                ));
            }
        }
        let agenda = agenda
            .iter()
            .map(|a| clean_line("agenda item", a, 500))
            .collect::<Result<Vec<_>>>()?;
        Ok(Session {
            id: SessionId::generate(rng),
            process: process.id().clone(),
            space,
            format,
            title: clean_line("session title", title, 300)?,
            start: start.to_offset(time::UtcOffset::UTC),
            end: end.to_offset(time::UtcOffset::UTC),
            room,
            participants,
            agenda,
            minutes: None,
        })
    }

    /// Invites everyone in the process who may read the session's space.
    pub fn invite_readers(&mut self, process: &Process) {
        self.participants = process
            .participants()
            .iter()
            .map(|p| p.person.clone())
            .filter(|p| permissions::may_read(process, &self.space, p))
            .collect();
    }

    pub fn set_minutes(&mut self, minutes: &str) -> Result<()> {
        self.minutes = Some(clean_text("minutes", minutes, 200_000)?);
        Ok(())
    }

    pub fn overlaps(&self, other: &Session) -> bool {
        self.start < other.end && other.start < self.end
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum ClashKind {
    Room { room: RoomId },
    Person { person: PersonId },
}

/// Two sessions that overlap in time and share a room or a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clash {
    pub first: SessionId,
    pub second: SessionId,
    pub kind: ClashKind,
}

/// Every clash among `sessions` (across processes: rooms are shared). Sorted sweep: sessions
/// are compared only with those still running when they start.
pub fn find_clashes(sessions: &[Session]) -> Vec<Clash> {
    let mut order: Vec<&Session> = sessions.iter().collect();
    order.sort_by_key(|s| (s.start, s.end));
    let mut out = Vec::new();
    let mut running: Vec<&Session> = Vec::new();
    for s in order {
        running.retain(|r| r.end > s.start);
        for r in &running {
            if let (Some(a), Some(b)) = (&r.room, &s.room)
                && a == b
            {
                out.push(Clash {
                    first: r.id.clone(),
                    second: s.id.clone(),
                    kind: ClashKind::Room { room: a.clone() },
                });
            }
            for p in &s.participants {
                if r.participants.contains(p) {
                    out.push(Clash {
                        first: r.id.clone(),
                        second: s.id.clone(),
                        kind: ClashKind::Person { person: p.clone() },
                    });
                }
            }
        }
        running.push(s);
    }
    out
}

/// The clashes a viewer may be told about: both sessions visible to them in this process.
pub fn visible_clashes(
    process: &Process,
    viewer: &PersonId,
    sessions: &[Session],
    clashes: &[Clash],
) -> Vec<Clash> {
    let visible: std::collections::HashSet<&SessionId> =
        permissions::filter_visible(process, viewer, sessions.iter())
            .into_iter()
            .map(|s| &s.id)
            .collect();
    clashes
        .iter()
        .filter(|c| visible.contains(&c.first) && visible.contains(&c.second))
        .cloned()
        .collect()
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma, newline.
pub fn ical_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character, with
/// CRLF + space continuation; the result ends with CRLF.
pub fn ical_fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
    out
}

fn ical_time(t: Timestamp) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// An iCalendar (VCALENDAR of VEVENTs) for sessions the caller has already filtered for the
/// viewer (see [`calendar_for`]). `stamp` is the DTSTAMP (the export time).
pub fn ical(sessions: &[&Session], rooms: &[Room], stamp: Timestamp) -> String {
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Chamber//Mediation//EN",
        "CALSCALE:GREGORIAN",
    ] {
        out.push_str(&ical_fold(l));
    }
    for s in sessions {
        out.push_str(&ical_fold("BEGIN:VEVENT"));
        out.push_str(&ical_fold(&format!("UID:{}@chamber", s.id)));
        out.push_str(&ical_fold(&format!("DTSTAMP:{}", ical_time(stamp))));
        out.push_str(&ical_fold(&format!("DTSTART:{}", ical_time(s.start))));
        out.push_str(&ical_fold(&format!("DTEND:{}", ical_time(s.end))));
        out.push_str(&ical_fold(&format!("SUMMARY:{}", ical_escape(&s.title))));
        if let Some(room) = s
            .room
            .as_ref()
            .and_then(|r| rooms.iter().find(|x| &x.id == r))
        {
            out.push_str(&ical_fold(&format!("LOCATION:{}", ical_escape(&room.name))));
        }
        if !s.agenda.is_empty() {
            let agenda = s
                .agenda
                .iter()
                .enumerate()
                .map(|(i, a)| format!("{}. {a}", i + 1))
                .collect::<Vec<_>>()
                .join("\n");
            out.push_str(&ical_fold(&format!("DESCRIPTION:{}", ical_escape(&agenda))));
        }
        out.push_str(&ical_fold("END:VEVENT"));
    }
    out.push_str(&ical_fold("END:VCALENDAR"));
    out
}

/// The viewer's calendar for one process: only the sessions they may see.
pub fn calendar_for(
    process: &Process,
    viewer: &PersonId,
    sessions: &[Session],
    rooms: &[Room],
    stamp: Timestamp,
) -> String {
    let mine: Vec<&Session> = permissions::filter_visible(process, viewer, sessions.iter())
        .into_iter()
        .filter(|s| &s.process == process.id())
        .collect();
    ical(&mine, rooms, stamp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use crate::process::{Origin, ProcessKind, ProcessRole};
    use rand::SeedableRng;
    use time::macros::datetime;

    fn pid(s: &str) -> PersonId {
        PersonId::parse(s).unwrap()
    }

    struct F {
        p: Process,
        a: PartyId,
        b: PartyId,
        r: rand::rngs::StdRng,
        room: Room,
    }

    fn fixture() -> F {
        let mut r = rand::rngs::StdRng::seed_from_u64(11);
        let mut p = Process::open(
            &mut r,
            "Talks",
            ProcessKind::PeaceProcess,
            Origin::Manual,
            datetime!(2026-01-01 0:00 UTC),
        )
        .unwrap();
        let a = p.add_party(&mut r, "A").unwrap();
        let b = p.add_party(&mut r, "B").unwrap();
        p.add_participant(pid("med"), ProcessRole::Mediator)
            .unwrap();
        p.add_participant(pid("da"), ProcessRole::Delegate { party: a.clone() })
            .unwrap();
        p.add_participant(pid("db"), ProcessRole::Delegate { party: b.clone() })
            .unwrap();
        let room = Room::new(&mut r, "Room XII, Palais", Some(40)).unwrap();
        F { p, a, b, r, room }
    }

    fn session(
        f: &mut F,
        format: SessionFormat,
        start: Timestamp,
        end: Timestamp,
        who: &[&str],
        room: bool,
    ) -> Session {
        Session::plan(
            &mut f.r,
            &f.p,
            &pid("med"),
            format,
            "Round",
            start,
            end,
            room.then(|| f.room.id.clone()),
            who.iter().map(|w| pid(w)).collect(),
            vec!["Ceasefire lines".into()],
        )
        .unwrap()
    }

    #[test]
    fn clashes_by_room_and_person_but_not_back_to_back() {
        let mut f = fixture();
        let (a, b) = (f.a.clone(), f.b.clone());
        let s1 = session(
            &mut f,
            SessionFormat::Plenary,
            datetime!(2026-03-02 09:00 UTC),
            datetime!(2026-03-02 11:00 UTC),
            &["med", "da", "db"],
            true,
        );
        let s2 = session(
            &mut f,
            SessionFormat::Caucus { party: a },
            datetime!(2026-03-02 10:30 UTC),
            datetime!(2026-03-02 12:00 UTC),
            &["da"],
            true,
        );
        let s3 = session(
            &mut f,
            SessionFormat::Bilateral { party: b },
            datetime!(2026-03-02 12:00 UTC),
            datetime!(2026-03-02 13:00 UTC),
            &["med", "db"],
            true,
        );
        let all = vec![s1.clone(), s2.clone(), s3.clone()];
        let clashes = find_clashes(&all);
        assert_eq!(clashes.len(), 2, "{clashes:?}");
        assert!(clashes.contains(&Clash {
            first: s1.id.clone(),
            second: s2.id.clone(),
            kind: ClashKind::Room {
                room: f.room.id.clone()
            }
        }));
        assert!(clashes.contains(&Clash {
            first: s1.id.clone(),
            second: s2.id.clone(),
            kind: ClashKind::Person { person: pid("da") }
        }));
        // B's delegate is told of neither: one of the two sessions is A's caucus.
        assert!(visible_clashes(&f.p, &pid("db"), &all, &clashes).is_empty());
        assert_eq!(visible_clashes(&f.p, &pid("med"), &all, &clashes).len(), 2);
        // B's calendar has the plenary and B's bilateral, not A's caucus.
        let cal = calendar_for(
            &f.p,
            &pid("db"),
            &all,
            &[f.room.clone()],
            datetime!(2026-03-01 0:00 UTC),
        );
        assert!(cal.contains(&format!("UID:{}@chamber", s1.id)));
        assert!(cal.contains(&format!("UID:{}@chamber", s3.id)));
        assert!(!cal.contains(s2.id.as_str()));
    }

    #[test]
    fn planning_refuses_strangers_in_a_caucus_and_inverted_times() {
        let mut f = fixture();
        let a = f.a.clone();
        let r = Session::plan(
            &mut f.r,
            &f.p,
            &pid("med"),
            SessionFormat::Caucus { party: a.clone() },
            "x",
            datetime!(2026-03-02 09:00 UTC),
            datetime!(2026-03-02 10:00 UTC),
            None,
            vec![pid("db")],
            vec![],
        );
        assert!(r.is_err());
        let r = Session::plan(
            &mut f.r,
            &f.p,
            &pid("med"),
            SessionFormat::Plenary,
            "x",
            datetime!(2026-03-02 10:00 UTC),
            datetime!(2026-03-02 10:00 UTC),
            None,
            vec![],
            vec![],
        );
        assert!(r.is_err());
        let r = Session::plan(
            &mut f.r,
            &f.p,
            &pid("da"),
            SessionFormat::Caucus { party: a },
            "x",
            datetime!(2026-03-02 09:00 UTC),
            datetime!(2026-03-02 10:00 UTC),
            None,
            vec![],
            vec![],
        );
        assert_eq!(r, Err(Error::Forbidden("only a mediator plans sessions")));
    }

    #[test]
    fn ical_escapes_and_folds() {
        assert_eq!(ical_escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let long = format!("SUMMARY:{}", "x".repeat(100));
        let folded = ical_fold(&long);
        let lines: Vec<&str> = folded.trim_end_matches("\r\n").split("\r\n").collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].len(), 75);
        assert!(lines[1].starts_with(' '));
        assert_eq!(format!("{}{}", lines[0], &lines[1][1..]), long);
        // Multi-byte characters are never split, lines stay within 75 octets.
        let cjk = format!("SUMMARY:{}", "停火".repeat(40));
        let folded = ical_fold(&cjk);
        for l in folded.trim_end_matches("\r\n").split("\r\n") {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        let unfolded: String = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, cjk);
    }

    #[test]
    fn ical_document_is_rfc5545_shaped() {
        let mut f = fixture();
        let mut s = session(
            &mut f,
            SessionFormat::Proximity,
            datetime!(2026-03-02 09:00 +02:00),
            datetime!(2026-03-02 11:00 +02:00),
            &["med"],
            true,
        );
        s.title = "Round 2; access, corridors \\ lines".into();
        let cal = ical(&[&s], &[f.room.clone()], datetime!(2026-03-01 08:30:05 UTC));
        assert!(cal.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(cal.ends_with("END:VCALENDAR\r\n"));
        assert!(cal.contains("DTSTART:20260302T070000Z\r\n"), "UTC: {cal}");
        assert!(cal.contains("DTEND:20260302T090000Z\r\n"));
        assert!(cal.contains("DTSTAMP:20260301T083005Z\r\n"));
        assert!(cal.contains("SUMMARY:Round 2\\; access\\, corridors \\\\ lines\r\n"));
        assert!(cal.contains("LOCATION:Room XII\\, Palais\r\n"));
        assert!(
            !cal.replace("\r\n", "").contains('\n'),
            "only CRLF line ends"
        );
    }
}
