//! The published record: importing the JCC's table as published, the voyages, the report
//! (computed once per import and kept in memory), its SVG charts, and the exports (CSV with HXL
//! hashtags, XLSX in the JCC's layout).
//!
//! The published record is public (the JCC published every voyage): anyone who takes part in
//! the corridor, the platform's administrators and the operator at the machine read it.
//! Importing belongs to the corridor's coordinators, the administrators and the operator.

use super::{Actor, Corridors, from_json, stamp};
use crate::error::{AppError, AppResult};
use chamber_core::{AuditDraft, Role};
use chamber_corridors::charts;
use chamber_corridors::jcc::{self, CellProblem};
use chamber_corridors::permissions;
use chamber_corridors::report::{self, Report};
use chamber_corridors::voyages::Voyage;
use chamber_corridors::{Corridor, hxl};
use chamber_store::corridors::{ImportRow, VoyageRow, tx};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub corridor: String,
    /// True when the import opened the corridor (the Black Sea Grain Initiative's, from its
    /// public description).
    pub opened_corridor: bool,
    pub import_id: String,
    pub file: String,
    pub file_sha256: String,
    pub sheet: String,
    pub rows_read: usize,
    pub voyages: usize,
    pub cargo_lines: usize,
    /// Metric tons.
    pub tonnage: f64,
    #[serde(with = "chamber_corridors::day::option")]
    pub first_departure: Option<time::Date>,
    #[serde(with = "chamber_corridors::day::option")]
    pub last_departure: Option<time::Date>,
    pub rows_rejected: usize,
    /// Every unreadable cell: sheet, row, column, why.
    pub errors: Vec<CellProblem>,
    pub warnings: Vec<CellProblem>,
}

/// A page of voyages.
#[derive(Debug, Clone, Serialize)]
pub struct VoyagePage {
    pub total: usize,
    pub offset: usize,
    pub voyages: Vec<Voyage>,
}

/// The breakdowns a CSV export can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Breakdown {
    Commodity,
    Destination,
    IncomeGroup,
    DeparturePort,
    Month,
}

impl Breakdown {
    pub fn parse(s: &str) -> AppResult<Breakdown> {
        match s.trim() {
            "commodity" => Ok(Breakdown::Commodity),
            "destination" => Ok(Breakdown::Destination),
            "income_group" | "income-group" => Ok(Breakdown::IncomeGroup),
            "departure_port" | "port" => Ok(Breakdown::DeparturePort),
            "month" => Ok(Breakdown::Month),
            other => Err(AppError::invalid(format!(
                "breakdown: '{other}' is not commodity, destination, income_group, departure_port or month"
            ))),
        }
    }
}

/// Chart titles and words, in the reader's language (the server passes its catalogue's).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ChartText {
    pub by_commodity: String,
    pub by_destination: String,
    pub by_income_group: String,
    pub by_departure_port: String,
    pub by_month: String,
    pub voyages_per_week: String,
    pub days_to_inspection: String,
    pub inspections_per_day: String,
    pub others: String,
    /// Unit after tonnages (`t`).
    pub tonnes: String,
}

impl Default for ChartText {
    fn default() -> Self {
        ChartText {
            by_commodity: "Tonnage by commodity".into(),
            by_destination: "Tonnage by destination country".into(),
            by_income_group: "Tonnage by income group".into(),
            by_departure_port: "Tonnage by departure port".into(),
            by_month: "Tonnage by month of departure".into(),
            voyages_per_week: "Voyages per week".into(),
            days_to_inspection: "Days from departure to inspection".into(),
            inspections_per_day: "Inspections per day".into(),
            others: "Others".into(),
            tonnes: "t".into(),
        }
    }
}

/// The report's charts, as SVG (escaped; safe to put in a page as they are).
#[derive(Debug, Clone, Serialize)]
pub struct ReportCharts {
    pub by_commodity: String,
    pub by_destination: String,
    pub by_income_group: String,
    pub by_departure_port: String,
    pub by_month: String,
    pub voyages_per_week: String,
    pub days_to_inspection: String,
    pub inspections_per_day: String,
}

/// The report page: figures and charts.
#[derive(Debug, Clone, Serialize)]
pub struct ReportPage {
    pub report: Report,
    pub charts: ReportCharts,
}

struct Cached {
    /// How many imports the corridor had when this was read.
    version: i64,
    voyages: Arc<Vec<Voyage>>,
    report: Arc<Report>,
}

