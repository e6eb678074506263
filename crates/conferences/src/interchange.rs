//! Interchange: registrations as CSV and XLSX for the secretariat's spreadsheets; the conference and
//! its timetable as iCalendar (RFC 5545, through the mediation venue) and in the JSON layout
//! of Indico's HTTP export API (`/export/event/ID.json?detail=contributions`: `count`,
//! `results`, each result's `title`, `startDate`, `endDate` as `{date, time, tz}`, and its
//! `contributions`), so tools written for Indico read a Chamber conference.

use crate::Timestamp;
use crate::conference::Conference;
use crate::registration::{Affiliation, Registration, RegistrationState};
use chamber_core::Lang;
use chamber_mediation::venue;
use serde_json::{Value, json};

fn rfc3339(t: Timestamp) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .expect("UTC formats")
}

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 14] = [
    "id",
    "username",
    "family_name",
    "given_name",
    "category",
    "country",
    "organisation",
    "state",
    "reason",
    "submitted_at",
    "decided_at",
    "checked_in_at",
    "consent_to_publish",
    "answers",
];

/// One row per registration, in [`CSV_HEADER`] order. Tickets are never exported.
fn rows<'a>(regs: impl IntoIterator<Item = &'a Registration>) -> Vec<Vec<String>> {
    regs.into_iter()
        .map(|r| {
            let (country, org) = match &r.affiliation {
                Affiliation::Country(c) => (c.as_str().to_string(), String::new()),
                Affiliation::Organisation(o) => (String::new(), o.clone()),
            };
            let reason = match &r.state {
                RegistrationState::Rejected { reason } => reason.clone(),
                _ => String::new(),
            };
            vec![
                r.id.to_string(),
                r.person.to_string(),
                r.family_name.clone(),
                r.given_name.clone(),
                r.category.as_str().to_string(),
                country,
                org,
                r.state.as_str().to_string(),
                reason,
                rfc3339(r.submitted_at),
                r.decided_at.map(rfc3339).unwrap_or_default(),
                r.checked_in_at.map(rfc3339).unwrap_or_default(),
                if r.consent_to_publish { "yes" } else { "no" }.to_string(),
                serde_json::to_string(&r.answers).expect("answers serialise"),
            ]
        })
        .collect()
}

/// Registrations as CSV (RFC 4180, UTF-8), one row each; form answers as one JSON column.
/// Tickets are never exported.
pub fn registrations_csv<'a>(regs: impl IntoIterator<Item = &'a Registration>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER).expect("writes to memory");
    for row in rows(regs) {
        w.write_record(&row).expect("writes to memory");
    }
    String::from_utf8(w.into_inner().expect("flushes to memory")).expect("UTF-8 in, UTF-8 out")
}

fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() && c != '\t' && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

/// Registrations as an XLSX workbook (Office Open XML, one sheet "Registrations", the
/// [`CSV_HEADER`] columns, every cell an inline string so nothing is reinterpreted as a number
/// or a date).
pub fn registrations_xlsx<'a>(regs: impl IntoIterator<Item = &'a Registration>) -> Vec<u8> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    let header: Vec<String> = CSV_HEADER.iter().map(|h| h.to_string()).collect();
    for (i, row) in std::iter::once(header).chain(rows(regs)).enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, i + 1));
        for cell in row {
            sheet.push_str(&format!(
                r#"<c t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                xml_text(&cell)
            ));
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let parts: [(&str, &str); 4] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Registrations" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in parts
        .iter()
        .copied()
        .chain([("xl/worksheets/sheet1.xml", sheet.as_str())])
    {
        zip.start_file(name, opts).expect("writes to memory");
        zip.write_all(body.as_bytes()).expect("writes to memory");
    }
    zip.finish().expect("writes to memory").into_inner()
}

/// The timetable as iCalendar.
pub fn ical(c: &Conference, stamp: Timestamp) -> String {
    venue::ical(&c.timetable(), &c.rooms, stamp)
}

fn indico_dt(t: Timestamp) -> Value {
    let t = t.to_offset(time::UtcOffset::UTC);
    json!({
        "date": format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()),
        "time": format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second()),
        "tz": "UTC",
    })
}

