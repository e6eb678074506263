//! What can stop a use case, in terms the wire can translate without knowing the cause.

/// Why a use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The caller is not signed in.
    #[error("sign in first")]
    SignIn,
    /// Unknown, or not the caller's to see: the same answer either way, so nobody learns
    /// that something exists by asking for it.
    #[error("not found")]
    NotFound,
    /// Visible to the caller, but not theirs to do.
    #[error("not permitted")]
    Forbidden,
    /// The request itself is wrong; the message says which field and why.
    #[error("{0}")]
    Invalid(String),
    /// Too many attempts; try again after this many seconds.
    #[error("too many attempts; retry after {0} s")]
    TooMany(u64),
    /// A failure inside the platform (store, key, task); logged, never shown in detail.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn invalid(message: impl Into<String>) -> AppError {
        AppError::Invalid(message.into())
    }

    pub fn internal(context: &str, e: impl std::fmt::Display) -> AppError {
        AppError::Internal(format!("{context}: {e}"))
    }
}

impl From<chamber_store::StoreError> for AppError {
    fn from(e: chamber_store::StoreError) -> Self {
        AppError::Internal(format!("store: {e}"))
    }
}

impl From<chamber_mediation::Error> for AppError {
    fn from(e: chamber_mediation::Error) -> Self {
        use chamber_mediation::Error;
        match e {
            Error::NotFound | Error::BadId => AppError::NotFound,
            Error::Forbidden(_) => AppError::Forbidden,
            other => AppError::Invalid(other.to_string()),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