/// The published record of each corridor, parsed and reported once per import.
#[derive(Default)]
pub struct ReportCache {
    inner: Mutex<HashMap<String, Arc<Cached>>>,
}

fn tonnes_label(unit: &str) -> impl Fn(f64) -> String + '_ {
    move |v| format!("{} {unit}", charts::group_digits(v / 1000.0))
}

/// The charts of a report.
pub fn report_charts(r: &Report, text: &ChartText) -> ReportCharts {
    let shares = |v: &[report::Share]| -> Vec<(String, f64)> {
        v.iter()
            .map(|s| (s.name.clone(), s.tonnage.kg() as f64))
            .collect()
    };
    let t = tonnes_label(&text.tonnes);
    let count = |v: f64| charts::group_digits(v);
    ReportCharts {
        by_commodity: charts::bars(
            &text.by_commodity,
            &shares(&r.by_commodity),
            12,
            &text.others,
            &t,
        ),
        by_destination: charts::bars(
            &text.by_destination,
            &shares(&r.by_destination),
            15,
            &text.others,
            &t,
        ),
        by_income_group: charts::bars(
            &text.by_income_group,
            &shares(&r.by_income_group),
            6,
            &text.others,
            &t,
        ),
        by_departure_port: charts::bars(
            &text.by_departure_port,
            &shares(&r.by_departure_port),
            8,
            &text.others,
            &t,
        ),
        by_month: charts::bars(&text.by_month, &shares(&r.by_month), 36, &text.others, &t),
        voyages_per_week: charts::columns(
            &text.voyages_per_week,
            &r.voyages_per_week
                .iter()
                .map(|w| (w.week.clone(), w.voyages as f64))
                .collect::<Vec<_>>(),
            4,
            count,
        ),
        days_to_inspection: charts::columns(
            &text.days_to_inspection,
            &r.days_to_inspection
                .histogram
                .iter()
                .map(|(d, n)| (d.to_string(), *n as f64))
                .collect::<Vec<_>>(),
            5,
            count,
        ),
        inspections_per_day: charts::columns(
            &text.inspections_per_day,
            &r.inspections_per_day
                .iter()
                .map(|d| (d.day.to_string(), d.count as f64))
                .collect::<Vec<_>>(),
            14,
            count,
        ),
    }
}

impl Corridors {
    /// May this viewer read the corridor's published record? (Everyone who takes part, the
    /// administrators, the operator at the machine.)
    async fn published_for(&self, viewer: Actor<'_>, corridor: &str) -> AppResult<Corridor> {
        let c = self.load(corridor).await?;
        if let Actor::Account(user) = viewer {
            let p = super::person_of(user)?;
            if permissions::standing(&c, &p).is_none() && user.role != Role::Admin {
                return Err(AppError::NotFound);
            }
        }
        Ok(c)
    }

