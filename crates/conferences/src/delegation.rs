//! Delegations of Member States and observer States: their members within the conference's
//! limits, their credentials, and the credentials committee's report.
//!
//! Rule 25 of the General Assembly's rules of procedure: a delegation has at most five
//! representatives and five alternates, and as many advisers as required (the conference may
//! set other limits); the head of delegation is one of the representatives. Rule 27:
//! credentials are issued by the Head of State or Government or the Minister for Foreign
//! Affairs. Rule 28–29: a credentials committee examines them and reports; a representative
//! whose admission is questioned sits provisionally until the conference decides.

use crate::Timestamp;
use crate::conference::{Category, Conference, DelegationLimits};
use crate::error::{Error, Result, clean_line, invalid};
use crate::ids::{ConferenceId, Country, CredentialId, DelegationId};
use crate::permissions;
use chamber_core::Lang;
use chamber_mediation::PersonId;
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use time::Date;

/// A member's function in the delegation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Function {
    /// Head of delegation (one of the representatives).
    Head,
    Representative,
    Alternate,
    Adviser,
}

impl Function {
    pub fn parse(s: &str) -> Result<Function> {
        match s.trim() {
            "head" => Ok(Function::Head),
            "representative" => Ok(Function::Representative),
            "alternate" => Ok(Function::Alternate),
            "adviser" => Ok(Function::Adviser),
            _ => Err(invalid(
                "function",
                "head, representative, alternate or adviser",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Function::Head => "head",
            Function::Representative => "representative",
            Function::Alternate => "alternate",
            Function::Adviser => "adviser",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub person: PersonId,
    pub function: Function,
}

/// Who signed the credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Issuer {
    HeadOfState,
    HeadOfGovernment,
    MinisterForForeignAffairs,
}

impl Issuer {
    /// Reads an issuer; any authority but the three of rule 27 is refused with the rule's words.
    pub fn parse(s: &str) -> Result<Issuer> {
        let norm: String = s
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        match norm.as_str() {
            "head of state" => Ok(Issuer::HeadOfState),
            "head of government" => Ok(Issuer::HeadOfGovernment),
            "minister for foreign affairs" | "minister of foreign affairs" | "foreign minister" => {
                Ok(Issuer::MinisterForForeignAffairs)
            }
            _ => Err(Error::IssuerWithoutAuthority(s.trim().to_string())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Issuer::HeadOfState => "head_of_state",
            Issuer::HeadOfGovernment => "head_of_government",
            Issuer::MinisterForForeignAffairs => "minister_for_foreign_affairs",
        }
    }
}

/// The credentials committee's finding on a delegation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "verdict")]
pub enum Verdict {
    /// Formal credentials in due form.
    Accepted,
    /// Sits provisionally (e.g. a communication, not yet formal credentials).
    Provisional,
    /// Admission objected to; the conference decides.
    Questioned { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credential {
    pub id: CredentialId,
    pub issuer: Issuer,
    /// The signatory's name as written.
    pub signatory: String,
    pub issued_on: Date,
    /// The members it names.
    pub covers: Vec<PersonId>,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: Timestamp,
    pub received_by: PersonId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delegation {
    pub id: DelegationId,
    pub conference: ConferenceId,
    pub country: Country,
    /// [`Category::MemberState`] or [`Category::Observer`].
    pub category: Category,
    pub members: Vec<Member>,
    pub credentials: Vec<Credential>,
    /// The committee's latest finding, when it has reported.
    #[serde(default)]
    pub verdict: Option<Verdict>,
}

impl Delegation {
    /// The secretariat opens a delegation for a State (one per State and conference: the
    /// caller keeps that unique).
    pub fn open<R: CryptoRng + RngCore + ?Sized>(
        rng: &mut R,
        conference: &Conference,
        by: &PersonId,
        country: Country,
        category: Category,
    ) -> Result<Delegation> {
        permissions::require(
            permissions::may_manage(conference, by),
            "only the secretariat",
        )?;
        if !category.is_state() {
            return Err(invalid(
                "category",
                "a delegation is of a Member State or an observer State",
            ));
        }
        Ok(Delegation {
            id: DelegationId::generate(rng),
            conference: conference.id.clone(),
            country,
            category,
            members: Vec::new(),
            credentials: Vec::new(),
            verdict: None,
        })
    }

    pub fn name(&self, lang: Lang) -> &'static str {
        self.country.name(lang)
    }

    /// Adds a member within the limits; refused with the limit named, nothing changed.
    pub fn add_member(
        &mut self,
        conference: &Conference,
        by: &PersonId,
        person: PersonId,
        function: Function,
    ) -> Result<()> {
        permissions::require(
            permissions::may_manage_delegation(conference, by, self),
            "only the secretariat or the head of delegation",
        )?;
        check_limits(
            &self.members,
            &conference.limits,
            &person,
            function,
            self.name(Lang::En),
        )?;
        self.members.push(Member { person, function });
        Ok(())
    }

    pub fn remove_member(
        &mut self,
        conference: &Conference,
        by: &PersonId,
        person: &PersonId,
    ) -> Result<()> {
        permissions::require(
            permissions::may_manage_delegation(conference, by, self),
            "only the secretariat or the head of delegation",
        )?;
        let before = self.members.len();
        self.members.retain(|m| &m.person != person);
        if before == self.members.len() {
            return Err(Error::NotFound);
        }
        Ok(())
    }

    /// The secretariat records credentials received. The issuer is checked by [`Issuer::parse`]
    /// before this is called; every person covered must be a member.
    #[allow(clippy::too_many_arguments)]
    pub fn receive_credential<R: CryptoRng + RngCore + ?Sized>(
        &mut self,
        rng: &mut R,
        conference: &Conference,
        by: &PersonId,
        issuer: Issuer,
        signatory: &str,
        issued_on: Date,
        covers: Vec<PersonId>,
        at: Timestamp,
    ) -> Result<CredentialId> {
        permissions::require(
            permissions::may_manage(conference, by),
            "only the secretariat",
        )?;
        if covers.is_empty() {
            return Err(invalid("covers", "credentials name at least one member"));
        }
        if let Some(p) = covers
            .iter()
            .find(|p| !self.members.iter().any(|m| &m.person == *p))
        {
            return Err(invalid(
                "covers",
                format!("{p} is not a member of this delegation"),
            ));
        }
        let id = CredentialId::generate(rng);
        self.credentials.push(Credential {
            id: id.clone(),
            issuer,
            signatory: clean_line("signatory", signatory, 200)?,
            issued_on,
            covers,
            received_at: at,
            received_by: by.clone(),
        });
        Ok(id)
    }
}

fn check_limits(
    members: &[Member],
    limits: &DelegationLimits,
    person: &PersonId,
    function: Function,
    country: &str,
) -> Result<()> {
    if members.iter().any(|m| &m.person == person) {
        return Err(invalid("member", "already a member of this delegation"));
    }
    let count =
        |f: &dyn Fn(Function) -> bool| members.iter().filter(|m| f(m.function)).count() as u32;
    let full = |function: &'static str, limit: u32| Error::DelegationFull {
        country: country.to_string(),
        function,
        limit,
    };
    match function {
        Function::Head if count(&|f| f == Function::Head) > 0 => {
            Err(invalid("function", "the delegation already has a head"))
        }
        Function::Head | Function::Representative
            if count(&|f| matches!(f, Function::Head | Function::Representative))
                >= limits.representatives =>
        {
            Err(full("representatives", limits.representatives))
        }
        Function::Alternate if count(&|f| f == Function::Alternate) >= limits.alternates => {
            Err(full("alternates", limits.alternates))
        }
        Function::Adviser => match limits.advisers {
            Some(max) if count(&|f| f == Function::Adviser) >= max => Err(full("advisers", max)),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

/// One line of the committee's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportEntry {
    pub delegation: DelegationId,
    pub country: Country,
    #[serde(flatten)]
    pub verdict: Verdict,
}

/// The credentials committee's report: every delegation marked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialsReport {
    pub conference: ConferenceId,
    #[serde(with = "time::serde::rfc3339")]
    pub adopted_at: Timestamp,
    pub adopted_by: PersonId,
    pub entries: Vec<ReportEntry>,
}

/// The committee marks each delegation: a verdict for every one, none left out, and
/// "accepted" only for a delegation whose formal credentials were received. On success every
/// delegation carries its verdict.
pub fn examine(
    conference: &Conference,
    by: &PersonId,
    delegations: &mut [Delegation],
    verdicts: &[(DelegationId, Verdict)],
    at: Timestamp,
) -> Result<CredentialsReport> {
    permissions::require(
        permissions::may_examine_credentials(conference, by),
        "only the credentials committee",
    )?;
    let mut entries = Vec::new();
    for d in delegations.iter() {
        let found: Vec<&Verdict> = verdicts
            .iter()
            .filter(|(id, _)| id == &d.id)
            .map(|(_, v)| v)
            .collect();
        let v = match found.as_slice() {
            [v] => (*v).clone(),
            [] => {
                return Err(invalid(
                    "verdicts",
                    format!("the delegation of {} is not marked", d.name(Lang::En)),
                ));
            }
            _ => {
                return Err(invalid(
                    "verdicts",
                    format!("the delegation of {} is marked twice", d.name(Lang::En)),
                ));
            }
        };
        if v == Verdict::Accepted && d.credentials.is_empty() {
            return Err(invalid(
                "verdicts",
                format!(
                    "the delegation of {} has no formal credentials: provisional or questioned",
                    d.name(Lang::En)
                ),
            ));
        }
        if let Verdict::Questioned { reason } = &v {
            clean_line("reason", reason, 1000)?;
        }
        entries.push(ReportEntry {
            delegation: d.id.clone(),
            country: d.country.clone(),
            verdict: v,
        });
    }
    if let Some((id, _)) = verdicts
        .iter()
        .find(|(id, _)| !delegations.iter().any(|d| &d.id == id))
    {
        return Err(invalid(
            "verdicts",
            format!("{id} is not a delegation of this conference"),
        ));
    }
    for (d, e) in delegations.iter_mut().zip(&entries) {
        d.verdict = Some(e.verdict.clone());
    }
    Ok(CredentialsReport {
        conference: conference.id.clone(),
        adopted_at: at,
        adopted_by: by.clone(),
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conference::StaffRole;
    use crate::conference::tests::{forum, pid};
    use rand::SeedableRng;
    use time::macros::{date, datetime};

    #[test]
    fn a_delegation_above_its_limits_is_refused_and_keeps_its_members() {
        let mut r = rand::rngs::StdRng::seed_from_u64(7);
        let c = forum(&mut r);
        let mut d = Delegation::open(
            &mut r,
            &c,
            &pid("sec"),
            Country::parse("TKM").unwrap(),
            Category::MemberState,
        )
        .unwrap();
        d.add_member(&c, &pid("sec"), pid("head"), Function::Head)
            .unwrap();
        for i in 0..4 {
            d.add_member(
                &c,
                &pid("head"),
                pid(&format!("rep{i}")),
                Function::Representative,
            )
            .unwrap();
        }
        let before = d.clone();
        let e = d
            .add_member(&c, &pid("head"), pid("rep5"), Function::Representative)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "the delegation of Turkmenistan already has 5 representatives, the most this conference allows"
        );
        assert_eq!(d, before, "nothing else lost");
        for i in 0..5 {
            d.add_member(
                &c,
                &pid("sec"),
                pid(&format!("alt{i}")),
                Function::Alternate,
            )
            .unwrap();
        }
        assert!(matches!(
            d.add_member(&c, &pid("sec"), pid("alt5"), Function::Alternate),
            Err(Error::DelegationFull { limit: 5, .. })
        ));
        for i in 0..20 {
            d.add_member(&c, &pid("sec"), pid(&format!("adv{i}")), Function::Adviser)
                .unwrap();
        }
        assert!(
            d.add_member(&c, &pid("rep0"), pid("z"), Function::Adviser)
                .is_err(),
            "a representative does not manage"
        );
    }

    #[test]
    fn credentials_need_the_authority_of_rule_27() {
        assert_eq!(Issuer::parse("Head of State"), Ok(Issuer::HeadOfState));
        assert_eq!(
            Issuer::parse("head_of_government"),
            Ok(Issuer::HeadOfGovernment)
        );
        assert_eq!(
            Issuer::parse("Minister of Foreign Affairs"),
            Ok(Issuer::MinisterForForeignAffairs)
        );
        let e = Issuer::parse("Permanent Representative").unwrap_err();
        assert_eq!(
            e.to_string(),
            "credentials must be issued by the Head of State or Government or the Minister for Foreign Affairs; \"Permanent Representative\" has no such authority"
        );
    }

    #[test]
    fn the_committee_marks_every_delegation() {
        let mut r = rand::rngs::StdRng::seed_from_u64(8);
        let mut c = forum(&mut r);
        c.assign(&pid("sec"), pid("cc"), StaffRole::CredentialsCommittee)
            .unwrap();
        let at = datetime!(2026-12-12 08:00 UTC);
        let mut a = Delegation::open(
            &mut r,
            &c,
            &pid("sec"),
            Country::parse("TKM").unwrap(),
            Category::MemberState,
        )
        .unwrap();
        a.add_member(&c, &pid("sec"), pid("h"), Function::Head)
            .unwrap();
        a.receive_credential(
            &mut r,
            &c,
            &pid("sec"),
            Issuer::MinisterForForeignAffairs,
            "R. Meredov",
            date!(2026 - 12 - 01),
            vec![pid("h")],
            at,
        )
        .unwrap();
        let b = Delegation::open(
            &mut r,
            &c,
            &pid("sec"),
            Country::parse("VAT").unwrap(),
            Category::Observer,
        )
        .unwrap();
        let mut ds = vec![a, b];
        let ids: Vec<DelegationId> = ds.iter().map(|d| d.id.clone()).collect();
        assert!(
            examine(&c, &pid("sec"), &mut ds, &[], at).is_err(),
            "committee only"
        );
        assert!(
            examine(
                &c,
                &pid("cc"),
                &mut ds,
                &[(ids[0].clone(), Verdict::Accepted)],
                at
            )
            .is_err(),
            "all marked"
        );
        assert!(
            examine(
                &c,
                &pid("cc"),
                &mut ds,
                &[
                    (ids[0].clone(), Verdict::Accepted),
                    (ids[1].clone(), Verdict::Accepted)
                ],
                at
            )
            .is_err(),
            "accepted needs credentials"
        );
        let report = examine(
            &c,
            &pid("cc"),
            &mut ds,
            &[
                (ids[0].clone(), Verdict::Accepted),
                (ids[1].clone(), Verdict::Provisional),
            ],
            at,
        )
        .unwrap();
        assert_eq!(report.entries.len(), 2);
        assert_eq!(ds[1].verdict, Some(Verdict::Provisional));
    }
}
