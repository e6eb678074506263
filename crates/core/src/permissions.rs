//! Who may do what, decided in one place.
//!
//! Handlers ask these functions; templates never decide access.

use crate::Role;

/// Administration pages and API (accounts, tokens, the audit record).
pub fn may_administer(role: Role) -> bool {
    role == Role::Admin
}

/// Reading the audit record (secretariat only: it names every actor).
pub fn may_read_audit(role: Role) -> bool {
    role == Role::Admin
}

/// Early-warning dashboards and alerts.
pub fn may_use_watch(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Analyst | Role::Mediator)
}

/// Opening consultations, adding statements at once and moderating participants' statements.
pub fn may_organise_consultation(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Mediator)
}

/// Opening a peace process or preventive case (by hand or from a Watch alert). Whoever opens
/// it joins it: a mediator as its mediator, anyone else as an observer.
pub fn may_open_process(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Mediator | Role::Analyst)
}

/// The library of resolutions and lessons learned is open to every signed-in person.
pub fn may_use_library(_role: Role) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_secretariat_administers() {
        for role in Role::ALL {
            assert_eq!(may_administer(role), role == Role::Admin, "{role}");
            assert_eq!(may_read_audit(role), role == Role::Admin, "{role}");
        }
    }

    #[test]
    fn only_the_secretariat_and_mediators_organise_consultations() {
        for role in Role::ALL {
            assert_eq!(
                may_organise_consultation(role),
                matches!(role, Role::Admin | Role::Mediator),
                "{role}"
            );
        }
    }

    #[test]
    fn delegates_do_not_see_early_warning() {
        assert!(!may_use_watch(Role::Delegate));
        assert!(!may_use_watch(Role::Observer));
        assert!(may_use_watch(Role::Analyst));
    }
}
