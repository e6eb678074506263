//! `chamber library …` subcommands, for the `chamber` binary to mount.
//!
//! Exit codes: 0 ok, 1 failure, 2 bad usage or bad input. Errors are one line on stderr naming
//! the file (and line and column for malformed XML).

use crate::graph::CitationGraph;
use crate::lang::Lang;
use crate::{Document, FileError, ParseError, parse_file, to_akn};
use serde_json::json;
use std::path::{Path, PathBuf};

/// Print to stdout; a closed pipe (`| head`) is not an error worth a panic.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

macro_rules! out_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// What `cites` and `cited-by` read.
#[derive(Debug, clap::Args)]
pub struct EdgeArgs {
    /// Symbol, e.g. A/RES/79/274.
    pub symbol: String,
    /// Files or folders (.xml, .txt) to read instead of the graph stored by `ingest`.
    #[arg(long = "from", num_args = 1..)]
    pub paths: Vec<PathBuf>,
    /// Data folder holding the citation graph written by `ingest`.
    #[arg(long, default_value = "chamber-data")]
    pub data: PathBuf,
    #[arg(long)]
    pub json: bool,
}

/// Library subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum LibraryCommand {
    /// Parse a resolution (PDF-extracted text, plain text or AKN4UN XML) and print its structure.
    Parse {
        /// The file to read.
        file: PathBuf,
        /// Print JSON (symbol, language, session, agenda_items, dates, title, preamble,
        /// operative, footnotes, citations …).
        #[arg(long)]
        json: bool,
        /// Language of the text (ar, zh, en, fr, ru, es) when detection should be overridden.
        #[arg(long)]
        lang: Option<String>,
    },
    /// Export a resolution (a file, or a symbol found --from files) as Akoma Ntoso 3.0 XML (stdout).
    ExportAkn {
        /// The file to read, or a symbol (A/RES/79/274) to look up in the --from files.
        file: PathBuf,
        /// Language: of the text when detection should be overridden, or of the version to
        /// export when FILE is a symbol.
        #[arg(long)]
        lang: Option<String>,
        /// Files or folders to look the symbol up in.
        #[arg(long = "from", num_args = 1..)]
        from: Vec<PathBuf>,
    },
    /// What a resolution cites (from --from files, or the graph stored by `ingest`).
    Cites(EdgeArgs),
    /// What cites a resolution (from --from files, or the graph stored by `ingest`).
    CitedBy(EdgeArgs),
    /// Index files, folders and .tar.xz archives of resolutions into the search index under DATA.
    #[cfg(feature = "search")]
    Ingest {
        /// Data folder; the index lives in DATA/library/index.
        #[arg(long, default_value = "chamber-data")]
        data: PathBuf,
        /// Files or folders to read.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Search paragraphs in every language (a symbol returns every language version).
    #[cfg(feature = "search")]
    Search {
        query: String,
        /// Data folder holding the index built by `ingest`.
        #[arg(long, default_value = "chamber-data")]
        data: PathBuf,
        /// Only this language (ar, zh, en, fr, ru, es).
        #[arg(long)]
        lang: Option<String>,
        /// Only this session.
        #[arg(long)]
        session: Option<u32>,
        /// Only this organ (general-assembly, security-council).
        #[arg(long)]
        organ: Option<String>,
        /// Only documents with this subject term (e.g. NEUTRALITY).
        #[arg(long)]
        subject: Option<String>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// The line of resolutions a resolution continues, oldest first (from --from files or `ingest`).
    Lineage {
        symbol: String,
        /// Files or folders (.xml, .txt) to read instead of the graph stored by `ingest`.
        #[arg(long = "from", num_args = 1..)]
        paths: Vec<PathBuf>,
        /// Data folder holding the citation graph written by `ingest`.
        #[arg(long, default_value = "chamber-data")]
        data: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

/// Exit code and one-line message for a failed file.
fn report(err: &FileError) -> i32 {
    match err {
        FileError::Io { path, source } => {
            eprintln!("error: {path}: {source}");
            if source.kind() == std::io::ErrorKind::NotFound {
                2
            } else {
                1
            }
        }
        FileError::Parse { path, source } => {
            match source {
                ParseError::Xml {
                    line,
                    column,
                    message,
                } => {
                    eprintln!("error: {path}:{line}:{column}: malformed XML: {message}")
                }
                other => eprintln!("error: {path}: {other}"),
            }
            2
        }
    }
}

fn lang_arg(lang: Option<&str>) -> Result<Option<Lang>, i32> {
    match lang {
        None => Ok(None),
        Some(l) => match Lang::from_code(l) {
            Some(l) => Ok(Some(l)),
            None => {
                eprintln!("error: --lang {l}: expected one of ar, zh, en, fr, ru, es");
                Err(2)
            }
        },
    }
}

fn print_human(doc: &Document) {
    out!("{} ({}) — {}", doc.symbol, doc.language, doc.title);
    if let Some(s) = doc.session {
        out!("session {s}, agenda items {}", doc.agenda_items.join(", "));
    }
    out!(
        "adopted {}, distributed {}, from {}",
        doc.adoption_date.as_deref().unwrap_or("?"),
        doc.distribution_date.as_deref().unwrap_or("?"),
        doc.originating_documents.join(", ")
    );
    out!(
        "{} preambular, {} operative paragraphs, {} footnotes, {} citations",
        doc.preamble.len(),
        doc.operative.len(),
        doc.footnotes.len(),
        doc.citations.len()
    );
    for c in &doc.citations {
        out!("  {:<12} {} ({:?})", c.location, c.target, c.kind);
    }
}

/// Resolution files under `paths` (folders are walked for .xml and .txt).
fn collect_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    collect(paths, false)
}

fn is_archive(p: &Path) -> bool {
    p.to_string_lossy().ends_with(".tar.xz")
}

fn collect(paths: &[PathBuf], archives: bool) -> Vec<PathBuf> {
    fn walk(p: &Path, out: &mut Vec<PathBuf>, depth: usize, archives: bool) {
        if p.is_dir() {
            if depth > 16 {
                return;
            }
            let Ok(rd) = std::fs::read_dir(p) else { return };
            let mut entries: Vec<PathBuf> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
            entries.sort();
            for e in entries {
                walk(&e, out, depth + 1, archives);
            }
        } else if p.extension().is_some_and(|x| x == "xml" || x == "txt")
            || (archives && is_archive(p))
        {
            out.push(p.to_path_buf());
        }
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_file() {
            out.push(p.clone());
        } else {
            walk(p, &mut out, 0, archives);
        }
    }
    out
}

/// An archive may decompress to at most this many times its size…
#[cfg(feature = "search")]
const ARCHIVE_MAX_RATIO: u64 = 100;
/// …and never beyond this (a decompression bomb stops here, not at the machine's memory).
#[cfg(feature = "search")]
const ARCHIVE_MAX_BYTES: u64 = 2 << 30;

/// How many decompressed bytes an archive of `compressed` bytes may produce.
#[cfg(feature = "search")]
fn archive_limit(compressed: u64) -> u64 {
    compressed
        .saturating_mul(ARCHIVE_MAX_RATIO)
        .clamp(64 << 20, ARCHIVE_MAX_BYTES)
}

/// A buffer that refuses to grow past its limit.
#[cfg(feature = "search")]
struct BoundedSink {
    bytes: Vec<u8>,
    limit: u64,
    overflowed: bool,
}

#[cfg(feature = "search")]
impl BoundedSink {
    fn new(limit: u64) -> BoundedSink {
        BoundedSink {
            bytes: Vec::new(),
            limit,
            overflowed: false,
        }
    }
}

#[cfg(feature = "search")]
impl std::io::Write for BoundedSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() as u64 + buf.len() as u64 > self.limit {
            self.overflowed = true;
            return Err(std::io::Error::other("decompressed size limit"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A parsed archive member: its name and what came out of it.
#[cfg(feature = "search")]
type Member = (String, Result<Document, ParseError>);

/// Parse every .xml/.txt member of a `.tar.xz` archive; `(name, result)` per member.
#[cfg(feature = "search")]
fn read_archive(path: &Path) -> Result<Vec<Member>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let compressed = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut sink = BoundedSink::new(archive_limit(compressed));
    lzma_rs::xz_decompress(&mut std::io::BufReader::new(file), &mut sink).map_err(|e| {
        if sink.overflowed {
            format!(
                "{}: refused: decompresses to more than {} bytes ({} compressed; at most {}x and {} bytes)",
                path.display(),
                sink.limit,
                compressed,
                ARCHIVE_MAX_RATIO,
                ARCHIVE_MAX_BYTES
            )
        } else {
            format!("{}: not a .tar.xz archive: {e}", path.display())
        }
    })?;
    let mut archive = tar::Archive::new(std::io::Cursor::new(sink.bytes));
    let entries = archive
        .entries()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("{}: {e}", path.display()))?;
        let name = entry
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !(name.ends_with(".xml") || name.ends_with(".txt")) {
            continue;
        }
        let mut bytes = Vec::new();
        if let Err(e) = entry.read_to_end(&mut bytes) {
            return Err(format!("{}: {name}: {e}", path.display()));
        }
        out.push((
            format!("{}:{name}", path.display()),
            crate::parse_bytes(&bytes, None),
        ));
    }
    Ok(out)
}

/// Export the version of `symbol` (in `lang`, else the first found) found under `from`.
fn export_symbol(symbol: &str, lang: Option<Lang>, from: &[PathBuf]) -> i32 {
    let want = crate::graph::node_key(symbol);
    for f in collect_files(from) {
        let Ok(doc) = parse_file(&f, None) else {
            continue;
        };
        if crate::graph::node_key(&doc.symbol) == want
            && lang.is_none_or(|l| l.code() == doc.language)
        {
            out_raw!("{}", to_akn(&doc));
            return 0;
        }
    }
    eprintln!(
        "error: {symbol}{}: not found in the given files",
        lang.map(|l| format!(" ({})", l.code())).unwrap_or_default()
    );
    2
}

/// Where `ingest` keeps the citation graph.
fn graph_file(data: &Path) -> PathBuf {
    data.join("library").join("graph.json")
}

/// The graph of the files under `paths`, or the one stored under `data` when `paths` is empty.
fn load_graph(paths: &[PathBuf], data: &Path) -> Result<CitationGraph, i32> {
    if paths.is_empty() {
        let file = graph_file(data);
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!(
                    "error: {}: {e}; run `chamber library ingest --data {} PATHS…` or pass --from PATHS",
                    file.display(),
                    data.display()
                );
                return Err(2);
            }
        };
        return CitationGraph::from_json(&text).map_err(|e| {
            eprintln!("error: {}: {e}", file.display());
            1
        });
    }
    for p in paths {
        if !p.exists() {
            eprintln!("error: {}: no such file or folder", p.display());
            return Err(2);
        }
    }
    let mut g = CitationGraph::default();
    let mut read = 0;
    for f in collect_files(paths) {
        match parse_file(&f, None) {
            Ok(d) => {
                g.add(&d);
                read += 1;
            }
            Err(e) => {
                // a folder may hold other files: say so and go on
                eprintln!("warning: skipped {e}");
            }
        }
    }
    if read == 0 {
        eprintln!("error: no resolution could be read from the given paths");
        return Err(2);
    }
    Ok(g)
}

