//! Delegations, their members within the conference's limits, credentials received, and the
//! credentials committee's report. A delegation is seated in the conference's negotiating
//! process as a party, its members as that party's delegates (they propose amendments to the
//! outcome document).

use super::{Conferences, from_json, now, person_of, to_json};
use crate::error::{AppError, AppResult};
use chamber_conferences::delegation::{self, CredentialsReport, Function, Issuer, Verdict};
use chamber_conferences::{Category, Conference, Country, Delegation, DelegationId};
use chamber_core::{AuditDraft, Lang};
use chamber_mediation::PersonId;
use chamber_store::conferences::{Record, tx};
use chamber_store::{User, WriteTx};
use serde_json::json;
use time::Date;

pub(crate) const DELEGATION: &str = "delegation";
const REPORT: &str = "credentials_report";

pub(crate) fn record_of(d: &Delegation) -> Record {
    Record {
        id: d.id.to_string(),
        natural_key: d.country.to_string(),
        body: to_json(d),
    }
}

/// A delegation with its name in the viewer's language.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DelegationView {
    pub name: String,
    pub delegation: Delegation,
}

impl Conferences {
    pub(crate) async fn delegation_in(
        t: &mut WriteTx<'_>,
        conference: &str,
        id: &str,
    ) -> AppResult<Delegation> {
        DelegationId::parse(id).map_err(|_| AppError::NotFound)?;
        let r = tx::record(t, conference, DELEGATION, id)
            .await?
            .ok_or(AppError::NotFound)?;
        from_json("delegation", &r.body)
    }

    pub(crate) async fn delegations_of(&self, conference: &str) -> AppResult<Vec<Delegation>> {
        self.store
            .conference_records(conference, DELEGATION)
            .await?
            .iter()
            .map(|r| from_json("delegation", &r.body))
            .collect()
    }

    /// Changes one delegation (and the conference, whose process seats it) in one transaction.
    async fn change_delegation<T>(
        &self,
        user: &User,
        conference: &str,
        delegation: &str,
        action: &str,
        change: impl FnOnce(&mut Conference, &mut Delegation, &PersonId) -> AppResult<T>,
    ) -> AppResult<T> {
        let person = person_of(user)?;
        let mut t = self.store.begin_write().await?;
        let mut c = Self::load_in(&mut t, conference).await?;
        let mut d = Self::delegation_in(&mut t, conference, delegation).await?;
        let out = change(&mut c, &mut d, &person)?;
        tx::save_record(&mut t, conference, DELEGATION, &record_of(&d)).await?;
        Self::save_in(&mut t, &c).await?;
        t.record(
            AuditDraft::new(&user.username, &format!("conferences.{action}"), delegation)
                .after(&json!({"members": d.members.len(), "credentials": d.credentials.len()})),
        )
        .await?;
        t.commit().await?;
        Ok(out)
    }

    /// The secretariat opens the delegation of a Member State or observer State (one each).
    pub async fn open_delegation(
        &self,
        user: &User,
        conference: &str,
        country: &str,
        category: Category,
    ) -> AppResult<String> {
        let person = person_of(user)?;
        let country = Country::parse(country)?;
        let mut t = self.store.begin_write().await?;
        let mut c = Self::load_in(&mut t, conference).await?;
        let d = Delegation::open(&mut rand::rng(), &c, &person, country, category)?;
        if tx::records(&mut t, conference, DELEGATION)
            .await?
            .iter()
            .any(|r| r.natural_key == d.country.as_str())
        {
            return Err(AppError::invalid(format!(
                "country: {} already has a delegation at this conference",
                d.name(Lang::En)
            )));
        }
        c.seat_delegation(&mut rand::rng(), &d.id, d.name(Lang::En))?;
        tx::save_record(&mut t, conference, DELEGATION, &record_of(&d)).await?;
        Self::save_in(&mut t, &c).await?;
        t.record(
            AuditDraft::new(&user.username, "conferences.delegation.open", d.id.as_str())
                .after(&json!({"country": d.country.as_str(), "category": category.as_str()})),
        )
        .await?;
        t.commit().await?;
        Ok(d.id.to_string())
    }

    /// The delegations, in order of country code, named in `lang` (public to the conference).
    pub async fn delegations(
        &self,
        conference: &str,
        lang: Lang,
    ) -> AppResult<Vec<DelegationView>> {
        self.load(conference).await?;
        let mut v: Vec<DelegationView> = self
            .delegations_of(conference)
            .await?
            .into_iter()
            .map(|d| DelegationView {
                name: d.name(lang).to_string(),
                delegation: d,
            })
            .collect();
        v.sort_by(|a, b| {
            chamber_conferences::territories::sort_key(&a.name)
                .cmp(&chamber_conferences::territories::sort_key(&b.name))
        });
        Ok(v)
    }

