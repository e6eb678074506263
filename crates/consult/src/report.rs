//! The convenor's report: what a Pol.is report gives its readers, computed from a conversation
//! and its [`Analysis`] (never a second analysis, so the report shows the numbers
//! `chamber consult analyze --json` prints): participation over time, the opinion map, each
//! group's size and representative statements with agree/disagree/pass shares, consensus
//! statements, divisive statements, statements still needing votes, and the method with its
//! known limits, as data. [`Report`] serialises to JSON; [`csv_files`] gives the same numbers as
//! CSV tables.

use crate::analysis::Analysis;
use crate::matrix::VoteMatrix;
use crate::polis::{CommentId, Export, ParticipantId, quote};
use crate::repness::{self, Counts};
use crate::statement::{Statement, Translations};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// At most this many statements in each list (consensus, divisive, needing votes).
pub const LIST_LEN: usize = 10;
/// A statement seen by fewer than this share of the participants still needs votes.
pub const NEEDS_VOTES_SHARE: f64 = 0.25;
/// A group's agree share counts for divisiveness only over at least this many of its votes.
pub const MIN_GROUP_VOTES: u32 = 5;

/// Votes over time, gathered while `votes.csv` is read ([`crate::polis::read_export_with_activity`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Activity {
    votes_per_day: BTreeMap<i64, u64>,
    active: BTreeSet<(i64, ParticipantId)>,
    first_day: BTreeMap<ParticipantId, i64>,
    undated: u64,
}

impl Activity {
    /// One vote event (re-votes included). `timestamp` in milliseconds since the epoch, as
    /// Pol.is's `votes.csv` writes it (a value below 10^11 is taken as seconds); `i64::MIN`
    /// for a vote without a time.
    pub fn add(&mut self, timestamp: i64, participant: ParticipantId) {
        if timestamp == i64::MIN {
            self.undated += 1;
            return;
        }
        let ms = if timestamp.abs() < 100_000_000_000 {
            timestamp.saturating_mul(1000)
        } else {
            timestamp
        };
        let day = ms.div_euclid(86_400_000);
        *self.votes_per_day.entry(day).or_default() += 1;
        self.active.insert((day, participant));
        let first = self.first_day.entry(participant).or_insert(day);
        *first = (*first).min(day);
    }
}

impl FromIterator<(i64, ParticipantId)> for Activity {
    /// From `(timestamp, participant)` vote events (see [`Activity::add`]), e.g. a store's rows.
    fn from_iter<I: IntoIterator<Item = (i64, ParticipantId)>>(events: I) -> Self {
        let mut a = Activity::default();
        for (t, p) in events {
            a.add(t, p);
        }
        a
    }
}