    /// Imports the JCC's table as published (`Data`, `Data_HXL` or `Live`; `sheet: None` takes
    /// the first present) into a corridor: a voyage already stored under the same sequence
    /// number is replaced, every other is kept; rows that cannot be read are reported and left
    /// out. Without a corridor, into the Black Sea Grain Initiative's (opened when missing).
    pub async fn import_jcc(
        &self,
        actor: Actor<'_>,
        corridor: Option<&str>,
        bytes: Vec<u8>,
        file_name: &str,
        sheet: Option<&str>,
    ) -> AppResult<ImportSummary> {
        let (corridor, opened) = match corridor {
            Some(id) => (id.to_string(), false),
            None => match self
                .store
                .corridor_by_name("Black Sea Grain Initiative")
                .await?
            {
                Some(row) => (row.id, false),
                None => {
                    if let Actor::Account(u) = actor
                        && u.role != Role::Admin
                    {
                        return Err(AppError::Forbidden);
                    }
                    (self.open_black_sea(actor).await?, true)
                }
            },
        };
        let c = self.load(&corridor).await?;
        if let Actor::Account(user) = actor {
            let p = super::person_of(user)?;
            match permissions::standing(&c, &p) {
                None if user.role != Role::Admin => return Err(AppError::NotFound),
                Some(_) if !permissions::may_manage(&c, &p) && user.role != Role::Admin => {
                    return Err(AppError::Forbidden);
                }
                _ => {}
            }
        }
        let file = file_name.to_string();
        let sheet = sheet.map(str::to_string);
        // Reading and serialising are CPU work: off the async threads.
        let (mut got, rows, file_sha, rows_sha) = tokio::task::spawn_blocking(move || {
            let got = jcc::read_xlsx(&bytes, sheet.as_deref(), &file)?;
            let file_sha = hex::encode(Sha256::digest(&bytes));
            let mut h = Sha256::new();
            let rows: Vec<VoyageRow> = got
                .voyages
                .iter()
                .map(|v| {
                    let body = serde_json::to_string(v).expect("voyages serialise");
                    h.update(body.as_bytes());
                    h.update(b"\n");
                    VoyageRow {
                        sequence: i64::from(v.sequence),
                        body,
                    }
                })
                .collect();
            Ok::<_, jcc::JccError>((got, rows, file_sha, hex::encode(h.finalize())))
        })
        .await
        .map_err(|e| AppError::internal("import task", e))?
        .map_err(|e| AppError::invalid(e.to_string()))?;
        let (voyage_count, cargo_lines, tonnage) =
            (got.voyages.len(), got.cargo_lines(), got.tonnage());
        let first_departure = got.voyages.iter().map(Voyage::departure_date).min();
        let last_departure = got.voyages.iter().map(Voyage::departure_date).max();
        let import_id = chamber_store::new_id();
        let now = self.now();
        let row = ImportRow {
            id: import_id.clone(),
            corridor_id: corridor.clone(),
            file_name: file_name.to_string(),
            file_sha256: file_sha.clone(),
            sheet: got.sheet.clone(),
            rows_read: got.rows_read as i64,
            voyages: got.voyages.len() as i64,
            cargo_lines: got.cargo_lines() as i64,
            tonnage_kg: got.tonnage().kg(),
            problems: serde_json::json!({"errors": got.errors, "warnings": got.warnings})
                .to_string(),
            actor: actor.audit_name(),
            imported_at: stamp(now),
        };
        let mut t = self.store.begin_write().await?;
        tx::upsert_voyages(&mut t, &corridor, &import_id, &rows).await?;
        tx::insert_import(&mut t, &row).await?;
        t.record(
            AuditDraft::new(actor.audit_name(), "corridors.voyages.import", &import_id).after(
                &serde_json::json!({
                    "corridor": corridor,
                    "file": file_name,
                    "file_sha256": file_sha,
                    "rows_sha256": rows_sha,
                    "sheet": got.sheet,
                    "voyages": got.voyages.len(),
                    "cargo_lines": got.cargo_lines(),
                    "tonnage_kg": got.tonnage().kg(),
                    "rows_rejected": got.rows_rejected(),
                }),
            ),
        )
        .await?;
        t.commit().await?;
        // The report is ready before anyone asks for it: computed in the background from the
        // voyages just read, if they are the whole record (an import into an empty corridor);
        // otherwise the first request reads the record back.
        if self.store.corridor_import_count(&corridor).await? == 1 {
            let cache = self.reports.clone();
            let key = corridor.clone();
            let voyages = std::mem::take(&mut got.voyages);
            tokio::task::spawn_blocking(move || {
                let report = report::compute(&voyages);
                cache.inner.lock().expect("cache lock").insert(
                    key,
                    Arc::new(Cached {
                        version: 1,
                        voyages: Arc::new(voyages),
                        report: Arc::new(report),
                    }),
                );
            });
        }
        Ok(ImportSummary {
            corridor,
            opened_corridor: opened,
            import_id,
            file: file_name.to_string(),
            file_sha256: file_sha,
            rows_read: got.rows_read,
            voyages: voyage_count,
            cargo_lines,
            tonnage: tonnage.tonnes(),
            first_departure,
            last_departure,
            rows_rejected: got.rows_rejected(),
            sheet: got.sheet,
            errors: got.errors,
            warnings: got.warnings,
        })
    }

