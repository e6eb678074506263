//! The schema, as ordered migrations written once for both SQLite and PostgreSQL.
//!
//! Only portable SQL here: TEXT, BIGINT, PRIMARY KEY, UNIQUE, REFERENCES. Times are stored as
//! UTC RFC 3339 text (`2026-11-26T17:25:06Z`), which sorts as it reads.

/// One migration: its version, what it does, and its SQL (statements separated by `;`).
pub type Migration = (i64, &'static str, &'static str);

/// Every migration in version order. Each capability keeps its schema in its own list, in its
/// own range of versions, so capabilities never edit each other's migrations:
/// platform and mediation 1–99, corridors 100–199, conferences 200–299, consult 300–399.
pub fn all() -> Vec<&'static Migration> {
    let mut all: Vec<&'static Migration> = PLATFORM
        .iter()
        .chain(crate::mediation::MIGRATIONS)
        .chain(crate::checkpoints::MIGRATIONS)
        .chain(crate::rotation::MIGRATIONS)
        .chain(crate::conferences::MIGRATIONS)
        .chain(crate::corridors::MIGRATIONS)
        .chain(crate::consult::MIGRATIONS)
        .collect();
    all.sort_by_key(|m| m.0);
    all
}

/// Accounts, the audit chain, consultations and mediation records.
pub const PLATFORM: &[Migration] = &[
    (
        1,
        "accounts, sessions, tokens, invitations and the audit chain",
        r#"
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT,
    created_at TEXT NOT NULL,
    disabled BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users(id),
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    user_id TEXT REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    before_digest TEXT NOT NULL,
    after_digest TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000')
"#,
    ),
    (
        2,
        "consultations: statements, participants, votes and their history",
        r#"
CREATE TABLE consultations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    join_token TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE TABLE consultation_statements (
    consultation_id TEXT NOT NULL REFERENCES consultations(id),
    number BIGINT NOT NULL,
    body TEXT NOT NULL,
    author BIGINT,
    moderation BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    PRIMARY KEY (consultation_id, number)
);
CREATE TABLE consultation_participants (
    consultation_id TEXT NOT NULL REFERENCES consultations(id),
    number BIGINT NOT NULL,
    user_id TEXT REFERENCES users(id),
    secret_hash TEXT UNIQUE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (consultation_id, number)
);
CREATE UNIQUE INDEX consultation_participants_user ON consultation_participants(consultation_id, user_id);
CREATE TABLE consultation_votes (
    consultation_id TEXT NOT NULL,
    participant BIGINT NOT NULL,
    statement BIGINT NOT NULL,
    vote BIGINT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (consultation_id, participant, statement)
);
CREATE TABLE consultation_vote_history (
    consultation_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    participant BIGINT NOT NULL,
    statement BIGINT NOT NULL,
    vote BIGINT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (consultation_id, seq)
)
"#,
    ),
    (
        3,
        "mediation records, sealed (XChaCha20-Poly1305) before they reach the database",
        r#"
CREATE TABLE mediation_records (
    id TEXT PRIMARY KEY,
    process_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    sealed TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX mediation_records_process ON mediation_records(process_id)
"#,
    ),
];

#[cfg(test)]
mod tests {
    #[test]
    fn versions_are_unique_and_ordered() {
        let all = super::all();
        for pair in all.windows(2) {
            assert!(pair[0].0 < pair[1].0, "migration {} twice", pair[1].0);
        }
    }
}
