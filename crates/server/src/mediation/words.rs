//! Every word the mediation pages show that the domain holds as data — space names, who reads a
//! space, roles, session formats, provision types, change kinds, what a version did, dates —
//! rendered from the catalogue in the reader's language. Nothing here writes English itself.

use chamber_i18n::{Catalogue, Lang};
use chamber_mediation::agreement::ProvisionType;
use chamber_mediation::permissions::{Readers, readers};
use chamber_mediation::process::{Process, ProcessRole};
use chamber_mediation::text::diff::ChangeKind;
use chamber_mediation::venue::SessionFormat;
use chamber_mediation::{PartyId, SpaceKind};
use time::{Date, OffsetDateTime, UtcOffset};

/// The catalogue in one language.
#[derive(Clone, Copy)]
pub struct Words<'a> {
    catalogue: &'a Catalogue,
    pub lang: Lang,
}

impl<'a> Words<'a> {
    pub fn new(catalogue: &'a Catalogue, lang: Lang) -> Words<'a> {
        Words { catalogue, lang }
    }

    pub fn t(&self, key: &str) -> String {
        self.catalogue.tr(self.lang, key, &[])
    }

    pub fn t_with(&self, key: &str, args: &[(&str, String)]) -> String {
        self.catalogue.tr(self.lang, key, args)
    }

    /// A day as the language writes it ("4 December 2026", "2026年12月4日").
    pub fn date(&self, d: Date) -> String {
        self.t_with(
            "chamber-date",
            &[
                ("day", d.day().to_string()),
                (
                    "month",
                    self.t(&format!("chamber-month-{}", u8::from(d.month()))),
                ),
                ("year", d.year().to_string()),
            ],
        )
    }

    /// A moment as the language writes it, in UTC ("4 December 2026, 16:00 UTC").
    pub fn moment(&self, t: OffsetDateTime) -> String {
        let t = t.to_offset(UtcOffset::UTC);
        self.t_with(
            "chamber-moment",
            &[
                ("date", self.date(t.date())),
                ("time", format!("{:02}:{:02}", t.hour(), t.minute())),
            ],
        )
    }

    fn party(&self, process: &Process, party: &PartyId) -> String {
        process
            .party(party)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    }

    /// A space's name ("Plenary", "Caucus: Eastmark", "Mediators").
    pub fn space(&self, process: &Process, kind: &SpaceKind) -> String {
        match kind {
            SpaceKind::Plenary => self.t("chamber-space-plenary"),
            SpaceKind::Mediators => self.t("chamber-space-mediators"),
            SpaceKind::Caucus { party } => self.t_with(
                "chamber-space-caucus",
                &[("party", self.party(process, party))],
            ),
        }
    }

    /// Who may read a space, as `permissions` decides it.
    pub fn readers(&self, process: &Process, kind: &SpaceKind) -> String {
        match (readers(kind), kind) {
            (Readers::Everyone, _) => self.t("chamber-readers-everyone"),
            (Readers::PartyAndMediators, SpaceKind::Caucus { party }) => self.t_with(
                "chamber-readers-party",
                &[("party", self.party(process, party))],
            ),
            (Readers::PartyAndMediators, _) | (Readers::MediatorsOnly, _) => {
                self.t("chamber-readers-mediators")
            }
        }
    }

    /// A participant's role in a process.
    pub fn role(&self, process: &Process, role: &ProcessRole) -> String {
        match role {
            ProcessRole::Mediator => self.t("chamber-role-mediator"),
            ProcessRole::SpecialEnvoy => self.t("chamber-role-envoy"),
            ProcessRole::Observer => self.t("chamber-role-observer"),
            ProcessRole::Delegate { party } => self.t_with(
                "chamber-role-delegate",
                &[("party", self.party(process, party))],
            ),
        }
    }

    pub fn session_format(&self, process: &Process, f: &SessionFormat) -> String {
        match f {
            SessionFormat::Plenary => self.t("session-format-plenary"),
            SessionFormat::Proximity => self.t("session-format-proximity"),
            SessionFormat::Shuttle => self.t("session-format-shuttle"),
            SessionFormat::Caucus { party } => self.t_with(
                "session-format-caucus",
                &[("party", self.party(process, party))],
            ),
            SessionFormat::Bilateral { party } => self.t_with(
                "session-format-bilateral",
                &[("party", self.party(process, party))],
            ),
        }
    }

    pub fn provision_type(&self, t: ProvisionType) -> String {
        self.t(&format!("provision-type-{}", t.code()))
    }

    pub fn change_kind(&self, k: ChangeKind) -> String {
        self.t(match k {
            ChangeKind::Added => "chamber-change-added",
            ChangeKind::Removed => "chamber-change-removed",
            ChangeKind::Moved => "chamber-change-moved",
            ChangeKind::Changed => "chamber-change-changed",
            ChangeKind::StatusChanged => "chamber-change-status",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_each_language_writes_them() {
        let c = Catalogue::load();
        let d = time::macros::date!(2026 - 12 - 04);
        assert_eq!(Words::new(&c, Lang::En).date(d), "4 December 2026");
        assert_eq!(Words::new(&c, Lang::Zh).date(d), "2026年12月4日");
        assert_eq!(Words::new(&c, Lang::Fr).date(d), "4 décembre 2026");
        assert_eq!(Words::new(&c, Lang::Es).date(d), "4 de diciembre de 2026");
        assert_eq!(Words::new(&c, Lang::Ru).date(d), "4 декабря 2026 г.");
        assert!(Words::new(&c, Lang::Ar).date(d).contains("ديسمبر"));
        let t = time::macros::datetime!(2026-12-04 16:00 UTC);
        assert_eq!(
            Words::new(&c, Lang::En).moment(t),
            "4 December 2026, 16:00 UTC"
        );
    }

    #[test]
    fn every_provision_type_has_a_name_in_every_language() {
        let c = Catalogue::load();
        for lang in Lang::ALL {
            for t in ProvisionType::all() {
                let key = format!("provision-type-{}", t.code());
                assert!(c.has(lang, &key), "{} lacks {key}", lang.code());
            }
        }
    }
}
