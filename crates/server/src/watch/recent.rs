//! The answers of recent Watch queries, kept while the store they came from is unchanged. A
//! store only grows by whole files (an ingest run renames new month parts into place; a
//! forecast appends to its cutoff's file), so the names, sizes and times of those files are its
//! state: any change to them and the answer is computed again. Bounded to [`KEEP`] answers.

use super::{Found, Wanted};
use chamber_watch::indicators::Period;
use chamber_watch::view::WatchRequest;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

/// How many answers are kept.
pub const KEEP: usize = 32;

#[derive(Clone, PartialEq, Eq, Debug)]
struct Key {
    root: PathBuf,
    query: String,
}

struct Entry {
    key: Key,
    state: u64,
    found: Arc<Found>,
}

static RECENT: LazyLock<Mutex<Vec<Entry>>> = LazyLock::new(|| Mutex::new(Vec::new()));

fn key(root: &Path, req: &WatchRequest, period: Period, wanted: Wanted) -> Key {
    Key {
        root: root.to_path_buf(),
        query: format!(
            "{req:?}|{}|{}|{}",
            super::period_name(period),
            wanted.series,
            wanted.fan
        ),
    }
}

/// The state of a store: its committed parts and stored forecasts (names, sizes, times).
pub fn state(root: &Path) -> u64 {
    let mut h = DefaultHasher::new();
    let mut files: Vec<(PathBuf, u64, Option<std::time::SystemTime>)> = Vec::new();
    let mut add = |dir: &Path, keep: &dyn Fn(&str) -> bool| {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = e.file_name();
            if keep(&name.to_string_lossy())
                && let Ok(m) = e.metadata()
            {
                files.push((e.path(), m.len(), m.modified().ok()));
            }
        }
    };
    for month in std::fs::read_dir(root.join("events"))
        .into_iter()
        .flatten()
        .flatten()
    {
        add(&month.path(), &|n| !n.starts_with('.'));
    }
    add(&root.join("forecasts"), &|n| n.ends_with(".jsonl"));
    files.sort();
    files.hash(&mut h);
    h.finish()
}

/// The kept answer, if the store is as it was when it was computed.
pub fn get(root: &Path, req: &WatchRequest, period: Period, wanted: Wanted) -> Option<Arc<Found>> {
    let k = key(root, req, period, wanted);
    let now = state(root);
    let recent = RECENT.lock().ok()?;
    recent
        .iter()
        .find(|e| e.key == k && e.state == now)
        .map(|e| e.found.clone())
}

/// Keep an answer computed from the store in `state`.
pub fn keep(
    root: &Path,
    req: &WatchRequest,
    period: Period,
    wanted: Wanted,
    state: u64,
    found: Arc<Found>,
) {
    let k = key(root, req, period, wanted);
    if let Ok(mut recent) = RECENT.lock() {
        recent.retain(|e| e.key != k);
        if recent.len() >= KEEP {
            recent.remove(0);
        }
        recent.push(Entry {
            key: k,
            state,
            found,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_changes_when_a_part_or_a_forecast_arrives() {
        let root = std::env::temp_dir().join(format!("chamber-recent-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("events/month=2021-02")).unwrap();
        let empty = state(&root);
        std::fs::write(root.join("events/month=2021-02/part-a.parquet"), b"x").unwrap();
        let one = state(&root);
        assert_ne!(empty, one);
        // A run's unfinished files do not count until they are renamed into place.
        std::fs::write(root.join("events/month=2021-02/.part-b.parquet.tmp"), b"x").unwrap();
        assert_eq!(state(&root), one);
        std::fs::create_dir_all(root.join("forecasts")).unwrap();
        std::fs::write(root.join("forecasts/2021-02.jsonl"), b"{}\n").unwrap();
        let forecast = state(&root);
        assert_ne!(forecast, one);
        std::fs::write(root.join("forecasts/2021-02.jsonl"), b"{}\n{}\n").unwrap();
        assert_ne!(state(&root), forecast);

        let req = WatchRequest::default();
        let wanted = Wanted::default();
        let found = Arc::new(Found::default());
        keep(
            &root,
            &req,
            Period::Week,
            wanted,
            state(&root),
            found.clone(),
        );
        assert!(get(&root, &req, Period::Week, wanted).is_some());
        assert!(get(&root, &req, Period::Day, wanted).is_none());
        std::fs::write(root.join("events/month=2021-02/part-c.parquet"), b"y").unwrap();
        assert!(
            get(&root, &req, Period::Week, wanted).is_none(),
            "a new part"
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}
