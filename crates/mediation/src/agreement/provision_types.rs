//! Provision types: the fixed list a commitment's type is chosen from, after the Peace Accords
//! Matrix (PAM) of the Kroc Institute for International Peace Studies, University of Notre Dame.
//!
//! Source: PAM, "Provisions", <https://peaceaccords.nd.edu/provisions> ("PAM collects
//! implementation data on 51 different types of provisions"), and Joshi, Quinn & Regan,
//! "Annualized implementation data on comprehensive intrastate peace accords, 1989–2012",
//! *Journal of Peace Research* 52(4), 2015, 551–562 (the PAM_ID dataset, 51 provisions in 34
//! comprehensive agreements, implementation scored 0–3 per year).
//!
//! What could be checked, and what could not: the stored copy of the PAM provisions page at
//! hand confirms the count (51) and the alphabetical start of the list (Amnesty, Arms Embargo,
//! Cease Fire, Children's Rights, Citizenship Reform); PAM's own provision pages confirm Dispute
//! Resolution Committee, Education Reform, Electoral/Political Party Reform, Regional
//! Peacekeeping Force and UN Transitional Authority. The whole published list could not be read
//! from the material available offline; the other names below are PAM's as published in the
//! dataset and on its site, to the best of that knowledge. The table holds the 50 types we can
//! name; the 51st could not be established and is not guessed (a commitment may stay untyped).
//! The list is data: adding a type is one line, and codes never change once stored.
//!
//! Each type has a stable code (kebab case of the PAM name). Display names come from the
//! catalogue (`provision-type-<code>` keys); [`ProvisionType::pam_name`] is PAM's English name,
//! for the source and for exports read outside the platform.

use crate::error::{Error, Result, invalid};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// `(code, PAM name)`, in PAM's alphabetical order.
const TABLE: &[(&str, &str)] = &[
    ("amnesty", "Amnesty"),
    ("arms-embargo", "Arms Embargo"),
    ("cease-fire", "Cease Fire"),
    ("childrens-rights", "Children's Rights"),
    ("citizenship-reform", "Citizenship Reform"),
    ("civil-administration-reform", "Civil Administration Reform"),
    (
        "commission-to-address-damage-loss",
        "Commission to Address Damage/Loss",
    ),
    ("constitutional-reform", "Constitutional Reform"),
    ("cultural-protections", "Cultural Protections"),
    ("decentralization-federalism", "Decentralization/Federalism"),
    ("demobilization", "Demobilization"),
    (
        "detailed-implementation-timeline",
        "Detailed Implementation Timeline",
    ),
    ("disarmament", "Disarmament"),
    (
        "dispute-resolution-committee",
        "Dispute Resolution Committee",
    ),
    ("donor-support", "Donor Support"),
    (
        "economic-and-social-development",
        "Economic and Social Development",
    ),
    ("education-reform", "Education Reform"),
    (
        "electoral-political-party-reform",
        "Electoral/Political Party Reform",
    ),
    ("executive-branch-reform", "Executive Branch Reform"),
    ("human-rights", "Human Rights"),
    ("independence-referendum", "Independence Referendum"),
    ("indigenous-minority-rights", "Indigenous Minority Rights"),
    (
        "inter-ethnic-state-relations",
        "Inter-Ethnic/State Relations",
    ),
    (
        "internally-displaced-persons",
        "Internally Displaced Persons",
    ),
    ("judiciary-reform", "Judiciary Reform"),
    ("land-reform", "Land Reform"),
    ("legislative-branch-reform", "Legislative Branch Reform"),
    ("media-reform", "Media Reform"),
    ("military-reform", "Military Reform"),
    ("minority-rights", "Minority Rights"),
    ("natural-resource-management", "Natural Resource Management"),
    (
        "official-language-and-symbol",
        "Official Language and Symbol",
    ),
    ("paramilitary-groups", "Paramilitary Groups"),
    ("police-reform", "Police Reform"),
    (
        "power-sharing-transitional-government",
        "Power Sharing Transitional Government",
    ),
    ("prisoner-release", "Prisoner Release"),
    ("ratification-mechanism", "Ratification Mechanism"),
    ("refugees", "Refugees"),
    ("regional-peacekeeping-force", "Regional Peacekeeping Force"),
    ("reintegration", "Reintegration"),
    ("reparations", "Reparations"),
    ("review-of-agreement", "Review of Agreement"),
    ("right-of-self-determination", "Right of Self-Determination"),
    ("territorial-power-sharing", "Territorial Power Sharing"),
    (
        "truth-or-reconciliation-mechanism",
        "Truth or Reconciliation Mechanism",
    ),
    ("un-peacekeeping-force", "UN Peacekeeping Force"),
    ("un-transitional-authority", "UN Transitional Authority"),
    (
        "verification-monitoring-mechanism",
        "Verification/Monitoring Mechanism",
    ),
    ("withdrawal-of-troops", "Withdrawal of Troops"),
    ("womens-rights", "Women's Rights"),
];

