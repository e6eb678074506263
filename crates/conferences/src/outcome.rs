//! The outcome document, negotiated in the chamber's single negotiating text
//! ([`chamber_mediation::text`]) with the delegations as its parties: delegation members
//! propose amendments, the chair (and secretariat) issue versions with brackets and
//! alternatives, and the adopted version is exported in Akoma Ntoso
//! ([`chamber_mediation::akn`]). Attribution is open: everyone sees which delegation proposed
//! what, as in intergovernmental negotiation.

use crate::Timestamp;
use crate::conference::Conference;
use crate::error::{Error, Result, invalid};
use crate::ids::ConferenceId;
use crate::permissions;
use chamber_core::Lang;
use chamber_mediation::agreement::Agreement;
use chamber_mediation::text::{
    AmendmentView, Decision, NegotiatingText, Operation, Paragraph, ParagraphStatus, TextRecord,
    Wording,
};
use chamber_mediation::{AmendmentId, PersonId, akn};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub conference: ConferenceId,
    pub record: TextRecord,
    pub adopted: Option<Agreement>,
}

/// A first draft from lines in the diplomats' notation: a line wholly in brackets is a
/// bracketed paragraph; `[…]` inside a line brackets a span.
pub fn draft<R: CryptoRng + RngCore + ?Sized>(
    rng: &mut R,
    title: &str,
    preamble: &[String],
    operative: &[String],
) -> Result<NegotiatingText> {
    let mut text = NegotiatingText::new(title)?;
    let para = |rng: &mut R, line: &str| -> Result<Paragraph> {
        let l = line.trim();
        if l.is_empty() {
            return Err(invalid("paragraph", "an empty paragraph"));
        }
        let whole =
            l.starts_with('[') && l.ends_with(']') && l[1..l.len() - 1].find(['[', ']']).is_none();
        Ok(if whole {
            Paragraph::new(
                rng,
                ParagraphStatus::Bracketed,
                Wording::plain(&l[1..l.len() - 1]),
            )
        } else {
            Paragraph::new(
                rng,
                ParagraphStatus::AgreedAdReferendum,
                Wording::parse_marked(l)?,
            )
        })
    };
    for l in preamble {
        let p = para(rng, l)?;
        text.preamble.push(p);
    }
    for l in operative {
        let p = para(rng, l)?;
        text.operative.push(p);
    }
    text.check()?;
    Ok(text)
}

impl Outcome {
    /// The chair (or secretariat) issues the first draft as version 1.
    pub fn start(
        c: &Conference,
        by: &PersonId,
        text: NegotiatingText,
        note: &str,
        at: Timestamp,
    ) -> Result<Outcome> {
        permissions::require(
            permissions::may_chair(c, by) || permissions::may_manage(c, by),
            "only the chair or the secretariat issues the draft",
        )?;
        Ok(Outcome {
            conference: c.id.clone(),
            record: TextRecord::start(&c.process, by, text, note, at)?,
            adopted: None,
        })
    }

    fn same(&self, c: &Conference) -> Result<()> {
        if self.conference == c.id {
            Ok(())
        } else {
            Err(Error::NotFound)
        }
    }

    fn open_for_changes(&self) -> Result<()> {
        if self.adopted.is_some() {
            return Err(invalid(
                "outcome",
                "the document is adopted; it no longer changes",
            ));
        }
        Ok(())
    }

    /// A member of a seated delegation proposes an amendment.
    #[allow(clippy::too_many_arguments)]
    pub fn propose<R: CryptoRng + RngCore + ?Sized>(
        &mut self,
        rng: &mut R,
        c: &Conference,
        by: &PersonId,
        base_version: u32,
        operations: Vec<Operation>,
        explanation: &str,
        at: Timestamp,
    ) -> Result<AmendmentId> {
        self.same(c)?;
        self.open_for_changes()?;
        Ok(self.record.propose(
            rng,
            &c.process,
            by,
            base_version,
            operations,
            explanation,
            at,
        )?)
    }

    /// The chair issues a new version (accepting, merging or rejecting amendments).
    pub fn issue_version(
        &mut self,
        c: &Conference,
        by: &PersonId,
        decisions: &[Decision],
        edits: &[Operation],
        note: &str,
        at: Timestamp,
    ) -> Result<u32> {
        self.same(c)?;
        self.open_for_changes()?;
        Ok(self
            .record
            .issue_version(&c.process, by, decisions, edits, note, at)?)
    }

    /// Adopts a version with no brackets or alternatives left.
    pub fn adopt<R: CryptoRng + RngCore + ?Sized>(
        &mut self,
        rng: &mut R,
        c: &Conference,
        by: &PersonId,
        version: u32,
        at: Timestamp,
    ) -> Result<&Agreement> {
        self.same(c)?;
        self.open_for_changes()?;
        permissions::require(permissions::may_chair(c, by), "only the chair adopts")?;
        let a = Agreement::adopt(rng, &c.process, by, &self.record, version, at)?;
        Ok(self.adopted.insert(a))
    }

