//! The data directory: every path Chamber keeps, named once.
//!
//! ```text
//! DATA/
//!   chamber.sqlite        the store (unless a database URL is configured)
//!   keys/chamber.key      the operator's key for confidential records (unless given elsewhere)
//!   keys/chamber.key.next the next key, only while `chamber key rotate` runs
//!   keys/retired/         keys retired by rotations (open old backups; `--forget-old` removes)
//!   keys/checkpoint.key   the Ed25519 key that signs checkpoints of the audit record
//!   watch/                the early-warning event store
//!   library/index/        the library's search index
//!   library/docs/         parsed documents
//!   library/graph.json    the citation graph
//! ```

use std::path::{Path, PathBuf};

/// Where one Chamber installation keeps its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> DataDir {
        DataDir { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The default key file for confidential records.
    pub fn key_file(&self) -> PathBuf {
        self.root.join("keys").join("chamber.key")
    }

    /// The key that signs checkpoints of the audit record (created 0600 on first use).
    pub fn checkpoint_key(&self) -> PathBuf {
        self.root.join("keys").join("checkpoint.key")
    }

    /// The early-warning event store.
    pub fn watch(&self) -> PathBuf {
        self.root.join("watch")
    }

    /// The library's files.
    pub fn library(&self) -> LibraryDir {
        LibraryDir {
            root: self.root.join("library"),
        }
    }
}

/// The library's part of the data directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryDir {
    root: PathBuf,
}

impl LibraryDir {
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The paragraph search index.
    pub fn index(&self) -> PathBuf {
        self.root.join("index")
    }

    /// Parsed documents, one JSON file each.
    pub fn docs(&self) -> PathBuf {
        self.root.join("docs")
    }

    /// The citation graph.
    pub fn graph(&self) -> PathBuf {
        self.root.join("graph.json")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_every_path_under_its_root() {
        let d = DataDir::new("/x");
        assert_eq!(d.watch(), PathBuf::from("/x/watch"));
        assert_eq!(d.key_file(), PathBuf::from("/x/keys/chamber.key"));
        assert_eq!(d.checkpoint_key(), PathBuf::from("/x/keys/checkpoint.key"));
        assert_eq!(d.library().index(), PathBuf::from("/x/library/index"));
        assert_eq!(d.library().docs(), PathBuf::from("/x/library/docs"));
        assert_eq!(d.library().graph(), PathBuf::from("/x/library/graph.json"));
    }
}
