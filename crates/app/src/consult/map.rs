//! The opinion map and the convenor's report of a consultation: Pol.is's analysis of the
//! current votes and `chamber_consult::report::build` over the same export, the vote history's
//! times and the statements' languages — the computation `chamber consult analyze --json` runs
//! on a folder. Computed in a blocking task (it is CPU work) and cached per consultation until
//! the vote history, the statements (text, moderation, language) or the translations change.

use crate::error::{AppError, AppResult};
use chamber_consult::report::Activity;
use chamber_consult::{Report, Translations};
use chamber_core::Lang;
use chamber_store::Store;
use chamber_store::consult::{Consultation, Statement, StatementTranslation};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

/// One consultation's analysis and report, and what they were computed from.
#[derive(Debug)]
pub struct OpinionMap {
    pub statements: Vec<Statement>,
    /// The statements with their languages and translations, by number.
    pub translations: Translations,
    pub n_participants: usize,
    pub n_votes: usize,
    /// `None` while there are too few votes to form groups.
    pub analysis: Option<chamber_consult::Analysis>,
    /// The convenor's report; `None` when the votes cannot be analysed at all.
    pub report: Option<Report>,
}

/// What a cached map reflects: the vote-history length and a digest of the statements and
/// their translations.
type Stamp = (i64, u64);

fn stamp(history: i64, statements: &[Statement], translations: &[StatementTranslation]) -> Stamp {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for s in statements {
        (s.number, s.moderation, &s.lang, &s.body).hash(&mut h);
    }
    for t in translations {
        (t.number, &t.lang, &t.body).hash(&mut h);
    }
    (history, h.finish())
}

/// The store's languages and translations as the consult domain reads them (codes that are
/// not UN languages are left out).
pub fn translations_from_rows(
    statements: &[Statement],
    translations: &[StatementTranslation],
) -> Translations {
    let mut out = Translations::default();
    for s in statements {
        if let Some(l) = s.lang.as_deref().and_then(Lang::from_code) {
            out.original.insert(s.number as u64, l);
        }
    }
    for t in translations {
        if let Some(l) = Lang::from_code(&t.lang) {
            out.texts
                .entry(t.number as u64)
                .or_default()
                .insert(l, t.body.clone());
        }
    }
    out
}

/// Vote times from the store as the report's activity: milliseconds handed over so that
/// `Activity` reads them exactly (whole seconds as seconds), unknown times as undated.
pub fn activity_from_times(times: &[(i64, Option<i64>)]) -> Activity {
    times
        .iter()
        .map(|&(p, ms)| {
            let t = match ms {
                None => i64::MIN,
                Some(ms) if ms.rem_euclid(1000) == 0 => ms / 1000,
                Some(ms) => ms,
            };
            (t, p as u64)
        })
        .collect()
}

/// Opinion maps already computed, by consultation.
#[derive(Default)]
pub struct MapCache(Mutex<HashMap<String, (Stamp, Arc<OpinionMap>)>>);

impl MapCache {
    pub(crate) async fn get_or_compute(
        &self,
        store: &Store,
        c: &Consultation,
    ) -> AppResult<Arc<OpinionMap>> {
        let version = store.vote_history_len(&c.id).await?;
        let statements = store.statements(&c.id).await?;
        let translation_rows = store.translations(&c.id).await?;
        let stamp = stamp(version, &statements, &translation_rows);
        if let Some((s, cached)) = self.0.lock().expect("map cache").get(&c.id)
            && *s == stamp
        {
            return Ok(cached.clone());
        }
        let votes = store.current_votes(&c.id).await?;
        let times = store.vote_times(&c.id).await?;
        let map = tokio::task::spawn_blocking(move || {
            let participants: std::collections::BTreeSet<i64> =
                votes.iter().map(|v| v.participant).collect();
            let export = super::export_from_rows(&statements, &votes);
            let translations = translations_from_rows(&statements, &translation_rows);
            let analysis =
                chamber_consult::analyze(&export, &chamber_consult::Options::default()).ok();
            let report = analysis.as_ref().map(|a| {
                chamber_consult::report::build(
                    &export,
                    a,
                    &activity_from_times(&times),
                    &translations,
                )
            });
            OpinionMap {
                n_participants: participants.len(),
                n_votes: votes.len(),
                statements,
                translations,
                analysis: analysis.filter(|a| !a.groups.is_empty()),
                report,
            }
        })
        .await
        .map_err(|e| AppError::internal("computing an opinion map", e))?;
        let map = Arc::new(map);
        self.0
            .lock()
            .expect("map cache")
            .insert(c.id.clone(), (stamp, map.clone()));
        Ok(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_times_reach_the_report_on_the_same_days() {
        let day = 86_400_000i64;
        let times = [
            (0, Some(18_140 * day + 196)),
            (1, Some(18_140 * day + 86_399_000)),
            (0, Some(18_141 * day)),
            (2, None),
        ];
        let from_store = activity_from_times(&times);
        let mut direct = Activity::default();
        direct.add(18_140 * day + 196, 0);
        direct.add(18_140 * day + 86_399_000, 1);
        direct.add(18_141 * day, 0);
        direct.add(i64::MIN, 2);
        assert_eq!(from_store, direct);
    }
}