    /// Adds a member within the conference's limits (refused with the limit named, nothing
    /// else changed). The member must hold a registration for that State.
    pub async fn add_member(
        &self,
        user: &User,
        conference: &str,
        delegation: &str,
        username: &str,
        function: Function,
    ) -> AppResult<()> {
        let member =
            PersonId::parse(username).map_err(|e| AppError::invalid(format!("username: {e}")))?;
        let reg = self
            .store
            .conference_registration_of(conference, username)
            .await?;
        self.change_delegation(
            user,
            conference,
            delegation,
            "delegation.member.add",
            |c, d, p| {
                let registered_for_state = reg
                    .as_ref()
                    .and_then(|r| {
                        serde_json::from_str::<chamber_conferences::Registration>(&r.body).ok()
                    })
                    .is_some_and(|r| {
                        r.affiliation.country() == Some(&d.country)
                            && !matches!(
                                r.state,
                                chamber_conferences::RegistrationState::Rejected { .. }
                                    | chamber_conferences::RegistrationState::Withdrawn
                            )
                    });
                if !registered_for_state {
                    return Err(AppError::invalid(format!(
                        "username: {username} has no registration for {}",
                        d.name(Lang::En)
                    )));
                }
                d.add_member(c, p, member.clone(), function)?;
                c.seat_member(&d.id, &member)?;
                Ok(())
            },
        )
        .await
    }

    pub async fn remove_member(
        &self,
        user: &User,
        conference: &str,
        delegation: &str,
        username: &str,
    ) -> AppResult<()> {
        let member = PersonId::parse(username).map_err(|_| AppError::NotFound)?;
        self.change_delegation(
            user,
            conference,
            delegation,
            "delegation.member.remove",
            |c, d, p| {
                d.remove_member(c, p, &member)?;
                c.unseat_member(&member);
                Ok(())
            },
        )
        .await
    }

    /// The secretariat records credentials received. An issuer other than the Head of State
    /// or Government or the Minister for Foreign Affairs is refused with that rule's words.
    #[allow(clippy::too_many_arguments)]
    pub async fn receive_credential(
        &self,
        user: &User,
        conference: &str,
        delegation: &str,
        issuer: &str,
        signatory: &str,
        issued_on: Date,
        covers: &[String],
    ) -> AppResult<String> {
        let issuer = Issuer::parse(issuer)?;
        let covers = covers
            .iter()
            .map(|u| PersonId::parse(u).map_err(|e| AppError::invalid(format!("covers: {e}"))))
            .collect::<AppResult<Vec<_>>>()?;
        self.change_delegation(
            user,
            conference,
            delegation,
            "delegation.credential.receive",
            |c, d, p| {
                Ok(d.receive_credential(
                    &mut rand::rng(),
                    c,
                    p,
                    issuer,
                    signatory,
                    issued_on,
                    covers,
                    now(),
                )?
                .to_string())
            },
        )
        .await
    }

    /// The credentials committee adopts its report, marking every delegation.
    pub async fn examine_credentials(
        &self,
        user: &User,
        conference: &str,
        verdicts: &[(String, Verdict)],
    ) -> AppResult<CredentialsReport> {
        let person = person_of(user)?;
        let verdicts = verdicts
            .iter()
            .map(|(id, v)| {
                Ok((
                    DelegationId::parse(id).map_err(|_| {
                        AppError::invalid(format!("verdicts: {id} is not a delegation"))
                    })?,
                    v.clone(),
                ))
            })
            .collect::<AppResult<Vec<_>>>()?;
        let mut t = self.store.begin_write().await?;
        let c = Self::load_in(&mut t, conference).await?;
        let mut ds: Vec<Delegation> = tx::records(&mut t, conference, DELEGATION)
            .await?
            .iter()
            .map(|r| from_json("delegation", &r.body))
            .collect::<AppResult<_>>()?;
        let report = delegation::examine(&c, &person, &mut ds, &verdicts, now())?;
        for d in &ds {
            tx::save_record(&mut t, conference, DELEGATION, &record_of(d)).await?;
        }
        let report_id = chamber_conferences::CredentialId::generate(&mut rand::rng()).to_string();
        tx::save_record(
            &mut t,
            conference,
            REPORT,
            &Record {
                id: report_id.clone(),
                natural_key: crate::conferences::stamp(report.adopted_at) + &report_id,
                body: to_json(&report),
            },
        )
        .await?;
        t.record(
            AuditDraft::new(&user.username, "conferences.credentials.report", &report_id)
                .after(&serde_json::to_value(&report).expect("report serialises")),
        )
        .await?;
        t.commit().await?;
        Ok(report)
    }

    /// The committee's latest report, if it has reported (public to the conference).
    pub async fn credentials_report(
        &self,
        conference: &str,
    ) -> AppResult<Option<CredentialsReport>> {
        self.load(conference).await?;
        match self
            .store
            .conference_records(conference, REPORT)
            .await?
            .last()
        {
            Some(r) => Ok(Some(from_json("credentials report", &r.body)?)),
            None => Ok(None),
        }
    }
}
