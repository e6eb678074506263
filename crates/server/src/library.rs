//! The Library page: paragraph-level search over the resolutions ingested with
//! `chamber library ingest`, in every language, with highlights.

use crate::SharedState;
use crate::auth::Ctx;
use crate::render::{error_page, page};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chamber_library::search::{SearchIndex, SearchOptions};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize, Default)]
pub struct LibraryQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    lang: String,
}

/// Decode the few entities an HTML snippet carries.
fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

/// A `<b>`-highlighted snippet as plain segments, so the template escapes every character
/// itself and only the highlight markup is ours.
pub fn segments(highlight: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut rest = highlight;
    while !rest.is_empty() {
        match rest.find("<b>") {
            Some(start) => {
                if start > 0 {
                    out.push(json!({"text": decode_entities(&rest[..start]), "hit": false}));
                }
                let after = &rest[start + 3..];
                let end = after.find("</b>").unwrap_or(after.len());
                out.push(json!({"text": decode_entities(&after[..end]), "hit": true}));
                rest = after.get(end + 4..).unwrap_or("");
            }
            None => {
                out.push(json!({"text": decode_entities(rest), "hit": false}));
                break;
            }
        }
    }
    out
}

pub async fn page_handler(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<LibraryQuery>,
) -> Response {
    if ctx.user.is_none() {
        return Redirect::to("/login").into_response();
    }
    let query = q.q.trim().to_string();
    let lang = chamber_i18n::Lang::from_code(&q.lang).map(|l| l.code().to_string());
    let index_dir = state.config.library_index.clone();
    let mut context = json!({"q": query, "lang_filter": lang.clone().unwrap_or_default()});
    let Some(dir) = index_dir.filter(|d| d.is_dir()) else {
        context["empty"] = json!(true);
        return page(&state, &ctx, StatusCode::OK, "library.html", context);
    };
    if query.is_empty() {
        return page(&state, &ctx, StatusCode::OK, "library.html", context);
    }
    let searched = tokio::task::spawn_blocking(move || {
        let index = SearchIndex::open_or_create(&dir)?;
        index.search(
            &query,
            &SearchOptions {
                lang,
                limit: 20,
                ..SearchOptions::default()
            },
        )
    })
    .await;
    let hits = match searched {
        Ok(Ok(hits)) => hits,
        Ok(Err(e)) => {
            tracing::error!("library search failed: {e}");
            return error_page(
                &state,
                &ctx,
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-internal",
            );
        }
        Err(e) => {
            tracing::error!("library search task failed: {e}");
            return error_page(
                &state,
                &ctx,
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-internal",
            );
        }
    };
    context["hits"] = Value::Array(
        hits.iter()
            .map(|h| {
                json!({
                    "symbol": h.symbol,
                    "language": h.language,
                    "position": h.position,
                    "title": h.title,
                    "segments": segments(if h.highlight.is_empty() { &h.text } else { &h.highlight }),
                })
            })
            .collect(),
    );
    context["searched"] = json!(true);
    page(&state, &ctx, StatusCode::OK, "library.html", context)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_become_escaped_segments() {
        let s = segments("Recalling <b>neutrality</b> &amp; <b>mediation</b>&lt;script&gt;");
        assert_eq!(s.len(), 5);
        assert_eq!(s[0], json!({"text": "Recalling ", "hit": false}));
        assert_eq!(
            s[4],
            json!({"text": "<script>", "hit": false}),
            "decoded, escaped later"
        );
        assert_eq!(s[1], json!({"text": "neutrality", "hit": true}));
        assert_eq!(s[2], json!({"text": " & ", "hit": false}));
        assert_eq!(s[3], json!({"text": "mediation", "hit": true}));
        assert_eq!(segments("no highlight")[0]["text"], "no highlight");
        // Unbalanced markup never panics.
        assert_eq!(segments("a <b>b").len(), 2);
    }
}
