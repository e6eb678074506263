//! Corridors in the store: each corridor (its JSON, with an index of who takes part in it),
//! its records (registrations, daily plans, inspections, incidents, notifications, position
//! reports) as JSON with the columns their listings need, and the published record (voyages
//! imported from the JCC's table, one row per voyage, and each import's provenance).
//!
//! The store does not interpret the JSON: the application layer (de)serialises it with the
//! `chamber-corridors` types, which check their invariants when read back. Writes go through
//! [`WriteTx`]: the application layer reads what it changes inside the same transaction (the
//! [`tx`] functions), so two representatives deciding on one plan at once never overwrite each
//! other, and records its audit entry before committing.

use crate::{Store, StoreError, WriteTx};
use sqlx::Row;
use sqlx::any::AnyRow;

pub(crate) const MIGRATIONS: &[crate::migrations::Migration] = &[
    (
        100,
        "corridors: corridors, their people and records, published voyages and imports",
        r#"
CREATE TABLE corridors (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE corridor_people (
    corridor_id TEXT NOT NULL REFERENCES corridors(id),
    username TEXT NOT NULL,
    standing TEXT NOT NULL,
    PRIMARY KEY (corridor_id, username)
);
CREATE INDEX corridor_people_username ON corridor_people(username);
CREATE TABLE corridor_records (
    id TEXT PRIMARY KEY,
    corridor_id TEXT NOT NULL REFERENCES corridors(id),
    kind TEXT NOT NULL,
    owner TEXT,
    subject TEXT,
    day TEXT,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX corridor_records_kind ON corridor_records(corridor_id, kind, created_at, id);
CREATE INDEX corridor_records_subject ON corridor_records(corridor_id, kind, subject);
CREATE INDEX corridor_records_day ON corridor_records(corridor_id, kind, day);
CREATE TABLE corridor_voyages (
    corridor_id TEXT NOT NULL REFERENCES corridors(id),
    sequence BIGINT NOT NULL,
    departure TEXT NOT NULL,
    import_id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (corridor_id, sequence)
);
CREATE TABLE corridor_imports (
    id TEXT PRIMARY KEY,
    corridor_id TEXT NOT NULL REFERENCES corridors(id),
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    sheet TEXT NOT NULL,
    rows_read BIGINT NOT NULL,
    voyages BIGINT NOT NULL,
    cargo_lines BIGINT NOT NULL,
    tonnage_kg BIGINT NOT NULL,
    problems TEXT NOT NULL,
    actor TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE INDEX corridor_imports_corridor ON corridor_imports(corridor_id, imported_at)
"#,
    ),
    (
        101,
        "corridors: a published voyage's departure lives in its JSON only (two values a row to write)",
        "ALTER TABLE corridor_voyages DROP COLUMN departure",
    ),
];

/// The kinds of record a corridor keeps.
pub mod kind {
    pub const REGISTRATION: &str = "registration";
    pub const PLAN: &str = "plan";
    pub const INSPECTION: &str = "inspection";
    pub const INCIDENT: &str = "incident";
    pub const NOTIFICATION: &str = "notification";
    /// A batch of position reports for one registration.
    pub const POSITIONS: &str = "positions";
}

/// A corridor as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorridorRow {
    pub id: String,
    pub name: String,
    pub status: String,
    pub body: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A corridor record. `owner`: the operator it belongs to (a registration's, a
/// notification's), `subject`: what it is about (an inspection's or incident's registration),
/// `day`: the plan's or inspection's day (`YYYY-MM-DD`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRow {
    pub id: String,
    pub corridor_id: String,
    pub kind: String,
    pub owner: Option<String>,
    pub subject: Option<String>,
    pub day: Option<String>,
    pub body: String,
    pub created_at: String,
    pub updated_at: String,
}

impl RecordRow {
    /// A new record (times set to now).
    pub fn new(id: &str, corridor_id: &str, kind: &str, body: String) -> RecordRow {
        let now = crate::now();
        RecordRow {
            id: id.to_string(),
            corridor_id: corridor_id.to_string(),
            kind: kind.to_string(),
            owner: None,
            subject: None,
            day: None,
            body,
            created_at: now.clone(),
            updated_at: now,
        }
    }
}

/// One published voyage: its sequence number and JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoyageRow {
    pub sequence: i64,
    pub body: String,
}

/// Where an import came from and what it gave.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportRow {
    pub id: String,
    pub corridor_id: String,
    pub file_name: String,
    pub file_sha256: String,
    pub sheet: String,
    pub rows_read: i64,
    pub voyages: i64,
    pub cargo_lines: i64,
    pub tonnage_kg: i64,
    /// The rows left out and the remarks, as JSON.
    pub problems: String,
    pub actor: String,
    pub imported_at: String,
}

const CORRIDOR_COLUMNS: &str = "id, name, status, body, created_at, updated_at";
const RECORD_COLUMNS: &str =
    "id, corridor_id, kind, owner, subject, day, body, created_at, updated_at";
const IMPORT_COLUMNS: &str = "id, corridor_id, file_name, file_sha256, sheet, rows_read, \
                              voyages, cargo_lines, tonnage_kg, problems, actor, imported_at";

fn corridor_from_row(r: &AnyRow) -> Result<CorridorRow, StoreError> {
    Ok(CorridorRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        status: r.try_get("status")?,
        body: r.try_get("body")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn record_from_row(r: &AnyRow) -> Result<RecordRow, StoreError> {
    Ok(RecordRow {
        id: r.try_get("id")?,
        corridor_id: r.try_get("corridor_id")?,
        kind: r.try_get("kind")?,
        owner: r.try_get("owner")?,
        subject: r.try_get("subject")?,
        day: r.try_get("day")?,
        body: r.try_get("body")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn import_from_row(r: &AnyRow) -> Result<ImportRow, StoreError> {
    Ok(ImportRow {
        id: r.try_get("id")?,
        corridor_id: r.try_get("corridor_id")?,
        file_name: r.try_get("file_name")?,
        file_sha256: r.try_get("file_sha256")?,
        sheet: r.try_get("sheet")?,
        rows_read: r.try_get("rows_read")?,
        voyages: r.try_get("voyages")?,
        cargo_lines: r.try_get("cargo_lines")?,
        tonnage_kg: r.try_get("tonnage_kg")?,
        problems: r.try_get("problems")?,
        actor: r.try_get("actor")?,
        imported_at: r.try_get("imported_at")?,
    })
}

async fn corridor_in(
    c: &mut sqlx::AnyConnection,
    id: &str,
) -> Result<Option<CorridorRow>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CORRIDOR_COLUMNS} FROM corridors WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(corridor_from_row).transpose()
}

async fn record_in(
    c: &mut sqlx::AnyConnection,
    corridor_id: &str,
    kind: &str,
    id: &str,
) -> Result<Option<RecordRow>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {RECORD_COLUMNS} FROM corridor_records \
         WHERE id = $1 AND corridor_id = $2 AND kind = $3"
    )))
    .bind(id)
    .bind(corridor_id)
    .bind(kind)
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(record_from_row).transpose()
}

