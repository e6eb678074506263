//! Parsed documents kept on disk beside the search index, for the document view:
//! `DATA/library/docs/<symbol key>.<language>.json`, one file a language version; and
//! lessons-learned records, `DATA/library/lessons/<symbol key>.json`, one file a process.

use crate::model::Document;
use std::path::{Path, PathBuf};

fn docs_dir(data: &Path) -> PathBuf {
    data.join("library").join("docs")
}

/// A file-name-safe key for a symbol: `A/RES/79/274` → `A_RES_79_274`.
pub fn symbol_key(symbol: &str) -> String {
    symbol
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Store one language version (replacing an earlier one).
pub fn save_document(data: &Path, doc: &Document) -> std::io::Result<()> {
    if doc.symbol.trim().is_empty() {
        return Ok(());
    }
    let dir = docs_dir(data);
    std::fs::create_dir_all(&dir)?;
    let lang: String = doc
        .language
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .collect();
    let file = dir.join(format!("{}.{}.json", symbol_key(&doc.symbol), lang));
    let tmp = file.with_extension("json.tmp");
    std::fs::write(
        &tmp,
        serde_json::to_vec(doc).map_err(std::io::Error::other)?,
    )?;
    std::fs::rename(tmp, file)
}

/// One language version of a stored document.
pub fn load_document(data: &Path, symbol: &str, lang: &str) -> Option<Document> {
    let lang: String = lang.chars().filter(|c| c.is_ascii_alphabetic()).collect();
    let file = docs_dir(data).join(format!("{}.{}.json", symbol_key(symbol), lang));
    let bytes = std::fs::read(file).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The languages a symbol is stored in, sorted.
pub fn languages(data: &Path, symbol: &str) -> Vec<String> {
    let prefix = format!("{}.", symbol_key(symbol));
    let mut out: Vec<String> = std::fs::read_dir(docs_dir(data))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let rest = name.strip_prefix(&prefix)?.strip_suffix(".json")?;
            (!rest.contains('.')).then(|| rest.to_string())
        })
        .collect();
    out.sort();
    out
}

fn lessons_dir(data: &Path) -> PathBuf {
    data.join("library").join("lessons")
}

/// Store a lessons-learned record (replacing an earlier one of the same process):
/// `DATA/library/lessons/<symbol key>.json`.
pub fn save_lessons(data: &Path, rec: &crate::lessons::LessonsRecord) -> std::io::Result<()> {
    let dir = lessons_dir(data);
    std::fs::create_dir_all(&dir)?;
    let file = dir.join(format!("{}.json", symbol_key(&rec.symbol)));
    let tmp = file.with_extension("json.tmp");
    std::fs::write(&tmp, rec.to_json())?;
    std::fs::rename(tmp, file)
}

/// A stored lessons-learned record by its symbol (`CHAMBER/LESSONS/<process id>`) or its
/// process id: `Ok(None)` when there is none, an error naming the file when it is unreadable or
/// breaks the record's shape.
pub fn load_lessons(
    data: &Path,
    symbol_or_process: &str,
) -> Result<Option<crate::lessons::LessonsRecord>, String> {
    let symbol = if crate::lessons::is_lessons_symbol(symbol_or_process) {
        symbol_or_process.trim().to_string()
    } else {
        crate::lessons::symbol_for(symbol_or_process)
    };
    let file = lessons_dir(data).join(format!("{}.json", symbol_key(&symbol)));
    match std::fs::read_to_string(&file) {
        Ok(t) => crate::lessons::LessonsRecord::from_json(&t)
            .map(Some)
            .map_err(|e| format!("{}: {e}", file.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", file.display())),
    }
}

/// The symbols of every stored lessons-learned record, sorted.
pub fn lessons_symbols(data: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(lessons_dir(data))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let key = name.strip_suffix(".json")?;
            let id = key.strip_prefix("CHAMBER_LESSONS_")?;
            Some(crate::lessons::symbol_for(id))
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_round_trip_by_symbol_and_language() {
        let data = std::env::temp_dir().join(format!("chamber-docstore-{}", std::process::id()));
        let doc = crate::parse_str(
            "United Nations A/RES/79/999\nGeneral Assembly\nResolution adopted by the General Assembly\n\nThe General Assembly,\n\nRecalling its earlier work,\n\n1. Decides to continue.\n",
            None,
        );
        let mut doc = doc.expect("a minimal resolution parses");
        doc.symbol = "A/RES/79/999".into();
        doc.language = "en".into();
        save_document(&data, &doc).unwrap();
        assert_eq!(symbol_key("A/RES/50/80 A"), "A_RES_50_80_A");
        assert_eq!(load_document(&data, "A/RES/79/999", "en").unwrap(), doc);
        assert!(load_document(&data, "A/RES/79/999", "fr").is_none());
        assert_eq!(languages(&data, "A/RES/79/999"), vec!["en".to_string()]);
        let _ = std::fs::remove_dir_all(data);
    }

    #[test]
    fn lessons_records_round_trip_by_symbol_or_process() {
        let data = std::env::temp_dir().join(format!("chamber-docstore-ll-{}", std::process::id()));
        let rec = crate::lessons::tests::sample();
        assert_eq!(load_lessons(&data, &rec.symbol), Ok(None));
        save_lessons(&data, &rec).unwrap();
        assert_eq!(
            load_lessons(&data, &rec.symbol).unwrap().as_ref(),
            Some(&rec)
        );
        assert_eq!(
            load_lessons(&data, &rec.process.id).unwrap().as_ref(),
            Some(&rec)
        );
        assert_eq!(lessons_symbols(&data), vec![rec.symbol.clone()]);
        // A damaged file is reported with its path, not taken for "none".
        let file = data
            .join("library/lessons")
            .join(format!("{}.json", symbol_key(&rec.symbol)));
        std::fs::write(&file, "{").unwrap();
        let e = load_lessons(&data, &rec.symbol).unwrap_err();
        assert!(
            e.contains("CHAMBER_LESSONS_") && e.contains("line 1"),
            "{e}"
        );
        let _ = std::fs::remove_dir_all(data);
    }
}
