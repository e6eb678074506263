//! Helpers for tests that need a real, fresh database of each kind.
//!
//! PostgreSQL tests read `CHAMBER_TEST_POSTGRES_URL` (a server where the user may create
//! databases, e.g. `postgres://postgres@127.0.0.1:5432/test`). Each test gets a database of its
//! own, dropped afterwards. When the variable is unset the PostgreSQL half skips with a printed
//! reason, unless `CHAMBER_REQUIRE_POSTGRES=1` (CI), where that is a failure.

use crate::{Store, new_id};
use sqlx::Connection;
use std::path::PathBuf;

/// A PostgreSQL database made for one test; dropped by [`FreshPostgres::drop_database`].
pub struct FreshPostgres {
    pub url: String,
    admin_url: String,
    name: String,
}

pub fn postgres_required() -> bool {
    matches!(
        std::env::var("CHAMBER_REQUIRE_POSTGRES").as_deref(),
        Ok("1") | Ok("true") | Ok("yes")
    )
}

/// The admin URL, or `None` after printing why the PostgreSQL half is skipped.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("CHAMBER_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if postgres_required() {
                panic!("CHAMBER_REQUIRE_POSTGRES=1 but CHAMBER_TEST_POSTGRES_URL is not set");
            }
            eprintln!(
                "SKIPPED: PostgreSQL half of this test (set CHAMBER_TEST_POSTGRES_URL to run it)"
            );
            None
        }
    }
}

impl FreshPostgres {
    /// Create an empty database on the configured server.
    pub async fn create() -> Option<FreshPostgres> {
        let admin_url = postgres_admin_url()?;
        sqlx::any::install_default_drivers();
        let name = format!("chamber_test_{}", &new_id()[..16]);
        let mut conn = sqlx::AnyConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {admin_url}: {e}"));
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        let _ = conn.close().await;
        let base = admin_url.split('?').next().unwrap_or(&admin_url);
        let slash = base.rfind('/').expect("a database URL has a path");
        let url = format!("{}/{name}", &base[..slash]);
        Some(FreshPostgres {
            url,
            admin_url,
            name,
        })
    }

    pub async fn drop_database(self) {
        if let Ok(mut conn) = sqlx::AnyConnection::connect(&self.admin_url).await {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            )))
            .execute(&mut conn)
            .await;
            let _ = conn.close().await;
        }
    }
}

/// A fresh SQLite store in a temporary folder (kept alive by the returned guard path).
pub async fn fresh_sqlite() -> (Store, PathBuf) {
    let dir = std::env::temp_dir().join(format!("chamber-test-{}", new_id()));
    let store = Store::open_dir(&dir)
        .await
        .expect("open a fresh SQLite store");
    (store, dir)
}
