//! A consultation's languages and its report: statements' original language, the
//! secretariat's translations, when each vote was cast (for participation over time), and
//! whether the convenor's report is published. Language codes are stored as given; the
//! application checks they are UN languages.

use crate::{Store, StoreError, now};
use chamber_core::AuditDraft;
use sqlx::Row;

/// A statement's translation into one language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatementTranslation {
    pub number: i64,
    pub lang: String,
    pub body: String,
    pub translated_by: String,
    pub updated_at: String,
}

/// Milliseconds since the epoch as the stored time: UTC RFC 3339, with milliseconds when
/// there are any (`2014-06-18T01:16:54.196Z`, `2026-11-26T17:25:06Z`).
pub fn format_millis(ms: i64) -> Option<String> {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()?;
    let fmt = if ms.rem_euclid(1000) == 0 {
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z")
    } else {
        time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
        )
    };
    t.format(&fmt).ok()
}

/// A stored time back to milliseconds since the epoch; `None` for an empty (unknown) time or
/// one that does not parse.
pub fn parse_millis(at: &str) -> Option<i64> {
    let t = time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

impl Store {
    async fn statement_exists(
        tx: &mut crate::WriteTx<'_>,
        consultation: &str,
        number: i64,
    ) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT number FROM consultation_statements WHERE consultation_id = $1 AND number = $2",
        )
        .bind(consultation)
        .bind(number)
        .fetch_optional(tx.conn())
        .await?;
        Ok(found.is_some())
    }

    /// Record the language a statement was written in (`None`: not recorded).
    pub async fn set_statement_language(
        &self,
        actor: &str,
        consultation: &str,
        number: i64,
        lang: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE consultation_statements SET lang = $1 WHERE consultation_id = $2 AND number = $3",
        )
        .bind(lang)
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
                "consult.statement.language",
                format!("{consultation}/{number}"),
            )
            .after(&serde_json::json!({"lang": lang})),
        )
        .await?;
        tx.commit().await
    }

    /// Add or replace a statement's translation into `lang`.
    pub async fn set_translation(
        &self,
        actor: &str,
        consultation: &str,
        number: i64,
        lang: &str,
        body: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        if !Self::statement_exists(&mut tx, consultation, number).await? {
            return Err(StoreError::NotFound("statement"));
        }
        let before: Option<String> = sqlx::query_scalar(
            "SELECT body FROM consultation_translations \
             WHERE consultation_id = $1 AND number = $2 AND lang = $3",
        )
        .bind(consultation)
        .bind(number)
        .bind(lang)
        .fetch_optional(tx.conn())
        .await?;
        sqlx::query(
            "INSERT INTO consultation_translations (consultation_id, number, lang, body, \
             translated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (consultation_id, number, lang) DO UPDATE SET body = excluded.body, \
             translated_by = excluded.translated_by, updated_at = excluded.updated_at",
        )
        .bind(consultation)
        .bind(number)
        .bind(lang)
        .bind(body)
        .bind(actor)
        .bind(now())
        .execute(tx.conn())
        .await?;
        let mut draft = AuditDraft::new(
            actor,
            "consult.translation.set",
            format!("{consultation}/{number}/{lang}"),
        )
        .after(&serde_json::json!({"body": body}));
        if let Some(before) = before {
            draft = draft.before(&serde_json::json!({"body": before}));
        }
        tx.record(draft).await?;
        tx.commit().await
    }

    /// Remove a statement's translation into `lang`; `NotFound` when there is none.
    pub async fn remove_translation(
        &self,
        actor: &str,
        consultation: &str,
        number: i64,
        lang: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let before: Option<String> = sqlx::query_scalar(
            "SELECT body FROM consultation_translations \
             WHERE consultation_id = $1 AND number = $2 AND lang = $3",
        )
        .bind(consultation)
        .bind(number)
        .bind(lang)
        .fetch_optional(tx.conn())
        .await?;
        let Some(before) = before else {
            return Err(StoreError::NotFound("translation"));
        };
        sqlx::query(
            "DELETE FROM consultation_translations \
             WHERE consultation_id = $1 AND number = $2 AND lang = $3",
        )
        .bind(consultation)
        .bind(number)
        .bind(lang)
        .execute(tx.conn())
        .await?;
        tx.record(
            AuditDraft::new(
                actor,
                "consult.translation.remove",
                format!("{consultation}/{number}/{lang}"),
            )
            .before(&serde_json::json!({"body": before})),
        )
        .await?;
        tx.commit().await
    }

    /// One statement's moderation, original language and the languages it is translated into
    /// (in code order); `None` when there is no such statement.
    pub async fn statement_languages(
        &self,
        consultation: &str,
        number: i64,
    ) -> Result<Option<(i64, Option<String>, Vec<String>)>, StoreError> {
        let row = sqlx::query(
            "SELECT moderation, lang FROM consultation_statements \
             WHERE consultation_id = $1 AND number = $2",
        )
        .bind(consultation)
        .bind(number)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let langs: Vec<String> = sqlx::query_scalar(
            "SELECT lang FROM consultation_translations \
             WHERE consultation_id = $1 AND number = $2 ORDER BY lang",
        )
        .bind(consultation)
        .bind(number)
        .fetch_all(self.pool())
        .await?;
        Ok(Some((row.try_get(0)?, row.try_get(1)?, langs)))
    }

    /// Every translation of a consultation's statements, by statement then language.
    pub async fn translations(
        &self,
        consultation: &str,
    ) -> Result<Vec<StatementTranslation>, StoreError> {
        let rows = sqlx::query(
            "SELECT number, lang, body, translated_by, updated_at FROM consultation_translations \
             WHERE consultation_id = $1 ORDER BY number, lang",
        )
        .bind(consultation)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StatementTranslation {
                    number: r.try_get(0)?,
                    lang: r.try_get(1)?,
                    body: r.try_get(2)?,
                    translated_by: r.try_get(3)?,
                    updated_at: r.try_get(4)?,
                })
            })
            .collect()
    }

    /// Who voted when, oldest first: (participant, milliseconds since the epoch, `None` when the
    /// vote's time is unknown), one row per vote event (re-votes included).
    pub async fn vote_times(
        &self,
        consultation: &str,
    ) -> Result<Vec<(i64, Option<i64>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT participant, at FROM consultation_vote_history \
             WHERE consultation_id = $1 ORDER BY seq",
        )
        .bind(consultation)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let at: String = r.try_get(1)?;
                Ok((r.try_get(0)?, parse_millis(&at)))
            })
            .collect()
    }

    /// How many votes were cast in each language (the language the participant read the
    /// statement in; `None` when not recorded first), in code order.
    pub async fn votes_by_language(
        &self,
        consultation: &str,
    ) -> Result<Vec<(Option<String>, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT lang, COUNT(*) FROM consultation_vote_history WHERE consultation_id = $1 \
             GROUP BY lang",
        )
        .bind(consultation)
        .fetch_all(self.pool())
        .await?;
        // Sorted here: SQLite and PostgreSQL place NULL at opposite ends.
        let mut counts = rows
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<Vec<(Option<String>, i64)>, StoreError>>()?;
        counts.sort();
        Ok(counts)
    }

    /// Open the convenor's report to participants, or close it again.
    pub async fn set_report_published(
        &self,
        actor: &str,
        consultation: &str,
        published: bool,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let at = published.then(now);
        let changed =
            sqlx::query("UPDATE consultations SET report_published_at = $1 WHERE id = $2")
                .bind(at.clone())
                .bind(consultation)
                .execute(tx.conn())
                .await?;
        if changed.rows_affected() != 1 {
            return Err(StoreError::NotFound("consultation"));
        }
        tx.record(
            AuditDraft::new(
                actor,
                if published {
                    "consult.report.publish"
                } else {
                    "consult.report.withdraw"
                },
                consultation,
            )
            .after(&serde_json::json!({"published_at": at})),
        )
        .await?;
        tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_keep_their_milliseconds_and_read_back() {
        assert_eq!(
            format_millis(1_403_054_214_196).as_deref(),
            Some("2014-06-18T01:16:54.196Z")
        );
        assert_eq!(
            format_millis(1_403_054_214_000).as_deref(),
            Some("2014-06-18T01:16:54Z")
        );
        for ms in [1_403_054_214_196, 1_403_054_214_000, 0, -86_400_001] {
            assert_eq!(parse_millis(&format_millis(ms).unwrap()), Some(ms));
        }
        assert_eq!(parse_millis(""), None);
        assert_eq!(parse_millis(&crate::now()).map(|ms| ms % 1000), Some(0));
    }
}
