//! Reader for the Pol.is export layout (`comments.csv`, `votes.csv`, `participants-votes.csv`).
//!
//! Only the participants' votes and the comments' moderation state are read. Pol.is's own outputs
//! (`group-id`, `n-*` counts, `summary.csv`, `stats-history.csv`, `group-informed-consensus`) are
//! never read here: they are the reference answer, and only [`crate::eval`] looks at `group-id`.

use crate::csv::{self, Record};
use crate::error::{ConsultError, Result};
use crate::report::Activity;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Pol.is participant id (`pid`).
pub type ParticipantId = u64;
/// Pol.is comment (statement) id (`tid`).
pub type CommentId = u64;

/// A participant's reaction to a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Vote {
    Agree,
    Disagree,
    Pass,
}

impl Vote {
    /// Pol.is export convention: agree = 1, disagree = -1, pass = 0.
    pub fn value(self) -> i8 {
        match self {
            Vote::Agree => 1,
            Vote::Disagree => -1,
            Vote::Pass => 0,
        }
    }

    /// Parse the export's textual value (`1`, `-1`, `0`, also `1.0` and the like).
    pub fn parse(text: &str) -> Option<Vote> {
        match text.as_bytes() {
            [b'1'] => return Some(Vote::Agree),
            [b'0'] => return Some(Vote::Pass),
            [b'-', b'1'] => return Some(Vote::Disagree),
            _ => {}
        }
        let t = text.trim();
        let v: f64 = t.parse().ok()?;
        if v == 1.0 {
            Some(Vote::Agree)
        } else if v == -1.0 {
            Some(Vote::Disagree)
        } else if v == 0.0 {
            Some(Vote::Pass)
        } else {
            None
        }
    }
}

/// A statement. Moderated out (`moderated == -1`) and meta statements are excluded from the
/// math, as in Pol.is's `mod-update`.
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    pub id: CommentId,
    pub author: Option<ParticipantId>,
    pub moderated: i8,
    pub is_meta: bool,
    pub body: String,
}

impl Comment {
    /// Excluded from the math: moderated out or a meta statement (Pol.is's `mod-out`).
    pub fn is_moderated_out(&self) -> bool {
        self.moderated < 0 || self.is_meta
    }
}

/// Where the votes came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteSource {
    /// `votes.csv`, the event log (latest vote per participant and statement counts).
    VotesCsv,
    /// `participants-votes.csv`, the matrix of latest votes.
    Matrix,
    /// Built in memory (tests, [`crate::Conversation`]).
    Memory,
}

/// What the analysis needs from an export: statements and the current vote per (participant, statement).
#[derive(Clone, Debug)]
pub struct Export {
    pub comments: BTreeMap<CommentId, Comment>,
    /// One current vote per (participant, statement).
    pub votes: BTreeMap<(ParticipantId, CommentId), Vote>,
    pub source: VoteSource,
}

impl Export {
    /// Comments moderated out (`moderated = -1`).
    pub fn moderated_out(&self) -> Vec<CommentId> {
        self.comments
            .values()
            .filter(|c| c.is_moderated_out())
            .map(|c| c.id)
            .collect()
    }
}

struct Header<'a> {
    path: &'a Path,
    names: Vec<String>,
}