/// The civil date (proleptic Gregorian) of a day number since 1970-01-01, as `YYYY-MM-DD`.
pub fn civil_date(day: i64) -> String {
    // Howard Hinnant's days-to-civil.
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The whole report.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Report {
    pub totals: Totals,
    pub participation: Participation,
    pub map: OpinionMap,
    pub groups: Vec<GroupReport>,
    /// Statements the groups agree on: the best of Pol.is's group-informed consensus.
    pub consensus: Vec<ConsensusStatement>,
    /// Statements most participants agree (or disagree) with (Pol.is's majority consensus).
    pub majority_agree: Vec<StatementShares>,
    pub majority_disagree: Vec<StatementShares>,
    /// Statements the groups split on, most divisive first.
    pub divisive: Vec<DivisiveStatement>,
    pub needing_votes: NeedingVotes,
    pub method: Method,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Totals {
    pub participants: usize,
    pub clustered: usize,
    pub statements: usize,
    pub moderated_out: usize,
    pub votes: usize,
    pub groups: usize,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Participation {
    pub days: Vec<Day>,
    /// Vote events without a time (a `participants-votes.csv` export has none).
    pub undated_votes: u64,
}

/// One calendar day (UTC).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Day {
    pub date: String,
    /// Vote events that day, re-votes included.
    pub votes: u64,
    /// Participants who voted that day.
    pub participants: usize,
    /// Participants whose first vote was that day.
    pub new_participants: usize,
    /// Participants who had voted by the end of that day.
    pub participants_to_date: usize,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct OpinionMap {
    pub points: Vec<MapPoint>,
    /// Group centres, in group order.
    pub group_centres: Vec<[f64; 2]>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MapPoint {
    pub participant: ParticipantId,
    pub x: f64,
    pub y: f64,
    pub group: Option<usize>,
    /// Voted enough to shape the groups (else only placed in the nearest group).
    pub clustered: bool,
}

/// A statement's text, language and translations (language codes).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StatementText {
    pub number: CommentId,
    pub body: String,
    pub lang: Option<&'static str>,
    pub translations: BTreeMap<&'static str, String>,
}

impl From<&Statement> for StatementText {
    fn from(s: &Statement) -> Self {
        StatementText {
            number: s.number,
            body: s.body.clone(),
            lang: s.lang.map(|l| l.code()),
            translations: s
                .translations
                .iter()
                .map(|(l, t)| (l.code(), t.clone()))
                .collect(),
        }
    }
}

/// Agree / disagree / pass counts and shares of the votes cast.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct Shares {
    pub agree: u32,
    pub disagree: u32,
    pub pass: u32,
    pub agree_share: f64,
    pub disagree_share: f64,
    pub pass_share: f64,
}

impl From<Counts> for Shares {
    fn from(c: Counts) -> Self {
        let n = f64::from(c.ns.max(1));
        let pass = c.ns - c.na - c.nd;
        Shares {
            agree: c.na,
            disagree: c.nd,
            pass,
            agree_share: f64::from(c.na) / n,
            disagree_share: f64::from(c.nd) / n,
            pass_share: f64::from(pass) / n,
        }
    }
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StatementShares {
    pub statement: StatementText,
    pub shares: Shares,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct GroupReport {
    pub id: usize,
    pub size: usize,
    pub representative: Vec<RepresentativeStatement>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RepresentativeStatement {
    pub statement: StatementText,
    /// `agree` or `disagree`: what the group does more than the others.
    pub repful: &'static str,
    pub repness: f64,
    pub repness_test: f64,
    /// The group's votes on it.
    pub group: Shares,
    /// Everyone else's votes on it.
    pub others: Shares,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ConsensusStatement {
    pub statement: StatementText,
    pub group_informed_consensus: f64,
    /// Each group's votes, in group order.
    pub groups: Vec<Shares>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DivisiveStatement {
    pub statement: StatementText,
    /// Largest minus smallest agree share over the groups with enough votes on it.
    pub spread: f64,
    pub groups: Vec<Shares>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NeedingVotes {
    /// Statements (not moderated out) seen by fewer than this share of participants.
    pub below_share: f64,
    /// How many there are.
    pub count: usize,
    /// The least seen, at most [`LIST_LEN`].
    pub statements: Vec<StatementVotes>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StatementVotes {
    pub statement: StatementText,
    pub votes: u32,
    pub share_of_participants: f64,
}

/// What was computed, and its known limits, as data.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Method {
    pub steps: Vec<&'static str>,
    pub limits: Vec<&'static str>,
}

fn method(has_dates: bool) -> Method {
    let mut limits = vec![
        "Groups are a reading of the votes, not of the people: a participant is placed by the statements they voted on, and one who voted on few is placed less surely.",
        "Participants who voted on fewer than 7 statements do not shape the groups; they are shown in the nearest group.",
        "Pol.is carries its groups over as votes arrive; this analysis is computed afresh from the current votes, so its groups can differ from a Pol.is report of the same conversation (agreement measured on 16 public conversations in the chamber-consult README).",
        "Shares are of the votes cast; a statement seen by few participants has uncertain shares.",
        "Divisive statements compare groups' agree shares over groups with at least 5 votes on the statement.",
    ];
    if !has_dates {
        limits.push(
            "The export holds no vote times (participants-votes.csv only): participation over time is empty.",
        );
    }
    Method {
        steps: vec![
            "Votes: the latest vote of each participant on each statement (agree +1, disagree -1, pass 0); statements moderated out or meta are left out of the math.",
            "Opinion map: principal component analysis (2 components) of the vote matrix with missing votes at the statement's mean; each participant projected with Pol.is's scaling for the share of statements they voted on.",
            "Groups: participants with at least 7 votes form 100 base clusters (k-means); base clusters are grouped by k-means for 2 to 5 groups, the number chosen by silhouette; each clustered participant then joins the nearest group centre (one k-means step, chosen by held-out evaluation).",
            "Representative statements: Pol.is's repness (the group's agree or disagree probability against the others', with z-tests at 90 %).",
            "Consensus: Pol.is's group-informed consensus (product over groups of the agree probability) and majority statements (over everyone, z-test at 90 %).",
        ],
        limits,
    }
}

fn text_of(statements: &BTreeMap<CommentId, Statement>, number: CommentId) -> StatementText {
    statements
        .get(&number)
        .map(StatementText::from)
        .unwrap_or(StatementText {
            number,
            body: String::new(),
            lang: None,
            translations: BTreeMap::new(),
        })
}

/// The report of a conversation from its export, its analysis (of that export) and its vote
/// activity; `translations` gives the statements' languages (empty when none are recorded).
pub fn build(
    export: &Export,
    analysis: &Analysis,
    activity: &Activity,
    translations: &Translations,
) -> Report {
    let m = VoteMatrix::from_export(export);
    let statements = translations.statements(export);
    let text = |n: CommentId| text_of(&statements, n);
    let row_of: BTreeMap<ParticipantId, usize> = m
        .participants
        .iter()
        .enumerate()
        .map(|(r, &p)| (p, r))
        .collect();
    let col_of: BTreeMap<CommentId, usize> = m
        .comments
        .iter()
        .enumerate()
        .map(|(j, &t)| (t, j))
        .collect();
    let group_rows: Vec<Vec<usize>> = analysis
        .groups
        .iter()
        .map(|g| {
            g.members
                .iter()
                .filter_map(|p| row_of.get(p).copied())
                .collect()
        })
        .collect();
    let counts = repness::group_counts(&m, &group_rows);
    let everyone = &repness::group_counts(&m, &[(0..m.n_rows()).collect()])[0];
    let group_shares = |j: usize| -> Vec<Shares> { counts.iter().map(|c| c[j].into()).collect() };

    let mut days = Vec::new();
    let mut to_date = 0usize;
    let mut new_per_day: BTreeMap<i64, usize> = BTreeMap::new();
    for d in activity.first_day.values() {
        *new_per_day.entry(*d).or_default() += 1;
    }
    for (&day, &votes) in &activity.votes_per_day {
        let new = new_per_day.get(&day).copied().unwrap_or(0);
        to_date += new;
        days.push(Day {
            date: civil_date(day),
            votes,
            participants: activity.active.range((day, 0)..=(day, u64::MAX)).count(),
            new_participants: new,
            participants_to_date: to_date,
        });
    }

    let unclustered: BTreeSet<ParticipantId> = analysis.unclustered.iter().copied().collect();
    let points = analysis
        .pca
        .projections
        .iter()
        .map(|(&p, &[x, y])| MapPoint {
            participant: p,
            x,
            y,
            group: analysis.participants.get(&p).copied().flatten(),
            clustered: !unclustered.contains(&p),
        })
        .collect();

    let groups = analysis
        .groups
        .iter()
        .enumerate()
        .map(|(g, group)| GroupReport {
            id: group.id,
            size: group.members.len(),
            representative: group
                .repness
                .iter()
                .filter_map(|r| {
                    let j = *col_of.get(&r.comment_id)?;
                    let own = counts[g][j];
                    let others = Counts {
                        na: everyone[j].na - own.na,
                        nd: everyone[j].nd - own.nd,
                        ns: everyone[j].ns - own.ns,
                    };
                    Some(RepresentativeStatement {
                        statement: text(r.comment_id),
                        repful: r.repful,
                        repness: r.repness,
                        repness_test: r.repness_test,
                        group: own.into(),
                        others: others.into(),
                    })
                })
                .collect(),
        })
        .collect();

    let consensus = analysis
        .consensus
        .iter()
        .filter_map(|c| {
            Some(ConsensusStatement {
                statement: text(c.comment_id),
                group_informed_consensus: c.group_informed_consensus,
                groups: group_shares(*col_of.get(&c.comment_id)?),
            })
        })
        .take(LIST_LEN)
        .collect();
    let majority = |list: &[repness::MajorityComment]| -> Vec<StatementShares> {
        list.iter()
            .filter_map(|c| {
                Some(StatementShares {
                    statement: text(c.comment_id),
                    shares: everyone[*col_of.get(&c.comment_id)?].into(),
                })
            })
            .collect()
    };

    let mut divisive: Vec<DivisiveStatement> = if counts.len() < 2 {
        Vec::new()
    } else {
        (0..m.n_cols())
            .filter(|&j| !m.moderated_out[j])
            .filter_map(|j| {
                let shares: Vec<f64> = counts
                    .iter()
                    .filter(|c| c[j].ns >= MIN_GROUP_VOTES)
                    .map(|c| f64::from(c[j].na) / f64::from(c[j].ns))
                    .collect();
                if shares.len() < 2 {
                    return None;
                }
                let hi = shares.iter().copied().fold(f64::MIN, f64::max);
                let lo = shares.iter().copied().fold(f64::MAX, f64::min);
                Some(DivisiveStatement {
                    statement: text(m.comments[j]),
                    spread: hi - lo,
                    groups: group_shares(j),
                })
            })
            .collect()
    };
    divisive.sort_by(|a, b| {
        b.spread
            .total_cmp(&a.spread)
            .then(a.statement.number.cmp(&b.statement.number))
    });
    divisive.truncate(LIST_LEN);

    let n_participants = m.n_rows().max(1) as f64;
    let mut needing: Vec<StatementVotes> = export
        .comments
        .values()
        .filter(|c| !c.is_moderated_out())
        .map(|c| {
            let votes = col_of.get(&c.id).map_or(0, |&j| everyone[j].ns);
            StatementVotes {
                statement: text(c.id),
                votes,
                share_of_participants: f64::from(votes) / n_participants,
            }
        })
        .filter(|s| s.share_of_participants < NEEDS_VOTES_SHARE)
        .collect();
    needing.sort_by_key(|s| (s.votes, s.statement.number));
    let count = needing.len();
    needing.truncate(LIST_LEN);

    Report {
        totals: Totals {
            participants: analysis.n_participants,
            clustered: analysis.n_in_conv,
            statements: analysis.n_statements,
            moderated_out: analysis.moderated_out.len(),
            votes: analysis.n_votes,
            groups: analysis.k,
        },
        participation: Participation {
            days,
            undated_votes: activity.undated,
        },
        map: OpinionMap {
            points,
            group_centres: analysis.groups.iter().map(|g| g.center).collect(),
        },
        groups,
        consensus,
        majority_agree: majority(&analysis.majority.agree),
        majority_disagree: majority(&analysis.majority.disagree),
        divisive,
        needing_votes: NeedingVotes {
            below_share: NEEDS_VOTES_SHARE,
            count,
            statements: needing,
        },
        method: method(!activity.votes_per_day.is_empty()),
    }
}

fn shares_cells(s: &Shares) -> String {
    format!(
        "{},{},{},{},{},{}",
        s.agree, s.disagree, s.pass, s.agree_share, s.disagree_share, s.pass_share
    )
}

const SHARES_HEADER: &str = "agree,disagree,pass,agree_share,disagree_share,pass_share";

/// The report's numbers as CSV tables: `(file name, contents)` for participation, map, groups,
/// consensus, majority, divisive, needing-votes and method. The same numbers as the JSON.
pub fn csv_files(r: &Report) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut s = String::from("date,votes,participants,new_participants,participants_to_date\n");
    for d in &r.participation.days {
        s += &format!(
            "{},{},{},{},{}\n",
            d.date, d.votes, d.participants, d.new_participants, d.participants_to_date
        );
    }
    out.push(("participation.csv", s));
    let mut s = String::from("participant,x,y,group,clustered\n");
    for p in &r.map.points {
        s += &format!(
            "{},{},{},{},{}\n",
            p.participant,
            p.x,
            p.y,
            p.group.map(|g| g.to_string()).unwrap_or_default(),
            p.clustered
        );
    }
    out.push(("map.csv", s));
    let mut s = format!(
        "group,size,statement,repful,repness,repness_test,{SHARES_HEADER},others_{},statement_text\n",
        SHARES_HEADER.replace(',', ",others_")
    );
    for g in &r.groups {
        for rep in &g.representative {
            s += &format!(
                "{},{},{},{},{},{},{},{},{}\n",
                g.id,
                g.size,
                rep.statement.number,
                rep.repful,
                rep.repness,
                rep.repness_test,
                shares_cells(&rep.group),
                shares_cells(&rep.others),
                quote(&rep.statement.body)
            );
        }
    }
    out.push(("groups.csv", s));
    let per_group = |name: &'static str, rows: Vec<(CommentId, f64, &[Shares], &str)>| {
        let mut s = format!("statement,{name},group,{SHARES_HEADER},statement_text\n");
        for (n, v, groups, body) in rows {
            for (g, sh) in groups.iter().enumerate() {
                s += &format!("{n},{v},{g},{},{}\n", shares_cells(sh), quote(body));
            }
        }
        s
    };
    out.push((
        "consensus.csv",
        per_group(
            "group_informed_consensus",
            r.consensus
                .iter()
                .map(|c| {
                    (
                        c.statement.number,
                        c.group_informed_consensus,
                        &c.groups[..],
                        c.statement.body.as_str(),
                    )
                })
                .collect(),
        ),
    ));
    out.push((
        "divisive.csv",
        per_group(
            "spread",
            r.divisive
                .iter()
                .map(|c| {
                    (
                        c.statement.number,
                        c.spread,
                        &c.groups[..],
                        c.statement.body.as_str(),
                    )
                })
                .collect(),
        ),
    ));
    let mut s = format!("direction,statement,{SHARES_HEADER},statement_text\n");
    for (dir, list) in [
        ("agree", &r.majority_agree),
        ("disagree", &r.majority_disagree),
    ] {
        for m in list {
            s += &format!(
                "{dir},{},{},{}\n",
                m.statement.number,
                shares_cells(&m.shares),
                quote(&m.statement.body)
            );
        }
    }
    out.push(("majority.csv", s));
    let mut s = String::from("statement,votes,share_of_participants,statement_text\n");
    for v in &r.needing_votes.statements {
        s += &format!(
            "{},{},{},{}\n",
            v.statement.number,
            v.votes,
            v.share_of_participants,
            quote(&v.statement.body)
        );
    }
    out.push(("needing-votes.csv", s));
    let mut s = String::from("kind,text\n");
    for t in &r.method.steps {
        s += &format!("step,{}\n", quote(t));
    }
    for t in &r.method.limits {
        s += &format!("limit,{}\n", quote(t));
    }
    out.push(("method.csv", s));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(18_140), "2019-09-01");
        assert_eq!(civil_date(-1), "1969-12-31");
        assert_eq!(civil_date(11_016), "2000-02-29");
    }

    #[test]
    fn activity_counts_days_participants_and_newcomers() {
        let mut a = Activity::default();
        let day = 86_400_000i64;
        a.add(18_140 * day + 5, 1);
        a.add(18_140 * day + 9, 1);
        a.add(18_140 * day + 10, 2);
        a.add(18_141 * day, 2);
        a.add(18_141 * 86_400 + 3, 3); // seconds
        a.add(i64::MIN, 4);
        assert_eq!(a.votes_per_day[&18_140], 3);
        assert_eq!(a.votes_per_day[&18_141], 2);
        assert_eq!(a.first_day[&3], 18_141);
        assert_eq!(a.undated, 1);
        assert_eq!(a.active.len(), 4);
    }
}
