//! Citation graph over a set of parsed documents: cites, cited-by, lineage.
//!
//! Pure in-memory structure. Documents cited but not in the set are external nodes.

use crate::model::{CitationKind, Document};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Normalised node key: upper-case, single spaces (`A/RES/50/80 A`).
pub fn node_key(symbol: &str) -> String {
    symbol
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

/// The position of a lessons-learned record's citations (its edges' `in`).
pub const LESSONS_LOCATION: &str = "lessons-learned";

/// A resolution or document in the graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub symbol: String,
    /// True when the document is only known because something cites it.
    pub external: bool,
    pub kind: CitationKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adoption_date: Option<String>,
    /// Languages in which the document was read.
    pub languages: BTreeSet<String>,
}

/// `from` cites `to` at `location`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub kind: CitationKind,
    #[serde(rename = "in")]
    pub location: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// Citation graph.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CitationGraph {
    nodes: BTreeMap<String, Node>,
    edges: BTreeSet<Edge>,
}

/// Chronological order of GA symbols: session, then number (`A/RES/50/80 A` → (50, 80)).
fn sort_key(key: &str) -> (u32, u32, String) {
    let mut nums = key
        .trim_start_matches("A/RES/")
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse::<u32>().ok());
    let s = nums.next().unwrap_or(0);
    let n = nums.next().unwrap_or(0);
    (s, n, key.to_string())
}

