//! Watch on the wire: the tension chart and the alert list an analyst works from.

mod pages;

use crate::SharedState;
use axum::Router;
use axum::routing::get;

/// Every Watch route.
pub fn routes() -> Router<SharedState> {
    Router::new().route("/watch", get(pages::page_handler))
}
