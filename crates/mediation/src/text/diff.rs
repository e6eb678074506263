//! Differences between two versions: by paragraph (added, removed, moved, changed, status
//! changed) and, inside a changed paragraph, by word (Myers' O(ND) algorithm in linear space on
//! words, [`lcs_pairs`]; text in Chinese, Japanese or Korean script, written without spaces, is
//! compared character by character). Any paragraph, however long, is compared word by word.

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

/// Word-level differences ([`lcs_pairs`] on [`tokens`]): runs of kept, deleted and inserted
/// text, deletions before insertions between two kept runs. Tokens are compared as small
/// integers (each distinct token numbered once), so the search compares numbers, not strings.
pub fn word_diff(a: &str, b: &str) -> Vec<WordOp> {
    let (ta, tb) = (tokens(a), tokens(b));
    let pairs = {
        let (na, nb) = numbered(&ta, &tb);
        lcs_pairs(&na, &nb)
    };
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

/// The tokens of both sides as numbers, equal tokens equal numbers.
fn numbered<'t>(a: &[&'t str], b: &[&'t str]) -> (Vec<u32>, Vec<u32>) {
    let mut numbers: HashMap<&'t str, u32> = HashMap::with_capacity(a.len().max(b.len()));
    let mut number = |seq: &[&'t str]| -> Vec<u32> {
        seq.iter()
            .map(|t| {
                let next = numbers.len() as u32;
                *numbers.entry(*t).or_insert(next)
            })
            .collect()
    };
    (number(a), number(b))
}

/// Matched index pairs, in order, of a common subsequence of `a` and `b`: the longest one
/// whenever the sequences differ by at most about `2 × max(256, √(len a + len b))` insertions and
/// deletions, a long one otherwise.
///
/// Myers' O(ND) difference algorithm in linear space ("An O(ND) difference algorithm and its
/// variations", 1986, section 4b): common prefix and suffix are matched first, then the middle
/// snake of the shortest edit script is found by searching from both ends at once and the two
/// halves are solved the same way (with an explicit stack, so no recursion depth limit). Time
/// O((N+M)·D), memory O(N+M) for the result plus O(√(N+M)) for the search. When the search
/// reaches the cost bound without meeting in the middle, it splits at the point furthest along
/// either search (the heuristic GNU diff and git use), which keeps the worst case near linear
/// for texts that differ almost everywhere; every returned pair is still a real match.
pub fn lcs_pairs<T: PartialEq>(a: &[T], b: &[T]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let max_cost = isqrt(a.len() + b.len()).max(256);
    let mut search = MiddleSnake::default();
    // Jobs, last first: compare two ranges, or emit a run of matches found earlier.
    let mut jobs = vec![Job::Compare(0, a.len(), 0, b.len())];
    while let Some(job) = jobs.pop() {
        let (mut a0, mut a1, mut b0, mut b1) = match job {
            Job::Emit(x, y, len) => {
                pairs.extend((0..len).map(|k| (x + k, y + k)));
                continue;
            }
            Job::Compare(a0, a1, b0, b1) => (a0, a1, b0, b1),
        };
        // Everything before this range has been emitted, so its common prefix goes out now.
        while a0 < a1 && b0 < b1 && a[a0] == b[b0] {
            pairs.push((a0, b0));
            a0 += 1;
            b0 += 1;
        }
        let mut suffix = 0;
        while a0 < a1 && b0 < b1 && a[a1 - 1] == b[b1 - 1] {
            a1 -= 1;
            b1 -= 1;
            suffix += 1;
        }
        if suffix > 0 {
            jobs.push(Job::Emit(a1, b1, suffix));
        }
        if a0 == a1 || b0 == b1 {
            continue;
        }
        let (x, y) = search.split(&a[a0..a1], &b[b0..b1], max_cost);
        jobs.push(Job::Compare(a0 + x, a1, b0 + y, b1));
        jobs.push(Job::Compare(a0, a0 + x, b0, b0 + y));
    }
    pairs
}

enum Job {
    /// `a[a0..a1]` against `b[b0..b1]`.
    Compare(usize, usize, usize, usize),
    /// `len` matches from `(x, y)` on.
    Emit(usize, usize, usize),
}

fn isqrt(n: usize) -> usize {
    (n as f64).sqrt() as usize
}

/// The furthest-reaching paths of the forward and backward searches, by diagonal, reused from
/// one range to the next.
#[derive(Default)]
struct MiddleSnake {
    forward: Vec<isize>,
    backward: Vec<isize>,
}

