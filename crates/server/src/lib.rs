//! Chamber's web server: the thin layer between HTTP and the capability crates.
//!
//! Architecture invariants:
//! - Handlers parse input, ask `chamber_core::permissions`, call the store or a capability
//!   crate, and render. They hold no domain rules of their own.
//! - Every state-changing request (any method but GET/HEAD/OPTIONS) passes the CSRF check in
//!   [`security::csrf_layer`] unless it carries an API bearer token and no session cookie.
//! - Every page string goes through the translation catalogue; templates auto-escape.

// Handlers return `Result<_, Response>` to stop early with a ready page; boxing would only add noise.
#![allow(clippy::result_large_err)]

pub mod consult;
pub mod error;
pub mod library;
pub mod mediation;
pub mod platform;
pub mod watch;

pub use platform::{api, auth, metrics, pages, render, security};

use axum::Router;
use chamber_i18n::Catalogue;
use chamber_store::Store;
use std::net::SocketAddr;
use std::sync::Arc;

/// How the server presents itself.
#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// The address people use to reach Chamber (`https://chamber.example`); links printed for
    /// them start with it. Cookies are marked `Secure` when it starts with `https://`.
    pub public_url: Option<String>,
    /// The data directory: the Watch event store, the library's index and documents. `None`
    /// shows those capabilities as empty.
    pub data: Option<chamber_app::DataDir>,
}

impl ServerConfig {
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}

/// Everything a request handler may need.
pub struct AppState {
    pub store: Arc<Store>,
    pub catalogue: Arc<Catalogue>,
    pub templates: minijinja::Environment<'static>,
    pub limiter: security::LoginLimiter,
    pub metrics: metrics::Metrics,
    pub config: ServerConfig,
    /// Consultations and their cached opinion maps.
    pub consult: chamber_app::consult::Consultations,
    /// The mediation chamber's use cases (sealed with the operator's key; without a key no
    /// process exists for anyone).
    pub mediation: chamber_app::mediation::Mediation,
}

pub type SharedState = Arc<AppState>;

impl AppState {
    pub fn new(store: Arc<Store>, config: ServerConfig) -> SharedState {
        Self::with_keyring(store, config, None)
    }

    pub fn with_keyring(
        store: Arc<Store>,
        config: ServerConfig,
        keyring: Option<Arc<chamber_mediation::confidential::Keyring>>,
    ) -> SharedState {
        let catalogue = Arc::new(Catalogue::load());
        Arc::new(AppState {
            mediation: chamber_app::mediation::Mediation::new(store.clone(), keyring),
            consult: chamber_app::consult::Consultations::new(store.clone()),
            templates: render::environment(catalogue.clone()),
            store,
            catalogue,
            limiter: security::LoginLimiter::default(),
            metrics: metrics::Metrics::default(),
            config,
        })
    }
}

/// The whole application: the platform and each capability's routes, behind the security,
/// metrics and CSRF layers.
pub fn router(state: SharedState) -> Router {
    Router::new()
        .merge(platform::routes())
        .merge(mediation::routes())
        .merge(consult::routes())
        .merge(watch::routes())
        .merge(library::routes())
        .fallback(pages::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(security::MAX_BODY))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::csrf_layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(state)
}

/// Serve until SIGINT/SIGTERM, then finish in-flight requests.
pub async fn serve(listener: tokio::net::TcpListener, state: SharedState) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
