//! The badge: a print-ready SVG (A6 portrait, 105 × 148 mm) with the holder's name, delegation
//! or organisation, category band and a QR code carrying the ticket id, which the door scans
//! (a camera, or a scanner typing the 32 characters).

use crate::conference::{Category, Conference};
use crate::error::{Error, Result};
use crate::registration::{Registration, RegistrationState};
use chamber_core::Lang;
use qrcode::{Color, QrCode};
use std::fmt::Write;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The band's colour and the category's name on the badge.
fn band(category: Category) -> (&'static str, &'static str) {
    match category {
        Category::MemberState => ("#1f5fa8", "MEMBER STATE"),
        Category::Observer => ("#5b8c2a", "OBSERVER"),
        Category::Igo => ("#8a5a00", "INTERGOVERNMENTAL ORGANIZATION"),
        Category::Ngo => ("#7a2e8a", "NON-GOVERNMENTAL ORGANIZATION"),
        Category::Media => ("#b22222", "MEDIA"),
    }
}

/// The QR code of `text` as one SVG path of unit squares, with its width in modules.
pub fn qr_path(text: &str) -> (String, usize) {
    let code = QrCode::new(text.as_bytes()).expect("a ticket id fits in a QR code");
    let w = code.width();
    let mut d = String::new();
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == Color::Dark {
            let _ = write!(d, "M{} {}h1v1h-1z", i % w, i / w);
        }
    }
    (d, w)
}

/// The badge of an approved registration. Refused for any other state (a withdrawn
/// registration's badge must not be printed again).
pub fn badge_svg(conference: &Conference, r: &Registration, lang: Lang) -> Result<String> {
    let ticket = match (&r.state, &r.ticket) {
        (RegistrationState::Approved, Some(t)) => t,
        (RegistrationState::Withdrawn, _) => {
            return Err(Error::BadgeRefused("the registration was withdrawn"));
        }
        _ => return Err(Error::BadgeRefused("the registration is not approved")),
    };
    let (colour, label) = band(r.category);
    let (path, w) = qr_path(ticket.as_str());
    // 4 modules of quiet zone each side, drawn into a 50 mm square.
    let scale = 50.0 / (w + 8) as f64;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="105mm" height="148mm" viewBox="0 0 105 148" font-family="Noto Sans, Arial, sans-serif">"#
    );
    let _ = writeln!(
        s,
        r#"<rect width="105" height="148" fill="white" stroke="gray" stroke-width="0.3"/>"#
    );
    let _ = writeln!(
        s,
        r#"<text x="52.5" y="14" font-size="5" text-anchor="middle">{}</text>"#,
        esc(conference.titles.get(lang))
    );
    let _ = writeln!(
        s,
        r#"<text x="52.5" y="38" font-size="9" font-weight="bold" text-anchor="middle">{}</text>"#,
        esc(&r.given_name)
    );
    let _ = writeln!(
        s,
        r#"<text x="52.5" y="49" font-size="9" font-weight="bold" text-anchor="middle">{}</text>"#,
        esc(&r.family_name.to_uppercase())
    );
    let _ = writeln!(
        s,
        r#"<text x="52.5" y="60" font-size="6" text-anchor="middle">{}</text>"#,
        esc(&r.affiliation.name(lang))
    );
    let _ = writeln!(
        s,
        r#"<g transform="translate(27.5 66) scale({scale:.5})"><rect width="{0}" height="{0}" fill="white"/><path transform="translate(4 4)" d="{path}" fill="black"/></g>"#,
        w + 8
    );
    let _ = writeln!(
        s,
        r#"<rect y="126" width="105" height="22" fill="{colour}"/>"#
    );
    let _ = writeln!(
        s,
        r#"<text x="52.5" y="140" font-size="6" fill="white" font-weight="bold" text-anchor="middle">{label}</text>"#
    );
    s.push_str("</svg>\n");
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conference::StaffRole;
    use crate::conference::tests::{forum, pid};
    use crate::documents::DocumentKind;
    use crate::registration::tests::form;
    use rand::SeedableRng;
    use time::macros::datetime;

    #[test]
    fn approved_badges_carry_the_ticket_and_withdrawn_ones_are_refused() {
        let mut r = rand::rngs::StdRng::seed_from_u64(9);
        let mut c = forum(&mut r);
        c.assign(&pid("sec"), pid("off"), StaffRole::AccreditationOfficer)
            .unwrap();
        let at = datetime!(2026-11-05 10:00 UTC);
        let mut f = form(Category::MemberState, "TKM");
        f.family_name = "O'Brien <script>".into();
        let mut reg = Registration::submit(&mut r, &c, &pid("a"), f, 0, at).unwrap();
        assert_eq!(
            badge_svg(&c, &reg, Lang::En).unwrap_err().to_string(),
            "no badge: the registration is not approved"
        );
        reg.approve(&mut r, &c, &pid("off"), &DocumentKind::ALL, at)
            .unwrap();
        let svg = badge_svg(&c, &reg, Lang::Fr).unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("Turkménistan"));
        assert!(svg.contains("O&#39;BRIEN &lt;SCRIPT&gt;"), "escaped");
        assert!(!svg.contains("<script>"));
        // The QR code encodes exactly the ticket id.
        let (path, w) = qr_path(reg.ticket.as_ref().unwrap().as_str());
        assert!(svg.contains(&path));
        assert!((21..=33).contains(&w), "a small code: {w} modules");
        reg.withdraw(&c, &pid("a"), at).unwrap();
        assert_eq!(
            badge_svg(&c, &reg, Lang::En).unwrap_err(),
            Error::BadgeRefused("the registration was withdrawn")
        );
    }
}