    /// The amendments as the viewer may see them.
    pub fn amendments_for(&self, c: &Conference, viewer: &PersonId) -> Vec<AmendmentView> {
        if self.same(c).is_err() {
            return Vec::new();
        }
        self.record.amendments_for(&c.process, viewer)
    }

    /// Akoma Ntoso: the adopted text, or else the current version.
    pub fn akoma_ntoso(&self, c: &Conference, lang: Lang) -> Result<String> {
        self.same(c)?;
        Ok(match &self.adopted {
            Some(a) => akn::agreement(&c.process, a, lang.iso639_2()),
            None => akn::negotiating_text(&c.process, self.record.current(), lang.iso639_2()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conference::tests::{forum, pid};
    use crate::conference::{Category, StaffRole};
    use crate::delegation::{Delegation, Function};
    use crate::ids::Country;
    use chamber_mediation::text::Outcome as Decide;
    use rand::SeedableRng;
    use time::macros::datetime;

    #[test]
    fn from_first_draft_to_adopted_text_in_akoma_ntoso() {
        let mut r = rand::rngs::StdRng::seed_from_u64(12);
        let mut c = forum(&mut r);
        c.assign(&pid("sec"), pid("chair"), StaffRole::Chair)
            .unwrap();
        let mut d = Delegation::open(
            &mut r,
            &c,
            &pid("sec"),
            Country::parse("TKM").unwrap(),
            Category::MemberState,
        )
        .unwrap();
        d.add_member(&c, &pid("sec"), pid("tm"), Function::Head)
            .unwrap();
        c.seat_delegation(&mut r, &d.id, d.name(Lang::En)).unwrap();
        c.seat_member(&d.id, &pid("tm")).unwrap();
        let at = datetime!(2026-12-12 10:00 UTC);
        let text = draft(
            &mut r,
            "Ashgabat Declaration",
            &["Recalling resolution 79/274,".into()],
            &[
                "Welcomes the [International Year of Peace and Trust]".into(),
                "[Decides to meet again]".into(),
            ],
        )
        .unwrap();
        assert!(
            Outcome::start(&c, &pid("tm"), text.clone(), "", at).is_err(),
            "a delegate does not issue"
        );
        let mut o = Outcome::start(&c, &pid("chair"), text, "zero draft", at).unwrap();
        let v1 = o.record.current().text.clone();
        let p1 = v1.operative[0].id.clone();
        let a = o
            .propose(
                &mut r,
                &c,
                &pid("tm"),
                1,
                vec![Operation::InsertSpan {
                    paragraph: p1.clone(),
                    alternative: 0,
                    at: 8,
                    before: "Welcomes".into(),
                    text: " warmly".into(),
                }],
                "stronger",
                at,
            )
            .unwrap();
        assert_eq!(
            o.amendments_for(&c, &pid("chair"))[0].proposer_label,
            "Turkmenistan"
        );
        assert!(
            o.adopt(&mut r, &c, &pid("chair"), 1, at).is_err(),
            "brackets remain"
        );
        let p2 = v1.operative[1].id.clone();
        let v = o
            .issue_version(
                &c,
                &pid("chair"),
                &[Decision {
                    amendment: a,
                    outcome: Decide::Accept,
                }],
                &[
                    // A party's insertion enters in brackets until the chair agrees it.
                    Operation::SetBrackets {
                        paragraph: p1.clone(),
                        alternative: 0,
                        start: 8,
                        expected: " warmly".into(),
                        bracketed: false,
                    },
                    Operation::SetBrackets {
                        paragraph: p1.clone(),
                        alternative: 0,
                        start: 20,
                        expected: "International Year of Peace and Trust".into(),
                        bracketed: false,
                    },
                    Operation::SetStatus {
                        paragraph: p2,
                        status: ParagraphStatus::AgreedAdReferendum,
                    },
                ],
                "agreed",
                at,
            )
            .unwrap();
        assert_eq!(v, 2);
        if let Err(e) = o.adopt(&mut r, &c, &pid("chair"), 2, at) {
            panic!("{e}")
        }
        let xml = o.akoma_ntoso(&c, Lang::En).unwrap();
        assert!(
            xml.contains("Welcomes warmly the International Year of Peace and Trust"),
            "{xml}"
        );
        assert!(xml.contains("FRBRsubtype value=\"agreement\""));
        assert!(
            o.issue_version(&c, &pid("chair"), &[], &[], "x", at)
                .is_err(),
            "adopted texts do not change"
        );
    }
}