impl<'a> Header<'a> {
    fn new(path: &'a Path, rec: &Record) -> Self {
        Header {
            path,
            names: rec.fields.iter().map(|s| s.trim().to_string()).collect(),
        }
    }
    fn find(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
    fn require(&self, name: &str) -> Result<usize> {
        self.find(name).ok_or_else(|| ConsultError::MissingColumn {
            path: self.path.to_path_buf(),
            column: name.to_string(),
        })
    }
    fn check_width(&self, rec: &Record) -> Result<()> {
        if rec.fields.len() != self.names.len() {
            return Err(ConsultError::bad(
                self.path,
                rec.line,
                "(row)",
                format!(
                    "expected {} fields as in the header, found {}",
                    self.names.len(),
                    rec.fields.len()
                ),
            ));
        }
        Ok(())
    }
}

fn parse_id(path: &Path, rec: &Record, idx: usize, name: &str) -> Result<u64> {
    let raw = rec.fields[idx].trim();
    raw.parse::<u64>().map_err(|_| {
        ConsultError::bad(
            path,
            rec.line,
            name,
            format!("expected a non-negative integer id, found {raw:?}"),
        )
    })
}

/// Read `comments.csv`.
pub fn read_comments(path: &Path) -> Result<BTreeMap<CommentId, Comment>> {
    struct Cols<'a> {
        h: Header<'a>,
        id: usize,
        moderated: Option<usize>,
        author: Option<usize>,
        meta: Option<usize>,
        body: Option<usize>,
    }
    let mut out = BTreeMap::new();
    csv::read_with(
        path,
        |rec| {
            let h = Header::new(path, rec);
            Ok(Cols {
                id: h.require("comment-id")?,
                moderated: h.find("moderated"),
                author: h.find("author-id"),
                meta: h.find("is-meta"),
                body: h.find("comment-body"),
                h,
            })
        },
        |c, rec| {
            c.h.check_width(rec)?;
            let id = parse_id(path, rec, c.id, "comment-id")?;
            let moderated = match c.moderated {
                Some(i) => {
                    let raw = rec.fields[i].trim();
                    raw.parse::<i8>()
                        .ok()
                        .filter(|m| (-1..=1).contains(m))
                        .ok_or_else(|| {
                            ConsultError::bad(
                                path,
                                rec.line,
                                "moderated",
                                format!("expected -1, 0 or 1, found {raw:?}"),
                            )
                        })?
                }
                None => 0,
            };
            let author = match c.author {
                Some(i) if !rec.fields[i].trim().is_empty() => {
                    Some(parse_id(path, rec, i, "author-id")?)
                }
                _ => None,
            };
            let is_meta = c
                .meta
                .map(|i| rec.fields[i].trim().eq_ignore_ascii_case("true"))
                .unwrap_or(false);
            let body = c
                .body
                .map(|i| rec.fields[i].to_string())
                .unwrap_or_default();
            let comment = Comment {
                id,
                author,
                moderated,
                is_meta,
                body,
            };
            if out.insert(id, comment).is_some() {
                return Err(ConsultError::bad(
                    path,
                    rec.line,
                    "comment-id",
                    format!("duplicate comment id {id}"),
                ));
            }
            Ok(())
        },
    )?;
    Ok(out)
}

fn check_known(
    comments: &BTreeMap<CommentId, Comment>,
    path: &Path,
    line: usize,
    field: &str,
    tid: CommentId,
) -> Result<()> {
    if !comments.is_empty() && !comments.contains_key(&tid) {
        return Err(ConsultError::bad(
            path,
            line,
            field,
            format!("unknown comment id {tid} (not in comments.csv)"),
        ));
    }
    Ok(())
}

/// One line of `votes.csv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VoteEvent {
    /// Milliseconds since the epoch (`i64::MIN` when the file has none).
    pub timestamp: i64,
    pub participant: ParticipantId,
    pub comment: CommentId,
    pub vote: Vote,
}

/// Every vote event of `votes.csv` (re-votes included), sorted by timestamp then file order:
/// the history from which [`crate::Conversation`] can replay a consultation.
pub fn read_vote_events(
    path: &Path,
    comments: &BTreeMap<CommentId, Comment>,
) -> Result<Vec<VoteEvent>> {
    let mut events = Vec::new();
    read_votes_with(path, comments, |timestamp, participant, comment, vote| {
        events.push(VoteEvent {
            timestamp,
            participant,
            comment,
            vote,
        })
    })?;
    events.sort_by_key(|e| e.timestamp);
    Ok(events)
}

/// Read `votes.csv`: the latest vote (by timestamp, then file order) per participant and statement counts.
pub fn read_votes_csv(
    path: &Path,
    comments: &BTreeMap<CommentId, Comment>,
) -> Result<BTreeMap<(ParticipantId, CommentId), Vote>> {
    read_votes_csv_into(path, comments, None)
}

