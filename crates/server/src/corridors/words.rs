//! The corridors' words in the reader's language: the domain's refusals that a reader meets
//! most (an IMO number's check digit, a missing 46/182 designation, a plan proposed too late or
//! lapsed, a full inspection day, a hold or refusal without its reason) rendered from the
//! catalogue with the values the domain named; the late-registration flag; the chart titles.
//! A message not listed here is shown as the domain wrote it (it names the field).

use crate::SharedState;
use crate::auth::Ctx;
use chamber_app::corridors::published::ChartText;
use chamber_corridors::registration::{LateDecision, Lateness};

/// The catalogue in the reader's language.
pub fn t(state: &SharedState, ctx: &Ctx, key: &str, args: &[(&str, String)]) -> String {
    state.catalogue.tr(ctx.lang, key, args)
}

/// `a{x}b{y}c` pattern matching: the pieces between the literal parts, or `None`.
fn pieces<'a>(text: &'a str, literals: &[&str]) -> Option<Vec<&'a str>> {
    let mut rest = text.strip_prefix(literals[0])?;
    let mut out = Vec::new();
    for lit in &literals[1..] {
        if lit.is_empty() {
            out.push(rest);
            rest = "";
            continue;
        }
        let at = rest.find(lit)?;
        out.push(&rest[..at]);
        rest = &rest[at + lit.len()..];
    }
    rest.is_empty().then_some(out)
}

/// A domain message in the reader's language when the catalogue words it; as written
/// otherwise.
pub fn message(state: &SharedState, ctx: &Ctx, english: &str) -> String {
    match key_of(english) {
        Some((key, args)) => {
            let borrowed: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, v.clone())).collect();
            let mut args = borrowed;
            // A status named in the message is itself translated (a corridor's or a
            // registration's).
            for (k, v) in args.iter_mut() {
                if *k == "status" {
                    *v = t(state, ctx, &format!("corr-status-{v}"), &[]);
                } else if *k == "registration_status" {
                    *v = t(state, ctx, &format!("corr-reg-{v}"), &[]);
                }
            }
            t(state, ctx, key, &args)
        }
        None => english.to_string(),
    }
}

type Keyed = (&'static str, Vec<(&'static str, String)>);