/// The conference in the layout of Indico's `/export/event/ID.json?detail=contributions`:
/// the envelope (`count`, `_type`, `complete`, `url`, `ts`, `results`) and one `Conference`
/// result whose contributions are the timetable's sessions. `url` is where this export is
/// served; `ts` the export time.
pub fn indico_json(c: &Conference, lang: Lang, url: &str, ts: Timestamp) -> Value {
    let location = c.location.clone();
    let room_name = |s: &chamber_mediation::venue::Session| {
        s.room
            .as_ref()
            .and_then(|r| c.rooms.iter().find(|x| &x.id == r))
            .map(|r| r.name.clone())
    };
    let contributions: Vec<Value> = c
        .timetable()
        .into_iter()
        .map(|s| {
            json!({
                "_type": "Contribution",
                "_fossil": "contributionMetadata",
                "id": s.id.as_str(),
                "title": s.title,
                "description": s.agenda.iter().enumerate().map(|(i, a)| format!("{}. {a}", i + 1)).collect::<Vec<_>>().join("\n"),
                "startDate": indico_dt(s.start),
                "endDate": indico_dt(s.end),
                "duration": (s.end - s.start).whole_minutes(),
                "room": room_name(s),
                "location": location,
                "session": Value::Null,
                "track": Value::Null,
                "type": Value::Null,
            })
        })
        .collect();
    let start = c.starts_on.midnight().assume_utc();
    let end = c
        .ends_on
        .with_hms(23, 59, 59)
        .expect("valid time")
        .assume_utc();
    json!({
        "count": 1,
        "_type": "HTTPAPIResult",
        "complete": true,
        "url": url,
        "ts": ts.unix_timestamp(),
        "additionalInfo": {},
        "results": [{
            "_type": "Conference",
            "_fossil": "conferenceMetadataWithContribs",
            "id": c.id.as_str(),
            "title": c.titles.get(lang),
            "description": "",
            "type": "conference",
            "category": "Conferences",
            "startDate": indico_dt(start),
            "endDate": indico_dt(end),
            "timezone": "UTC",
            "location": location,
            "room": Value::Null,
            "keywords": [],
            "url": url,
            "contributions": contributions,
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conference::Category;
    use crate::conference::tests::{forum, pid};
    use crate::registration::tests::form;
    use rand::SeedableRng;
    use time::macros::datetime;

    #[test]
    fn csv_quotes_what_needs_quoting_and_reads_back() {
        let mut r = rand::rngs::StdRng::seed_from_u64(13);
        let c = forum(&mut r);
        let mut f = form(Category::Ngo, "Peace, \"Trust\" & Co");
        f.family_name = "Ng\u{fc}yen".into();
        let reg =
            Registration::submit(&mut r, &c, &pid("n"), f, 0, datetime!(2026-11-05 10:00 UTC))
                .unwrap();
        let text = registrations_csv([&reg]);
        let mut rd = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(rd.headers().unwrap().iter().collect::<Vec<_>>(), CSV_HEADER);
        let row = rd.records().next().unwrap().unwrap();
        assert_eq!(&row[6], "Peace, \"Trust\" & Co");
        assert_eq!(&row[2], "Ngüyen");
        assert_eq!(&row[7], "pending");
        assert_eq!(&row[9], "2026-11-05T10:00:00Z");
    }

    #[test]
    fn xlsx_opens_as_a_workbook_with_the_same_cells_as_the_csv() {
        use calamine::Reader;
        let mut r = rand::rngs::StdRng::seed_from_u64(15);
        let c = forum(&mut r);
        let mut f = form(Category::Ngo, "Peace & <Trust> \"Co\"");
        f.family_name = "Ортега".into();
        let reg =
            Registration::submit(&mut r, &c, &pid("n"), f, 0, datetime!(2026-11-05 10:00 UTC))
                .unwrap();
        let bytes = registrations_xlsx([&reg]);
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range("Registrations").unwrap();
        let cells: Vec<Vec<String>> = sheet
            .rows()
            .map(|row| row.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(cells[0], CSV_HEADER);
        assert_eq!(cells[1][2], "Ортега");
        assert_eq!(cells[1][6], "Peace & <Trust> \"Co\"");
        assert_eq!(cells[1][0], reg.id.as_str(), "ids stay text");
    }

    #[test]
    fn indico_layout_and_ical_carry_the_timetable() {
        let mut r = rand::rngs::StdRng::seed_from_u64(14);
        let mut c = forum(&mut r);
        let room = c
            .add_room(&mut r, &pid("sec"), "Hall A", None)
            .unwrap()
            .id
            .clone();
        c.plan_session(
            &mut r,
            &pid("sec"),
            "Opening",
            datetime!(2026-12-12 09:00 UTC),
            datetime!(2026-12-12 10:30 UTC),
            Some(room),
            vec!["Adoption of the agenda".into()],
        )
        .unwrap();
        let j = indico_json(
            &c,
            Lang::En,
            "https://chamber.example/export/event/x.json",
            datetime!(2026-12-01 0:00 UTC),
        );
        assert_eq!(j["count"], 1);
        let e = &j["results"][0];
        assert_eq!(e["title"], "International Forum on Neutrality");
        assert_eq!(
            e["startDate"],
            json!({"date": "2026-12-12", "time": "00:00:00", "tz": "UTC"})
        );
        assert_eq!(e["endDate"]["date"], "2026-12-13");
        let k = &e["contributions"][0];
        assert_eq!(k["title"], "Opening");
        assert_eq!(k["duration"], 90);
        assert_eq!(k["room"], "Hall A");
        assert_eq!(k["startDate"]["time"], "09:00:00");
        let cal = ical(&c, datetime!(2026-12-01 0:00 UTC));
        assert!(cal.contains("SUMMARY:Opening\r\n") && cal.contains("LOCATION:Hall A\r\n"));
    }
}