/// Records of a kind, oldest first; only those of `owner` when given, only those about
/// `subject` when given, only those of `day` when given.
async fn records_in(
    c: &mut sqlx::AnyConnection,
    corridor_id: &str,
    kind: &str,
    filter: &RecordFilter<'_>,
) -> Result<Vec<RecordRow>, StoreError> {
    let mut sql = format!(
        "SELECT {RECORD_COLUMNS} FROM corridor_records WHERE corridor_id = $1 AND kind = $2"
    );
    let mut n = 2;
    for (col, v) in [
        ("owner", filter.owner),
        ("subject", filter.subject),
        ("day", filter.day),
    ] {
        if v.is_some() {
            n += 1;
            sql.push_str(&format!(" AND {col} = ${n}"));
        }
    }
    sql.push_str(" ORDER BY created_at, id");
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(corridor_id)
        .bind(kind);
    for v in [filter.owner, filter.subject, filter.day]
        .into_iter()
        .flatten()
    {
        q = q.bind(v);
    }
    let rows = q.fetch_all(&mut *c).await?;
    rows.iter().map(record_from_row).collect()
}

/// Which records of a kind to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordFilter<'a> {
    pub owner: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub day: Option<&'a str>,
}

impl RecordFilter<'_> {
    pub const ALL: RecordFilter<'static> = RecordFilter {
        owner: None,
        subject: None,
        day: None,
    };
}