    /// The published record, parsed, and its report: computed once per import.
    async fn cached(&self, corridor: &str) -> AppResult<Arc<Cached>> {
        let version = self.store.corridor_import_count(corridor).await?;
        if let Some(c) = self.reports.inner.lock().expect("cache lock").get(corridor)
            && c.version == version
        {
            return Ok(c.clone());
        }
        let rows = self.store.corridor_voyages(corridor).await?;
        let cached = tokio::task::spawn_blocking(move || -> AppResult<Cached> {
            let voyages: Vec<Voyage> = rows
                .iter()
                .map(|r| from_json("voyage", &r.body))
                .collect::<AppResult<_>>()?;
            let report = report::compute(&voyages);
            Ok(Cached {
                version,
                voyages: Arc::new(voyages),
                report: Arc::new(report),
            })
        })
        .await
        .map_err(|e| AppError::internal("report task", e))??;
        let cached = Arc::new(cached);
        self.reports
            .inner
            .lock()
            .expect("cache lock")
            .insert(corridor.to_string(), cached.clone());
        Ok(cached)
    }

    /// The report on the corridor's published voyages.
    pub async fn report(&self, viewer: Actor<'_>, corridor: &str) -> AppResult<Arc<Report>> {
        self.published_for(viewer, corridor).await?;
        Ok(self.cached(corridor).await?.report.clone())
    }

    /// The report page: the figures and their charts (titles in the reader's language).
    pub async fn report_page(
        &self,
        viewer: Actor<'_>,
        corridor: &str,
        text: &ChartText,
    ) -> AppResult<ReportPage> {
        let report = self.report(viewer, corridor).await?;
        Ok(ReportPage {
            charts: report_charts(&report, text),
            report: (*report).clone(),
        })
    }

    /// A page of published voyages, by sequence number.
    pub async fn voyages(
        &self,
        viewer: Actor<'_>,
        corridor: &str,
        offset: usize,
        limit: usize,
    ) -> AppResult<VoyagePage> {
        self.published_for(viewer, corridor).await?;
        let c = self.cached(corridor).await?;
        let total = c.voyages.len();
        let from = offset.min(total);
        let to = (from + limit.min(1000)).min(total);
        Ok(VoyagePage {
            total,
            offset: from,
            voyages: c.voyages[from..to].to_vec(),
        })
    }

    /// One published voyage by its sequence number.
    pub async fn voyage(
        &self,
        viewer: Actor<'_>,
        corridor: &str,
        sequence: u32,
    ) -> AppResult<Voyage> {
        self.published_for(viewer, corridor).await?;
        let row = self
            .store
            .corridor_voyage(corridor, i64::from(sequence))
            .await?
            .ok_or(AppError::NotFound)?;
        from_json("voyage", &row.body)
    }

    /// The imports into the corridor, newest first.
    pub async fn imports(&self, viewer: Actor<'_>, corridor: &str) -> AppResult<Vec<ImportRow>> {
        self.published_for(viewer, corridor).await?;
        Ok(self.store.corridor_imports(corridor).await?)
    }

    /// The voyages as CSV with the HXL hashtag row (one row per cargo line).
    pub async fn export_voyages_csv(&self, viewer: Actor<'_>, corridor: &str) -> AppResult<String> {
        self.published_for(viewer, corridor).await?;
        let c = self.cached(corridor).await?;
        Ok(hxl::voyages_csv(&c.voyages))
    }

    /// One breakdown of the report as CSV with the HXL hashtag row.
    pub async fn export_breakdown_csv(
        &self,
        viewer: Actor<'_>,
        corridor: &str,
        breakdown: Breakdown,
    ) -> AppResult<String> {
        let r = self.report(viewer, corridor).await?;
        let (head, tag, shares) = match breakdown {
            Breakdown::Commodity => ("Commodity", "#indicator+commodity", &r.by_commodity),
            Breakdown::Destination => ("Country", "#country+name", &r.by_destination),
            Breakdown::IncomeGroup => ("Income group", "#meta+income+group", &r.by_income_group),
            Breakdown::DeparturePort => ("Departure port", "#loc+port+name", &r.by_departure_port),
            Breakdown::Month => ("Month", "#date+month", &r.by_month),
        };
        Ok(hxl::breakdown_csv(head, tag, shares))
    }

    /// The voyages as XLSX in the JCC's layout (`Data` and `Data_HXL`).
    pub async fn export_xlsx(&self, viewer: Actor<'_>, corridor: &str) -> AppResult<Vec<u8>> {
        self.published_for(viewer, corridor).await?;
        let c = self.cached(corridor).await?;
        tokio::task::spawn_blocking(move || jcc::write_xlsx(&c.voyages))
            .await
            .map_err(|e| AppError::internal("export task", e))?
            .map_err(|e| AppError::internal("xlsx", e))
    }
}