impl MiddleSnake {
    /// A point `(x, y)` on a shortest edit path from `(0, 0)` to `(n, m)` of two sequences whose
    /// first and last elements differ (so the path has at least two edits), strictly inside it:
    /// `a[..x]`/`b[..y]` and `a[x..]`/`b[y..]` both need fewer edits than the whole. Past
    /// `max_cost` edits from either end, the point furthest along instead.
    fn split<T: PartialEq>(&mut self, a: &[T], b: &[T], max_cost: usize) -> (usize, usize) {
        let (n, m) = (a.len() as isize, b.len() as isize);
        // Diagonal k = x − y. The searches meet by d = ⌈D/2⌉ ≤ ⌈(n+m)/2⌉.
        let max_d = ((n + m + 1) / 2).min(max_cost as isize);
        let offset = max_d + 1;
        let len = (2 * offset + 1) as usize;
        for v in [&mut self.forward, &mut self.backward] {
            v.clear();
            v.resize(len, -1);
        }
        let (vf, vb) = (&mut self.forward, &mut self.backward);
        vf[offset as usize + 1] = 0;
        vb[offset as usize + 1] = 0;
        let delta = n - m;
        // With an odd delta the paths meet during a forward step, with an even one backward.
        let front = delta % 2 != 0;
        // Diagonals trimmed at each end once their path has left the grid.
        let (mut f_start, mut f_end, mut b_start, mut b_end) = (0, 0, 0, 0);
        for d in 0..max_d {
            let mut k = -d + f_start;
            while k <= d - f_end {
                let i = (offset + k) as usize;
                let mut x = if k == -d || (k != d && vf[i - 1] < vf[i + 1]) {
                    vf[i + 1]
                } else {
                    vf[i - 1] + 1
                };
                let mut y = x - k;
                while x < n && y < m && a[x as usize] == b[y as usize] {
                    x += 1;
                    y += 1;
                }
                vf[i] = x;
                if x > n {
                    f_end += 2;
                } else if y > m {
                    f_start += 2;
                } else if front {
                    // The backward path on the same diagonal, if it has reached it.
                    let j = offset + delta - k;
                    if (0..len as isize).contains(&j) && vb[j as usize] != -1 {
                        let back_x = n - vb[j as usize];
                        if x >= back_x {
                            return (x as usize, y as usize);
                        }
                    }
                }
                k += 2;
            }
            let mut k = -d + b_start;
            while k <= d - b_end {
                let i = (offset + k) as usize;
                let mut x = if k == -d || (k != d && vb[i - 1] < vb[i + 1]) {
                    vb[i + 1]
                } else {
                    vb[i - 1] + 1
                };
                let mut y = x - k;
                while x < n && y < m && a[(n - x - 1) as usize] == b[(m - y - 1) as usize] {
                    x += 1;
                    y += 1;
                }
                vb[i] = x;
                if x > n {
                    b_end += 2;
                } else if y > m {
                    b_start += 2;
                } else if !front {
                    let j = offset + delta - k;
                    if (0..len as isize).contains(&j) && vf[j as usize] != -1 {
                        let fx = vf[j as usize];
                        let fy = fx - (j - offset);
                        if fx >= n - x {
                            return (fx as usize, fy as usize);
                        }
                    }
                }
                k += 2;
            }
        }
        self.furthest(n, m, max_d)
    }

