//! Monitoring an agreement over time: overdue commitments, the implementation rate per period
//! (overall and per provision type), the monitoring view a page or API sends, and the CSV
//! export of commitments with every period's score.
//!
//! A commitment is **overdue** on `today` when its deadline is before `today` and its latest
//! level is below full (3), or it was never scored.

use super::{Agreement, Commitment, Level, ProvisionType, Rate, Score, TypeRate};
use crate::Timestamp;
use crate::error::{Error, Result};
use crate::ids::{AgreementId, ParagraphId, PartyId, PersonId};
use crate::permissions;
use crate::process::Process;
use serde::Serialize;
use time::Date;

/// A commitment past its deadline and not fully implemented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overdue {
    pub provision: ParagraphId,
    pub label: String,
    pub deadline: Date,
    /// Days between the deadline and `today` (at least 1).
    pub days_late: i64,
    /// The latest level recorded, if any.
    pub latest: Option<Level>,
    pub responsible: Option<PartyId>,
}

/// The implementation rate at the end of each scored period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trend {
    /// The periods scored, oldest first.
    pub periods: Vec<Date>,
    /// The overall rate at the end of each period (same length as `periods`).
    pub overall: Vec<Rate>,
    /// One series per provision type in use, in the list's order.
    pub by_type: Vec<TypeSeries>,
    /// Provisions without a type (in `overall`, in no type's series).
    pub untyped: usize,
}

/// The rate of one provision type at the end of each period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeSeries {
    pub provision_type: ProvisionType,
    /// Same length as [`Trend::periods`].
    pub rates: Vec<Rate>,
}

impl Agreement {
    /// Is this commitment overdue on `today`?
    pub fn is_overdue(&self, c: &Commitment, today: Date) -> bool {
        c.deadline.is_some_and(|d| d < today)
            && self
                .latest_score(&c.provision)
                .is_none_or(|s| s.level < Level::Full)
    }

    /// The commitments overdue on `today`, in the agreement's order.
    pub fn overdue(&self, today: Date) -> Vec<Overdue> {
        self.commitments
            .iter()
            .filter(|c| self.is_overdue(c, today))
            .filter_map(|c| {
                let deadline = c.deadline?;
                Some(Overdue {
                    provision: c.provision.clone(),
                    label: c.label.clone(),
                    deadline,
                    days_late: (today - deadline).whole_days(),
                    latest: self.latest_score(&c.provision).map(|s| s.level),
                    responsible: c.responsible.clone(),
                })
            })
            .collect()
    }

    /// The implementation rate at the end of every scored period, overall and per provision
    /// type: the data of the implementation-over-time chart.
    pub fn trend(&self) -> Trend {
        let periods = self.periods();
        // Each provision's level at the end of each period, walking its sorted history once.
        let levels: Vec<Vec<u32>> = self
            .commitments
            .iter()
            .map(|c| {
                let history = self.history(&c.provision);
                let mut at = 0;
                let mut current = 0;
                periods
                    .iter()
                    .map(|p| {
                        while at < history.len() && history[at].period <= *p {
                            current = u32::from(u8::from(history[at].level));
                            at += 1;
                        }
                        current
                    })
                    .collect()
            })
            .collect();
        let series = |keep: &dyn Fn(&Commitment) -> bool| -> Vec<Rate> {
            (0..periods.len())
                .map(|i| {
                    let mut r = Rate {
                        points: 0,
                        max: 0,
                        provisions: 0,
                    };
                    for (c, l) in self.commitments.iter().zip(&levels) {
                        if keep(c) {
                            r.provisions += 1;
                            r.max += 3;
                            r.points += l[i];
                        }
                    }
                    r
                })
                .collect()
        };
        Trend {
            overall: series(&|_| true),
            by_type: self
                .provision_types()
                .into_iter()
                .map(|t| TypeSeries {
                    provision_type: t,
                    rates: series(&|c| c.provision_type == Some(t)),
                })
                .collect(),
            untyped: self.untyped(),
            periods,
        }
    }

    /// Commitments and every score as CSV (RFC 4180, CRLF line ends, a header row): one row per
    /// recorded score in the order of [`Agreement::history`], and one row with empty score
    /// columns for a commitment never scored. Party names are resolved from `process`. A cell
    /// that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`) is prefixed
    /// with `'`.
    pub fn to_csv(&self, process: &Process) -> String {
        let mut out = String::new();
        let header = [
            "provision",
            "label",
            "text",
            "provision_type",
            "provision_type_pam_name",
            "responsible_party_id",
            "responsible_party",
            "deadline",
            "period",
            "level",
            "evidence",
            "recorded_at",
            "recorded_by",
        ];
        push_row(&mut out, header.iter().map(|h| h.to_string()));
        for c in &self.commitments {
            let party = c.responsible.as_ref();
            let fixed = [
                c.provision.to_string(),
                c.label.clone(),
                c.text.clone(),
                c.provision_type
                    .map(|t| t.code().to_string())
                    .unwrap_or_default(),
                c.provision_type
                    .map(|t| t.pam_name().to_string())
                    .unwrap_or_default(),
                party.map(|p| p.to_string()).unwrap_or_default(),
                party
                    .and_then(|p| process.party(p))
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                c.deadline.map(|d| d.to_string()).unwrap_or_default(),
            ];
            let history = self.history(&c.provision);
            if history.is_empty() {
                push_row(
                    &mut out,
                    fixed
                        .iter()
                        .cloned()
                        .chain(std::iter::repeat_n(String::new(), 5)),
                );
            }
            for s in history {
                push_row(
                    &mut out,
                    fixed.iter().cloned().chain([
                        s.period.to_string(),
                        u8::from(s.level).to_string(),
                        s.evidence.clone(),
                        rfc3339(s.recorded_at),
                        s.recorded_by.to_string(),
                    ]),
                );
            }
        }
        out
    }
}

