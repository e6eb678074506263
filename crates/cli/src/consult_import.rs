//! Between the Pol.is export layout (chamber-consult) and the store's consultation rows.

use chamber_consult::Export;

type Rows = (
    String,
    Vec<(i64, String, Option<i64>, i64)>,
    i64,
    Vec<(i64, i64, i64)>,
);

/// Statements keep Pol.is's comment ids as their numbers, participants their ids.
pub fn from_export(export: &Export) -> Rows {
    let statements: Vec<(i64, String, Option<i64>, i64)> = export
        .comments
        .values()
        .map(|c| {
            let moderation = if c.is_moderated_out() { -1 } else { 1 };
            (
                c.id as i64,
                c.body.clone(),
                c.author.map(|a| a as i64),
                moderation,
            )
        })
        .collect();
    let votes: Vec<(i64, i64, i64)> = export
        .votes
        .iter()
        .filter(|((_, tid), _)| export.comments.contains_key(tid))
        .map(|((pid, tid), v)| (*pid as i64, *tid as i64, i64::from(v.value())))
        .collect();
    let participants = export
        .votes
        .keys()
        .map(|(p, _)| *p as i64 + 1)
        .chain(statements.iter().filter_map(|s| s.2.map(|a| a + 1)))
        .max()
        .unwrap_or(0);
    let skipped = export.votes.len() - votes.len();
    let note = if skipped > 0 {
        format!(" ({skipped} votes on unknown statements skipped)")
    } else {
        String::new()
    };
    (note, statements, participants, votes)
}
