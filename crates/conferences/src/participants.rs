//! The list of participants in the UN layout: Member States, then observers, then
//! intergovernmental and non-governmental organizations; each State or organisation in
//! alphabetical order of its name in the list's language (country names from CLDR), its
//! people head first, then representatives, alternates and advisers. Only approved
//! registrations whose holder consented to publication appear; media are not listed.
//!
//! The section headings are the UN's terms in each language (document content, like the
//! country names), so the list reads the same from the command line and the web.

use crate::conference::{Category, Conference};
use crate::delegation::{Delegation, Function};
use crate::registration::{Affiliation, Registration, RegistrationState};
use crate::territories::sort_key;
use chamber_core::Lang;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListOfParticipants {
    pub title: String,
    pub lang: &'static str,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub category: Category,
    pub heading: &'static str,
    pub groups: Vec<Group>,
}

/// One State or organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    pub name: String,
    pub people: Vec<Person>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub name: String,
    /// The title or function the person gave ("Minister for Foreign Affairs").
    pub function: String,
    /// Their place in the delegation, when they are a member of one.
    pub delegation_function: Option<Function>,
}

/// A name's sort key (see [`sort_key`]).
type SortKey = (String, String);
/// A person with their rank in the delegation and their name's sort key.
type Ranked = (u8, SortKey, Person);

/// The UN's heading for a section, in `lang`.
pub fn heading(category: Category, lang: Lang) -> &'static str {
    let h: [&str; 6] = match category {
        Category::MemberState => [
            "الدول الأعضاء",
            "会员国",
            "Member States",
            "États Membres",
            "Государства-члены",
            "Estados Miembros",
        ],
        Category::Observer => [
            "المراقبون",
            "观察员",
            "Observers",
            "Observateurs",
            "Наблюдатели",
            "Observadores",
        ],
        Category::Igo => [
            "المنظمات الحكومية الدولية",
            "政府间组织",
            "Intergovernmental organizations",
            "Organisations intergouvernementales",
            "Межправительственные организации",
            "Organizaciones intergubernamentales",
        ],
        Category::Ngo => [
            "المنظمات غير الحكومية",
            "非政府组织",
            "Non-governmental organizations",
            "Organisations non gouvernementales",
            "Неправительственные организации",
            "Organizaciones no gubernamentales",
        ],
        Category::Media => [
            "وسائط الإعلام",
            "媒体",
            "Media",
            "Médias",
            "Средства массовой информации",
            "Medios de comunicación",
        ],
    };
    h[lang.index()]
}

/// Builds the list from every registration and delegation of the conference.
pub fn list_of_participants(
    conference: &Conference,
    registrations: &[Registration],
    delegations: &[Delegation],
    lang: Lang,
) -> ListOfParticipants {
    let function_of = |r: &Registration| {
        delegations
            .iter()
            .filter(|d| Some(&d.country) == r.affiliation.country())
            .flat_map(|d| &d.members)
            .find(|m| m.person == r.person)
            .map(|m| m.function)
    };
    let mut sections = Vec::new();
    for category in [
        Category::MemberState,
        Category::Observer,
        Category::Igo,
        Category::Ngo,
    ] {
        let mut groups: BTreeMap<SortKey, Vec<Ranked>> = BTreeMap::new();
        for r in registrations.iter().filter(|r| {
            r.conference == conference.id
                && r.category == category
                && r.state == RegistrationState::Approved
                && r.consent_to_publish
        }) {
            let name = r.affiliation.name(lang);
            let f = if matches!(r.affiliation, Affiliation::Country(_)) {
                function_of(r)
            } else {
                None
            };
            let rank = match f {
                Some(Function::Head) => 0,
                Some(Function::Representative) => 1,
                Some(Function::Alternate) => 2,
                Some(Function::Adviser) => 3,
                None => 4,
            };
            groups.entry(sort_key(&name)).or_default().push((
                rank,
                sort_key(&format!("{} {}", r.family_name, r.given_name)),
                Person {
                    name: r.display_name(),
                    function: r.answers.get("function").cloned().unwrap_or_default(),
                    delegation_function: f,
                },
            ));
        }
        if groups.is_empty() {
            continue;
        }
        sections.push(Section {
            category,
            heading: heading(category, lang),
            groups: groups
                .into_iter()
                .map(|((_, name), mut people)| {
                    people.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
                    Group {
                        name,
                        people: people.into_iter().map(|p| p.2).collect(),
                    }
                })
                .collect(),
        });
    }
    ListOfParticipants {
        title: conference.titles.get(lang).to_string(),
        lang: lang.code(),
        sections,
    }
}