/// The catalogue key and arguments of a domain message.
fn key_of(m: &str) -> Option<Keyed> {
    let fixed: &[(&str, &str)] = &[
        (
            "invalid 46/182 designation: humanitarian cargo needs the organisation's 46/182 designation",
            "corr-err-designation-needed",
        ),
        (
            "invalid 46/182 designation: the organisation must affirm the humanitarian principles",
            "corr-err-principles",
        ),
        (
            "invalid cargo: this corridor is humanitarian: mark the humanitarian cargo lines",
            "corr-err-humanitarian-corridor",
        ),
        (
            "invalid cargo: at least one cargo line (or 'ballast')",
            "corr-err-no-cargo",
        ),
        ("the plan is already approved", "corr-err-plan-approved"),
        (
            "invalid reason: a hold needs its reason",
            "corr-err-hold-reason",
        ),
        (
            "invalid reason: a refusal to sign needs its reason",
            "corr-err-refusal-reason",
        ),
        (
            "there is no result waiting for signatures",
            "corr-err-nothing-to-sign",
        ),
    ];
    if let Some((_, key)) = fixed.iter().find(|(text, _)| *text == m) {
        return Some((key, Vec::new()));
    }
    if m.starts_with("invalid IMO number: seven digits") {
        return Some(("corr-err-imo-format", Vec::new()));
    }
    let owned = |v: Vec<&str>| -> Vec<String> { v.into_iter().map(str::to_string).collect() };
    if let Some(p) = pieces(
        m,
        &[
            "invalid IMO number: check digit of ",
            " should be ",
            ", not ",
            "",
        ],
    ) {
        let p = owned(p);
        return Some((
            "corr-err-imo-check",
            vec![
                ("number", p[0].clone()),
                ("expected", p[1].clone()),
                ("given", p[2].clone()),
            ],
        ));
    }
    if let Some(p) = pieces(m, &["the corridor is ", ": no registrations are taken"]) {
        return Some(("corr-err-not-open", vec![("status", p[0].to_string())]));
    }
    if let Some(p) = pieces(m, &["the corridor is ", ": no movements are planned"]) {
        return Some(("corr-err-not-open", vec![("status", p[0].to_string())]));
    }
    if let Some(p) = pieces(m, &["plans for ", " had to be proposed by ", ""]) {
        return Some((
            "corr-err-plan-too-late",
            vec![("day", p[0].to_string()), ("deadline", readable(p[1]))],
        ));
    }
    if let Some(p) = pieces(
        m,
        &["the approval deadline passed at ", ": the plan lapsed"],
    ) {
        return Some(("corr-err-plan-lapsed", vec![("deadline", readable(p[0]))]));
    }
    if let Some(p) = pieces(m, &["day: a plan for ", " already exists"]) {
        return Some(("corr-err-plan-exists", vec![("day", p[0].to_string())]));
    }
    if let Some(p) = pieces(m, &["", " is full: ", " inspections a day"]) {
        return Some((
            "corr-err-day-full",
            vec![("day", p[0].to_string()), ("capacity", p[1].to_string())],
        ));
    }
    if let Some(p) = pieces(
        m,
        &[
            "movement ",
            ": invalid movements: ",
            " cannot be planned: it is ",
            "",
        ],
    ) {
        let p = owned(p);
        return Some((
            "corr-err-not-plannable",
            vec![
                ("n", p[0].clone()),
                ("label", p[1].clone()),
                ("registration_status", p[2].clone()),
            ],
        ));
    }
    if let Some(p) = pieces(m, &["", " is not moving: it is ", ""]) {
        let p = owned(p);
        return Some((
            "corr-err-not-moving",
            vec![
                ("label", p[0].clone()),
                ("registration_status", p[1].clone()),
            ],
        ));
    }
    if let Some(p) = pieces(m, &["", ": required"]) {
        return Some(("corr-err-required", vec![("field", p[0].to_string())]));
    }
    None
}

/// `2022-08-02T13:00:00Z` → `2022-08-02 13:00 UTC`; anything else as it is.
pub fn readable(rfc3339: &str) -> String {
    match time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339) {
        Ok(t) => super::view::minute(t),
        Err(_) => rfc3339.to_string(),
    }
}

/// Hours with at most one decimal.
fn hours(minutes: i64) -> String {
    let h = minutes.unsigned_abs() as f64 / 60.0;
    let s = format!("{h:.1}");
    s.strip_suffix(".0").unwrap_or(&s).to_string()
}

/// The late-registration flag, worded by the corridor's rule.
pub fn lateness(state: &SharedState, ctx: &Ctx, late: &Lateness) -> String {
    let key = if late.notice_minutes < 0 {
        "corr-late-after"
    } else {
        "corr-late-before"
    };
    t(
        state,
        ctx,
        key,
        &[
            ("hours", hours(late.notice_minutes)),
            ("required", late.required_hours.to_string()),
        ],
    )
}

/// The centre's decision on a late registration.
pub fn late_decision(state: &SharedState, ctx: &Ctx, d: &LateDecision) -> String {
    let key = if d.accepted {
        "corr-late-accepted"
    } else {
        "corr-late-refused"
    };
    t(
        state,
        ctx,
        key,
        &[
            ("by", d.by.to_string()),
            ("at", super::view::minute(d.at)),
            ("reason", d.reason.clone()),
        ],
    )
}

/// The report charts' titles and words.
pub fn chart_text(state: &SharedState, ctx: &Ctx) -> ChartText {
    let w = |k: &str| t(state, ctx, k, &[]);
    ChartText {
        by_commodity: w("corr-report-by-commodity"),
        by_destination: w("corr-report-by-destination"),
        by_income_group: w("corr-report-by-income-group"),
        by_departure_port: w("corr-report-by-port"),
        by_month: w("corr-report-by-month"),
        voyages_per_week: w("corr-report-per-week"),
        days_to_inspection: w("corr-report-days-to-inspection"),
        inspections_per_day: w("corr-report-inspections-per-day"),
        others: w("corr-report-others"),
        tonnes: w("corr-unit-tonnes"),
    }
}

