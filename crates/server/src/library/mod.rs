//! The Library on the wire: paragraph search over ingested resolutions and one document with
//! its structure, footnotes, citations both ways and language versions.

mod pages;

pub use pages::segments;

use crate::SharedState;
use axum::Router;
use axum::routing::get;

/// Every Library route.
pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/library", get(pages::page_handler))
        .route("/library/doc", get(pages::document))
}