// ---------------------------------------------------------------- reads

impl Store {
    pub async fn corridor(&self, id: &str) -> Result<Option<CorridorRow>, StoreError> {
        let mut c = self.pool().acquire().await?;
        corridor_in(&mut c, id).await
    }

    /// Every corridor, by name.
    pub async fn corridors(&self) -> Result<Vec<CorridorRow>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {CORRIDOR_COLUMNS} FROM corridors ORDER BY name, id"
        )))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(corridor_from_row).collect()
    }

    /// The corridors a person takes part in (as a member of the centre or an operator).
    pub async fn corridors_of(&self, username: &str) -> Result<Vec<CorridorRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.id, c.name, c.status, c.body, c.created_at, c.updated_at \
             FROM corridors c JOIN corridor_people p ON p.corridor_id = c.id \
             WHERE p.username = $1 ORDER BY c.name, c.id",
        )
        .bind(username)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(corridor_from_row).collect()
    }

    pub async fn corridor_by_name(&self, name: &str) -> Result<Option<CorridorRow>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {CORRIDOR_COLUMNS} FROM corridors WHERE name = $1 ORDER BY created_at, id"
        )))
        .bind(name)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(corridor_from_row).transpose()
    }

    pub async fn corridor_record(
        &self,
        corridor_id: &str,
        kind: &str,
        id: &str,
    ) -> Result<Option<RecordRow>, StoreError> {
        let mut c = self.pool().acquire().await?;
        record_in(&mut c, corridor_id, kind, id).await
    }

    pub async fn corridor_records(
        &self,
        corridor_id: &str,
        kind: &str,
        filter: &RecordFilter<'_>,
    ) -> Result<Vec<RecordRow>, StoreError> {
        let mut c = self.pool().acquire().await?;
        records_in(&mut c, corridor_id, kind, filter).await
    }

    /// The published voyages' JSON, by sequence number.
    pub async fn corridor_voyages(&self, corridor_id: &str) -> Result<Vec<VoyageRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT sequence, body FROM corridor_voyages WHERE corridor_id = $1 ORDER BY sequence",
        )
        .bind(corridor_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(VoyageRow {
                    sequence: r.try_get(0)?,
                    body: r.try_get(1)?,
                })
            })
            .collect()
    }

    /// One published voyage.
    pub async fn corridor_voyage(
        &self,
        corridor_id: &str,
        sequence: i64,
    ) -> Result<Option<VoyageRow>, StoreError> {
        let row = sqlx::query(
            "SELECT sequence, body FROM corridor_voyages WHERE corridor_id = $1 AND sequence = $2",
        )
        .bind(corridor_id)
        .bind(sequence)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(VoyageRow {
                sequence: r.try_get(0)?,
                body: r.try_get(1)?,
            })
        })
        .transpose()
    }

    /// How many imports a corridor has had: a version of its published record (imports are
    /// never removed), for caching what is computed from it.
    pub async fn corridor_import_count(&self, corridor_id: &str) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM corridor_imports WHERE corridor_id = $1")
                .bind(corridor_id)
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// The imports into a corridor, newest first.
    pub async fn corridor_imports(&self, corridor_id: &str) -> Result<Vec<ImportRow>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {IMPORT_COLUMNS} FROM corridor_imports WHERE corridor_id = $1 \
             ORDER BY imported_at DESC, id DESC"
        )))
        .bind(corridor_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(import_from_row).collect()
    }
}

/// Reads and writes inside a [`WriteTx`] (the change and its audit entry commit together).
pub mod tx {
    use super::*;

    pub async fn corridor(
        tx: &mut WriteTx<'_>,
        id: &str,
    ) -> Result<Option<CorridorRow>, StoreError> {
        corridor_in(tx.conn(), id).await
    }

