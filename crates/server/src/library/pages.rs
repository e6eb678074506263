//! The Library page: paragraph-level search over the resolutions ingested with
//! `chamber library ingest`, in every language, with highlights.

use crate::SharedState;
use crate::auth::Ctx;
use crate::render::{error_page, internal_error, page};
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

/// Where a hit is in its document, in the reader's language: a resolution's title, preambular or
/// operative paragraph; a lessons record's section or provision. The index stores positions as
/// `title`, `preamble 3`, `operative 2`, `context`, `what worked`, `what did not work`,
/// `provision 1`; anything else is shown as stored.
pub fn position_words(
    catalogue: &chamber_i18n::Catalogue,
    lang: chamber_i18n::Lang,
    position: &str,
) -> String {
    let tr = |key: &str, args: &[(&str, String)]| catalogue.tr(lang, key, args);
    match position {
        "title" => return tr("library-position-title", &[]),
        "context" => return tr("lessons-context", &[]),
        "what worked" => return tr("lessons-what-worked", &[]),
        "what did not work" => return tr("lessons-what-did-not", &[]),
        _ => {}
    }
    match position.split_once(' ') {
        Some(("preamble", n)) => tr("library-position-preamble", &[("n", n.to_string())]),
        Some(("operative", n)) => tr("library-position-operative", &[("n", n.to_string())]),
        Some(("provision", label)) => tr(
            "library-position-provision",
            &[("label", label.to_string())],
        ),
        _ => position.to_string(),
    }
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
    let index_dir = state.config.data.as_ref().map(|d| d.library().index());
    let mut context = json!({"q": query, "lang_filter": lang.clone().unwrap_or_default()});
    let Some(dir) = index_dir.filter(|d| d.is_dir()) else {
        context["empty"] = json!(true);
        return page(&state, &ctx, StatusCode::OK, "library/search.html", context);
    };
    if query.is_empty() {
        return page(&state, &ctx, StatusCode::OK, "library/search.html", context);
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
        Ok(Err(e)) => return internal_error(&state, &ctx, "library search", e),
        Err(e) => return internal_error(&state, &ctx, "library search task", e),
    };
    context["hits"] = Value::Array(
        hits.iter()
            .map(|h| {
                json!({
                    "symbol": h.symbol,
                    "language": h.language,
                    "language_name": chamber_i18n::Lang::from_code(&h.language).map(|l| l.native_name()).unwrap_or(&h.language),
                    "position": position_words(&state.catalogue, ctx.lang, &h.position),
                    "title": h.title,
                    "segments": segments(if h.highlight.is_empty() { &h.text } else { &h.highlight }),
                })
            })
            .collect(),
    );
    context["searched"] = json!(true);
    page(&state, &ctx, StatusCode::OK, "library/search.html", context)
}

#[derive(Deserialize, Default)]
pub struct DocQuery {
    #[serde(default)]
    symbol: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    compare: String,
}

