//! Paragraph-level full-text search over parsed resolutions and lessons-learned records (cargo
//! feature `search`).
//!
//! tantivy with one text field per language: Chinese segmented with jieba (no ASCII folding,
//! which would drop CJK), Arabic, English, French, Russian and Spanish lower-cased and stemmed.
//! A symbol query (`A/RES/79/274`, `79/274`) returns every language version. Filters: language,
//! organ, session. Highlights are HTML snippets with `<b>` around matched terms.
//!
//! Unlike the rest of the crate this module writes files, but only into the index folder the
//! caller names ([`SearchIndex::open_or_create`]); [`SearchIndex::in_memory`] writes nothing.

use crate::citations::base_symbol;
use crate::model::Document;
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::Path;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
    Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

const LANGS: [&str; 7] = ["ar", "zh", "en", "fr", "ru", "es", "und"];

/// Search failure (index I/O or corruption).
#[derive(Debug, thiserror::Error)]
#[error("search index: {0}")]
pub struct SearchError(String);

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError(e.to_string())
    }
}

impl From<tantivy::directory::error::OpenDirectoryError> for SearchError {
    fn from(e: tantivy::directory::error::OpenDirectoryError) -> Self {
        SearchError(e.to_string())
    }
}

/// Filters and limit of a search.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// ISO 639-1 code (ar, zh, en, fr, ru, es); `None` searches every language.
    pub lang: Option<String>,
    /// `general-assembly` or `security-council`.
    pub organ: Option<String>,
    pub session: Option<u32>,
    /// Subject term (UNBIS / DHL authority), case-insensitive, e.g. `NEUTRALITY`.
    pub subject: Option<String>,
    /// Only resolutions, or only lessons-learned records; `None` searches both.
    pub kind: Option<DocKind>,
    pub limit: usize,
}

/// What a hit belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocKind {
    /// A resolution (or other UN document) read by `ingest`.
    Resolution,
    /// A lessons-learned record of a closed mediation process ([`crate::lessons`]).
    LessonsLearned,
}

impl DocKind {
    /// The kind of the document with this symbol.
    pub fn of_symbol(symbol: &str) -> DocKind {
        if crate::lessons::is_lessons_symbol(symbol) {
            DocKind::LessonsLearned
        } else {
            DocKind::Resolution
        }
    }
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            lang: None,
            organ: None,
            session: None,
            subject: None,
            kind: None,
            limit: 10,
        }
    }
}

/// One matching paragraph.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub symbol: String,
    /// A resolution's paragraph or a lessons-learned record's section.
    pub kind: DocKind,
    pub language: String,
    /// `title`, `preamble 3`, `operative 2`, `footnote 1`.
    #[serde(rename = "in")]
    pub position: String,
    pub title: String,
    pub text: String,
    /// HTML snippet with `<b>` around the matched terms.
    pub highlight: String,
    pub score: f32,
}

#[derive(Clone, Copy)]
struct Fields {
    symbol: Field,
    symbol_key: Field,
    lang: Field,
    organ: Field,
    session: Field,
    subject: Field,
    position: Field,
    title: Field,
    text: [Field; 7],
}

/// What is indexed of one document version besides its paragraphs.
struct Entry<'a> {
    symbol: &'a str,
    language: &'a str,
    organ: &'a str,
    session: u32,
    subjects: &'a [String],
    title: &'a str,
}

/// A paragraph-level index of resolutions.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    f: Fields,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let symbol = b.add_text_field("symbol", STRING | STORED);
    let symbol_key = b.add_text_field("symbol_key", STRING);
    let lang = b.add_text_field("lang", STRING | STORED);
    let organ = b.add_text_field("organ", STRING | STORED);
    let session = b.add_u64_field("session", INDEXED | STORED);
    let subject = b.add_text_field("subject", STRING);
    let position = b.add_text_field("position", STORED);
    let title = b.add_text_field("title", STORED);
    let text = LANGS.map(|l| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(&format!("chamber_{l}"))
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        b.add_text_field(
            &format!("text_{l}"),
            TextOptions::default()
                .set_indexing_options(indexing)
                .set_stored(),
        )
    });
    (
        b.build(),
        Fields {
            symbol,
            symbol_key,
            lang,
            organ,
            session,
            subject,
            position,
            title,
            text,
        },
    )
}

fn register_analyzers(index: &Index) {
    let t = index.tokenizers();
    t.register(
        "chamber_zh",
        TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::new())
            .filter(LowerCaser)
            .build(),
    );
    for (code, language) in [
        ("ar", Some(Language::Arabic)),
        ("en", Some(Language::English)),
        ("fr", Some(Language::French)),
        ("ru", Some(Language::Russian)),
        ("es", Some(Language::Spanish)),
        ("und", None),
    ] {
        let base = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser);
        let analyzer = match language {
            Some(l) => base.filter(Stemmer::new(l)).build(),
            None => base.build(),
        };
        t.register(&format!("chamber_{code}"), analyzer);
    }
}

fn lang_index(code: &str) -> usize {
    LANGS
        .iter()
        .position(|l| *l == code)
        .unwrap_or(LANGS.len() - 1)
}