    /// Inserts or replaces a corridor and who takes part in it (`people`: username and
    /// standing, replacing the previous list).
    pub async fn save_corridor(
        tx: &mut WriteTx<'_>,
        row: &CorridorRow,
        people: &[(String, String)],
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO corridors (id, name, status, body, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET \
             name = excluded.name, status = excluded.status, body = excluded.body, \
             updated_at = excluded.updated_at",
        )
        .bind(&row.id)
        .bind(&row.name)
        .bind(&row.status)
        .bind(&row.body)
        .bind(&row.created_at)
        .bind(&row.updated_at)
        .execute(tx.conn())
        .await?;
        sqlx::query("DELETE FROM corridor_people WHERE corridor_id = $1")
            .bind(&row.id)
            .execute(tx.conn())
            .await?;
        for (username, standing) in people {
            sqlx::query(
                "INSERT INTO corridor_people (corridor_id, username, standing) \
                 VALUES ($1, $2, $3)",
            )
            .bind(&row.id)
            .bind(username)
            .bind(standing)
            .execute(tx.conn())
            .await?;
        }
        Ok(())
    }

    pub async fn record(
        tx: &mut WriteTx<'_>,
        corridor_id: &str,
        kind: &str,
        id: &str,
    ) -> Result<Option<RecordRow>, StoreError> {
        record_in(tx.conn(), corridor_id, kind, id).await
    }

    pub async fn records(
        tx: &mut WriteTx<'_>,
        corridor_id: &str,
        kind: &str,
        filter: &RecordFilter<'_>,
    ) -> Result<Vec<RecordRow>, StoreError> {
        records_in(tx.conn(), corridor_id, kind, filter).await
    }

    /// Inserts or replaces a record (its `created_at` is kept on replacement).
    pub async fn save_record(tx: &mut WriteTx<'_>, r: &RecordRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO corridor_records (id, corridor_id, kind, owner, subject, day, body, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, subject = excluded.subject, \
             day = excluded.day, body = excluded.body, updated_at = excluded.updated_at",
        )
        .bind(&r.id)
        .bind(&r.corridor_id)
        .bind(&r.kind)
        .bind(&r.owner)
        .bind(&r.subject)
        .bind(&r.day)
        .bind(&r.body)
        .bind(&r.created_at)
        .bind(&r.updated_at)
        .execute(tx.conn())
        .await?;
        Ok(())
    }

    /// Stores published voyages: a voyage already stored under the same sequence number is
    /// replaced, every other stored voyage is kept. Rows go 400 a statement, the corridor and
    /// the import bound once per statement (two values a row: the per-value cost of the
    /// database layer, not the bytes, is what an import of 100,000 lines spends its time on).
    pub async fn upsert_voyages(
        tx: &mut WriteTx<'_>,
        corridor_id: &str,
        import_id: &str,
        voyages: &[VoyageRow],
    ) -> Result<(), StoreError> {
        for chunk in voyages.chunks(400) {
            let mut sql = String::with_capacity(300 + chunk.len() * 16);
            sql.push_str(
                "INSERT INTO corridor_voyages (corridor_id, sequence, import_id, body) \
                 SELECT $1, v.column1, $2, v.column2 FROM (VALUES ",
            );
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!("(${}, ${})", 2 * i + 3, 2 * i + 4));
            }
            // `WHERE true`: SQLite reads `ON CONFLICT` after a bare `FROM` as a join's `ON`.
            sql.push_str(
                ") AS v WHERE true ON CONFLICT (corridor_id, sequence) DO UPDATE SET \
                 import_id = excluded.import_id, body = excluded.body",
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(corridor_id)
                .bind(import_id);
            for v in chunk {
                q = q.bind(v.sequence).bind(&v.body);
            }
            q.execute(tx.conn()).await?;
        }
        Ok(())
    }

    pub async fn insert_import(tx: &mut WriteTx<'_>, r: &ImportRow) -> Result<(), StoreError> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO corridor_imports ({IMPORT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, \
             $7, $8, $9, $10, $11, $12)"
        )))
        .bind(&r.id)
        .bind(&r.corridor_id)
        .bind(&r.file_name)
        .bind(&r.file_sha256)
        .bind(&r.sheet)
        .bind(r.rows_read)
        .bind(r.voyages)
        .bind(r.cargo_lines)
        .bind(r.tonnage_kg)
        .bind(&r.problems)
        .bind(&r.actor)
        .bind(&r.imported_at)
        .execute(tx.conn())
        .await?;
        Ok(())
    }
}
