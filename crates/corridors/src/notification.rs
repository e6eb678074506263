//! Humanitarian notifications (deconfliction). An organisation notifies the parties of a
//! movement (a route) or a static site (a point or an area) for a time window; each party's
//! representative acknowledges it. The record shows who acknowledged for which party and
//! when — and says, every time it is shown, that an acknowledgement is not an approval.

use crate::corridor::Corridor;
use crate::error::{Error, Result, clean_line, clean_text, invalid, state};
use crate::geo::Geometry;
use crate::ids::{CorridorId, NotificationId, PartyCode};
use crate::permissions;
use crate::{Person, Timestamp};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

/// Shown with every notification, in every view of it.
pub const ACKNOWLEDGEMENT_IS_NOT_APPROVAL: &str = "An acknowledgement records only that a party \
    received this notification. It is not an approval, a permission or a guarantee of safety.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A movement along a route.
    Movement,
    /// A static site: a warehouse, a clinic, a distribution point, a team's base.
    StaticSite,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledgement {
    pub party: PartyCode,
    pub by: Person,
    #[serde(with = "time::serde::rfc3339")]
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub id: NotificationId,
    pub corridor: CorridorId,
    pub organisation: String,
    pub notified_by: Person,
    pub kind: NotificationKind,
    pub geometry: Geometry,
    #[serde(with = "time::serde::rfc3339")]
    pub from: Timestamp,
    #[serde(with = "time::serde::rfc3339")]
    pub until: Timestamp,
    pub description: String,
    #[serde(with = "time::serde::rfc3339")]
    pub notified_at: Timestamp,
    pub acknowledgements: Vec<Acknowledgement>,
    /// Always [`ACKNOWLEDGEMENT_IS_NOT_APPROVAL`] (kept in the record itself, so every copy of
    /// it says so).
    pub notice: String,
}

/// What the organisation fills in.
#[derive(Debug, Clone)]
pub struct NotificationDraft {
    pub kind: NotificationKind,
    pub geometry: Geometry,
    pub from: Timestamp,
    pub until: Timestamp,
    pub description: String,
}

impl Notification {
    /// An operator (a humanitarian organisation) of the corridor notifies.
    pub fn notify<R: CryptoRng + RngCore + ?Sized>(
        rng: &mut R,
        corridor: &Corridor,
        by: &Person,
        draft: NotificationDraft,
        at: Timestamp,
    ) -> Result<Notification> {
        let operator = permissions::operator_for_registration(corridor, by)?;
        if draft.until <= draft.from {
            return Err(invalid("time window", "must end after it starts"));
        }
        match (draft.kind, &draft.geometry) {
            (NotificationKind::Movement, Geometry::Line(_)) => {}
            (NotificationKind::Movement, _) => {
                return Err(invalid(
                    "geometry",
                    "a movement is notified with its route (a line)",
                ));
            }
            (NotificationKind::StaticSite, Geometry::Line(_)) => {
                return Err(invalid(
                    "geometry",
                    "a site is a point, a circle or an area",
                ));
            }
            (NotificationKind::StaticSite, _) => {}
        }
        Ok(Notification {
            id: NotificationId::generate(rng),
            corridor: corridor.id().clone(),
            organisation: clean_line("organisation", &operator.organisation, 200)?,
            notified_by: by.clone(),
            kind: draft.kind,
            geometry: draft.geometry,
            from: draft.from,
            until: draft.until,
            description: clean_text("description", &draft.description, 5000)?,
            notified_at: at,
            acknowledgements: Vec::new(),
            notice: ACKNOWLEDGEMENT_IS_NOT_APPROVAL.to_string(),
        })
    }

    /// A party's representative acknowledges receipt for their party (once).
    pub fn acknowledge(&mut self, corridor: &Corridor, by: &Person, at: Timestamp) -> Result<()> {
        if &self.corridor != corridor.id() {
            return Err(Error::NotFound);
        }
        let party = permissions::representative_party(corridor, by)?;
        if self.acknowledgements.iter().any(|a| a.party == party) {
            return Err(state(format!("{party} has already acknowledged")));
        }
        self.acknowledgements.push(Acknowledgement {
            party,
            by: by.clone(),
            at,
        });
        Ok(())
    }

    /// The parties that have not acknowledged yet.
    pub fn awaiting(&self, corridor: &Corridor) -> Vec<PartyCode> {
        corridor
            .parties()
            .iter()
            .map(|p| p.code.clone())
            .filter(|c| !self.acknowledgements.iter().any(|a| &a.party == c))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corridor::tests::{black_sea, person, t};
    use rand::SeedableRng;

    #[test]
    fn acknowledgements_are_recorded_and_are_not_approval() {
        let c = black_sea();
        let mut rng = rand::rngs::StdRng::seed_from_u64(21);
        let site =
            Geometry::from_geojson(r#"{"type":"Point","coordinates":[30.74,46.48]}"#).unwrap();
        let draft = NotificationDraft {
            kind: NotificationKind::StaticSite,
            geometry: site.clone(),
            from: t("2022-08-05T00:00:00Z"),
            until: t("2022-08-20T00:00:00Z"),
            description: "Food warehouse, 12 staff".into(),
        };
        let mut n = Notification::notify(
            &mut rng,
            &c,
            &person("agent-a"),
            draft.clone(),
            t("2022-08-04T00:00:00Z"),
        )
        .unwrap();
        assert_eq!(n.organisation, "Alpha Shipping");
        assert!(n.notice.contains("not an approval"));
        n.acknowledge(&c, &person("rep-ru"), t("2022-08-04T02:00:00Z"))
            .unwrap();
        n.acknowledge(&c, &person("rep-ua"), t("2022-08-04T03:00:00Z"))
            .unwrap();
        assert!(
            n.acknowledge(&c, &person("rep-ua"), t("2022-08-04T04:00:00Z"))
                .is_err()
        );
        assert!(matches!(
            n.acknowledge(&c, &person("insp-tr"), t("2022-08-04T04:00:00Z")),
            Err(Error::Forbidden(_))
        ));
        assert_eq!(
            n.awaiting(&c),
            vec![
                PartyCode::parse("TR").unwrap(),
                PartyCode::parse("UN").unwrap()
            ]
        );
        let who: Vec<(&str, &str)> = n
            .acknowledgements
            .iter()
            .map(|a| (a.party.as_str(), a.by.as_str()))
            .collect();
        assert_eq!(who, [("RU", "rep-ru"), ("UA", "rep-ua")]);
        // The notice is part of every serialised copy.
        assert!(
            serde_json::to_string(&n)
                .unwrap()
                .contains("not an approval")
        );
        // A movement needs a line; a window must end after it starts.
        let mut bad = draft.clone();
        bad.kind = NotificationKind::Movement;
        assert!(
            Notification::notify(
                &mut rng,
                &c,
                &person("agent-a"),
                bad,
                t("2022-08-04T00:00:00Z")
            )
            .is_err()
        );
        let mut bad = draft;
        bad.until = bad.from;
        assert!(
            Notification::notify(
                &mut rng,
                &c,
                &person("agent-a"),
                bad,
                t("2022-08-04T00:00:00Z")
            )
            .is_err()
        );
    }
}