fn rfc3339(t: Timestamp) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn push_row(out: &mut String, cells: impl Iterator<Item = String>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        let cell = if cell.starts_with(['=', '+', '-', '@']) {
            format!("'{cell}")
        } else {
            cell
        };
        if cell.contains([',', '"', '\n', '\r']) || cell.trim() != cell {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&cell);
        }
    }
    out.push_str("\r\n");
}

/// A party as the monitoring view names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartyRef {
    pub id: PartyId,
    pub name: String,
}

/// One recorded score, as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreView {
    pub period: Date,
    pub level: Level,
    pub evidence: String,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: Timestamp,
    pub recorded_by: PersonId,
    /// A later score for the same period replaced this one in the rate (kept in the history).
    pub superseded: bool,
}

/// A commitment with its monitoring, as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitmentView {
    pub provision: ParagraphId,
    pub label: String,
    pub text: String,
    /// A code; the page names it from the catalogue (`provision-type-<code>`).
    pub provision_type: Option<ProvisionType>,
    /// The free-text theme of an agreement stored before provision types, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legacy_theme: Option<String>,
    pub responsible: Option<PartyRef>,
    pub deadline: Option<Date>,
    pub overdue: bool,
    /// Days past the deadline, when overdue.
    pub days_late: Option<i64>,
    /// The latest level recorded, if any.
    pub latest: Option<Level>,
    /// Every score, by period then time recorded.
    pub history: Vec<ScoreView>,
}

/// Everything the agreement-and-implementation page (and the API) shows, for one viewer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonitoringView {
    pub agreement: AgreementId,
    pub version: u32,
    pub content_hash: String,
    #[serde(with = "time::serde::rfc3339")]
    pub adopted_at: Timestamp,
    /// The day overdue was judged on.
    pub today: Date,
    pub rate: Rate,
    /// Per provision type in use (no row for untyped provisions).
    pub by_type: Vec<TypeRate>,
    /// Provisions without a type yet.
    pub untyped: usize,
    pub overdue: usize,
    pub commitments: Vec<CommitmentView>,
    pub trend: Trend,
    /// May the viewer change commitments and record scores (mediators of an open process)?
    pub may_record: bool,
}

/// The agreement's monitoring for a viewer (any participant; [`Error::NotFound`] otherwise).
pub fn monitoring_view(
    process: &Process,
    viewer: &PersonId,
    agreement: &Agreement,
    today: Date,
) -> Result<MonitoringView> {
    check_reader(process, viewer, agreement)?;
    let commitments = agreement
        .commitments
        .iter()
        .map(|c| {
            let history = agreement.history(&c.provision);
            let overdue = agreement.is_overdue(c, today);
            CommitmentView {
                provision: c.provision.clone(),
                label: c.label.clone(),
                text: c.text.clone(),
                provision_type: c.provision_type,
                legacy_theme: c.legacy_theme.clone(),
                responsible: c.responsible.as_ref().map(|id| PartyRef {
                    id: id.clone(),
                    name: process
                        .party(id)
                        .map(|p| p.name.clone())
                        .unwrap_or_default(),
                }),
                deadline: c.deadline,
                overdue,
                days_late: c
                    .deadline
                    .filter(|_| overdue)
                    .map(|d| (today - d).whole_days()),
                latest: agreement.latest_score(&c.provision).map(|s| s.level),
                history: history
                    .iter()
                    .enumerate()
                    .map(|(i, s)| score_view(s, history.get(i + 1).copied()))
                    .collect(),
            }
        })
        .collect::<Vec<_>>();
    Ok(MonitoringView {
        agreement: agreement.id.clone(),
        version: agreement.version,
        content_hash: agreement.content_hash.clone(),
        adopted_at: agreement.adopted_at,
        today,
        rate: agreement.rate(),
        by_type: agreement.rate_by_type(),
        untyped: agreement.untyped(),
        overdue: commitments.iter().filter(|c| c.overdue).count(),
        commitments,
        trend: agreement.trend(),
        may_record: permissions::may_score_implementation(process, viewer) && !process.is_closed(),
    })
}

fn score_view(s: &Score, next: Option<&Score>) -> ScoreView {
    ScoreView {
        period: s.period,
        level: s.level,
        evidence: s.evidence.clone(),
        recorded_at: s.recorded_at,
        recorded_by: s.recorded_by.clone(),
        superseded: next.is_some_and(|n| n.period == s.period),
    }
}

/// The CSV export for a viewer (any participant; [`Error::NotFound`] otherwise).
pub fn export_csv(process: &Process, viewer: &PersonId, agreement: &Agreement) -> Result<String> {
    check_reader(process, viewer, agreement)?;
    Ok(agreement.to_csv(process))
}

fn check_reader(process: &Process, viewer: &PersonId, agreement: &Agreement) -> Result<()> {
    if process.id() != &agreement.process || !permissions::may_read_agreement(process, viewer) {
        return Err(Error::NotFound);
    }
    Ok(())
}