/// Run a library subcommand; returns the process exit code.
pub fn run(cmd: LibraryCommand) -> i32 {
    match cmd {
        LibraryCommand::Parse { file, json, lang } => {
            let lang = match lang_arg(lang.as_deref()) {
                Ok(l) => l,
                Err(code) => return code,
            };
            match parse_file(&file, lang) {
                Ok(doc) => {
                    if json {
                        match serde_json::to_string_pretty(&doc) {
                            Ok(s) => out!("{s}"),
                            Err(e) => {
                                eprintln!("error: {}: {e}", file.display());
                                return 1;
                            }
                        }
                    } else {
                        print_human(&doc);
                    }
                    0
                }
                Err(e) => report(&e),
            }
        }
        LibraryCommand::ExportAkn { file, lang, from } => {
            let lang = match lang_arg(lang.as_deref()) {
                Ok(l) => l,
                Err(code) => return code,
            };
            if !file.exists() && !from.is_empty() {
                return export_symbol(&file.to_string_lossy(), lang, &from);
            }
            match parse_file(&file, lang) {
                Ok(doc) => {
                    out_raw!("{}", to_akn(&doc));
                    0
                }
                Err(e) => report(&e),
            }
        }
        LibraryCommand::Cites(args) => edges_command(&args, true),
        LibraryCommand::CitedBy(args) => edges_command(&args, false),
        #[cfg(feature = "search")]
        LibraryCommand::Ingest { data, paths } => ingest(&data, &paths),
        #[cfg(feature = "search")]
        LibraryCommand::Search {
            query,
            data,
            lang,
            session,
            organ,
            subject,
            limit,
            json,
        } => {
            let lang = match lang_arg(lang.as_deref()) {
                Ok(l) => l,
                Err(code) => return code,
            };
            let opts = crate::search::SearchOptions {
                lang: lang.map(|l| l.code().to_string()),
                organ,
                session,
                subject,
                kind: None,
                limit,
            };
            search(&query, &data, &opts, json)
        }
        LibraryCommand::Lineage {
            symbol,
            paths,
            data,
            json,
        } => {
            let g = match load_graph(&paths, &data) {
                Ok(g) => g,
                Err(code) => return code,
            };
            let line = g.lineage(&symbol);
            if json {
                out!("{}", json!({ "symbol": symbol, "lineage": line }));
            } else {
                out!("{}", line.join(" → "));
            }
            0
        }
    }
}

