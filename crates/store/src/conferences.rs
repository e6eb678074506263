//! Conferences in the store: the conference itself and its other aggregates (delegations,
//! speakers' lists, the outcome document, the credentials committee's reports) as JSON
//! records; registrations and documents in tables of their own, because the accreditation
//! queue, the door and the retention purge query them.
//!
//! The store never sees a document's content or a badge's ticket: the caller seals documents
//! and tickets with the operator's key first; a ticket is found by its SHA-256 digest through a
//! unique index (one index probe at the door, whatever the number of registrations).
//!
//! Writes go through [`WriteTx`]: the application layer reads what it changes inside the same
//! transaction (`*_in` functions), so two officers deciding at once never overwrite each
//! other, and records its audit entry before committing.

use crate::{Store, StoreError, WriteTx};
use sqlx::Row;
use sqlx::any::AnyRow;

pub(crate) const MIGRATIONS: &[crate::migrations::Migration] = &[(
    200,
    "conferences: conferences and their records, registrations (queue and ticket indexes), sealed documents",
    r#"
CREATE TABLE conferences (
    id TEXT PRIMARY KEY,
    end_at TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE conference_records (
    conference_id TEXT NOT NULL REFERENCES conferences(id),
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    natural_key TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (conference_id, kind, id)
);
CREATE UNIQUE INDEX conference_records_key ON conference_records(conference_id, kind, natural_key);
CREATE TABLE conference_registrations (
    id TEXT PRIMARY KEY,
    conference_id TEXT NOT NULL REFERENCES conferences(id),
    username TEXT NOT NULL,
    category TEXT NOT NULL,
    state TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    ticket_digest TEXT,
    ticket_sealed TEXT,
    body TEXT NOT NULL
);
CREATE UNIQUE INDEX conference_registrations_person ON conference_registrations(conference_id, username);
CREATE UNIQUE INDEX conference_registrations_ticket ON conference_registrations(ticket_digest);
CREATE INDEX conference_registrations_queue ON conference_registrations(conference_id, state, submitted_at, id);
CREATE INDEX conference_registrations_count ON conference_registrations(conference_id, state, category);
CREATE TABLE conference_documents (
    id TEXT PRIMARY KEY,
    registration_id TEXT NOT NULL REFERENCES conference_registrations(id),
    conference_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    format TEXT NOT NULL,
    size BIGINT NOT NULL,
    uploaded_at TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    sealed TEXT NOT NULL
);
CREATE INDEX conference_documents_registration ON conference_documents(registration_id);
CREATE INDEX conference_documents_age ON conference_documents(conference_id, uploaded_at)
"#,
)];

/// A registration row. `body` is the registration as JSON (without its ticket).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationRow {
    pub id: String,
    pub conference_id: String,
    pub username: String,
    pub category: String,
    pub state: String,
    pub submitted_at: String,
    /// SHA-256 (hex) of the ticket: the door's look-up key.
    pub ticket_digest: Option<String>,
    /// The ticket sealed with the operator's key (base64), to print the badge again.
    pub ticket_sealed: Option<String>,
    pub body: String,
}

/// What is known of a document without opening it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DocumentRow {
    pub id: String,
    pub registration_id: String,
    pub conference_id: String,
    pub kind: String,
    pub format: String,
    pub size: i64,
    pub uploaded_at: String,
    pub uploaded_by: String,
}

/// One page of an accreditation officer's queue, in order of submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueQuery<'a> {
    pub conference_id: &'a str,
    pub state: &'a str,
    /// The categories the officer decides.
    pub categories: &'a [&'a str],
    /// Continue after this (submitted_at, id): keyset paging, as fast on page 100 as on page 1.
    pub after: Option<(&'a str, &'a str)>,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuePage {
    pub rows: Vec<RegistrationRow>,
    /// Every registration in this state in the officer's categories.
    pub total: i64,
}

/// A JSON record of a conference (delegation, speakers' list, outcome, report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub id: String,
    pub natural_key: String,
    pub body: String,
}

const REG_COLUMNS: &str = "id, conference_id, username, category, state, submitted_at, \
                           ticket_digest, ticket_sealed, body";
const DOC_COLUMNS: &str =
    "id, registration_id, conference_id, kind, format, size, uploaded_at, uploaded_by";

