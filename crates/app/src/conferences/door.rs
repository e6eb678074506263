//! The door's group commit. A first scan is a write (the registration marked as in, with its
//! audit entry) and SQLite makes each commit durable before it returns, so fifty scanners at
//! full speed would wait for fifty commits in a row. Instead, first scans that arrive while a
//! commit is under way wait together and are written in the next single transaction, each
//! registration with its own audit entry, read again inside that transaction (two scans of
//! one badge in one batch: the first is let in, the second is "already in").
//!
//! Whichever waiting scan takes the writer next writes everyone's; the write runs as its own
//! task, so a scanner that hangs up does not cancel the others' scans.

use super::now;
use super::registrations::{load_row, to_row};
use crate::error::{AppError, AppResult};
use chamber_conferences::{CheckIn, Registration};
use chamber_core::AuditDraft;
use chamber_store::Store;
use chamber_store::conferences::tx;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// A first scan waiting for its commit.
struct Scan {
    digest: String,
    actor: String,
    answer: oneshot::Sender<AppResult<(CheckIn, Registration)>>,
}

/// The first scans waiting to be written, and the one writer.
#[derive(Default)]
pub(super) struct DoorQueue {
    waiting: Mutex<Vec<Scan>>,
    writer: tokio::sync::Mutex<()>,
    transactions: AtomicU64,
}

impl DoorQueue {
    /// Writes the scan of the ticket with `digest` by `actor` and answers once it is durable:
    /// `Valid` for the first scan, else what the registration says now.
    pub(super) async fn check_in(
        &self,
        store: &Arc<Store>,
        digest: String,
        actor: String,
    ) -> AppResult<(CheckIn, Registration)> {
        let (answer, mut answered) = oneshot::channel();
        self.queue().push(Scan {
            digest,
            actor,
            answer,
        });
        {
            let _writer = self.writer.lock().await;
            match answered.try_recv() {
                Ok(done) => return done,
                Err(oneshot::error::TryRecvError::Closed) => return Err(dropped()),
                Err(oneshot::error::TryRecvError::Empty) => {}
            }
            let batch = std::mem::take(&mut *self.queue());
            if !batch.is_empty() {
                self.transactions.fetch_add(1, Ordering::Relaxed);
                let _ = tokio::spawn(write(store.clone(), batch)).await;
            }
        }
        answered.await.map_err(|_| dropped())?
    }

    /// Scans waiting for a commit now.
    pub(super) fn waiting(&self) -> usize {
        self.queue().len()
    }

    /// Transactions the door has written since start.
    pub(super) fn transactions(&self) -> u64 {
        self.transactions.load(Ordering::Relaxed)
    }

    fn queue(&self) -> std::sync::MutexGuard<'_, Vec<Scan>> {
        // A panic while the lock was held cannot leave the vector half-changed (push and take).
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn dropped() -> AppError {
    AppError::internal("check-in", "the door's write was interrupted")
}

/// One transaction for the whole batch; every scan gets its own answer, or, when the
/// transaction fails, the same internal error (nothing of the batch is stored then).
async fn write(store: Arc<Store>, batch: Vec<Scan>) {
    let mut answers = Vec::with_capacity(batch.len());
    let written: AppResult<()> = async {
        let mut t = store.begin_write().await?;
        for scan in &batch {
            let Some(row) = tx::registration_by_ticket(&mut t, &scan.digest).await? else {
                answers.push(Err(AppError::NotFound));
                continue;
            };
            let mut l = load_row(row)?;
            let answer = l.reg.check_in(now());
            let reg = l.reg.clone();
            if answer == CheckIn::Valid {
                tx::update_registration(&mut t, &to_row(l, None)?).await?;
                t.record(AuditDraft::new(
                    &scan.actor,
                    "conferences.registration.check_in",
                    reg.id.to_string(),
                ))
                .await?;
            }
            answers.push(Ok((answer, reg)));
        }
        t.commit().await?;
        Ok(())
    }
    .await;
    match written {
        Ok(()) => {
            for (scan, answer) in batch.into_iter().zip(answers) {
                let _ = scan.answer.send(answer);
            }
        }
        Err(e) => {
            tracing::error!(error = %e, scans = batch.len(), "the door's check-ins were not written");
            for scan in batch {
                let _ = scan.answer.send(Err(AppError::Internal(e.to_string())));
            }
        }
    }
}
