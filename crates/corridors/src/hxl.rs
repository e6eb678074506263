//! CSV exports with an HXL hashtag row (Humanitarian Exchange Language) under the header, so
//! HDX and libhxl read them: the voyages in the JCC's layout (one row per cargo line), and any
//! breakdown of the report.

use crate::report::Share;
use crate::voyages::{Voyage, sheet_time};

fn write_rows(rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for r in rows {
        w.write_record(&r).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 in, UTF-8 out")
}

/// The header and hashtags of the voyage export.
pub const VOYAGE_COLUMNS: [(&str, &str); 15] = [
    ("Status", "#status"),
    ("Outbound Sequence", "#meta+serial+num"),
    ("Vessel name", "#meta+vessel+name"),
    ("IMO", "#meta+vessel+code"),
    ("Departure port", "#loc+port+name"),
    ("Country", "#country+name"),
    ("Commodity", "#indicator+commodity"),
    ("Tonnage", "#indicator+tonnage+num"),
    ("Departure", "#date+departure"),
    ("Inspection İstanbul", "#date+inspection"),
    ("Income group", "#meta+income+group"),
    ("Flag", "#country+name+flag"),
    ("World Bank region", "#loc+wb+region"),
    ("UN region", "#loc+un+region"),
    ("Development category", "#meta+development"),
];

fn tonnes(kg: i64) -> String {
    if kg % 1000 == 0 {
        (kg / 1000).to_string()
    } else {
        format!("{}", kg as f64 / 1000.0)
    }
}

/// The voyages as CSV: header, hashtag row, one row per cargo line. Dates as
/// `2022-07-31T23:00:00`, tonnage in metric tons.
pub fn voyages_csv(voyages: &[Voyage]) -> String {
    let head = VOYAGE_COLUMNS.iter().map(|(h, _)| h.to_string()).collect();
    let tags = VOYAGE_COLUMNS.iter().map(|(_, t)| t.to_string()).collect();
    let body = voyages.iter().flat_map(|v| {
        v.cargo.iter().map(move |c| {
            vec![
                format!(
                    "{}{}",
                    v.direction.label(),
                    if c.additional { " +" } else { "" }
                ),
                v.sequence.to_string(),
                v.vessel.clone(),
                v.imo.to_string(),
                v.departure_port.clone(),
                c.destination.clone(),
                c.commodity.clone(),
                tonnes(c.tonnage.kg()),
                sheet_time::format(&v.departure),
                v.inspection
                    .as_ref()
                    .map(sheet_time::format)
                    .unwrap_or_default(),
                c.income_group
                    .map(|g| g.label().to_string())
                    .unwrap_or_default(),
                v.flag.clone().unwrap_or_default(),
                c.world_bank_region.clone().unwrap_or_default(),
                c.un_region.clone().unwrap_or_default(),
                c.development.clone().unwrap_or_default(),
            ]
        })
    });
    write_rows([head, tags].into_iter().chain(body))
}

/// A breakdown as CSV: `name_header` and its hashtag (e.g. `Commodity`,
/// `#indicator+commodity`), then tonnage, share, cargo lines and voyages.
pub fn breakdown_csv(name_header: &str, name_tag: &str, shares: &[Share]) -> String {
    let head = vec![
        name_header.to_string(),
        "Tonnage".into(),
        "Share".into(),
        "Cargo lines".into(),
        "Voyages".into(),
    ];
    let tags = vec![
        name_tag.to_string(),
        "#indicator+tonnage+num".into(),
        "#indicator+tonnage+pct".into(),
        "#indicator+lines+num".into(),
        "#indicator+voyages+num".into(),
    ];
    let body = shares.iter().map(|s| {
        vec![
            s.name.clone(),
            tonnes(s.tonnage.kg()),
            format!("{:.6}", s.share),
            s.cargo_lines.to_string(),
            s.voyages.to_string(),
        ]
    });
    write_rows([head, tags].into_iter().chain(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vessel::Tonnage;

    #[test]
    fn the_hashtag_row_follows_the_header_and_values_are_quoted() {
        let shares = vec![Share {
            name: "Peas, dried \"split\"".into(),
            tonnage: Tonnage::from_kg(2_436_990),
            share: 0.5,
            cargo_lines: 1,
            voyages: 1,
        }];
        let csv = breakdown_csv("Commodity", "#indicator+commodity", &shares);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "Commodity,Tonnage,Share,Cargo lines,Voyages");
        assert!(lines[1].starts_with("#indicator+commodity,#indicator+tonnage+num"));
        assert_eq!(
            lines[2],
            "\"Peas, dried \"\"split\"\"\",2436.99,0.500000,1,1"
        );
        let v = voyages_csv(&[]);
        assert_eq!(v.lines().count(), 2);
        assert!(
            v.lines()
                .nth(1)
                .unwrap()
                .starts_with("#status,#meta+serial+num")
        );
    }
}