/// A provision type from the fixed list. Serialised as its code (`"cease-fire"`); a stored
/// code not in the list is refused.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProvisionType(u8);

impl ProvisionType {
    /// Every type, in the list's order.
    pub fn all() -> impl ExactSizeIterator<Item = ProvisionType> {
        (0..TABLE.len()).map(|i| ProvisionType(i as u8))
    }

    /// The type with this code (`cease-fire`); a clear error naming the field otherwise.
    pub fn parse(code: &str) -> Result<ProvisionType> {
        let c = code.trim();
        TABLE
            .iter()
            .position(|(k, _)| *k == c)
            .map(|i| ProvisionType(i as u8))
            .ok_or_else(|| {
                invalid(
                    "provision_type",
                    format!("unknown provision type {c:?} (a Peace Accords Matrix type code)"),
                )
            })
    }

    /// The stable code, e.g. `cease-fire`. The catalogue key of its name is
    /// `provision-type-<code>`.
    pub fn code(self) -> &'static str {
        TABLE[usize::from(self.0)].0
    }

    /// PAM's English name, e.g. `Cease Fire`.
    pub fn pam_name(self) -> &'static str {
        TABLE[usize::from(self.0)].1
    }

    /// The type a free-text theme stored before provision types existed names, when it names
    /// one: the code or PAM name, ignoring case, spaces and punctuation (`"ceasefire"`,
    /// `"Cease-fire"`, `"DISARMAMENT"`).
    pub fn from_legacy_theme(theme: &str) -> Option<ProvisionType> {
        let squash = |s: &str| -> String {
            s.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect()
        };
        let t = squash(theme);
        if t.is_empty() {
            return None;
        }
        Self::all().find(|p| squash(p.code()) == t || squash(p.pam_name()) == t)
    }
}

impl fmt::Debug for ProvisionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProvisionType({})", self.code())
    }
}

impl fmt::Display for ProvisionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for ProvisionType {
    type Err = Error;
    fn from_str(s: &str) -> Result<ProvisionType> {
        ProvisionType::parse(s)
    }
}

impl Serialize for ProvisionType {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for ProvisionType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ProvisionType::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_in_pam_order() {
        let codes: Vec<&str> = ProvisionType::all().map(ProvisionType::code).collect();
        assert_eq!(codes.len(), 50);
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len(), "unique");
        assert!(codes.iter().all(|c| {
            c.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        }));
        let names: Vec<String> = ProvisionType::all()
            .map(|p| p.pam_name().to_lowercase())
            .collect();
        let mut alphabetical = names.clone();
        alphabetical.sort();
        assert_eq!(names, alphabetical, "the PAM list is alphabetical");
        for p in ProvisionType::all() {
            assert_eq!(ProvisionType::parse(p.code()).unwrap(), p);
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.code()));
            assert_eq!(serde_json::from_str::<ProvisionType>(&json).unwrap(), p);
        }
    }

    #[test]
    fn unknown_codes_are_refused_and_legacy_themes_are_matched() {
        let e = ProvisionType::parse("security").unwrap_err();
        assert!(e.to_string().contains("provision_type"), "{e}");
        assert!(serde_json::from_str::<ProvisionType>("\"Cease Fire\"").is_err());
        let t = |s| ProvisionType::from_legacy_theme(s).map(ProvisionType::code);
        assert_eq!(t("ceasefire"), Some("cease-fire"));
        assert_eq!(t("Cease-fire"), Some("cease-fire"));
        assert_eq!(t("DISARMAMENT"), Some("disarmament"));
        assert_eq!(t("Women's rights"), Some("womens-rights"));
        assert_eq!(t("humanitarian"), None);
        assert_eq!(t(" "), None);
    }
}
