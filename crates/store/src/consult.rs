//! Consultations in the store: statements (with moderation, their original language and the
//! secretariat's translations), participants (accounts or anonymous link holders), one current
//! vote per participant and statement, the full vote history with its times, and whether the
//! convenor's report is published. Every change is an audit entry.

mod languages;

pub use languages::{StatementTranslation, format_millis, parse_millis};

use crate::{Store, StoreError, WriteTx, new_id, new_secret, now, secret_digest};
use chamber_core::AuditDraft;
use sqlx::Row;

/// The consult capability's schema additions (versions 300–399).
pub(crate) const MIGRATIONS: &[crate::migrations::Migration] = &[(
    300,
    "consult: statements' original language and translations, the language a vote was cast in, \
     the report's publication",
    r#"
ALTER TABLE consultation_statements ADD COLUMN lang TEXT;
ALTER TABLE consultation_vote_history ADD COLUMN lang TEXT;
ALTER TABLE consultations ADD COLUMN report_published_at TEXT;
CREATE TABLE consultation_translations (
    consultation_id TEXT NOT NULL REFERENCES consultations(id),
    number BIGINT NOT NULL,
    lang TEXT NOT NULL,
    body TEXT NOT NULL,
    translated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (consultation_id, number, lang)
)
"#,
)];

type AnyQuery = sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments>;

/// A consultation as listed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Consultation {
    pub id: String,
    pub title: String,
    pub description: String,
    /// The secret of the anonymous participation link.
    pub join_token: String,
    pub created_by: String,
    pub created_at: String,
    pub closed: bool,
    /// The convenor's report is open to participants (organisers always see it).
    pub report_published: bool,
}

/// A statement participants vote on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Statement {
    pub number: i64,
    pub body: String,
    /// The participant number of its author, when a participant submitted it.
    pub author: Option<i64>,
    /// 1 accepted, 0 awaiting moderation, -1 rejected (Pol.is's convention).
    pub moderation: i64,
    pub created_at: String,
    /// The language it was written in (a code of the six UN languages), when recorded.
    pub lang: Option<String>,
}

/// Agree / disagree / pass as stored (Pol.is's +1 / -1 / 0).
pub fn vote_value(vote: &str) -> Option<i64> {
    match vote {
        "agree" => Some(1),
        "disagree" => Some(-1),
        "pass" => Some(0),
        _ => None,
    }
}

fn statement_from_row(row: &sqlx::any::AnyRow) -> Result<Statement, StoreError> {
    Ok(Statement {
        number: row.try_get("number")?,
        body: row.try_get("body")?,
        author: row.try_get("author")?,
        moderation: row.try_get("moderation")?,
        created_at: row.try_get("created_at")?,
        lang: row.try_get("lang")?,
    })
}

fn consultation_from_row(row: &sqlx::any::AnyRow) -> Result<Consultation, StoreError> {
    let closed: Option<String> = row.try_get("closed_at")?;
    let published: Option<String> = row.try_get("report_published_at")?;
    Ok(Consultation {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        join_token: row.try_get("join_token")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        closed: closed.is_some(),
        report_published: published.is_some(),
    })
}

/// A statement brought in from elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportedStatement {
    pub number: i64,
    pub body: String,
    /// The participant number of its author, when known.
    pub author: Option<i64>,
    /// 1 accepted, 0 awaiting moderation, -1 rejected.
    pub moderation: i64,
    /// The language it was written in (a UN language code), when known.
    pub lang: Option<String>,
}

/// One participant's current vote on one statement (+1 agree, -1 disagree, 0 pass).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CurrentVote {
    pub participant: i64,
    pub statement: i64,
    pub vote: i64,
}

/// One vote as it was cast, at its time (UTC RFC 3339, see [`format_millis`]) when known.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HistoryVote {
    pub participant: i64,
    pub statement: i64,
    pub vote: i64,
    pub at: Option<String>,
}

/// A translation brought in with its statement.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportedTranslation {
    pub number: i64,
    /// A UN language code.
    pub lang: String,
    pub body: String,
}

