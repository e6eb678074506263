//! Differences between two versions: by paragraph (added, removed, moved, changed, status
//! changed) and, inside a changed paragraph, by word (longest common subsequence on words;
//! text in Chinese, Japanese or Korean script, written without spaces, is compared character by
//! character).

use super::{NegotiatingText, Paragraph, ParagraphStatus, Section};
use crate::ids::ParagraphId;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Moved,
    Changed,
    StatusChanged,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WordOpKind {
    Equal,
    Insert,
    Delete,
}

/// A run of words kept, inserted or deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordOp {
    pub kind: WordOpKind,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParagraphChange {
    pub paragraph: ParagraphId,
    pub section: Section,
    /// Stable labels ("3", "3 (b)", "PP2") in the old and new versions.
    pub label_from: Option<String>,
    pub label_to: Option<String>,
    pub kinds: Vec<ChangeKind>,
    pub status_from: Option<ParagraphStatus>,
    pub status_to: Option<ParagraphStatus>,
    /// Word diff of the wording (with brackets and alternatives); empty unless `Changed`.
    pub words: Vec<WordOp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextDiff {
    pub from: u32,
    pub to: u32,
    /// Word diff of the title, when it changed.
    pub title: Option<Vec<WordOp>>,
    /// Only the paragraphs that changed, in the new version's reading order, removed ones last.
    pub paragraphs: Vec<ParagraphChange>,
}

impl TextDiff {
    pub fn is_empty(&self) -> bool {
        self.title.is_none() && self.paragraphs.is_empty()
    }
}

/// The wording compared word by word: Alt 1 (and "Alt n:" lines) with bracketed spans marked.
fn comparable(p: &Paragraph) -> String {
    if p.alternatives.is_empty() {
        return p.wording.marked();
    }
    std::iter::once(&p.wording)
        .chain(&p.alternatives)
        .enumerate()
        .map(|(i, w)| format!("Alt {}: {}", i + 1, w.marked()))
        .collect::<Vec<_>>()
        .join("\n")
}

type ListKey = (Section, Option<ParagraphId>);

fn lists(
    t: &NegotiatingText,
) -> (
    HashMap<ParagraphId, ListKey>,
    HashMap<ListKey, Vec<ParagraphId>>,
) {
    let mut of = HashMap::new();
    let mut lists: HashMap<ListKey, Vec<ParagraphId>> = HashMap::new();
    for (s, parent, p) in t.walk() {
        let key = (s, parent.cloned());
        of.insert(p.id.clone(), key.clone());
        lists.entry(key).or_default().push(p.id.clone());
    }
    (of, lists)
}

/// Paragraph-level and word-level differences from `a` (version `from`) to `b` (version `to`).
pub fn diff_texts(from: u32, a: &NegotiatingText, to: u32, b: &NegotiatingText) -> TextDiff {
    let (of_a, lists_a) = lists(a);
    let (of_b, lists_b) = lists(b);
    // Moved: in another list, or outside the longest common subsequence of its list.
    let mut moved = std::collections::HashSet::new();
    for (key, seq_b) in &lists_b {
        let Some(seq_a) = lists_a.get(key) else {
            continue;
        };
        let common_a: Vec<&ParagraphId> = seq_a
            .iter()
            .filter(|id| of_b.get(*id) == Some(key))
            .collect();
        let common_b: Vec<&ParagraphId> = seq_b
            .iter()
            .filter(|id| of_a.get(*id) == Some(key))
            .collect();
        let kept: std::collections::HashSet<&ParagraphId> = lcs_pairs(&common_a, &common_b)
            .into_iter()
            .map(|(i, _)| common_a[i])
            .collect();
        moved.extend(
            common_b
                .into_iter()
                .filter(|id| !kept.contains(id))
                .cloned(),
        );
    }
    let index_a: HashMap<&ParagraphId, &Paragraph> =
        a.walk().into_iter().map(|(_, _, p)| (&p.id, p)).collect();
    let index_b: HashMap<&ParagraphId, &Paragraph> =
        b.walk().into_iter().map(|(_, _, p)| (&p.id, p)).collect();
    let (labels_a, labels_b) = (a.labels(), b.labels());
    let mut out = Vec::new();
    for (section, _, pb) in b.walk() {
        let id = &pb.id;
        let Some(pa) = index_a.get(id).copied() else {
            out.push(ParagraphChange {
                paragraph: id.clone(),
                section,
                label_from: None,
                label_to: labels_b.get(id).cloned(),
                kinds: vec![ChangeKind::Added],
                status_from: None,
                status_to: Some(pb.status),
                words: word_diff("", &comparable(pb)),
            });
            continue;
        };
        let mut kinds = Vec::new();
        if of_a.get(id) != of_b.get(id) || moved.contains(id) {
            kinds.push(ChangeKind::Moved);
        }
        let (ca, cb) = (comparable(pa), comparable(pb));
        let words = if ca != cb {
            kinds.push(ChangeKind::Changed);
            word_diff(&ca, &cb)
        } else {
            Vec::new()
        };
        if pa.status != pb.status {
            kinds.push(ChangeKind::StatusChanged);
        }
        if !kinds.is_empty() {
            out.push(ParagraphChange {
                paragraph: id.clone(),
                section,
                label_from: labels_a.get(id).cloned(),
                label_to: labels_b.get(id).cloned(),
                kinds,
                status_from: Some(pa.status),
                status_to: Some(pb.status),
                words,
            });
        }
    }
    for (section, _, pa) in a.walk() {
        if !index_b.contains_key(&pa.id) {
            out.push(ParagraphChange {
                paragraph: pa.id.clone(),
                section,
                label_from: labels_a.get(&pa.id).cloned(),
                label_to: None,
                kinds: vec![ChangeKind::Removed],
                status_from: Some(pa.status),
                status_to: None,
                words: word_diff(&comparable(pa), ""),
            });
        }
    }
    TextDiff {
        from,
        to,
        title: (a.title != b.title).then(|| word_diff(&a.title, &b.title)),
        paragraphs: out,
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x2FA1F)
}

#[derive(PartialEq, Clone, Copy)]
enum Class {
    Space,
    Word,
    Single,
}

fn class(c: char) -> Class {
    if c.is_whitespace() {
        Class::Space
    } else if is_cjk(c) || !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-') {
        Class::Single
    } else {
        Class::Word
    }
}