#[cfg(feature = "search")]
fn search(query: &str, data: &Path, opts: &crate::search::SearchOptions, json: bool) -> i32 {
    let dir = data.join("library").join("index");
    if !dir.exists() {
        eprintln!(
            "error: {}: no search index; run `chamber library ingest --data {} PATHS…` first",
            dir.display(),
            data.display()
        );
        return 2;
    }
    let idx = match crate::search::SearchIndex::open_or_create(&dir) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    match idx.search(query, opts) {
        Ok(hits) => {
            if json {
                out!("{}", json!({ "query": query, "hits": hits }));
            } else {
                for h in hits {
                    out!(
                        "{} [{}] {}: {}",
                        h.symbol,
                        h.language,
                        h.position,
                        h.highlight
                    );
                }
            }
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

#[cfg(feature = "search")]
fn ingest(data: &Path, paths: &[PathBuf]) -> i32 {
    use std::io::IsTerminal;
    for p in paths {
        if !p.exists() {
            eprintln!("error: {}: no such file or folder", p.display());
            return 2;
        }
    }
    let dir = data.join("library").join("index");
    let mut idx = match crate::search::SearchIndex::open_or_create(&dir) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let files = collect(paths, true);
    let progress = std::io::stderr().is_terminal();
    let gfile = graph_file(data);
    let mut graph = match std::fs::read_to_string(&gfile) {
        Ok(t) => CitationGraph::from_json(&t).unwrap_or_default(),
        Err(_) => CitationGraph::default(),
    };
    let mut batch = Vec::new();
    let (mut read, mut skipped, mut paragraphs) = (0usize, 0usize, 0usize);
    for (i, f) in files.iter().enumerate() {
        let parsed: Vec<Member> = if is_archive(f) {
            match read_archive(f) {
                Ok(v) => v,
                Err(e) => {
                    eprintln!("error: {e}");
                    return 2;
                }
            }
        } else {
            match parse_file(f, None) {
                Ok(d) => vec![(f.display().to_string(), Ok(d))],
                Err(e) => {
                    skipped += 1;
                    eprintln!("warning: skipped {e}");
                    Vec::new()
                }
            }
        };
        for (name, r) in parsed {
            match r {
                Ok(d) => {
                    batch.push(d);
                    read += 1;
                }
                Err(e) => {
                    skipped += 1;
                    eprintln!("warning: skipped {name}: {e}");
                }
            }
        }
        if batch.len() >= 500 || i + 1 == files.len() {
            for d in &batch {
                graph.add(d);
                if let Err(e) = crate::docstore::save_document(data, d) {
                    eprintln!("error: {}: {e}", data.display());
                    return 1;
                }
            }
            match idx.add(&batch) {
                Ok(n) => paragraphs += n,
                Err(e) => {
                    eprintln!("error: {e}");
                    return 1;
                }
            }
            batch.clear();
        }
        if progress {
            eprint!("\r{}/{} files, {read} documents", i + 1, files.len());
        }
    }
    if progress {
        eprintln!();
    }
    if let Err(e) = std::fs::write(&gfile, graph.to_json()) {
        eprintln!("error: {}: {e}", gfile.display());
        return 1;
    }
    out!(
        "indexed {read} documents ({paragraphs} paragraphs), skipped {skipped}, into {}",
        dir.display()
    );
    if read == 0 { 2 } else { 0 }
}

fn edges_command(args: &EdgeArgs, outgoing: bool) -> i32 {
    let EdgeArgs {
        symbol,
        paths,
        data,
        json,
    } = args;
    let (symbol, json) = (symbol.as_str(), *json);
    let g = match load_graph(paths, data) {
        Ok(g) => g,
        Err(code) => return code,
    };
    let edges = if outgoing {
        g.cites(symbol)
    } else {
        g.cited_by(symbol)
    };
    if json {
        let items: Vec<_> = edges
            .iter()
            .map(|e| {
                let other = if outgoing { &e.to } else { &e.from };
                json!({
                    "symbol": other,
                    "kind": e.kind,
                    "in": e.location,
                    "date": e.date,
                    "external": g.node(other).is_none_or(|n| n.external),
                })
            })
            .collect();
        let key = if outgoing { "cites" } else { "cited_by" };
        out!("{}", json!({ "symbol": symbol, key: items }));
    } else {
        for e in edges {
            let other = if outgoing { &e.to } else { &e.from };
            out!("{other}\t{}", e.location);
        }
    }
    0
}

#[cfg(test)]
mod tests;