/// An income group's label in the reader's language (the World Bank's four and "not stated";
/// anything else as published).
pub fn income_group(state: &SharedState, ctx: &Ctx, label: &str) -> String {
    let key = match label {
        "Low income" => "corr-income-low",
        "Lower-middle income" => "corr-income-lower-middle",
        "Upper-middle income" => "corr-income-upper-middle",
        "High income" => "corr-income-high",
        chamber_corridors::report::NOT_STATED => "corr-income-not-stated",
        other => return other.to_string(),
    };
    t(state, ctx, key, &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use chamber_app::AppError;
    use chamber_corridors::registration::HumanitarianDesignation;
    use chamber_corridors::vessel::ImoNumber;

    fn domain(e: chamber_corridors::Error) -> String {
        AppError::from(e).to_string()
    }

    #[test]
    fn the_domains_refusals_are_found_with_their_values() {
        let (key, args) = key_of(&domain(ImoNumber::parse("9074720").unwrap_err())).unwrap();
        assert_eq!(key, "corr-err-imo-check");
        assert_eq!(
            args,
            [
                ("number", "9074720".to_string()),
                ("expected", "9".to_string()),
                ("given", "0".to_string())
            ]
        );
        assert_eq!(
            key_of(&domain(ImoNumber::parse("90747").unwrap_err()))
                .unwrap()
                .0,
            "corr-err-imo-format"
        );
        assert_eq!(
            key_of(&domain(
                HumanitarianDesignation::new("WFP", None, false).unwrap_err()
            ))
            .unwrap()
            .0,
            "corr-err-principles"
        );
        let (key, args) =
            key_of("plans for 2022-08-03 had to be proposed by 2022-08-02T13:00:00Z").unwrap();
        assert_eq!(key, "corr-err-plan-too-late");
        assert_eq!(args[1].1, "2022-08-02 13:00 UTC");
        assert_eq!(
            key_of("2022-08-04 is full: 3 inspections a day").unwrap().1,
            [
                ("day", "2022-08-04".to_string()),
                ("capacity", "3".to_string())
            ]
        );
        let (key, args) = key_of(
            "movement 2: invalid movements: RAZONI (IMO 9086526) cannot be planned: it is late_awaiting_decision",
        )
        .unwrap();
        assert_eq!(key, "corr-err-not-plannable");
        assert_eq!(
            args,
            [
                ("n", "2".to_string()),
                ("label", "RAZONI (IMO 9086526)".to_string()),
                ("registration_status", "late_awaiting_decision".to_string())
            ]
        );
        assert_eq!(
            key_of("RAZONI (IMO 9086526) is not moving: it is arrived")
                .unwrap()
                .1[0]
                .1,
            "RAZONI (IMO 9086526)"
        );
        assert!(key_of("invalid vessel name: must not be empty").is_none());
    }

    #[test]
    fn every_key_the_domain_messages_use_is_in_the_catalogue_in_every_language() {
        let catalogue = chamber_i18n::Catalogue::load();
        for m in [
            "invalid IMO number: check digit of 9074720 should be 9, not 0",
            "invalid IMO number: seven digits (e.g. IMO 9074729)",
            "the corridor is suspended: no registrations are taken",
            "plans for 2022-08-03 had to be proposed by 2022-08-02T13:00:00Z",
            "the approval deadline passed at 2022-08-02T16:00:00Z: the plan lapsed",
            "day: a plan for 2022-08-03 already exists",
            "2022-08-04 is full: 3 inspections a day",
            "name: required",
            "movement 2: invalid movements: RAZONI (IMO 9086526) cannot be planned: it is late_awaiting_decision",
            "RAZONI (IMO 9086526) is not moving: it is arrived",
        ] {
            let (key, _) = key_of(m).unwrap_or_else(|| panic!("{m}"));
            for lang in chamber_i18n::Lang::ALL {
                assert!(catalogue.has(lang, key), "{} lacks {key}", lang.code());
            }
        }
    }
}
