//! Test helpers shared by every Chamber crate.
//!
//! Shared data (`../shared` beside the repository root, or `CHAMBER_SHARED_DIR`) is real,
//! read-only and never copied into the repository. A test that needs it calls [`shared_dir`]:
//! when the folder is absent the test skips with a printed reason, unless
//! `CHAMBER_REQUIRE_SHARED_DATA=1`, in which case it fails.

use std::path::{Path, PathBuf};

/// The repository root (the workspace folder holding the top `Cargo.toml`).
pub fn repo_root() -> PathBuf {
    // crates/testkit -> crates -> root
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .and_then(Path::parent)
        .expect("testkit lives two levels below the repository root")
        .to_path_buf()
}

/// True when the environment says shared data must be present (CI).
pub fn shared_data_required() -> bool {
    matches!(
        std::env::var("CHAMBER_REQUIRE_SHARED_DATA").as_deref(),
        Ok("1") | Ok("true") | Ok("yes")
    )
}

/// The shared folder, or `None` (after printing why) when it is absent and not required.
///
/// Panics when `CHAMBER_REQUIRE_SHARED_DATA=1` and the folder (or `sub` inside it) is missing.
pub fn shared_dir(sub: &str) -> Option<PathBuf> {
    let base = match std::env::var_os("CHAMBER_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => repo_root().join("..").join("shared"),
    };
    let path = if sub.is_empty() { base } else { base.join(sub) };
    if path.exists() {
        return Some(path);
    }
    if shared_data_required() {
        panic!(
            "shared data {} is missing and CHAMBER_REQUIRE_SHARED_DATA=1",
            path.display()
        );
    }
    eprintln!(
        "SKIPPED: shared data {} is absent (set CHAMBER_SHARED_DIR); this test did not run",
        path.display()
    );
    None
}

/// Like [`shared_dir`] for a test body: returns early from the test when the data is absent.
#[macro_export]
macro_rules! require_shared {
    ($sub:expr) => {
        match $crate::shared_dir($sub) {
            Some(path) => path,
            None => return,
        }
    };
}

/// The files in each of `dirs` (relative to `base`), all together, sorted by path.
///
/// Panics naming the folder when one cannot be read: a test's data must be there.
pub fn sorted_files(base: &Path, dirs: &[&str]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|d| {
            let dir = base.join(d);
            std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
        })
        .collect();
    files.sort();
    files
}

/// The Fluent catalogue's folder (`crates/i18n/locales`, one folder per area).
pub fn locales() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../i18n/locales")
}

/// The literal pieces of a Fluent message's value: placeables, selectors and variant keys cut
/// out (`[one]`, `*[other]`). Inside a selector the text of a variant is literal too; what is
/// left of a placeable (`$count`, `NUMBER($x)`) has no space in it. The catalogue tests look
/// for these pieces on pages that should show none of them.
pub fn literal_fragments(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut piece = String::new();
    let mut flush = |piece: &mut String| {
        let t = piece.trim().to_string();
        if !t.is_empty() {
            out.push(t);
        }
        piece.clear();
    };
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' => {
                flush(&mut piece);
                depth += 1;
            }
            '}' => {
                flush(&mut piece);
                depth = depth.saturating_sub(1);
            }
            '\n' => flush(&mut piece),
            '[' if depth > 0 => {
                flush(&mut piece);
                for k in chars.by_ref() {
                    if k == ']' {
                        break;
                    }
                }
            }
            '*' if depth > 0 && chars.peek() == Some(&'[') => {}
            '-' if depth > 0 && chars.peek() == Some(&'>') => {
                chars.next();
                flush(&mut piece);
            }
            c => piece.push(c),
        }
    }
    flush(&mut piece);
    out
}