/// Plain text as printed (headings, then each State or organisation and its people).
pub fn render_text(list: &ListOfParticipants) -> String {
    let mut out = format!("{}\n\n", list.title);
    for s in &list.sections {
        out.push_str(&format!(
            "{}\n{}\n\n",
            s.heading,
            "=".repeat(s.heading.chars().count())
        ));
        for g in &s.groups {
            out.push_str(&format!("{}\n", g.name));
            for p in &g.people {
                if p.function.is_empty() {
                    out.push_str(&format!("    {}\n", p.name));
                } else {
                    out.push_str(&format!("    {}, {}\n", p.name, p.function));
                }
            }
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conference::StaffRole;
    use crate::conference::tests::{forum, pid};
    use crate::documents::DocumentKind;
    use crate::ids::Country;
    use crate::registration::tests::form;
    use rand::SeedableRng;
    use time::macros::datetime;

    #[test]
    fn un_layout_with_consent_and_cldr_names() {
        let mut r = rand::rngs::StdRng::seed_from_u64(11);
        let mut c = forum(&mut r);
        c.assign(&pid("sec"), pid("off"), StaffRole::AccreditationOfficer)
            .unwrap();
        let at = datetime!(2026-11-05 10:00 UTC);
        let mut regs = Vec::new();
        let mut add =
            |who: &str, cat: Category, aff: &str, family: &str, consent: bool, approve: bool| {
                let mut f = form(cat, aff);
                f.family_name = family.into();
                f.consent_to_publish = consent;
                let mut reg = Registration::submit(&mut r, &c, &pid(who), f, 0, at).unwrap();
                if approve {
                    reg.approve(&mut r, &c, &pid("off"), &DocumentKind::ALL, at)
                        .unwrap();
                }
                regs.push(reg);
            };
        add("us1", Category::MemberState, "USA", "Smith", true, true);
        add("fr1", Category::MemberState, "FRA", "Martin", true, true);
        add("fr2", Category::MemberState, "FRA", "Bernard", true, true);
        add("fr3", Category::MemberState, "FRA", "Secret", false, true);
        add("de1", Category::MemberState, "DEU", "Pending", true, false);
        add("ngo", Category::Ngo, "Peace Network", "Ng", true, true);
        add("va", Category::Observer, "VAT", "Parolin", true, true);
        add("press", Category::Media, "Daily News", "Press", true, true);
        let mut fr = Delegation::open(
            &mut r,
            &c,
            &pid("sec"),
            Country::parse("FRA").unwrap(),
            Category::MemberState,
        )
        .unwrap();
        fr.add_member(&c, &pid("sec"), pid("fr1"), Function::Alternate)
            .unwrap();
        fr.add_member(&c, &pid("sec"), pid("fr2"), Function::Head)
            .unwrap();
        let en = list_of_participants(&c, &regs, &[fr.clone()], Lang::En);
        let heads: Vec<&str> = en.sections.iter().map(|s| s.heading).collect();
        assert_eq!(
            heads,
            [
                "Member States",
                "Observers",
                "Non-governmental organizations"
            ]
        );
        let states: Vec<&str> = en.sections[0]
            .groups
            .iter()
            .map(|g| g.name.as_str())
            .collect();
        assert_eq!(states, ["France", "United States"]);
        let french: Vec<&str> = en.sections[0].groups[0]
            .people
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(
            french,
            ["Aylar Bernard", "Aylar Martin"],
            "head first; no one without consent"
        );
        let text = render_text(&en);
        assert!(!text.contains("Secret") && !text.contains("Pending") && !text.contains("Press"));
        // In French, États-Unis sorts among the E's, after France? No: E before F.
        let fr_list = list_of_participants(&c, &regs, &[fr], Lang::Fr);
        let states: Vec<&str> = fr_list.sections[0]
            .groups
            .iter()
            .map(|g| g.name.as_str())
            .collect();
        assert_eq!(states, ["États-Unis", "France"]);
        assert_eq!(fr_list.sections[0].heading, "États Membres");
        let zh = list_of_participants(&c, &regs, &[], Lang::Zh);
        assert!(render_text(&zh).contains("法国"));
    }
}