fn doc_view(d: &chamber_library::model::Document, data: &std::path::Path) -> Value {
    json!({
        "symbol": d.symbol,
        "language": d.language,
        "dir": if d.language == "ar" { "rtl" } else { "ltr" },
        "title": d.title,
        "session": d.session,
        "agenda_items": d.agenda_items,
        "adoption_date": d.adoption_date,
        "distribution_date": d.distribution_date,
        "originating_documents": d.originating_documents,
        "preamble": d.preamble.iter().map(|p| {
            let rest = p.text.strip_prefix(p.phrase.as_str()).unwrap_or(&p.text);
            json!({"phrase": p.phrase, "rest": rest})
        }).collect::<Vec<_>>(),
        "operative": d.operative.iter().map(|p| json!({
            "number": p.number,
            "text": p.text,
            "sub_items": p.sub_items.iter().map(|s| json!({"label": s.label, "text": s.text})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "footnotes": d.footnotes.iter().map(|f| json!({"marker": f.marker, "text": f.text})).collect::<Vec<_>>(),
        "citations": d.citations.iter().map(|c| {
            let known = !chamber_library::docstore::languages(data, &c.target).is_empty();
            json!({"target": c.target, "in": c.location, "known": known})
        }).collect::<Vec<_>>(),
    })
}

/// `GET /library/doc?symbol=A/RES/79/274&lang=zh&compare=en`: a resolution's structure,
/// footnotes and citations both ways, with another language version side by side.
pub async fn document(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<DocQuery>,
) -> Response {
    if ctx.user.is_none() {
        return Redirect::to("/login").into_response();
    }
    let Some(data) = state.config.data.as_ref().map(|d| d.root().to_path_buf()) else {
        return error_page(&state, &ctx, StatusCode::NOT_FOUND, "error-not-found");
    };
    let symbol = q.symbol.trim().to_string();
    if chamber_library::lessons::is_lessons_symbol(&symbol) {
        return lessons(&state, &ctx, &data, &symbol).await;
    }
    let loaded = tokio::task::spawn_blocking(move || {
        let langs = chamber_library::docstore::languages(&data, &symbol);
        let pick = |want: &str| {
            if langs.iter().any(|l| l == want) {
                Some(want.to_string())
            } else {
                None
            }
        };
        let main_lang = pick(&q.lang)
            .or_else(|| pick("en"))
            .or_else(|| langs.first().cloned())?;
        let main = chamber_library::docstore::load_document(&data, &symbol, &main_lang)?;
        let other = pick(&q.compare)
            .filter(|c| *c != main_lang)
            .and_then(|c| chamber_library::docstore::load_document(&data, &symbol, &c));
        let graph = std::fs::read_to_string(chamber_app::DataDir::new(&data).library().graph())
            .ok()
            .and_then(|t| chamber_library::CitationGraph::from_json(&t).ok())
            .unwrap_or_default();
        let mut cited_by: Vec<String> = graph
            .cited_by(&main.symbol)
            .iter()
            .map(|e| e.from.clone())
            .collect();
        cited_by.sort();
        cited_by.dedup();
        Some(json!({
            "symbol": main.symbol,
            // Not `languages`: that is the page's own language switcher.
            "doc_languages": langs,
            "main": doc_view(&main, &data),
            "other": other.as_ref().map(|o| doc_view(o, &data)),
            "cited_by": cited_by,
        }))
    })
    .await;
    match loaded {
        Ok(Some(context)) => page(
            &state,
            &ctx,
            StatusCode::OK,
            "library/document.html",
            context,
        ),
        Ok(None) => error_page(&state, &ctx, StatusCode::NOT_FOUND, "error-not-found"),
        Err(e) => internal_error(&state, &ctx, "library document task", e),
    }
}

/// A lessons-learned record of a closed mediation process, as the Library shows it: its
/// sections, how each provision fared, the documents it cites and the process it comes from.
async fn lessons(state: &SharedState, ctx: &Ctx, data: &std::path::Path, symbol: &str) -> Response {
    let loaded = {
        let (data, symbol) = (data.to_path_buf(), symbol.to_string());
        tokio::task::spawn_blocking(move || chamber_library::docstore::load_lessons(&data, &symbol))
            .await
    };
    let rec = match loaded {
        Ok(Ok(Some(rec))) => rec,
        Ok(Ok(None)) => return error_page(state, ctx, StatusCode::NOT_FOUND, "error-not-found"),
        Ok(Err(e)) => return internal_error(state, ctx, "lessons record", e),
        Err(e) => return internal_error(state, ctx, "lessons record task", e),
    };
    let w = crate::mediation::words::Words::new(&state.catalogue, ctx.lang);
    let date = |iso: &str| {
        time::Date::parse(
            iso,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map(|d| w.date(d))
        .unwrap_or_else(|_| iso.to_string())
    };
    let name_of_type = |code: &str| {
        chamber_mediation::agreement::ProvisionType::parse(code)
            .map(|t| w.provision_type(t))
            .unwrap_or_else(|_| code.to_string())
    };
    let context = json!({
        "lessons": {
            "symbol": rec.symbol,
            "language": rec.language,
            "dir": if rec.language == "ar" { "rtl" } else { "ltr" },
            "title": w.t_with("lessons-title", &[("title", rec.process.title.clone())]),
            "meta": w.t_with("lessons-meta", &[("date", date(&rec.closed_on)), ("author", rec.written_by.clone())]),
            "process": rec.process.id,
            "context": rec.context,
            "what_worked": rec.what_worked,
            "what_did_not_work": rec.what_did_not_work,
            "agreement": rec.agreement.as_ref().map(|a| w.t_with("lessons-agreement", &[
                ("version", a.version.to_string()),
                ("date", date(&a.adopted_on)),
                ("points", a.points.to_string()),
                ("max", a.max.to_string()),
            ])),
            "provisions": rec.provisions.iter().map(|p| json!({
                "label": p.label,
                "type": p.provision_type.as_deref().map(name_of_type),
                "outcome": w.t(&format!("lessons-outcome-{}", p.outcome.code())),
                "text": p.text,
                "note": p.note,
            })).collect::<Vec<_>>(),
            "cites": rec.cites.iter().map(|c| c.symbol.clone()).collect::<Vec<_>>(),
        },
        "symbol": rec.symbol,
    });
    page(state, ctx, StatusCode::OK, "library/document.html", context)
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