fn reg_from_row(r: &AnyRow) -> Result<RegistrationRow, StoreError> {
    Ok(RegistrationRow {
        id: r.try_get("id")?,
        conference_id: r.try_get("conference_id")?,
        username: r.try_get("username")?,
        category: r.try_get("category")?,
        state: r.try_get("state")?,
        submitted_at: r.try_get("submitted_at")?,
        ticket_digest: r.try_get("ticket_digest")?,
        ticket_sealed: r.try_get("ticket_sealed")?,
        body: r.try_get("body")?,
    })
}

fn doc_from_row(r: &AnyRow) -> Result<DocumentRow, StoreError> {
    Ok(DocumentRow {
        id: r.try_get("id")?,
        registration_id: r.try_get("registration_id")?,
        conference_id: r.try_get("conference_id")?,
        kind: r.try_get("kind")?,
        format: r.try_get("format")?,
        size: r.try_get("size")?,
        uploaded_at: r.try_get("uploaded_at")?,
        uploaded_by: r.try_get("uploaded_by")?,
    })
}

fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------- reads

impl Store {
    /// A conference's JSON.
    pub async fn conference(&self, id: &str) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT body FROM conferences WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// Every conference's JSON, latest end first.
    pub async fn conferences(&self) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT body FROM conferences ORDER BY end_at DESC, id")
                .fetch_all(self.pool())
                .await?,
        )
    }

    pub async fn conference_record(
        &self,
        conference_id: &str,
        kind: &str,
        id: &str,
    ) -> Result<Option<Record>, StoreError> {
        let mut c = self.pool().acquire().await?;
        record_in(&mut c, conference_id, kind, id).await
    }

    /// Every record of a kind, in natural-key order.
    pub async fn conference_records(
        &self,
        conference_id: &str,
        kind: &str,
    ) -> Result<Vec<Record>, StoreError> {
        let mut c = self.pool().acquire().await?;
        records_in(&mut c, conference_id, kind).await
    }

    pub async fn conference_registration(
        &self,
        id: &str,
    ) -> Result<Option<RegistrationRow>, StoreError> {
        let mut c = self.pool().acquire().await?;
        registration_in(&mut c, id).await
    }

    /// A person's registration for a conference.
    pub async fn conference_registration_of(
        &self,
        conference_id: &str,
        username: &str,
    ) -> Result<Option<RegistrationRow>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {REG_COLUMNS} FROM conference_registrations \
             WHERE conference_id = $1 AND username = $2"
        )))
        .bind(conference_id)
        .bind(username)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(reg_from_row).transpose()
    }

    /// Every registration of a conference, in order of submission.
    pub async fn conference_registrations(
        &self,
        conference_id: &str,
    ) -> Result<Vec<RegistrationRow>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {REG_COLUMNS} FROM conference_registrations WHERE conference_id = $1 \
             ORDER BY submitted_at, id"
        )))
        .bind(conference_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(reg_from_row).collect()
    }

    /// One page of the accreditation queue (index `conference_registrations_queue`: the page is
    /// read in order and stops at `limit`; the total is counted on the index
    /// `conference_registrations_count` alone, without reading a row).
    pub async fn accreditation_queue(&self, q: &QueueQuery<'_>) -> Result<QueuePage, StoreError> {
        if q.categories.is_empty() {
            return Ok(QueuePage {
                rows: Vec::new(),
                total: 0,
            });
        }
        let cats = placeholders(3, q.categories.len());
        let next = 3 + q.categories.len();
        let after = if q.after.is_some() {
            format!(
                " AND (submitted_at > ${next} OR (submitted_at = ${} AND id > ${}))",
                next + 1,
                next + 2
            )
        } else {
            String::new()
        };
        let limit_at = if q.after.is_some() { next + 3 } else { next };
        let sql = format!(
            "SELECT {REG_COLUMNS} FROM conference_registrations \
             WHERE conference_id = $1 AND state = $2 AND category IN ({cats}){after} \
             ORDER BY submitted_at, id LIMIT ${limit_at}"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(q.conference_id)
            .bind(q.state);
        for c in q.categories {
            query = query.bind(*c);
        }
        if let Some((at, id)) = q.after {
            query = query.bind(at).bind(at).bind(id);
        }
        let rows = query.bind(q.limit).fetch_all(self.pool()).await?;
        let count_sql = format!(
            "SELECT COUNT(*) FROM conference_registrations \
             WHERE conference_id = $1 AND state = $2 AND category IN ({cats})"
        );
        let mut count = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
            .bind(q.conference_id)
            .bind(q.state);
        for c in q.categories {
            count = count.bind(*c);
        }
        Ok(QueuePage {
            rows: rows.iter().map(reg_from_row).collect::<Result<_, _>>()?,
            total: count.fetch_one(self.pool()).await?,
        })
    }

    /// The registration holding this ticket (by its digest: one unique-index probe).
    pub async fn conference_registration_by_ticket(
        &self,
        ticket_digest: &str,
    ) -> Result<Option<RegistrationRow>, StoreError> {
        let mut c = self.pool().acquire().await?;
        registration_by_ticket_in(&mut c, ticket_digest).await
    }

    /// What the door needs in one query: the conference's body (`None`: no such conference)
    /// and the registration holding this ticket digest, if it belongs to that conference.
    pub async fn conference_and_ticket(
        &self,
        conference_id: &str,
        ticket_digest: &str,
    ) -> Result<(Option<String>, Option<RegistrationRow>), StoreError> {
        let columns = REG_COLUMNS
            .split(',')
            .map(|c| format!("r.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT c.body AS conference_body, {columns} FROM conferences c \
             LEFT JOIN conference_registrations r \
             ON r.ticket_digest = $2 AND r.conference_id = c.id WHERE c.id = $1"
        )))
        .bind(conference_id)
        .bind(ticket_digest)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok((None, None));
        };
        let body: String = row.try_get("conference_body")?;
        let held: Option<String> = row.try_get("id")?;
        let registration = match held {
            Some(_) => Some(reg_from_row(&row)?),
            None => None,
        };
        Ok((Some(body), registration))
    }

    /// The documents of these registrations (metadata only), by registration then upload.
    pub async fn conference_documents(
        &self,
        registration_ids: &[&str],
    ) -> Result<Vec<DocumentRow>, StoreError> {
        let mut out = Vec::new();
        for chunk in registration_ids.chunks(200) {
            let sql = format!(
                "SELECT {DOC_COLUMNS} FROM conference_documents WHERE registration_id IN ({}) \
                 ORDER BY registration_id, uploaded_at, id",
                placeholders(1, chunk.len())
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(*id);
            }
            for r in q.fetch_all(self.pool()).await? {
                out.push(doc_from_row(&r)?);
            }
        }
        Ok(out)
    }

    /// One document's metadata and sealed content (base64).
    pub async fn conference_document(
        &self,
        id: &str,
    ) -> Result<Option<(DocumentRow, String)>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DOC_COLUMNS}, sealed FROM conference_documents WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some(r) => Ok(Some((doc_from_row(&r)?, r.try_get("sealed")?))),
            None => Ok(None),
        }
    }
}