    /// The in-grid end point that got furthest (in x + y) in either search after `d` rounds,
    /// never an end of the grid.
    fn furthest(&self, n: isize, m: isize, d: isize) -> (usize, usize) {
        let offset = d + 1;
        let mut best: Option<(isize, isize, isize)> = None;
        let mut consider = |progress: isize, x: isize, y: isize| {
            if (0..=n).contains(&x)
                && (0..=m).contains(&y)
                && (x, y) != (0, 0)
                && (x, y) != (n, m)
                && best.is_none_or(|(p, _, _)| progress > p)
            {
                best = Some((progress, x, y));
            }
        };
        for k in -d..=d {
            let i = (offset + k) as usize;
            let x = self.forward[i];
            if x >= 0 {
                consider(2 * x - k, x, x - k);
            }
            let xb = self.backward[i];
            if xb >= 0 {
                consider(2 * xb - k, n - xb, m - (xb - k));
            }
        }
        match best {
            Some((_, x, y)) => (x as usize, y as usize),
            None => ((n / 2) as usize, ((m + 1) / 2) as usize),
        }
    }
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
        // Two shortest diffs exist here (keep "c" or keep "] "); the search keeps "] ".
        let d = word_diff("a [b] c", "a [b c] d");
        assert_eq!(show(&d), "a [{-b-}{+b c+}] {-c-}{+d+}");
    }

    /// The old and the new text, read back from a word diff.
    fn sides(ops: &[WordOp]) -> (String, String) {
        let (mut old, mut new) = (String::new(), String::new());
        for o in ops {
            if o.kind != WordOpKind::Insert {
                old.push_str(&o.text);
            }
            if o.kind != WordOpKind::Delete {
                new.push_str(&o.text);
            }
        }
        (old, new)
    }

    /// Length of a longest common subsequence by the quadratic table.
    fn lcs_len(a: &[u8], b: &[u8]) -> usize {
        let mut row = vec![0usize; b.len() + 1];
        for x in a {
            let mut diagonal = 0;
            for (j, y) in b.iter().enumerate() {
                let above = row[j + 1];
                row[j + 1] = if x == y {
                    diagonal + 1
                } else {
                    above.max(row[j])
                };
                diagonal = above;
            }
        }
        row[b.len()]
    }

    /// The pairs are matches, strictly increasing on both sides.
    fn assert_matches(a: &[u8], b: &[u8], pairs: &[(usize, usize)]) {
        for w in pairs.windows(2) {
            assert!(w[0].0 < w[1].0 && w[0].1 < w[1].1, "{pairs:?}");
        }
        assert!(pairs.iter().all(|&(i, j)| a[i] == b[j]));
    }

    fn random(rng: &mut impl rand::Rng, len: usize, alphabet: u8) -> Vec<u8> {
        (0..len).map(|_| rng.random_range(0..alphabet)).collect()
    }

    #[test]
    fn the_common_subsequence_is_a_longest_one() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        for case in 0..2000 {
            let (la, lb) = (rng.random_range(0..40), rng.random_range(0..40));
            let alphabet = [2, 3, 5, 26][case % 4];
            let a = random(&mut rng, la, alphabet);
            let b = random(&mut rng, lb, alphabet);
            let pairs = lcs_pairs(&a, &b);
            assert_matches(&a, &b, &pairs);
            assert_eq!(pairs.len(), lcs_len(&a, &b), "{a:?} {b:?}");
        }
    }

    #[test]
    fn past_the_cost_bound_the_matches_stay_real_and_many() {
        use rand::SeedableRng;
        let mut rng = rand::rngs::StdRng::seed_from_u64(12);
        // About 2,300 edits apart: far beyond the bound of 256 from each end.
        let a = random(&mut rng, 3000, 4);
        let b = random(&mut rng, 3000, 4);
        let pairs = lcs_pairs(&a, &b);
        assert_matches(&a, &b, &pairs);
        let best = lcs_len(&a, &b);
        assert!(
            pairs.len() * 100 >= best * 97,
            "{} matches, the longest has {best}",
            pairs.len()
        );
    }

    #[test]
    fn a_paragraph_of_100_000_words_is_compared_word_by_word() {
        let words: Vec<String> = (0..100_000)
            .map(|i| format!("w{} ", (i * 7919) % 1009))
            .collect();
        let old = words.concat();
        let mut changed = words.clone();
        changed[10] = "ten ".into();
        changed[50_000] = "middle ".into();
        changed.insert(70_000, "inserted ".into());
        changed.remove(90_000);
        let new = changed.concat();
        let ops = word_diff(&old, &new);
        assert_eq!(sides(&ops), (old.clone(), new.clone()));
        let changes: Vec<(WordOpKind, &str)> = ops
            .iter()
            .filter(|o| o.kind != WordOpKind::Equal)
            .map(|o| (o.kind, o.text.as_str()))
            .collect();
        assert_eq!(
            changes,
            [
                (WordOpKind::Delete, words[10].as_str()),
                (WordOpKind::Insert, "ten "),
                (WordOpKind::Delete, words[50_000].as_str()),
                (WordOpKind::Insert, "middle "),
                (WordOpKind::Insert, "inserted "),
                (WordOpKind::Delete, words[89_999].as_str()),
            ]
        );
        assert_eq!(ops.len(), 11, "five unchanged runs between six changes");
    }

    #[test]
    fn long_paragraphs_that_differ_everywhere_still_keep_their_common_words() {
        // 20,000 words, every third one replaced: far past the cost bound.
        let old: String = (0..20_000).map(|i| format!("a{} ", i % 101)).collect();
        let new: String = (0..20_000)
            .map(|i| {
                if i % 3 == 0 {
                    format!("b{} ", i % 89)
                } else {
                    format!("a{} ", i % 101)
                }
            })
            .collect();
        let ops = word_diff(&old, &new);
        assert_eq!(sides(&ops), (old, new));
        let kept: usize = ops
            .iter()
            .filter(|o| o.kind == WordOpKind::Equal)
            .map(|o| o.text.split_whitespace().count())
            .sum();
        assert!(kept >= 13_000, "only {kept} of 13,333 common words kept");
    }

    #[test]
    fn lcs_is_longest() {
        let a = ["a", "b", "c", "d", "e"];
        let b = ["b", "a", "c", "e", "d"];
        assert_eq!(lcs_pairs(&a, &b).len(), 3);
        assert!(lcs_pairs::<u8>(&[], &[1]).is_empty());
    }
}
