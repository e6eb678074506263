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

pub mod api;
pub mod auth;
pub mod chamber;
pub mod consult;
pub mod library;
pub mod metrics;
pub mod pages;
pub mod render;
pub mod security;
pub mod watch;

use axum::Router;
use axum::routing::{get, post};
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
    /// The watch (early-warning) event store the Watch page reads.
    pub watch_store: Option<std::path::PathBuf>,
    /// The library's search index (built by `chamber library ingest`).
    pub library_index: Option<std::path::PathBuf>,
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
    pub consult_maps: consult::MapCache,
    /// Seals and opens mediation records; `None` when no key file was configured.
    pub keyring: Option<Arc<chamber_mediation::confidential::Keyring>>,
    /// One writer at a time changes a negotiating text (load, change, seal, store).
    pub mediation_write: tokio::sync::Mutex<()>,
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
            keyring,
            mediation_write: tokio::sync::Mutex::new(()),
            templates: render::environment(catalogue.clone()),
            store,
            catalogue,
            limiter: security::LoginLimiter::default(),
            metrics: metrics::Metrics::default(),
            config,
            consult_maps: consult::MapCache::default(),
        })
    }
}

/// The whole application.
pub fn router(state: SharedState) -> Router {
    Router::new()
        .route("/", get(pages::dashboard))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/setup", get(pages::setup_form).post(pages::setup))
        .route("/invite", get(pages::invite_form).post(pages::invite))
        .route(
            "/account/password",
            get(pages::password_form).post(pages::change_password),
        )
        .route("/admin", get(pages::admin))
        .route("/admin/users", post(pages::admin_create_user))
        .route("/admin/tokens", post(pages::admin_issue_token))
        .route("/lang/{code}", get(pages::switch_language))
        .route("/watch", get(watch::page_handler))
        .route("/chamber", get(chamber::list).post(chamber::open_by_hand))
        .route("/chamber/open", post(chamber::open_from_alert))
        .route("/chamber/{id}", get(chamber::process_page))
        .route("/chamber/{id}/akn", get(chamber::akn))
        .route("/chamber/{id}/print", get(chamber::print))
        .route("/chamber/{id}/diff", get(chamber::diff))
        .route("/chamber/{id}/calendar.ics", get(chamber::calendar))
        .route("/chamber/{id}/notes", post(chamber::post_note))
        .route("/chamber/{id}/amendments", post(chamber::propose_wording))
        .route("/chamber/{id}/versions", post(chamber::issue_version))
        .route("/chamber/{id}/agree", post(chamber::agree_paragraph))
        .route("/chamber/{id}/parties", post(chamber::add_party))
        .route("/chamber/{id}/participants", post(chamber::add_participant))
        .route("/chamber/{id}/tracks", post(chamber::set_track))
        .route("/chamber/{id}/text", post(chamber::start_text))
        .route("/chamber/{id}/rooms", post(chamber::add_room))
        .route("/chamber/{id}/sessions", post(chamber::plan_session))
        .route("/chamber/{id}/attribution", post(chamber::set_attribution))
        .route("/chamber/{id}/minutes", post(chamber::set_minutes))
        .route("/chamber/{id}/commitments", post(chamber::set_commitment))
        .route("/chamber/{id}/agreement.akn", get(chamber::agreement_akn))
        .route("/chamber/{id}/adopt", post(chamber::adopt))
        .route("/chamber/{id}/scores", post(chamber::score))
        .route("/consult", get(consult::list).post(consult::create))
        .route("/consult/{id}", get(consult::participate))
        .route("/consult/{id}/vote", post(consult::vote))
        .route("/consult/{id}/statements", post(consult::submit_statement))
        .route("/consult/{id}/moderate", post(consult::moderate))
        .route("/consult/{id}/map", get(consult::map))
        .route("/c/{token}", get(consult::join))
        .route("/api/v1/consult", post(consult::api_create))
        .route("/api/v1/consult/join", post(consult::api_join))
        .route("/api/v1/consult/{id}/votes", post(consult::api_vote))
        .route("/api/v1/consult/{id}/analysis", get(consult::api_analysis))
        .route("/library", get(library::page_handler))
        .route("/library/doc", get(library::document))
        .route("/static/chamber.css", get(pages::stylesheet))
        .route("/health", get(pages::health))
        .route("/metrics", get(metrics::render))
        .route("/api/v1/me", get(api::me))
        .route("/api/v1/users", get(api::list_users).post(api::create_user))
        .route("/api/v1/audit", get(api::audit_status))
        .route(
            "/api/v1/chamber",
            get(chamber::api_list).post(chamber::open_by_hand),
        )
        .route("/api/v1/chamber/{id}/parties", post(chamber::add_party))
        .route(
            "/api/v1/chamber/{id}/participants",
            post(chamber::add_participant),
        )
        .route("/api/v1/chamber/{id}/tracks", post(chamber::set_track))
        .route("/api/v1/chamber/{id}/text", post(chamber::start_text))
        .route("/api/v1/chamber/{id}/rooms", post(chamber::add_room))
        .route("/api/v1/chamber/{id}/sessions", post(chamber::plan_session))
        .route(
            "/api/v1/chamber/{id}/attribution",
            post(chamber::set_attribution),
        )
        .route("/api/v1/chamber/{id}/minutes", post(chamber::set_minutes))
        .route("/api/v1/chamber/{id}/notes", post(chamber::post_note))
        .route(
            "/api/v1/chamber/{id}/commitments",
            post(chamber::set_commitment),
        )
        .route("/api/v1/chamber/{id}/scores", post(chamber::score))
        .route("/api/v1/chamber/{id}", get(chamber::api_process))
        .route("/api/v1/chamber/{id}/versions", post(chamber::api_issue))
        .route(
            "/api/v1/chamber/{id}/versions/{n}",
            get(chamber::api_version),
        )
        .route("/api/v1/chamber/{id}/diff", get(chamber::api_diff))
        .route(
            "/api/v1/chamber/{id}/amendments",
            post(chamber::api_propose),
        )
        .route("/api/openapi.json", get(api::openapi))
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