/// A whole consultation brought in from elsewhere (a Pol.is export).
pub struct ImportedConsultation<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub statements: &'a [ImportedStatement],
    /// Participant numbers 0..participants exist (anonymous, no link secret).
    pub participants: i64,
    pub votes: &'a [CurrentVote],
    /// Every vote event, oldest first (re-votes included); empty: the current votes are the
    /// history, at the import's time.
    pub history: &'a [HistoryVote],
    pub translations: &'a [ImportedTranslation],
}

impl Store {
    /// A new consultation row with a fresh id and participation link.
    async fn insert_consultation(
        tx: &mut WriteTx<'_>,
        actor: &str,
        title: &str,
        description: &str,
    ) -> Result<Consultation, StoreError> {
        let c = Consultation {
            id: new_id(),
            title: title.to_string(),
            description: description.to_string(),
            join_token: new_secret(),
            created_by: actor.to_string(),
            created_at: now(),
            closed: false,
            report_published: false,
        };
        sqlx::query(
            "INSERT INTO consultations (id, title, description, join_token, created_by, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&c.id)
        .bind(&c.title)
        .bind(&c.description)
        .bind(&c.join_token)
        .bind(&c.created_by)
        .bind(&c.created_at)
        .execute(tx.conn())
        .await?;
        Ok(c)
    }

    /// Rows into `table` (`columns`, each row's values bound by `bind`), 100 rows a statement.
    async fn insert_rows<T>(
        tx: &mut WriteTx<'_>,
        table: &str,
        columns: &[&str],
        rows: &[T],
        bind: impl Fn(AnyQuery, usize, &T) -> AnyQuery,
    ) -> Result<(), StoreError> {
        let width = columns.len();
        for (chunk_index, chunk) in rows.chunks(100).enumerate() {
            let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push(',');
                }
                let params: Vec<String> =
                    (1..=width).map(|k| format!("${}", i * width + k)).collect();
                sql.push_str(&format!("({})", params.join(", ")));
            }
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (i, row) in chunk.iter().enumerate() {
                q = bind(q, chunk_index * 100 + i, row);
            }
            q.execute(tx.conn()).await?;
        }
        Ok(())
    }

    /// Store an imported consultation in one transaction with one audit entry that commits to
    /// its whole content: statements with their languages and translations, participants,
    /// current votes and the vote history (each event at its own time; an event whose time is
    /// unknown is stored with an empty time). Without a history the current votes are its
    /// history, at the import's time. Rows go in batches of 100.
    pub async fn import_consultation(
        &self,
        actor: &str,
        import: &ImportedConsultation<'_>,
    ) -> Result<Consultation, StoreError> {
        let mut tx = self.begin_write().await?;
        let c = Self::insert_consultation(&mut tx, actor, import.title, import.description).await?;
        let id = c.id.clone();
        let at = c.created_at.clone();
        Self::insert_rows(
            &mut tx,
            "consultation_statements",
            &[
                "consultation_id",
                "number",
                "body",
                "author",
                "moderation",
                "created_at",
                "lang",
            ],
            import.statements,
            |q, _, st| {
                q.bind(id.clone())
                    .bind(st.number)
                    .bind(st.body.clone())
                    .bind(st.author)
                    .bind(st.moderation)
                    .bind(at.clone())
                    .bind(st.lang.clone())
            },
        )
        .await?;
        let numbers: Vec<i64> = (0..import.participants).collect();
        Self::insert_rows(
            &mut tx,
            "consultation_participants",
            &["consultation_id", "number", "created_at"],
            &numbers,
            |q, _, n| q.bind(id.clone()).bind(*n).bind(at.clone()),
        )
        .await?;
        Self::insert_rows(
            &mut tx,
            "consultation_votes",
            &["consultation_id", "participant", "statement", "vote", "at"],
            import.votes,
            |q, _, v| {
                q.bind(id.clone())
                    .bind(v.participant)
                    .bind(v.statement)
                    .bind(v.vote)
                    .bind(at.clone())
            },
        )
        .await?;
        let history: Vec<HistoryVote> = if import.history.is_empty() {
            import
                .votes
                .iter()
                .map(|v| HistoryVote {
                    participant: v.participant,
                    statement: v.statement,
                    vote: v.vote,
                    at: Some(at.clone()),
                })
                .collect()
        } else {
            import.history.to_vec()
        };
        Self::insert_rows(
            &mut tx,
            "consultation_vote_history",
            &[
                "consultation_id",
                "seq",
                "participant",
                "statement",
                "vote",
                "at",
            ],
            &history,
            |q, i, v| {
                q.bind(id.clone())
                    .bind((i + 1) as i64)
                    .bind(v.participant)
                    .bind(v.statement)
                    .bind(v.vote)
                    .bind(v.at.clone().unwrap_or_default())
            },
        )
        .await?;
        Self::insert_rows(
            &mut tx,
            "consultation_translations",
            &[
                "consultation_id",
                "number",
                "lang",
                "body",
                "translated_by",
                "updated_at",
            ],
            import.translations,
            |q, _, t| {
                q.bind(id.clone())
                    .bind(t.number)
                    .bind(t.lang.clone())
                    .bind(t.body.clone())
                    .bind(actor.to_string())
                    .bind(at.clone())
            },
        )
        .await?;
        tx.record(
            AuditDraft::new(actor, "consult.import", &c.id).after(&serde_json::json!({
                "title": c.title,
                "statements": import.statements,
                "participants": import.participants,
                "votes": import.votes,
                "history": import.history,
                "translations": import.translations,
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(c)
    }

    pub async fn create_consultation(
        &self,
        actor: &str,
        title: &str,
        description: &str,
    ) -> Result<Consultation, StoreError> {
        let mut tx = self.begin_write().await?;
        let c = Self::insert_consultation(&mut tx, actor, title, description).await?;
        tx.record(
            AuditDraft::new(actor, "consult.create", &c.id)
                .after(&serde_json::json!({"title": c.title, "description": c.description})),
        )
        .await?;
        tx.commit().await?;
        Ok(c)
    }

    pub async fn list_consultations(&self) -> Result<Vec<Consultation>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, title, description, join_token, created_by, created_at, closed_at, \
             report_published_at \
             FROM consultations ORDER BY created_at DESC, id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(consultation_from_row).collect()
    }

    pub async fn consultation(&self, id: &str) -> Result<Option<Consultation>, StoreError> {
        let row = sqlx::query(
            "SELECT id, title, description, join_token, created_by, created_at, closed_at, \
             report_published_at \
             FROM consultations WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(consultation_from_row).transpose()
    }

    pub async fn consultation_by_join_token(
        &self,
        token: &str,
    ) -> Result<Option<Consultation>, StoreError> {
        let row = sqlx::query(
            "SELECT id, title, description, join_token, created_by, created_at, closed_at, \
             report_published_at \
             FROM consultations WHERE join_token = $1",
        )
        .bind(token)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(consultation_from_row).transpose()
    }

    /// Add a statement; returns its number. Organisers' statements are accepted
    /// (`moderation` 1), participants' await moderation (0).
    pub async fn add_statement(
        &self,
        actor: &str,
        consultation: &str,
        body: &str,
        author: Option<i64>,
        moderation: i64,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let number: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(number), -1) + 1 FROM consultation_statements \
             WHERE consultation_id = $1",
        )
        .bind(consultation)
        .fetch_one(tx.conn())
        .await?;
        sqlx::query(
            "INSERT INTO consultation_statements (consultation_id, number, body, author, \
             moderation, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(consultation)
        .bind(number)
        .bind(body)
        .bind(author)
        .bind(moderation)
        .bind(now())
        .execute(tx.conn())
        .await?;
        tx.record(
            AuditDraft::new(
                actor,
                "consult.statement",
                format!("{consultation}/{number}"),
            )
            .after(&serde_json::json!({"body": body, "moderation": moderation})),
        )
        .await?;
        tx.commit().await?;
        Ok(number)
    }

    pub async fn moderate_statement(
        &self,
        actor: &str,
        consultation: &str,
        number: i64,
        moderation: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE consultation_statements SET moderation = $1 \
             WHERE consultation_id = $2 AND number = $3",
        )
        .bind(moderation)
        .bind(consultation)
        .bind(number)
        .execute(tx.conn())
        .await?;
        if changed.rows_affected() != 1 {
            return Err(StoreError::NotFound("statement"));
        }
        tx.record(
            AuditDraft::new(
                actor,
                "consult.moderate",
                format!("{consultation}/{number}"),
            )
            .after(&serde_json::json!({"moderation": moderation})),
        )
        .await?;
        tx.commit().await
    }

    pub async fn statements(&self, consultation: &str) -> Result<Vec<Statement>, StoreError> {
        let rows = sqlx::query(
            "SELECT number, body, author, moderation, created_at, lang FROM consultation_statements \
             WHERE consultation_id = $1 ORDER BY number",
        )
        .bind(consultation)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(statement_from_row).collect()
    }

    async fn next_participant_number(
        tx: &mut WriteTx<'_>,
        consultation: &str,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COALESCE(MAX(number), -1) + 1 FROM consultation_participants \
             WHERE consultation_id = $1",
        )
        .bind(consultation)
        .fetch_one(tx.conn())
        .await?)
    }

    /// The participant number of a signed-in account, created on first use.
    pub async fn participant_for_user(
        &self,
        consultation: &str,
        user_id: &str,
    ) -> Result<i64, StoreError> {
        let existing: Option<i64> = sqlx::query_scalar(
            "SELECT number FROM consultation_participants \
             WHERE consultation_id = $1 AND user_id = $2",
        )
        .bind(consultation)
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?;
        if let Some(n) = existing {
            return Ok(n);
        }
        let mut tx = self.begin_write().await?;
        let again: Option<i64> = sqlx::query_scalar(
            "SELECT number FROM consultation_participants \
             WHERE consultation_id = $1 AND user_id = $2",
        )
        .bind(consultation)
        .bind(user_id)
        .fetch_optional(tx.conn())
        .await?;
        if let Some(n) = again {
            return Ok(n);
        }
        let number = Self::next_participant_number(&mut tx, consultation).await?;
        sqlx::query(
            "INSERT INTO consultation_participants (consultation_id, number, user_id, \
             created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(consultation)
        .bind(number)
        .bind(user_id)
        .bind(now())
        .execute(tx.conn())
        .await?;
        tx.record(AuditDraft::new(
            user_id,
            "consult.join",
            format!("{consultation}/p{number}"),
        ))
        .await?;
        tx.commit().await?;
        Ok(number)
    }

    /// A new anonymous participant; returns its number and the secret for its cookie.
    /// How many participants a consultation has (accounts and link holders).
    pub async fn participant_count(&self, consultation: &str) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM consultation_participants WHERE consultation_id = $1",
        )
        .bind(consultation)
        .fetch_one(self.pool())
        .await?)
    }

    pub async fn anonymous_participant(
        &self,
        consultation: &str,
    ) -> Result<(i64, String), StoreError> {
        let secret = new_secret();
        let mut tx = self.begin_write().await?;
        let number = Self::next_participant_number(&mut tx, consultation).await?;
        sqlx::query(
            "INSERT INTO consultation_participants (consultation_id, number, secret_hash, \
             created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(consultation)
        .bind(number)
        .bind(secret_digest(&secret))
        .bind(now())
        .execute(tx.conn())
        .await?;
        tx.record(AuditDraft::new(
            "anonymous",
            "consult.join",
            format!("{consultation}/p{number}"),
        ))
        .await?;
        tx.commit().await?;
        Ok((number, secret))
    }

    pub async fn participant_by_secret(
        &self,
        consultation: &str,
        secret: &str,
    ) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT number FROM consultation_participants \
             WHERE consultation_id = $1 AND secret_hash = $2",
        )
        .bind(consultation)
        .bind(secret_digest(secret))
        .fetch_optional(self.pool())
        .await?)
    }

    /// Record a vote (agree 1, disagree -1, pass 0): the current vote is replaced, the history
    /// keeps every vote. Fails with `NotFound` unless the statement exists and was accepted.
    pub async fn cast_vote(
        &self,
        actor: &str,
        consultation: &str,
        participant: i64,
        statement: i64,
        vote: i64,
    ) -> Result<(), StoreError> {
        self.cast_vote_in(actor, consultation, participant, statement, vote, None)
            .await
    }

    /// [`Store::cast_vote`], recording the language the participant read the statement in (a
    /// UN language code); the vote counts for the statement whatever the language.
    pub async fn cast_vote_in(
        &self,
        actor: &str,
        consultation: &str,
        participant: i64,
        statement: i64,
        vote: i64,
        lang: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let moderation: Option<i64> = sqlx::query_scalar(
            "SELECT moderation FROM consultation_statements \
             WHERE consultation_id = $1 AND number = $2",
        )
        .bind(consultation)
        .bind(statement)
        .fetch_optional(tx.conn())
        .await?;
        if !matches!(moderation, Some(m) if m > 0) {
            return Err(StoreError::NotFound("statement"));
        }
        let at = now();
        let seq: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM consultation_vote_history \
             WHERE consultation_id = $1",
        )
        .bind(consultation)
        .fetch_one(tx.conn())
        .await?;
        sqlx::query(
            "INSERT INTO consultation_vote_history (consultation_id, seq, participant, \
             statement, vote, at, lang) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(consultation)
        .bind(seq)
        .bind(participant)
        .bind(statement)
        .bind(vote)
        .bind(&at)
        .bind(lang)
        .execute(tx.conn())
        .await?;
        sqlx::query(
            "INSERT INTO consultation_votes (consultation_id, participant, statement, vote, at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (consultation_id, participant, statement) \
             DO UPDATE SET vote = excluded.vote, at = excluded.at",
        )
        .bind(consultation)
        .bind(participant)
        .bind(statement)
        .bind(vote)
        .bind(&at)
        .execute(tx.conn())
        .await?;
        tx.record(
            AuditDraft::new(
                actor,
                "consult.vote",
                format!("{consultation}/p{participant}"),
            )
            .after(&match lang {
                Some(l) => serde_json::json!({"statement": statement, "vote": vote, "lang": l}),
                None => serde_json::json!({"statement": statement, "vote": vote}),
            }),
        )
        .await?;
        tx.commit().await
    }

    /// Every current vote: (participant, statement, vote).
    pub async fn current_votes(&self, consultation: &str) -> Result<Vec<CurrentVote>, StoreError> {
        let rows = sqlx::query(
            "SELECT participant, statement, vote FROM consultation_votes \
             WHERE consultation_id = $1 ORDER BY participant, statement",
        )
        .bind(consultation)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CurrentVote {
                    participant: r.try_get(0)?,
                    statement: r.try_get(1)?,
                    vote: r.try_get(2)?,
                })
            })
            .collect()
    }

    /// How many votes were ever cast (the history's length): a version for caches.
    pub async fn vote_history_len(&self, consultation: &str) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM consultation_vote_history WHERE consultation_id = $1",
        )
        .bind(consultation)
        .fetch_one(self.pool())
        .await?)
    }

    /// The vote history of one participant, oldest first: (statement, vote, at).
    pub async fn vote_history(
        &self,
        consultation: &str,
        participant: i64,
    ) -> Result<Vec<(i64, i64, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT statement, vote, at FROM consultation_vote_history \
             WHERE consultation_id = $1 AND participant = $2 ORDER BY seq",
        )
        .bind(consultation)
        .bind(participant)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }

    /// The next accepted statement this participant has not voted on, in order (statements
    /// awaiting moderation are shown to nobody).
    pub async fn next_statement(
        &self,
        consultation: &str,
        participant: i64,
    ) -> Result<Option<Statement>, StoreError> {
        let row = sqlx::query(
            "SELECT s.number, s.body, s.author, s.moderation, s.created_at, s.lang \
             FROM consultation_statements s WHERE s.consultation_id = $1 AND s.moderation > 0 \
             AND NOT EXISTS (SELECT 1 FROM consultation_votes v WHERE v.consultation_id = \
             s.consultation_id AND v.statement = s.number AND v.participant = $2) \
             ORDER BY s.number LIMIT 1",
        )
        .bind(consultation)
        .bind(participant)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(statement_from_row).transpose()
    }
}
