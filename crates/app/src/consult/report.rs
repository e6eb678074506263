//! The convenor's report of a stored consultation: who may read it (organisers always;
//! participants and signed-in accounts once an organiser has published it), publication, and
//! the report itself — `chamber_consult::report::build` over the export the store holds, the
//! same computation as `chamber consult analyze --json` on a folder (see `map`).

use super::{Consultations, OpinionMap, from_store};
use crate::error::{AppError, AppResult};
use chamber_core::permissions;
use chamber_store::User;
use chamber_store::consult::Consultation;
use std::sync::Arc;

/// Who asks for a report.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    pub user: Option<&'a User>,
    /// The holder of an anonymous participant's secret (a participation-link cookie).
    pub secret: Option<&'a str>,
}

/// A report and what its reader may do with it.
#[derive(Debug, Clone)]
pub struct ReportView {
    pub consultation: Consultation,
    pub map: Arc<OpinionMap>,
    /// The reader may publish or withdraw it.
    pub may_organise: bool,
}

/// Who may read a report: organisers always; once it is published, signed-in accounts (every
/// account may take part) and anonymous participants. Anyone else signs in first; a reader the
/// unpublished report is not for is refused.
pub fn may_read_report(
    user: Option<&User>,
    participant: bool,
    published: bool,
) -> Result<(), AppError> {
    match user {
        Some(u) if permissions::may_organise_consultation(u.role) => Ok(()),
        Some(_) if published => Ok(()),
        None if participant && published => Ok(()),
        None if !participant => Err(AppError::SignIn),
        _ => Err(AppError::Forbidden),
    }
}

impl Consultations {
    /// The report of consultation `id` for `reader`.
    pub async fn report(&self, id: &str, reader: Reader<'_>) -> AppResult<ReportView> {
        let c = self.get(id).await?;
        let participant = match (reader.user, reader.secret) {
            (None, Some(secret)) => self
                .store
                .participant_by_secret(&c.id, secret)
                .await?
                .is_some(),
            _ => false,
        };
        may_read_report(reader.user, participant, c.report_published)?;
        let map = self.opinion_map(&c).await?;
        Ok(ReportView {
            may_organise: Self::may_organise(reader.user),
            consultation: c,
            map,
        })
    }

    /// Organisers open the report to participants, or close it again.
    pub async fn publish_report(&self, user: &User, id: &str, publish: bool) -> AppResult<()> {
        if !permissions::may_organise_consultation(user.role) {
            return Err(AppError::Forbidden);
        }
        self.store
            .set_report_published(&user.id, id, publish)
            .await
            .map_err(from_store)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chamber_core::Role;

    fn user(role: Role) -> User {
        User {
            id: "u".into(),
            username: "u".into(),
            display_name: "U".into(),
            role,
            created_at: String::new(),
            has_password: true,
        }
    }

    #[test]
    fn organisers_always_participants_once_published() {
        let organiser = user(Role::Mediator);
        let delegate = user(Role::Delegate);
        for published in [false, true] {
            assert!(may_read_report(Some(&organiser), false, published).is_ok());
        }
        assert!(matches!(
            may_read_report(Some(&delegate), false, false),
            Err(AppError::Forbidden)
        ));
        assert!(may_read_report(Some(&delegate), false, true).is_ok());
        assert!(matches!(
            may_read_report(None, true, false),
            Err(AppError::Forbidden)
        ));
        assert!(may_read_report(None, true, true).is_ok());
        for published in [false, true] {
            assert!(matches!(
                may_read_report(None, false, published),
                Err(AppError::SignIn)
            ));
        }
    }
}
