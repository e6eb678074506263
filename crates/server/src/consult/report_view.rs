//! The convenor's report as the page draws it: participation over time and the opinion map as
//! SVG coordinates, groups with letters and colours, each statement in the reader's language
//! (with its original when a translation is shown), shares as whole percentages beside the
//! exact shares, and the method's steps and limits as catalogue messages. Numbers are the
//! report's own (`chamber_consult::report::build`); nothing here computes another.

use chamber_consult::report::{Report, Shares, StatementText};
use chamber_i18n::{Catalogue, Lang};
use serde_json::{Value, json};

/// Group colours, in group order (the opinion map page uses the same).
pub const PALETTE: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
];
const UNGROUPED: &str = "#9aa9b8";

/// Group `id`'s letter (A, B, …).
pub fn group_label(id: usize) -> String {
    char::from(b'A' + (id % 26) as u8).to_string()
}

/// Catalogue keys of the method's steps and limits, in the report's order; the English
/// catalogue holds the report's own sentences (a test keeps them equal).
pub const STEP_KEYS: [&str; 5] = [
    "consult-report-step-votes",
    "consult-report-step-map",
    "consult-report-step-groups",
    "consult-report-step-repness",
    "consult-report-step-consensus",
];
pub const LIMIT_KEYS: [&str; 6] = [
    "consult-report-limit-reading",
    "consult-report-limit-few-votes",
    "consult-report-limit-cold",
    "consult-report-limit-shares",
    "consult-report-limit-divisive",
    "consult-report-limit-no-dates",
];

/// A sentence of the report's method in the reader's language: the catalogue message whose
/// English text is the sentence, else the sentence itself.
fn method_sentence(catalogue: &Catalogue, lang: Lang, english: &str, keys: &[&str]) -> Value {
    match keys
        .iter()
        .find(|k| catalogue.tr(Lang::En, k, &[]) == english)
    {
        Some(k) => json!({"text": catalogue.tr(lang, k, &[]), "lang": lang.code(), "key": k}),
        None => json!({"text": english, "lang": "en", "key": Value::Null}),
    }
}

fn percent(share: f64) -> i64 {
    (share * 100.0).round() as i64
}

/// A statement for a reader of `lang`: its text in that language when written in it or
/// translated into it, else as written; the original beside a translation.
pub fn statement(s: &StatementText, lang: Lang) -> Value {
    let code = lang.code();
    let (text, text_lang, original) = if s.lang == Some(code) {
        (s.body.as_str(), Some(code), None)
    } else if let Some(t) = s.translations.get(code) {
        (t.as_str(), Some(code), Some(s.body.as_str()))
    } else {
        (s.body.as_str(), s.lang, None)
    };
    json!({
        "number": s.number,
        "text": text,
        "lang": text_lang.unwrap_or(""),
        "original": original,
        "original_lang": s.lang.unwrap_or(""),
    })
}

fn shares(s: &Shares) -> Value {
    json!({
        "agree": s.agree, "disagree": s.disagree, "pass": s.pass,
        "agree_pct": percent(s.agree_share),
        "disagree_pct": percent(s.disagree_share),
        "pass_pct": percent(s.pass_share),
        "agree_share": s.agree_share,
        "disagree_share": s.disagree_share,
    })
}

fn per_group(list: &[Shares], ids: &[usize]) -> Vec<Value> {
    list.iter()
        .zip(ids)
        .map(|(s, &id)| {
            let mut v = shares(s);
            v["label"] = json!(group_label(id));
            v["colour"] = json!(PALETTE[id % PALETTE.len()]);
            v
        })
        .collect()
}