/// [`read_votes_csv`], also handing every vote event to `activity`.
fn read_votes_csv_into(
    path: &Path,
    comments: &BTreeMap<CommentId, Comment>,
    mut activity: Option<&mut Activity>,
) -> Result<BTreeMap<(ParticipantId, CommentId), Vote>> {
    /// A vote and when it was cast.
    struct Cast {
        timestamp: i64,
        vote: Vote,
    }
    let mut latest: BTreeMap<(ParticipantId, CommentId), Cast> = BTreeMap::new();
    read_votes_with(path, comments, |timestamp, pid, tid, vote| {
        if let Some(a) = activity.as_deref_mut() {
            a.add(timestamp, pid);
        }
        let entry = latest.entry((pid, tid)).or_insert(Cast { timestamp, vote });
        if timestamp >= entry.timestamp {
            *entry = Cast { timestamp, vote };
        }
    })?;
    Ok(latest.into_iter().map(|(k, c)| (k, c.vote)).collect())
}

fn read_votes_with(
    path: &Path,
    comments: &BTreeMap<CommentId, Comment>,
    mut each: impl FnMut(i64, ParticipantId, CommentId, Vote),
) -> Result<()> {
    struct Cols<'a> {
        h: Header<'a>,
        tid: usize,
        pid: usize,
        vote: usize,
        ts: Option<usize>,
    }
    csv::read_with(
        path,
        |rec| {
            let h = Header::new(path, rec);
            Ok(Cols {
                tid: h.require("comment-id")?,
                pid: h.require("voter-id")?,
                vote: h.require("vote")?,
                ts: h.find("timestamp"),
                h,
            })
        },
        |c, rec| {
            c.h.check_width(rec)?;
            let tid = parse_id(path, rec, c.tid, "comment-id")?;
            let pid = parse_id(path, rec, c.pid, "voter-id")?;
            check_known(comments, path, rec.line, "comment-id", tid)?;
            let raw = &rec.fields[c.vote];
            let vote = Vote::parse(raw).ok_or_else(|| {
                ConsultError::bad(
                    path,
                    rec.line,
                    "vote",
                    format!("expected -1, 0 or 1, found {:?}", raw.trim()),
                )
            })?;
            let ts = match c.ts {
                Some(i) if rec.fields[i].trim().is_empty() => i64::MIN,
                Some(i) => {
                    let raw = rec.fields[i].trim();
                    raw.parse::<i64>().map_err(|_| {
                        ConsultError::bad(
                            path,
                            rec.line,
                            "timestamp",
                            format!("expected an integer timestamp, found {raw:?}"),
                        )
                    })?
                }
                None => i64::MIN,
            };
            each(ts, pid, tid, vote);
            Ok(())
        },
    )?;
    Ok(())
}

/// Read the vote matrix of `participants-votes.csv`: the `participant` column and the columns whose
/// header is a comment id. `group-id`, `xid` and the `n-*` columns are skipped without being parsed.
pub fn read_participants_votes(
    path: &Path,
    comments: &BTreeMap<CommentId, Comment>,
) -> Result<BTreeMap<(ParticipantId, CommentId), Vote>> {
    /// A header field whose name is a statement's id.
    struct StatementColumn {
        field: usize,
        comment: CommentId,
    }
    struct Cols<'a> {
        h: Header<'a>,
        pid: usize,
        cols: Vec<StatementColumn>,
    }
    let mut pids = std::collections::BTreeSet::new();
    let mut votes = Vec::new();
    csv::read_with(
        path,
        |rec| {
            let h = Header::new(path, rec);
            let pid = h.require("participant")?;
            let mut cols: Vec<StatementColumn> = Vec::new();
            let mut seen = std::collections::BTreeSet::new();
            for (i, name) in h.names.iter().enumerate() {
                if let Ok(tid) = name.parse::<u64>() {
                    if !seen.insert(tid) {
                        return Err(ConsultError::bad(
                            path,
                            rec.line,
                            name,
                            format!("duplicate comment column {tid}"),
                        ));
                    }
                    check_known(comments, path, rec.line, name, tid)?;
                    cols.push(StatementColumn {
                        field: i,
                        comment: tid,
                    });
                }
            }
            Ok(Cols { h, pid, cols })
        },
        |c, rec| {
            c.h.check_width(rec)?;
            let pid = parse_id(path, rec, c.pid, "participant")?;
            if !pids.insert(pid) {
                return Err(ConsultError::bad(
                    path,
                    rec.line,
                    "participant",
                    format!("duplicate participant {pid}"),
                ));
            }
            for &StatementColumn {
                field: i,
                comment: tid,
            } in &c.cols
            {
                let raw: &str = &rec.fields[i];
                if raw.is_empty() || raw.trim().is_empty() {
                    continue;
                }
                let vote = Vote::parse(raw).ok_or_else(|| {
                    ConsultError::bad(
                        path,
                        rec.line,
                        &c.h.names[i],
                        format!("expected -1, 0, 1 or empty, found {raw:?}"),
                    )
                })?;
                votes.push(((pid, tid), vote));
            }
            Ok(())
        },
    )?;
    // Participants are unique and columns distinct, so keys are unique; bulk-build the map.
    Ok(votes.into_iter().collect())
}