// ---------------------------------------------------------------- inside a write transaction

async fn record_in(
    c: &mut sqlx::AnyConnection,
    conference_id: &str,
    kind: &str,
    id: &str,
) -> Result<Option<Record>, StoreError> {
    let row = sqlx::query(
        "SELECT id, natural_key, body FROM conference_records \
         WHERE conference_id = $1 AND kind = $2 AND id = $3",
    )
    .bind(conference_id)
    .bind(kind)
    .bind(id)
    .fetch_optional(&mut *c)
    .await?;
    row.map(|r| {
        Ok(Record {
            id: r.try_get("id")?,
            natural_key: r.try_get("natural_key")?,
            body: r.try_get("body")?,
        })
    })
    .transpose()
}

async fn records_in(
    c: &mut sqlx::AnyConnection,
    conference_id: &str,
    kind: &str,
) -> Result<Vec<Record>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, natural_key, body FROM conference_records \
         WHERE conference_id = $1 AND kind = $2 ORDER BY natural_key",
    )
    .bind(conference_id)
    .bind(kind)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Record {
                id: r.try_get("id")?,
                natural_key: r.try_get("natural_key")?,
                body: r.try_get("body")?,
            })
        })
        .collect()
}

async fn registration_in(
    c: &mut sqlx::AnyConnection,
    id: &str,
) -> Result<Option<RegistrationRow>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {REG_COLUMNS} FROM conference_registrations WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(reg_from_row).transpose()
}