/// Day number since 1970-01-01 of a `YYYY-MM-DD` date (Howard Hinnant's days-from-civil).
fn day_number(date: &str) -> Option<i64> {
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<i64>());
    let (y, m, d) = (
        parts.next()?.ok()?,
        parts.next()?.ok()?,
        parts.next()?.ok()?,
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Participation over time: a bar per day with votes (placed on the calendar, so quiet days
/// show as gaps) and the participants who had voted by each day as a line.
fn participation(r: &Report) -> Value {
    const W: f64 = 640.0;
    const H: f64 = 180.0;
    const LEFT: f64 = 8.0;
    const TOP: f64 = 8.0;
    let days = &r.participation.days;
    let numbers: Vec<i64> = days
        .iter()
        .map(|d| day_number(&d.date).unwrap_or(0))
        .collect();
    let (Some(&first), Some(&last)) = (numbers.first(), numbers.last()) else {
        return json!({"days": 0, "undated": r.participation.undated_votes});
    };
    let span = (last - first + 1) as f64;
    let plot_w = W - 2.0 * LEFT;
    let plot_h = H - 2.0 * TOP;
    let bar_w = (plot_w / span).max(1.0);
    let max_votes = days.iter().map(|d| d.votes).max().unwrap_or(1).max(1) as f64;
    let max_people = days
        .iter()
        .map(|d| d.participants_to_date)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let x_of = |n: i64| LEFT + plot_w * (n - first) as f64 / span;
    let bars: Vec<Value> = days
        .iter()
        .zip(&numbers)
        .map(|(d, &n)| {
            let h = plot_h * d.votes as f64 / max_votes;
            json!({
                "x": format!("{:.2}", x_of(n)),
                "y": format!("{:.2}", TOP + plot_h - h),
                "w": format!("{:.2}", bar_w),
                "h": format!("{:.2}", h),
                "date": d.date,
                "votes": d.votes,
                "participants": d.participants,
                "new": d.new_participants,
            })
        })
        .collect();
    let line: Vec<String> = days
        .iter()
        .zip(&numbers)
        .map(|(d, &n)| {
            format!(
                "{:.2},{:.2}",
                x_of(n) + bar_w / 2.0,
                TOP + plot_h - plot_h * d.participants_to_date as f64 / max_people
            )
        })
        .collect();
    let peak = days
        .iter()
        .max_by_key(|d| (d.votes, std::cmp::Reverse(d.date.clone())))
        .expect("at least one day");
    json!({
        "days": days.len(),
        "width": W,
        "height": H,
        "bars": bars,
        "line": line.join(" "),
        "first": days[0].date,
        "last": days[days.len() - 1].date,
        "max_votes": max_votes as u64,
        "participants": max_people as u64,
        "peak_date": peak.date,
        "peak_votes": peak.votes,
        "undated": r.participation.undated_votes,
    })
}

/// The opinion map: participants as dots coloured by group, group centres labelled.
fn map(r: &Report) -> Value {
    const SIZE: f64 = 420.0;
    let xs = r
        .map
        .points
        .iter()
        .map(|p| p.x)
        .chain(r.map.group_centres.iter().map(|c| c[0]));
    let ys = r
        .map
        .points
        .iter()
        .map(|p| p.y)
        .chain(r.map.group_centres.iter().map(|c| c[1]));
    let (lo_x, hi_x) = xs.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (lo_y, hi_y) = ys.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let scale = |v: f64, lo: f64, hi: f64| {
        if hi > lo {
            20.0 + (SIZE - 40.0) * (v - lo) / (hi - lo)
        } else {
            SIZE / 2.0
        }
    };
    let points: Vec<Value> = r
        .map
        .points
        .iter()
        .map(|p| {
            json!({
                "x": format!("{:.1}", scale(p.x, lo_x, hi_x)),
                "y": format!("{:.1}", SIZE - scale(p.y, lo_y, hi_y)),
                "group": p.group.map_or("none".to_string(), group_label),
                "colour": p.group.map_or(UNGROUPED, |g| PALETTE[g % PALETTE.len()]),
                "clustered": p.clustered,
            })
        })
        .collect();
    let centres: Vec<Value> = r
        .groups
        .iter()
        .zip(&r.map.group_centres)
        .map(|(g, c)| {
            json!({
                "x": format!("{:.1}", scale(c[0], lo_x, hi_x)),
                "y": format!("{:.1}", SIZE - scale(c[1], lo_y, hi_y)),
                "label": group_label(g.id),
                "colour": PALETTE[g.id % PALETTE.len()],
            })
        })
        .collect();
    json!({"size": SIZE, "points": points, "centres": centres})
}

/// Everything the report page shows, for a reader of `lang`.
pub fn report(r: &Report, lang: Lang, catalogue: &Catalogue) -> Value {
    let ids: Vec<usize> = r.groups.iter().map(|g| g.id).collect();
    let groups: Vec<Value> = r
        .groups
        .iter()
        .map(|g| {
            json!({
                "id": g.id,
                "label": group_label(g.id),
                "colour": PALETTE[g.id % PALETTE.len()],
                "size": g.size,
                "statements": g.representative.iter().map(|rep| json!({
                    "statement": statement(&rep.statement, lang),
                    "repful": rep.repful,
                    "group": shares(&rep.group),
                    "others": shares(&rep.others),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let consensus: Vec<Value> = r
        .consensus
        .iter()
        .map(|c| {
            json!({
                "statement": statement(&c.statement, lang),
                "score": format!("{:.3}", c.group_informed_consensus),
                "groups": per_group(&c.groups, &ids),
            })
        })
        .collect();
    let majority = |list: &[chamber_consult::report::StatementShares]| -> Vec<Value> {
        list.iter()
            .map(|m| json!({"statement": statement(&m.statement, lang), "shares": shares(&m.shares)}))
            .collect()
    };
    let divisive: Vec<Value> = r
        .divisive
        .iter()
        .map(|d| {
            json!({
                "statement": statement(&d.statement, lang),
                "spread_pct": percent(d.spread),
                "groups": per_group(&d.groups, &ids),
            })
        })
        .collect();
    let needing: Vec<Value> = r
        .needing_votes
        .statements
        .iter()
        .map(|s| {
            json!({
                "statement": statement(&s.statement, lang),
                "votes": s.votes,
                "share_pct": percent(s.share_of_participants),
            })
        })
        .collect();
    json!({
        "totals": r.totals,
        "participation": participation(r),
        "map": map(r),
        "groups": groups,
        "consensus": consensus,
        "majority_agree": majority(&r.majority_agree),
        "majority_disagree": majority(&r.majority_disagree),
        "divisive": divisive,
        "needing": {
            "count": r.needing_votes.count,
            "below_pct": percent(r.needing_votes.below_share),
            "statements": needing,
        },
        "steps": r.method.steps.iter().map(|s| method_sentence(catalogue, lang, s, &STEP_KEYS)).collect::<Vec<_>>(),
        "limits": r.method.limits.iter().map(|s| method_sentence(catalogue, lang, s, &LIMIT_KEYS)).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn dates_become_day_numbers() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2019-09-01"), Some(18_140));
        assert_eq!(day_number("2000-02-29"), Some(11_016));
        assert_eq!(day_number("1969-12-31"), Some(-1));
        for n in [-800, 0, 59, 60, 18_140, 20_000] {
            assert_eq!(day_number(&chamber_consult::report::civil_date(n)), Some(n));
        }
    }

    #[test]
    fn a_reader_gets_their_language_and_the_original_beside_it() {
        let s = StatementText {
            number: 7,
            body: "L'eau d'abord".into(),
            lang: Some("fr"),
            translations: BTreeMap::from([("ar", "الماء أولاً".to_string())]),
        };
        let ar = statement(&s, Lang::Ar);
        assert_eq!(
            (
                ar["text"].as_str(),
                ar["lang"].as_str(),
                ar["original"].as_str()
            ),
            (Some("الماء أولاً"), Some("ar"), Some("L'eau d'abord"))
        );
        let zh = statement(&s, Lang::Zh);
        assert_eq!(
            (
                zh["text"].as_str(),
                zh["lang"].as_str(),
                zh["original"].is_null()
            ),
            (Some("L'eau d'abord"), Some("fr"), true)
        );
    }

    /// A report of two camps of voters with no vote times: it states every step and limit.
    fn undated_report() -> Report {
        use chamber_consult::polis::{Comment, Export, Vote, VoteSource};
        let comments = (0..6u64)
            .map(|id| {
                (
                    id,
                    Comment {
                        id,
                        author: None,
                        moderated: 1,
                        is_meta: false,
                        body: format!("statement {id}"),
                    },
                )
            })
            .collect();
        let mut votes = BTreeMap::new();
        for p in 0..30u64 {
            for t in 0..6u64 {
                let agree = (p % 2 == 0) == (t % 2 == 0) || t == 5;
                votes.insert((p, t), if agree { Vote::Agree } else { Vote::Disagree });
            }
        }
        let export = Export {
            comments,
            votes,
            source: VoteSource::Memory,
        };
        let a = chamber_consult::analyze(&export, &chamber_consult::Options::default()).unwrap();
        chamber_consult::report::build(
            &export,
            &a,
            &Default::default(),
            &chamber_consult::Translations::default(),
        )
    }

    #[test]
    fn the_method_reads_in_every_language_and_english_is_the_report_itself() {
        let catalogue = Catalogue::load();
        // Every sentence the report states has its message (undated: every limit too).
        let mut sentences: Vec<(&str, &[&str])> = Vec::new();
        let r = undated_report().method;
        assert_eq!(
            (r.steps.len(), r.limits.len()),
            (STEP_KEYS.len(), LIMIT_KEYS.len())
        );
        for s in &r.steps {
            sentences.push((s, &STEP_KEYS));
        }
        for s in &r.limits {
            sentences.push((s, &LIMIT_KEYS));
        }
        for (s, keys) in sentences {
            let v = method_sentence(&catalogue, Lang::Fr, s, keys);
            assert!(!v["key"].is_null(), "no catalogue message says {s:?}");
            assert_ne!(v["text"].as_str(), Some(s), "not translated: {s:?}");
        }
    }
}