/// Read a Pol.is export folder. `comments.csv` is optional (without it nothing is moderated out);
/// the votes come from `votes.csv` when present, otherwise from `participants-votes.csv`.
pub fn read_export(dir: &Path) -> Result<Export> {
    read_export_into(dir, None)
}

/// [`read_export`] and the vote activity over time (from `votes.csv` in the same pass; empty
/// when only `participants-votes.csv`, which has no times, is present), for the report.
pub fn read_export_with_activity(dir: &Path) -> Result<(Export, Activity)> {
    let mut activity = Activity::default();
    let export = read_export_into(dir, Some(&mut activity))?;
    Ok((export, activity))
}

fn read_export_into(dir: &Path, activity: Option<&mut Activity>) -> Result<Export> {
    if !dir.is_dir() {
        return Err(ConsultError::MissingFile {
            dir: dir.to_path_buf(),
            what: "export folder (not a directory)".into(),
        });
    }
    let comments_path = dir.join("comments.csv");
    let comments = if comments_path.exists() {
        read_comments(&comments_path)?
    } else {
        BTreeMap::new()
    };
    let votes_path: PathBuf = dir.join("votes.csv");
    let matrix_path: PathBuf = dir.join("participants-votes.csv");
    let (votes, source) = if votes_path.exists() {
        (
            read_votes_csv_into(&votes_path, &comments, activity)?,
            VoteSource::VotesCsv,
        )
    } else if matrix_path.exists() {
        (
            read_participants_votes(&matrix_path, &comments)?,
            VoteSource::Matrix,
        )
    } else {
        return Err(ConsultError::MissingFile {
            dir: dir.to_path_buf(),
            what: "votes.csv or participants-votes.csv (no vote data)".into(),
        });
    };
    Ok(Export {
        comments,
        votes,
        source,
    })
}