/// Splits text into words and single characters (punctuation, brackets, and every CJK
/// character), each with the white space that follows it.
pub fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<Class> = None;
    for (i, c) in s.char_indices() {
        let k = class(c);
        if let Some(p) = prev {
            let cut = !matches!((p, k), (_, Class::Space) | (Class::Word, Class::Word));
            if cut {
                out.push(&s[start..i]);
                start = i;
            }
        }
        prev = Some(k);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// Word-level differences (LCS on [`tokens`]).
pub fn word_diff(a: &str, b: &str) -> Vec<WordOp> {
    let (ta, tb) = (tokens(a), tokens(b));
    let pairs = lcs_pairs(&ta, &tb);
    let mut ops: Vec<WordOp> = Vec::new();
    let mut push = |kind: WordOpKind, t: &str| match ops.last_mut() {
        Some(last) if last.kind == kind => last.text.push_str(t),
        _ => ops.push(WordOp {
            kind,
            text: t.to_string(),
        }),
    };
    let (mut i, mut j) = (0, 0);
    for (pi, pj) in pairs
        .into_iter()
        .chain(std::iter::once((ta.len(), tb.len())))
    {
        while i < pi {
            push(WordOpKind::Delete, ta[i]);
            i += 1;
        }
        while j < pj {
            push(WordOpKind::Insert, tb[j]);
            j += 1;
        }
        if pi < ta.len() {
            push(WordOpKind::Equal, ta[pi]);
            i += 1;
            j += 1;
        }
    }
    ops
}

/// Matched index pairs of a longest common subsequence. Common prefix and suffix are matched
/// first; a middle too large for the quadratic table (over 16 million cells) is treated as
/// wholly replaced.
pub fn lcs_pairs<T: PartialEq>(a: &[T], b: &[T]) -> Vec<(usize, usize)> {
    let mut pre = 0;
    while pre < a.len() && pre < b.len() && a[pre] == b[pre] {
        pre += 1;
    }
    let mut suf = 0;
    while suf < a.len() - pre && suf < b.len() - pre && a[a.len() - 1 - suf] == b[b.len() - 1 - suf]
    {
        suf += 1;
    }
    let (ma, mb) = (&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    let mut pairs: Vec<(usize, usize)> = (0..pre).map(|i| (i, i)).collect();
    let (n, m) = (ma.len(), mb.len());
    if n > 0 && m > 0 && n.saturating_mul(m) <= 16_000_000 {
        // table[i][j] = LCS length of ma[i..], mb[j..]
        let w = m + 1;
        let mut t = vec![0u32; (n + 1) * w];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                t[i * w + j] = if ma[i] == mb[j] {
                    t[(i + 1) * w + j + 1] + 1
                } else {
                    t[(i + 1) * w + j].max(t[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n && j < m {
            if ma[i] == mb[j] {
                pairs.push((pre + i, pre + j));
                i += 1;
                j += 1;
            } else if t[(i + 1) * w + j] >= t[i * w + j + 1] {
                i += 1;
            } else {
                j += 1;
            }
        }
    }
    pairs.extend((0..suf).map(|k| (a.len() - suf + k, b.len() - suf + k)));
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(ops: &[WordOp]) -> String {
        ops.iter()
            .map(|o| match o.kind {
                WordOpKind::Equal => o.text.clone(),
                WordOpKind::Insert => format!("{{+{}+}}", o.text),
                WordOpKind::Delete => format!("{{-{}-}}", o.text),
            })
            .collect()
    }

    #[test]
    fn words_are_compared_as_words() {
        let d = word_diff(
            "The parties shall cease hostilities.",
            "The parties undertake to cease all hostilities.",
        );
        assert_eq!(
            show(&d),
            "The parties {-shall -}{+undertake to +}cease {+all +}hostilities."
        );
    }

    #[test]
    fn chinese_is_compared_by_character() {
        assert_eq!(
            tokens("双方停止敌对行动"),
            ["双", "方", "停", "止", "敌", "对", "行", "动"]
        );
        let d = word_diff("双方停止敌对行动。", "双方立即停止一切敌对行动。");
        assert_eq!(show(&d), "双方{+立即+}停止{+一切+}敌对行动。");
    }

    #[test]
    fn brackets_are_tokens_of_their_own() {
        let d = word_diff("[shall] cease", "shall cease");
        assert_eq!(show(&d), "{-[shall] -}{+shall +}cease");
        let d = word_diff("a [b] c", "a [b c] d");
        assert_eq!(show(&d), "a [{-b] -}{+b +}c{+] d+}");
    }

    #[test]
    fn lcs_is_longest() {
        let a = ["a", "b", "c", "d", "e"];
        let b = ["b", "a", "c", "e", "d"];
        assert_eq!(lcs_pairs(&a, &b).len(), 3);
        assert!(lcs_pairs::<u8>(&[], &[1]).is_empty());
    }
}