/// `A/RES/79/274`, `a/res/79/274 b`, `79/274` → `A/RES/79/274`.
fn symbol_query_key(q: &str) -> Option<String> {
    let t = q.trim().trim_matches('"').to_uppercase();
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let body = t.strip_prefix("A/RES/").unwrap_or(&t);
    let mut parts = body.split('/');
    let (s, n) = (parts.next()?, parts.next()?);
    if parts.next().is_some() || s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n = n.split(' ').next()?;
    if n.is_empty() || !n.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(format!("A/RES/{s}/{n}"))
}

impl SearchIndex {
    fn from_index(index: Index) -> Result<SearchIndex, SearchError> {
        register_analyzers(&index);
        let (_, f) = schema();
        // field ids are stable: the schema is always built the same way
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex { index, reader, f })
    }

    /// An index in memory (nothing written to disk).
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        let (schema, _) = schema();
        SearchIndex::from_index(Index::create_in_ram(schema))
    }

    /// Open the index in `dir`, creating it (and the folder) when absent.
    pub fn open_or_create(dir: &Path) -> Result<SearchIndex, SearchError> {
        std::fs::create_dir_all(dir).map_err(|e| SearchError(format!("{}: {e}", dir.display())))?;
        let (schema, _) = schema();
        let mmap = tantivy::directory::MmapDirectory::open(dir)?;
        let index = Index::open_or_create(mmap, schema).map_err(|e| match e {
            tantivy::TantivyError::SchemaError(_) => SearchError(format!(
                "{}: built by another version of Chamber (schema differs); remove it and ingest again",
                dir.display()
            )),
            other => other.into(),
        })?;
        SearchIndex::from_index(index)
    }

    /// Number of indexed paragraphs.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Index every paragraph (title, preamble, operative with sub-items, footnotes) of `docs`,
    /// replacing earlier versions of the same symbol and language. Returns paragraphs indexed.
    pub fn add(&mut self, docs: &[Document]) -> Result<usize, SearchError> {
        let mut writer = self.index.writer::<TantivyDocument>(64_000_000)?;
        let mut n = 0;
        for d in docs {
            let mut paras: Vec<(String, String)> = vec![("title".into(), d.title.clone())];
            paras.extend(crate::text::paragraph_positions(d));
            for fnote in &d.footnotes {
                paras.push((format!("footnote {}", fnote.marker), fnote.text.clone()));
            }
            let organ = serde_json::to_value(d.organ)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            n += self.put(
                &mut writer,
                Entry {
                    symbol: &d.symbol,
                    language: &d.language,
                    organ: &organ,
                    session: d.session.unwrap_or(0),
                    subjects: &d.subjects,
                    title: &d.title,
                },
                paras,
            )?;
        }
        writer.commit()?;
        self.reader.reload()?;
        Ok(n)
    }

    /// Index lessons-learned records ([`crate::lessons`]): one paragraph per section (context,
    /// what worked, what did not work, each provision), titled with the process, under the
    /// subject [`crate::lessons::SUBJECT`] and their provision types; filing a record again
    /// replaces it. Returns paragraphs indexed.
    pub fn add_lessons(
        &mut self,
        records: &[crate::lessons::LessonsRecord],
    ) -> Result<usize, SearchError> {
        let mut writer = self.index.writer::<TantivyDocument>(64_000_000)?;
        let mut n = 0;
        for r in records {
            n += self.put(
                &mut writer,
                Entry {
                    symbol: &r.symbol,
                    language: &r.language,
                    organ: "",
                    session: 0,
                    subjects: &r.subjects(),
                    title: &r.process.title,
                },
                r.paragraphs(),
            )?;
        }
        writer.commit()?;
        self.reader.reload()?;
        Ok(n)
    }

    /// Replace the paragraphs of one document version (symbol and language) by `paras`.
    fn put(
        &self,
        writer: &mut tantivy::IndexWriter<TantivyDocument>,
        e: Entry<'_>,
        paras: Vec<(String, String)>,
    ) -> Result<usize, SearchError> {
        let f = self.f;
        let key = base_symbol(e.symbol).to_uppercase();
        let li = lang_index(e.language);
        // Replace: delete the earlier paragraphs of this symbol in this language.
        writer.delete_query(Box::new(BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.symbol, e.symbol),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>,
            ),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.lang, e.language),
                    IndexRecordOption::Basic,
                )),
            ),
        ])))?;
        let mut n = 0;
        for (position, text) in paras {
            if text.trim().is_empty() {
                continue;
            }
            let mut doc = TantivyDocument::default();
            doc.add_text(f.symbol, e.symbol);
            doc.add_text(f.symbol_key, &key);
            doc.add_text(f.lang, e.language);
            doc.add_text(f.organ, e.organ);
            doc.add_u64(f.session, u64::from(e.session));
            for s in e.subjects {
                doc.add_text(f.subject, s.to_uppercase());
            }
            doc.add_text(f.position, &position);
            doc.add_text(f.title, e.title);
            doc.add_text(f.text[li], &text);
            writer.add_document(doc)?;
            n += 1;
        }
        Ok(n)
    }

    fn text_query(&self, q: &str, fields: &[Field]) -> Result<Option<Box<dyn Query>>, SearchError> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for &field in fields {
            let mut analyzer = self.index.tokenizer_for_field(field)?;
            let mut stream = analyzer.token_stream(q);
            let mut seen = BTreeSet::new();
            while stream.advance() {
                let tok = stream.token().text.clone();
                if tok.trim().is_empty() || !seen.insert(tok.clone()) {
                    continue;
                }
                clauses.push((
                    Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, &tok),
                        IndexRecordOption::WithFreqsAndPositions,
                    )),
                ));
            }
        }
        Ok((!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>))
    }

    /// Search paragraphs. Empty or unmatched queries return no hits.
    pub fn search(&self, query: &str, opts: &SearchOptions) -> Result<Vec<Hit>, SearchError> {
        let f = self.f;
        let limit = opts.limit.clamp(1, 10_000);
        let fields: Vec<Field> = match opts.lang.as_deref() {
            Some(l) => vec![f.text[lang_index(l)]],
            None => f.text.to_vec(),
        };
        let symbol_key = symbol_query_key(query);
        let main: Box<dyn Query> = match &symbol_key {
            Some(k) => Box::new(TermQuery::new(
                Term::from_field_text(f.symbol_key, k),
                IndexRecordOption::Basic,
            )),
            None => match self.text_query(query, &fields)? {
                Some(q) => q,
                None => return Ok(Vec::new()),
            },
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, main.box_clone())];
        // Filters: each one given must hold.
        let subject = opts.subject.as_ref().map(|s| s.trim().to_uppercase());
        let filters = [
            (f.lang, opts.lang.as_deref()),
            (f.organ, opts.organ.as_deref()),
            (f.subject, subject.as_deref()),
        ];
        let terms = filters
            .into_iter()
            .filter_map(|(field, value)| value.map(|v| Term::from_field_text(field, v)))
            .chain(
                opts.session
                    .map(|s| Term::from_field_u64(f.session, u64::from(s))),
            );
        for term in terms {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        // Lessons-learned records carry their subject term; resolutions never do.
        if let Some(kind) = opts.kind {
            let lessons = Box::new(TermQuery::new(
                Term::from_field_text(f.subject, crate::lessons::SUBJECT),
                IndexRecordOption::Basic,
            ));
            match kind {
                DocKind::LessonsLearned => clauses.push((Occur::Must, lessons)),
                DocKind::Resolution => clauses.push((Occur::MustNot, lessons)),
            }
        }
        let q = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        // A symbol query shows each language version once: fetch more and keep the first.
        let fetch = if symbol_key.is_some() {
            limit.max(1) * 200
        } else {
            limit
        };
        let top = searcher.search(&q, &TopDocs::with_limit(fetch).order_by_score())?;
        let snippets: Vec<Option<SnippetGenerator>> = f
            .text
            .iter()
            .map(|&field| {
                SnippetGenerator::create(&searcher, &*main, field)
                    .ok()
                    .map(|mut g| {
                        g.set_max_num_chars(240);
                        g
                    })
            })
            .collect();
        let mut hits = Vec::new();
        let mut versions: std::collections::HashMap<(String, String), usize> = Default::default();
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let get = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let language = get(f.lang);
            let symbol = get(f.symbol);
            let position = get(f.position);
            // A symbol query shows each language version once, by its title when indexed.
            let version = (symbol.clone(), language.clone());
            let replace = match versions.get(&version) {
                Some(&i) if symbol_key.is_some() => {
                    if position != "title" {
                        continue;
                    }
                    Some(i)
                }
                _ => None,
            };
            let li = lang_index(&language);
            let text = get(f.text[li]);
            let highlight = match &snippets[li] {
                Some(g) if symbol_key.is_none() => {
                    let s = g.snippet_from_doc(&doc).to_html();
                    if s.is_empty() {
                        text.chars().take(240).collect()
                    } else {
                        s
                    }
                }
                _ => text.chars().take(240).collect(),
            };
            let hit = Hit {
                kind: DocKind::of_symbol(&symbol),
                symbol,
                language,
                position,
                title: get(f.title),
                text,
                highlight,
                score,
            };
            match replace {
                Some(i) => hits[i] = hit,
                None => {
                    versions.insert(version, hits.len());
                    hits.push(hit);
                }
            }
            if symbol_key.is_none() && hits.len() >= limit {
                break;
            }
        }
        hits.truncate(limit);
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbol_keys() {
        assert_eq!(
            symbol_query_key("A/RES/79/274").as_deref(),
            Some("A/RES/79/274")
        );
        assert_eq!(
            symbol_query_key(" 79/274 ").as_deref(),
            Some("A/RES/79/274")
        );
        assert_eq!(
            symbol_query_key("a/res/79/258 B").as_deref(),
            Some("A/RES/79/258")
        );
        assert_eq!(symbol_query_key("永久中立"), None);
        assert_eq!(symbol_query_key("A/75/651"), None);
    }
}
