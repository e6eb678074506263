//! Chamber's web server: the thin layer between HTTP and the application layer (`chamber-app`).
//! One folder per capability (`mediation`, `consult`, `watch`, `library`, `corridors`,
//! `conferences`), each exposing `routes()`; `platform` holds what they all stand on.
//!
//! Architecture invariants:
//! - Handlers read input (`error::Input`: a form or JSON), call one `chamber_app` use case and
//!   render; failures are `error::WebError`, a page or JSON in kind. They hold no domain rules.
//! - Every state-changing request (any method but GET/HEAD/OPTIONS) passes the CSRF check in
//!   [`security::csrf_layer`] unless it carries an API bearer token and no session cookie.
//! - Every page string goes through the translation catalogue; templates auto-escape.
// The OpenAPI document is one `json!` literal deeper than the default limit allows.
#![recursion_limit = "256"]
// Handlers return `Result<_, Response>` to stop early with a ready page; boxing would only add noise.
#![allow(clippy::result_large_err)]

pub mod conferences;
pub mod consult;
pub mod corridors;
pub mod error;
pub mod library;
pub mod mediation;
pub mod multipart;
pub mod platform;
pub mod watch;

pub use platform::{api, auth, metrics, pages, render, security};

use axum::Router;
use chamber_i18n::Catalogue;
use chamber_store::Store;
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
    /// The reverse proxy whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// A token a metrics scraper presents as `Authorization: Bearer …` on `/metrics`
    /// (`CHAMBER_METRICS_TOKEN`); administrators may read `/metrics` signed in.
    pub metrics_token: Option<String>,
    /// The address the server listens on (`http://127.0.0.1:8080`), for links when no public
    /// URL is configured.
    pub listen_url: Option<String>,
    /// How long a client may take to send its request headers (default
    /// [`HEADER_READ_TIMEOUT`]).
    pub header_read_timeout: Option<std::time::Duration>,
    /// Conference documents: the size limit of one upload and the retention period
    /// (`--max-document-bytes`, `--document-retention-days`).
    pub conferences: chamber_app::conferences::Settings,
}

impl ServerConfig {
    /// Where people reach this server: the public URL, else the listen address.
    pub fn base_url(&self) -> String {
        self.public_url
            .clone()
            .or_else(|| self.listen_url.clone())
            .unwrap_or_else(|| "http://127.0.0.1:8080".to_string())
            .trim_end_matches('/')
            .to_string()
    }

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
    pub limiter: chamber_app::accounts::SignInLimiter,
    pub metrics: metrics::Metrics,
    pub config: ServerConfig,
    /// Consultations and their cached opinion maps.
    pub consult: chamber_app::consult::Consultations,
    /// The mediation chamber's use cases (sealed with the operator's key; without a key no
    /// process exists for anyone).
    pub mediation: chamber_app::mediation::Mediation,
    /// Conferences: registration, accreditation, the door, the floor (documents and tickets
    /// sealed with the operator's key).
    pub conferences: chamber_app::conferences::Conferences,
    /// Corridors: the joint coordination centre's procedure and the published record (its
    /// reports cached per import).
    pub corridors: chamber_app::corridors::Corridors,
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
            conferences: chamber_app::conferences::Conferences::new(
                store.clone(),
                keyring.clone(),
                config.conferences,
            ),
            mediation: chamber_app::mediation::Mediation::new(store.clone(), keyring),
            corridors: chamber_app::corridors::Corridors::new(store.clone()),
            consult: chamber_app::consult::Consultations::new(store.clone()),
            templates: render::environment(catalogue.clone()),
            store,
            catalogue,
            limiter: chamber_app::accounts::SignInLimiter::default(),
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
        .merge(conferences::routes())
        .merge(corridors::routes())
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

/// How long a client may take to send a request's headers before its connection is closed (a
/// slow-headers client cannot hold connections open).
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Serve HTTP/1.1 until SIGINT/SIGTERM, then finish in-flight requests (at most 30 s).
/// Each connection reads its headers within [`HEADER_READ_TIMEOUT`].
pub async fn serve(listener: tokio::net::TcpListener, state: SharedState) -> std::io::Result<()> {
    use tower::ServiceExt;
    let header_timeout = state
        .config
        .header_read_timeout
        .unwrap_or(HEADER_READ_TIMEOUT);
    let app = router(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown_signal());
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors and the like: wait a moment rather than spin.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let service = app.clone().map_request(
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                request
            },
        );
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(header_timeout);
        let connection = builder.serve_connection(
            hyper_util::rt::TokioIo::new(stream),
            hyper_util::service::TowerToHyperService::new(service),
        );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(std::time::Duration::from_secs(30)) => {
            tracing::warn!("connections still open after 30 s; stopping anyway");
        }
    }
    Ok(())
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