async fn registration_by_ticket_in(
    c: &mut sqlx::AnyConnection,
    digest: &str,
) -> Result<Option<RegistrationRow>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {REG_COLUMNS} FROM conference_registrations WHERE ticket_digest = $1"
    )))
    .bind(digest)
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(reg_from_row).transpose()
}

/// Reads and writes inside a [`WriteTx`] (the change and its audit entry commit together).
pub mod tx {
    use super::*;

    pub async fn conference(tx: &mut WriteTx<'_>, id: &str) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT body FROM conferences WHERE id = $1")
                .bind(id)
                .fetch_optional(tx.conn())
                .await?,
        )
    }

    /// Inserts or replaces a conference. `end_at`: the first instant after it (RFC 3339 UTC).
    pub async fn save_conference(
        tx: &mut WriteTx<'_>,
        id: &str,
        end_at: &str,
        body: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO conferences (id, end_at, body, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET end_at = excluded.end_at, body = excluded.body, \
             updated_at = excluded.updated_at",
        )
        .bind(id)
        .bind(end_at)
        .bind(body)
        .bind(crate::now())
        .execute(tx.conn())
        .await?;
        Ok(())
    }

    pub async fn record(
        tx: &mut WriteTx<'_>,
        conference_id: &str,
        kind: &str,
        id: &str,
    ) -> Result<Option<Record>, StoreError> {
        record_in(tx.conn(), conference_id, kind, id).await
    }

    pub async fn records(
        tx: &mut WriteTx<'_>,
        conference_id: &str,
        kind: &str,
    ) -> Result<Vec<Record>, StoreError> {
        records_in(tx.conn(), conference_id, kind).await
    }

    /// Inserts or replaces a record. Two records of one kind never share a natural key (one
    /// delegation per State): the caller checks inside the same transaction, and a unique
    /// index is the last guard.
    pub async fn save_record(
        tx: &mut WriteTx<'_>,
        conference_id: &str,
        kind: &str,
        r: &Record,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO conference_records (conference_id, kind, id, natural_key, body, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (conference_id, kind, id) \
             DO UPDATE SET natural_key = excluded.natural_key, body = excluded.body, \
             updated_at = excluded.updated_at",
        )
        .bind(conference_id)
        .bind(kind)
        .bind(&r.id)
        .bind(&r.natural_key)
        .bind(&r.body)
        .bind(crate::now())
        .execute(tx.conn())
        .await?;
        Ok(())
    }

    pub async fn registration(
        tx: &mut WriteTx<'_>,
        id: &str,
    ) -> Result<Option<RegistrationRow>, StoreError> {
        registration_in(tx.conn(), id).await
    }

    pub async fn registration_by_ticket(
        tx: &mut WriteTx<'_>,
        digest: &str,
    ) -> Result<Option<RegistrationRow>, StoreError> {
        registration_by_ticket_in(tx.conn(), digest).await
    }

    pub async fn registration_of(
        tx: &mut WriteTx<'_>,
        conference_id: &str,
        username: &str,
    ) -> Result<Option<RegistrationRow>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {REG_COLUMNS} FROM conference_registrations \
             WHERE conference_id = $1 AND username = $2"
        )))
        .bind(conference_id)
        .bind(username)
        .fetch_optional(tx.conn())
        .await?;
        row.as_ref().map(reg_from_row).transpose()
    }

    /// Inserts registrations, 50 rows a statement.
    pub async fn insert_registrations(
        tx: &mut WriteTx<'_>,
        rows: &[RegistrationRow],
    ) -> Result<(), StoreError> {
        for chunk in rows.chunks(50) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| format!("({})", placeholders(i * 9 + 1, 9)))
                .collect();
            let sql = format!(
                "INSERT INTO conference_registrations ({REG_COLUMNS}) VALUES {}",
                values.join(", ")
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for r in chunk {
                q = q
                    .bind(r.id.clone())
                    .bind(r.conference_id.clone())
                    .bind(r.username.clone())
                    .bind(r.category.clone())
                    .bind(r.state.clone())
                    .bind(r.submitted_at.clone())
                    .bind(r.ticket_digest.clone())
                    .bind(r.ticket_sealed.clone())
                    .bind(r.body.clone());
            }
            q.execute(tx.conn()).await?;
        }
        Ok(())
    }

    /// Replaces a registration's state, ticket and body.
    pub async fn update_registration(
        tx: &mut WriteTx<'_>,
        r: &RegistrationRow,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE conference_registrations SET state = $1, ticket_digest = $2, \
             ticket_sealed = $3, body = $4 WHERE id = $5",
        )
        .bind(&r.state)
        .bind(&r.ticket_digest)
        .bind(&r.ticket_sealed)
        .bind(&r.body)
        .bind(&r.id)
        .execute(tx.conn())
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound("registration"));
        }
        Ok(())
    }

    /// Places of a category held by pending and approved registrations.
    pub async fn held_places(
        tx: &mut WriteTx<'_>,
        conference_id: &str,
        category: &str,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM conference_registrations WHERE conference_id = $1 \
             AND category = $2 AND state IN ('pending', 'approved')",
        )
        .bind(conference_id)
        .bind(category)
        .fetch_one(tx.conn())
        .await?)
    }

    /// The earliest registration of a category on the waiting list.
    pub async fn first_waiting(
        tx: &mut WriteTx<'_>,
        conference_id: &str,
        category: &str,
    ) -> Result<Option<RegistrationRow>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {REG_COLUMNS} FROM conference_registrations WHERE conference_id = $1 \
             AND state = 'waiting_list' AND category = $2 ORDER BY submitted_at, id LIMIT 1"
        )))
        .bind(conference_id)
        .bind(category)
        .fetch_optional(tx.conn())
        .await?;
        row.as_ref().map(reg_from_row).transpose()
    }

    /// Stores sealed documents (content base64 of the sealed bytes), 50 rows a statement.
    pub async fn insert_documents(
        tx: &mut WriteTx<'_>,
        docs: &[(DocumentRow, String)],
    ) -> Result<(), StoreError> {
        for chunk in docs.chunks(50) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| format!("({})", placeholders(i * 9 + 1, 9)))
                .collect();
            let sql = format!(
                "INSERT INTO conference_documents ({DOC_COLUMNS}, sealed) VALUES {}",
                values.join(", ")
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (d, sealed) in chunk {
                q = q
                    .bind(d.id.clone())
                    .bind(d.registration_id.clone())
                    .bind(d.conference_id.clone())
                    .bind(d.kind.clone())
                    .bind(d.format.clone())
                    .bind(d.size)
                    .bind(d.uploaded_at.clone())
                    .bind(d.uploaded_by.clone())
                    .bind(sealed.clone());
            }
            q.execute(tx.conn()).await?;
        }
        Ok(())
    }

    /// A registration's documents (metadata).
    pub async fn documents_of(
        tx: &mut WriteTx<'_>,
        registration_id: &str,
    ) -> Result<Vec<DocumentRow>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DOC_COLUMNS} FROM conference_documents WHERE registration_id = $1 \
             ORDER BY uploaded_at, id"
        )))
        .bind(registration_id)
        .fetch_all(tx.conn())
        .await?;
        rows.iter().map(doc_from_row).collect()
    }

    /// Documents of conferences that ended at or before `cutoff`, uploaded at or before it.
    pub async fn documents_due(
        tx: &mut WriteTx<'_>,
        cutoff: &str,
    ) -> Result<Vec<DocumentRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.id, d.registration_id, d.conference_id, d.kind, d.format, d.size, \
             d.uploaded_at, d.uploaded_by FROM conference_documents d \
             JOIN conferences c ON c.id = d.conference_id \
             WHERE c.end_at <= $1 AND d.uploaded_at <= $2 ORDER BY d.conference_id, d.id",
        )
        .bind(cutoff)
        .bind(cutoff)
        .fetch_all(tx.conn())
        .await?;
        rows.iter().map(doc_from_row).collect()
    }

    /// Deletes documents. On SQLite the deleted pages are overwritten (`secure_delete`), so
    /// the sealed bytes do not linger in free pages of the file.
    pub async fn delete_documents(tx: &mut WriteTx<'_>, ids: &[&str]) -> Result<u64, StoreError> {
        if ids.is_empty() {
            return Ok(0);
        }
        if tx.conn().backend_name() == "SQLite" {
            sqlx::query("PRAGMA secure_delete = ON")
                .execute(tx.conn())
                .await?;
        }
        let mut n = 0;
        for chunk in ids.chunks(200) {
            let sql = format!(
                "DELETE FROM conference_documents WHERE id IN ({})",
                placeholders(1, chunk.len())
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(*id);
            }
            n += q.execute(tx.conn()).await?.rows_affected();
        }
        Ok(n)
    }
}