impl CitationGraph {
    /// Graph of `docs` (several language versions of one resolution merge into one node).
    pub fn build<'a>(docs: impl IntoIterator<Item = &'a Document>) -> CitationGraph {
        let mut g = CitationGraph::default();
        for d in docs {
            g.add(d);
        }
        g
    }

    /// Add one document and its citations.
    pub fn add(&mut self, doc: &Document) {
        if doc.symbol.trim().is_empty() {
            return;
        }
        let from = node_key(&doc.symbol);
        let node = self.nodes.entry(from.clone()).or_insert_with(|| Node {
            symbol: from.clone(),
            external: false,
            kind: CitationKind::Resolution,
            title: None,
            adoption_date: None,
            languages: BTreeSet::new(),
        });
        node.external = false;
        if node.title.is_none() && !doc.title.is_empty() && doc.language == "en" {
            node.title = Some(doc.title.clone());
        }
        if node.adoption_date.is_none() {
            node.adoption_date = doc.adoption_date.clone();
        }
        node.languages.insert(doc.language.clone());
        for c in &doc.citations {
            let to = node_key(&c.target);
            if to == from {
                continue;
            }
            self.nodes.entry(to.clone()).or_insert_with(|| Node {
                symbol: to.clone(),
                external: true,
                kind: c.kind,
                title: None,
                adoption_date: None,
                languages: BTreeSet::new(),
            });
            self.edges.insert(Edge {
                from: from.clone(),
                to,
                kind: c.kind,
                location: c.location.clone(),
                date: c.date.clone(),
            });
        }
        // A resolution cited without its part letter is the same work as the lettered one only
        // when nothing else is known; keep both nodes, they are distinct symbols.
    }

    /// Add a lessons-learned record: its node (kind [`CitationKind::LessonsLearned`], titled
    /// with its process) and an edge to each document it cites, at position `lessons-learned`.
    /// Filing the record again replaces its earlier edges.
    pub fn add_lessons(&mut self, rec: &crate::lessons::LessonsRecord) {
        let from = node_key(&rec.symbol);
        self.edges.retain(|e| e.from != from);
        let node = self.nodes.entry(from.clone()).or_insert_with(|| Node {
            symbol: rec.symbol.clone(),
            external: false,
            kind: CitationKind::LessonsLearned,
            title: None,
            adoption_date: None,
            languages: BTreeSet::new(),
        });
        node.symbol = rec.symbol.clone();
        node.external = false;
        node.kind = CitationKind::LessonsLearned;
        node.title = Some(rec.process.title.clone());
        node.adoption_date = Some(rec.closed_on.clone());
        node.languages.insert(rec.language.clone());
        for c in &rec.cites {
            let to = node_key(&c.symbol);
            if to == from {
                continue;
            }
            self.nodes.entry(to.clone()).or_insert_with(|| Node {
                symbol: to.clone(),
                external: true,
                kind: c.kind,
                title: None,
                adoption_date: None,
                languages: BTreeSet::new(),
            });
            self.edges.insert(Edge {
                from: from.clone(),
                to,
                kind: c.kind,
                location: LESSONS_LOCATION.to_string(),
                date: None,
            });
        }
    }

    /// The lessons-learned records citing `symbol`, as their symbols.
    pub fn lessons_citing(&self, symbol: &str) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .cited_by(symbol)
            .into_iter()
            .filter(|e| e.location == LESSONS_LOCATION)
            .map(|e| e.from.as_str())
            .collect();
        v.dedup();
        v
    }

    /// The graph as JSON, for the caller to store.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    /// A graph stored with [`CitationGraph::to_json`].
    pub fn from_json(json: &str) -> Result<CitationGraph, serde_json::Error> {
        serde_json::from_str(json)
    }

    pub fn node(&self, symbol: &str) -> Option<&Node> {
        self.nodes.get(&node_key(symbol))
    }

    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.nodes.values()
    }

    pub fn edges(&self) -> impl Iterator<Item = &Edge> {
        self.edges.iter()
    }

    /// What `symbol` cites: one edge per (target, position), in symbol order.
    pub fn cites(&self, symbol: &str) -> Vec<&Edge> {
        let k = node_key(symbol);
        self.edges.iter().filter(|e| e.from == k).collect()
    }

    /// What cites `symbol` (a citation without a part letter also matches `… A`).
    pub fn cited_by(&self, symbol: &str) -> Vec<&Edge> {
        let k = node_key(symbol);
        self.edges.iter().filter(|e| e.to == k).collect()
    }

    /// The line of resolutions `symbol` continues, oldest first, ending with `symbol`.
    ///
    /// A resolution's predecessors are the resolutions cited in the leading run of consecutive
    /// preambular paragraphs that cite resolutions ("Recalling its resolutions 50/80 A … and
    /// 69/285 … on the permanent neutrality of Turkmenistan", "Recalling also …"); the line
    /// follows predecessors known in the set recursively and is ordered by session and number.
    pub fn lineage(&self, symbol: &str) -> Vec<String> {
        let start = node_key(symbol);
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut stack = vec![start.clone()];
        while let Some(k) = stack.pop() {
            if !seen.insert(k.clone()) {
                continue;
            }
            for p in self.predecessors(&k) {
                stack.push(p);
            }
        }
        let mut line: Vec<String> = seen.into_iter().collect();
        line.sort_by_key(|k| sort_key(k));
        // the start is the newest by construction; keep it last even if dates are missing
        line.retain(|k| *k != start);
        line.push(start);
        line
    }

    fn predecessors(&self, key: &str) -> Vec<String> {
        let res: Vec<&Edge> = self
            .edges
            .iter()
            .filter(|e| {
                e.from == key
                    && e.kind == CitationKind::Resolution
                    && e.location.starts_with("preamble ")
            })
            .collect();
        let para = |e: &Edge| {
            e.location
                .trim_start_matches("preamble ")
                .parse::<usize>()
                .unwrap_or(usize::MAX)
        };
        let citing: BTreeSet<usize> = res.iter().map(|e| para(e)).collect();
        // The leading run of consecutive preambular paragraphs that cite resolutions
        // ("Recalling its resolutions …", "Recalling also …").
        let mut run = BTreeSet::new();
        if let Some(&first) = citing.iter().next() {
            let mut n = first;
            while citing.contains(&n) {
                run.insert(n);
                n += 1;
            }
        }
        res.iter()
            .filter(|e| run.contains(&para(e)))
            .map(|e| e.to.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Citation;

    fn doc(symbol: &str, date: &str, cites: &[(&str, &str)]) -> Document {
        let citations = cites
            .iter()
            .map(|(t, at)| Citation {
                target: (*t).into(),
                kind: if t.starts_with("A/RES/") {
                    CitationKind::Resolution
                } else {
                    CitationKind::Document
                },
                location: (*at).into(),
                surface: (*t).into(),
                date: None,
            })
            .collect();
        Document {
            symbol: symbol.into(),
            language: "en".into(),
            adoption_date: Some(date.into()),
            citations,
            ..Document::default()
        }
    }

    #[test]
    fn cites_cited_by_external_and_lineage() {
        let a = doc(
            "A/RES/75/28",
            "2020-12-07",
            &[
                ("A/RES/50/80 A", "preamble 1"),
                ("A/RES/69/285", "preamble 1"),
                ("A/RES/46/182", "preamble 4"),
            ],
        );
        let b = doc(
            "A/RES/79/274",
            "2025-03-21",
            &[
                ("A/RES/75/28", "preamble 1"),
                ("A/RES/69/285", "preamble 1"),
                ("A/75/651-S/2020/1203", "footnote 1"),
                ("A/RES/46/182", "footnote 2"),
            ],
        );
        let mut b_zh = b.clone();
        b_zh.language = "zh".into();
        let g = CitationGraph::build([&a, &b, &b_zh]);
        assert_eq!(g.cites("A/RES/79/274").len(), 4);
        let by: Vec<_> = g
            .cited_by("A/RES/69/285")
            .iter()
            .map(|e| e.from.as_str())
            .collect();
        assert_eq!(by, ["A/RES/75/28", "A/RES/79/274"]);
        assert!(g.node("A/RES/50/80 A").unwrap().external);
        assert!(!g.node("A/RES/75/28").unwrap().external);
        assert_eq!(g.node("a/res/79/274").unwrap().languages.len(), 2);
        assert!(g.node("A/75/651-S/2020/1203").unwrap().external);
        assert_eq!(
            g.lineage("A/RES/79/274"),
            [
                "A/RES/50/80 A",
                "A/RES/69/285",
                "A/RES/75/28",
                "A/RES/79/274"
            ]
        );
        assert_eq!(g.lineage("A/RES/1/1"), ["A/RES/1/1"]);
        let back = CitationGraph::from_json(&g.to_json()).unwrap();
        assert_eq!(back.cites("A/RES/79/274"), g.cites("A/RES/79/274"));
        assert!(back.node("A/RES/50/80 A").unwrap().external);
    }

    #[test]
    fn a_lessons_record_links_to_what_it_cites_and_refiling_replaces_its_edges() {
        let a = doc("A/RES/79/274", "2025-03-21", &[]);
        let mut g = CitationGraph::build([&a]);
        let mut rec = crate::lessons::tests::sample();
        rec.cites.push(crate::lessons::CitedDocument {
            symbol: "S/RES/2719 (2023)".into(),
            kind: CitationKind::SecurityCouncilResolution,
            source: crate::lessons::CitationSource::Text,
        });
        g.add_lessons(&rec);
        let node = g.node(&rec.symbol).unwrap();
        assert_eq!(node.kind, CitationKind::LessonsLearned);
        assert_eq!(node.title.as_deref(), Some("Northern corridor talks"));
        assert_eq!(g.cites(&rec.symbol).len(), 2);
        assert_eq!(
            g.lessons_citing("A/RES/79/274"),
            [crate::graph::node_key(&rec.symbol)]
        );
        assert!(g.node("S/RES/2719 (2023)").unwrap().external);
        assert!(!g.node("A/RES/79/274").unwrap().external);
        // Lineage only follows preambular citations: a lessons record is nobody's predecessor.
        assert_eq!(g.lineage("A/RES/79/274"), ["A/RES/79/274"]);
        rec.cites.truncate(1);
        g.add_lessons(&rec);
        assert_eq!(g.cites(&rec.symbol).len(), 1);
        let back = CitationGraph::from_json(&g.to_json()).unwrap();
        assert_eq!(
            back.node(&rec.symbol).unwrap().kind,
            CitationKind::LessonsLearned
        );
    }
}