pub(crate) fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|source| ConsultError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Write an export in the Pol.is layout: `comments.csv`, `votes.csv` (current votes; no
/// timestamps are known, so those fields are empty), `participants-votes.csv` (with `group-id`
/// from `groups` when given) and `summary.csv`. [`read_export`] reads it back unchanged.
pub fn write_export(
    dir: &Path,
    export: &Export,
    groups: Option<&BTreeMap<ParticipantId, Option<usize>>>,
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| ConsultError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    /// Agrees and disagrees on one statement, as `comments.csv` lists them.
    #[derive(Clone, Copy, Default)]
    struct Tally {
        agrees: u64,
        disagrees: u64,
    }
    let mut tallies: BTreeMap<CommentId, Tally> = BTreeMap::new();
    for (&(_, tid), v) in &export.votes {
        let e = tallies.entry(tid).or_default();
        match v {
            Vote::Agree => e.agrees += 1,
            Vote::Disagree => e.disagrees += 1,
            Vote::Pass => {}
        }
    }
    let mut c = String::from(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,is-meta,comment-body\n",
    );
    for cm in export.comments.values() {
        let t = tallies.get(&cm.id).copied().unwrap_or_default();
        c += &format!(
            ",,{},{},{},{},{},{},{}\n",
            cm.id,
            cm.author.map(|x| x.to_string()).unwrap_or_default(),
            t.agrees,
            t.disagrees,
            cm.moderated,
            cm.is_meta,
            quote(&cm.body)
        );
    }
    write_file(&dir.join("comments.csv"), &c)?;

    let mut v = String::from("timestamp,datetime,comment-id,voter-id,vote\n");
    for (&(pid, tid), vote) in &export.votes {
        v += &format!(",,{tid},{pid},{}\n", vote.value());
    }
    write_file(&dir.join("votes.csv"), &v)?;

    let mut tids: Vec<CommentId> = export.comments.keys().copied().collect();
    tids.extend(export.votes.keys().map(|k| k.1));
    tids.sort_unstable();
    tids.dedup();
    let mut m = String::from("participant,group-id,n-comments,n-votes,n-agree,n-disagree");
    for t in &tids {
        m += &format!(",{t}");
    }
    m.push('\n');
    let mut authored: BTreeMap<ParticipantId, usize> = BTreeMap::new();
    for cm in export.comments.values() {
        if let Some(a) = cm.author {
            *authored.entry(a).or_default() += 1;
        }
    }
    let mut rows: BTreeMap<ParticipantId, BTreeMap<CommentId, Vote>> = BTreeMap::new();
    for (&(pid, tid), &vote) in &export.votes {
        rows.entry(pid).or_default().insert(tid, vote);
    }
    for (pid, row) in &rows {
        let g = groups
            .and_then(|g| g.get(pid).copied().flatten())
            .map(|g| g.to_string())
            .unwrap_or_default();
        let na = row.values().filter(|v| **v == Vote::Agree).count();
        let nd = row.values().filter(|v| **v == Vote::Disagree).count();
        m += &format!(
            "{pid},{g},{},{},{na},{nd}",
            authored.get(pid).copied().unwrap_or(0),
            row.len()
        );
        for t in &tids {
            m.push(',');
            if let Some(v) = row.get(t) {
                m += &v.value().to_string();
            }
        }
        m.push('\n');
    }
    write_file(&dir.join("participants-votes.csv"), &m)?;

    let n_groups = groups
        .map(|g| {
            g.values()
                .flatten()
                .collect::<std::collections::BTreeSet<_>>()
                .len()
        })
        .unwrap_or(0);
    let summary = format!(
        "voters,{}\ncomments,{}\ngroups,{n_groups}\n",
        rows.len(),
        export.comments.len()
    );
    write_file(&dir.join("summary.csv"), &summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmpdir(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("chamber-consult-{}-{}", name, std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    const COMMENTS: &str = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n\
        1,x,0,0,1,0,1,\"first, with comma\"\n1,x,1,0,0,0,-1,gone\n1,x,2,1,0,0,0,third\n";

    #[test]
    fn latest_revote_counts() {
        let d = tmpdir("revote");
        std::fs::write(d.join("comments.csv"), COMMENTS).unwrap();
        std::fs::write(
            d.join("votes.csv"),
            "timestamp,datetime,comment-id,voter-id,vote\n5,x,0,7,1\n3,x,0,7,-1\n9,x,0,7,0\n4,x,2,7,-1\n",
        )
        .unwrap();
        let e = read_export(&d).unwrap();
        assert_eq!(e.source, VoteSource::VotesCsv);
        assert_eq!(e.votes.get(&(7, 0)), Some(&Vote::Pass));
        assert_eq!(e.votes.get(&(7, 2)), Some(&Vote::Disagree));
        assert_eq!(e.moderated_out(), vec![1]);
        assert_eq!(e.comments[&0].body, "first, with comma");
    }

    #[test]
    fn meta_statements_are_excluded_and_exports_round_trip() {
        let d = tmpdir("meta");
        std::fs::write(
            d.join("comments.csv"),
            "timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,group-informed-consensus,comment-body\n\
             1,0,0,0,0,1,false,0.5,\"a \"\"quoted\"\", body\"\n1,1,0,0,0,1,true,0.5,meta\n",
        )
        .unwrap();
        std::fs::write(
            d.join("votes.csv"),
            "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,3,1\n2,x,1,3,-1\n3,x,0,4,0\n",
        )
        .unwrap();
        let e = read_export(&d).unwrap();
        assert_eq!(e.moderated_out(), vec![1]);
        assert_eq!(e.comments[&0].body, "a \"quoted\", body");

        let out = tmpdir("roundtrip");
        let groups: BTreeMap<ParticipantId, Option<usize>> = [(3, Some(1)), (4, None)].into();
        write_export(&out, &e, Some(&groups)).unwrap();
        let back = read_export(&out).unwrap();
        assert_eq!(back.votes, e.votes);
        assert_eq!(back.comments, e.comments);
        let matrix =
            read_participants_votes(&out.join("participants-votes.csv"), &e.comments).unwrap();
        assert_eq!(matrix, e.votes);
        let text = std::fs::read_to_string(out.join("participants-votes.csv")).unwrap();
        assert!(text.contains("\n3,1,0,2,1,1,1,-1\n"), "{text}");
        assert!(text.contains("\n4,,0,1,0,0,0,\n"), "{text}");
    }

    #[test]
    fn matrix_fallback_skips_group_id() {
        let d = tmpdir("matrix");
        std::fs::write(d.join("comments.csv"), COMMENTS).unwrap();
        // group-id holds garbage: it must not even be parsed.
        std::fs::write(
            d.join("participants-votes.csv"),
            "participant,xid,group-id,n-comments,n-votes,n-agree,n-disagree,0,1,2\n\
             3,,NOT-A-NUMBER,0,2,1,0,1,,-1\n4,,,0,1,0,0,,0,\n",
        )
        .unwrap();
        let e = read_export(&d).unwrap();
        assert_eq!(e.source, VoteSource::Matrix);
        assert_eq!(e.votes.len(), 3);
        assert_eq!(e.votes[&(3, 0)], Vote::Agree);
        assert_eq!(e.votes[&(3, 2)], Vote::Disagree);
        assert_eq!(e.votes[&(4, 1)], Vote::Pass);
    }

    #[test]
    fn bad_vote_names_file_line_field() {
        let d = tmpdir("badvote");
        std::fs::write(d.join("comments.csv"), COMMENTS).unwrap();
        std::fs::write(
            d.join("votes.csv"),
            "timestamp,datetime,comment-id,voter-id,vote\n5,x,0,7,1\n6,x,0,8,2\n",
        )
        .unwrap();
        let msg = read_export(&d).unwrap_err().to_string();
        assert!(
            msg.ends_with("votes.csv:3: field `vote`: expected -1, 0 or 1, found \"2\""),
            "{msg}"
        );
    }

    #[test]
    fn unknown_comment_and_duplicate_participant_are_errors() {
        let d = tmpdir("unknown");
        std::fs::write(d.join("comments.csv"), COMMENTS).unwrap();
        std::fs::write(
            d.join("votes.csv"),
            "timestamp,datetime,comment-id,voter-id,vote\n5,x,42,7,1\n",
        )
        .unwrap();
        let msg = read_export(&d).unwrap_err().to_string();
        assert!(
            msg.contains("votes.csv:2: field `comment-id`: unknown comment id 42"),
            "{msg}"
        );

        let d = tmpdir("dup");
        std::fs::write(
            d.join("participants-votes.csv"),
            "participant,group-id,0\n1,,1\n1,,0\n",
        )
        .unwrap();
        let msg = read_export(&d).unwrap_err().to_string();
        assert!(
            msg.contains("participants-votes.csv:3: field `participant`: duplicate participant 1"),
            "{msg}"
        );
    }

    #[test]
    fn short_row_and_missing_files() {
        let d = tmpdir("short");
        std::fs::write(
            d.join("votes.csv"),
            "timestamp,datetime,comment-id,voter-id,vote\n5,x,0,7\n",
        )
        .unwrap();
        let msg = read_export(&d).unwrap_err().to_string();
        assert!(
            msg.contains("votes.csv:2: field `(row)`: expected 5 fields"),
            "{msg}"
        );
        let d = tmpdir("empty");
        let err = read_export(&d).unwrap_err();
        assert!(matches!(err, ConsultError::MissingFile { .. }));
    }
}
