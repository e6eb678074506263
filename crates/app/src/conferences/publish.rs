//! What a conference publishes: the list of participants (with consent, in six languages) and
//! the exports — registrations as CSV (secretariat and officers), the timetable as iCalendar,
//! the conference in Indico's export JSON.

use super::{Actor, Conferences, from_json, now, person_of};
use crate::error::{AppError, AppResult};
use chamber_conferences::participants::{self, ListOfParticipants};
use chamber_conferences::{Registration, interchange, permissions};
use chamber_core::Lang;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// Indico's `/export/event/ID.json?detail=contributions` layout.
    Indico,
    /// RFC 5545.
    Ical,
    /// Registrations, RFC 4180.
    Csv,
    /// Registrations, an Office Open XML workbook.
    Xlsx,
}

impl ExportFormat {
    pub fn parse(s: &str) -> AppResult<ExportFormat> {
        match s {
            "indico" => Ok(ExportFormat::Indico),
            "ical" => Ok(ExportFormat::Ical),
            "csv" => Ok(ExportFormat::Csv),
            "xlsx" => Ok(ExportFormat::Xlsx),
            _ => Err(AppError::invalid("format: indico, ical, csv or xlsx")),
        }
    }
}

/// An export's content and how to serve it.
#[derive(Debug, Clone)]
pub struct Exported {
    pub media_type: &'static str,
    pub file_name: String,
    pub body: Vec<u8>,
}

impl Conferences {
    async fn registrations_of(&self, conference: &str) -> AppResult<Vec<Registration>> {
        self.store
            .conference_registrations(conference)
            .await?
            .iter()
            .map(|r| from_json("registration", &r.body))
            .collect()
    }

    /// The list of participants in the UN layout, in `lang` (public: only approved people who
    /// consented appear).
    pub async fn list_of_participants(
        &self,
        conference: &str,
        lang: Lang,
    ) -> AppResult<ListOfParticipants> {
        let c = self.load(conference).await?;
        let regs = self.registrations_of(conference).await?;
        let ds = self.delegations_of(conference).await?;
        Ok(participants::list_of_participants(&c, &regs, &ds, lang))
    }

    /// Exports a conference. `url` is where the Indico JSON says it is served.
    pub async fn export(
        &self,
        actor: Actor<'_>,
        conference: &str,
        format: ExportFormat,
        lang: Lang,
        url: &str,
    ) -> AppResult<Exported> {
        let c = self.load(conference).await?;
        Ok(match format {
            ExportFormat::Indico => Exported {
                media_type: "application/json",
                file_name: format!("{conference}.json"),
                body: serde_json::to_vec_pretty(&interchange::indico_json(&c, lang, url, now()))
                    .expect("JSON"),
            },
            ExportFormat::Ical => Exported {
                media_type: "text/calendar; charset=utf-8",
                file_name: format!("{conference}.ics"),
                body: interchange::ical(&c, now()).into_bytes(),
            },
            ExportFormat::Csv | ExportFormat::Xlsx => {
                if let Actor::Account(u) = actor
                    && !permissions::may_export_registrations(&c, &person_of(u)?)
                {
                    return Err(AppError::Forbidden);
                }
                let regs = self.registrations_of(conference).await?;
                if format == ExportFormat::Csv {
                    Exported {
                        media_type: "text/csv; charset=utf-8",
                        file_name: format!("{conference}-registrations.csv"),
                        body: interchange::registrations_csv(&regs).into_bytes(),
                    }
                } else {
                    Exported {
                        media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        file_name: format!("{conference}-registrations.xlsx"),
                        body: interchange::registrations_xlsx(&regs),
                    }
                }
            }
        })
    }
}

/// Plain text of the list (for the command line).
pub fn list_as_text(list: &ListOfParticipants) -> String {
    participants::render_text(list)
}
