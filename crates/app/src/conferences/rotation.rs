//! Key rotation's part in conferences: every sealed ticket and document opened with the
//! current (or a retired) key and sealed again under the next one. [`crate::keys::rotate`]
//! stores the result together with the mediation records, in one transaction.

use super::Conferences;
use super::registrations::{meta_of, ticket_aad_for};
use crate::error::{AppError, AppResult};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chamber_conferences::documents;
use chamber_mediation::confidential::Keyring;
use chamber_store::rotation::Resealed;

impl Conferences {
    /// Tickets and documents re-sealed under `next` (nothing is written here).
    pub async fn resealed_under(
        &self,
        next: &Keyring,
    ) -> AppResult<(Vec<Resealed>, Vec<Resealed>)> {
        let keys = self.keys()?;
        let decode = |what: &str, id: &str, text: &str| {
            B64.decode(text)
                .map_err(|e| AppError::internal(&format!("{what} {id}"), e))
        };
        let mut tickets = Vec::new();
        for t in self.store.sealed_tickets().await? {
            let aad = ticket_aad_for(&t.conference_id, &t.registration_id);
            let bytes = decode("ticket of registration", &t.registration_id, &t.sealed)?;
            let plain = keys.open(&bytes, &aad).map_err(|e| {
                AppError::internal(&format!("ticket of registration {}", t.registration_id), e)
            })?;
            let sealed = next
                .seal(&plain, &aad)
                .map_err(|e| AppError::internal("seal ticket", e))?;
            tickets.push(Resealed {
                id: t.registration_id,
                was: t.sealed,
                sealed: B64.encode(sealed),
            });
        }
        let mut docs = Vec::new();
        for (row, sealed_text) in self.store.sealed_documents().await? {
            let meta = meta_of(&row)?;
            let bytes = decode("document", &row.id, &sealed_text)?;
            let plain = documents::open(keys, &meta, &bytes)?;
            let sealed = documents::seal(next, &meta, &plain)?;
            docs.push(Resealed {
                id: row.id,
                was: sealed_text,
                sealed: B64.encode(sealed),
            });
        }
        Ok((tickets, docs))
    }
}
