//! The opinion map of a consultation: Pol.is's analysis of the current votes, with the counts
//! it reflects. Computed in a blocking task (it is CPU work) and cached per consultation until
//! the vote history or the statements change.

use crate::error::{AppError, AppResult};
use chamber_store::Store;
use chamber_store::consult::{Consultation, Statement};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One consultation's analysis and what it was computed from.
#[derive(Debug)]
pub struct OpinionMap {
    pub statements: Vec<Statement>,
    pub n_participants: usize,
    pub n_votes: usize,
    /// `None` while there are too few votes to form groups.
    pub analysis: Option<chamber_consult::Analysis>,
}

/// What a cached map reflects: the vote-history length and the statement count.
type Stamp = (i64, usize);

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
        let stamp = (version, statements.len());
        if let Some((s, cached)) = self.0.lock().expect("map cache").get(&c.id)
            && *s == stamp
        {
            return Ok(cached.clone());
        }
        let votes = store.current_votes(&c.id).await?;
        let map = tokio::task::spawn_blocking(move || {
            let participants: std::collections::BTreeSet<i64> =
                votes.iter().map(|v| v.participant).collect();
            let export = super::export_from_rows(&statements, &votes);
            let analysis = chamber_consult::analyze(&export, &chamber_consult::Options::default())
                .ok()
                .filter(|a| !a.groups.is_empty());
            OpinionMap {
                n_participants: participants.len(),
                n_votes: votes.len(),
                statements,
                analysis,
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
