//! The reader on workbooks this crate writes itself (the shared JCC file is read in
//! tests/jcc_published.rs).

use super::*;
use crate::xlsx::{Sheet, write};

fn sample() -> Vec<Voyage> {
    let cargo = |additional, dest: &str, com: &str, kg, g| PublishedCargo {
        additional,
        destination: dest.into(),
        commodity: com.into(),
        tonnage: Tonnage::from_kg(kg),
        income_group: g,
        world_bank_region: Some("Europe & Central Asia".into()),
        un_region: None,
        development: Some("developing".into()),
    };
    vec![
        Voyage {
            sequence: 1,
            direction: Direction::Outbound,
            vessel: "RAZONI".into(),
            imo: 9086526,
            imo_valid: true,
            flag: Some("Sierra Leone".into()),
            departure_port: "Odesa".into(),
            departure: time::macros::datetime!(2022-07-31 23:00),
            inspection: Some(time::macros::datetime!(2022-08-02 23:00)),
            cargo: vec![
                cargo(
                    false,
                    "Türkiye",
                    "Corn",
                    1_527_000,
                    Some(IncomeGroup::UpperMiddle),
                ),
                cargo(
                    true,
                    "Egypt",
                    "Corn",
                    25_000_000,
                    Some(IncomeGroup::LowerMiddle),
                ),
            ],
        },
        Voyage {
            sequence: 2,
            direction: Direction::Outbound,
            vessel: "HONORINE".into(),
            imo: 9146874,
            imo_valid: false,
            flag: None,
            departure_port: "Yuzhny/Pivdennyi".into(),
            departure: time::macros::datetime!(2023-01-07 22:00),
            inspection: None,
            cargo: vec![cargo(false, "China", "Sunflower oil", 2_436_990, None)],
        },
    ]
}

#[test]
fn what_we_write_reads_back_the_same_from_either_sheet() {
    let v = sample();
    let bytes = write_xlsx(&v).unwrap();
    for sheet in ["Data", "Data_HXL"] {
        let got = read_xlsx(&bytes, Some(sheet), "x.xlsx").unwrap();
        assert_eq!(got.voyages, v, "{sheet}");
        assert!(got.errors.is_empty(), "{:?}", got.errors);
        assert_eq!(got.rows_read, 3);
        assert_eq!(got.hxl_row, (sheet == "Data_HXL").then_some(2));
        assert_eq!(got.warnings.len(), 1);
        assert!(
            got.warnings[0].reason.contains("9146874"),
            "{}",
            got.warnings[0]
        );
        assert_eq!(got.warnings[0].column, "D (IMO)");
    }
    // Without a sheet name: `Data` first.
    assert_eq!(read_xlsx(&bytes, None, "x.xlsx").unwrap().sheet, "Data");
    let e = read_xlsx(&bytes, Some("Live"), "x.xlsx").unwrap_err();
    assert!(e.to_string().contains("Data_HXL"), "{e}");
}

fn row(cells: &[&str]) -> Vec<Cell> {
    cells
        .iter()
        .map(|c| {
            if c.is_empty() {
                Cell::Empty
            } else {
                Cell::from(*c)
            }
        })
        .collect()
}

const HEADER: &[&str] = &[
    "Status",
    "#",
    "Vessel name",
    "IMO",
    "Departure port",
    "Country",
    "Commodity",
    "Metric tons",
    "Departure date",
    "Inspection cleared",
    "Income group",
    "Flag",
];

#[test]
fn bad_rows_are_reported_with_sheet_row_and_column_and_nothing_else_is_lost() {
    let rows = vec![
        row(HEADER),
        row(&[
            "Outbound",
            "1",
            "A",
            "9086526",
            "Odesa",
            "Egypt",
            "Corn",
            "1,000",
            "2022-08-01",
            "03/08/2022",
            "lower-middle income",
            "Malta",
        ]),
        row(&[
            "Outbound",
            "2",
            "B",
            "9590979",
            "Odesa",
            "Italy",
            "Wheat",
            "lots",
            "2022-08-02",
            "",
            "high-income",
            "Malta",
        ]),
        row(&[]),
        row(&[
            "Outbound", "3", "C", "9754927", "Odesa", "Spain", "Corn", "500", "someday", "",
            "rich", "",
        ]),
        row(&[
            "Outbound +",
            "1",
            "A",
            "9086526",
            "Odesa",
            "Libya",
            "Wheat",
            "200",
            "2022-08-01",
            "03/08/2022",
            "upper-middle income",
            "Malta",
        ]),
        row(&[
            "Outbound +",
            "1",
            "A",
            "9086526",
            "Chornomorsk",
            "Libya",
            "Wheat",
            "200",
            "2022-08-01",
            "03/08/2022",
            "",
            "Malta",
        ]),
        row(&[
            "Outbound",
            "4",
            "D",
            "12345",
            "Odesa",
            "Spain",
            "Corn",
            "500",
            "2022-08-04",
            "TBD",
            "",
            "",
        ]),
        row(&[
            "Outbound",
            "5",
            "E",
            "9754927",
            "Odesa",
            "Spain",
            "Corn",
            "500",
            "2022-08-05",
            "2022-08-04",
            "",
            "",
        ]),
        row(&[
            "Outbound",
            "6",
            "F",
            "9754927",
            "Odesa",
            "Spain",
            "Corn",
            "500",
            "2022-08-06",
            "TBD",
            "",
            "",
        ]),
    ];
    let bytes = write(&[Sheet {
        name: "Live".into(),
        rows,
    }])
    .unwrap();
    let got = read_xlsx(&bytes, None, "x.xlsx").unwrap();
    let problems: Vec<String> = got.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        problems,
        [
            "sheet Live, row 3, column H (Metric tons): 'lots' is not a number",
            "sheet Live, row 5, column I (Departure date): 'someday' is not a date (2022-08-01 or a spreadsheet date)",
            "sheet Live, row 5, column K (Income group): 'rich' is not a World Bank income group",
            "sheet Live, row 7, column E (Departure port): voyage 1 has Odesa on row 2; its rows must agree",
            "sheet Live, row 8, column D (IMO): '12345' is not a seven-digit IMO number",
            "sheet Live, row 9, column J (Inspection cleared): before the departure",
        ]
    );
    assert_eq!(got.rows_rejected(), 5);
    assert_eq!(got.rows_read, 8, "the empty row is not a row");
    let seqs: Vec<u32> = got.voyages.iter().map(|v| v.sequence).collect();
    assert_eq!(seqs, [1, 6]);
    let v1 = &got.voyages[0];
    assert_eq!(v1.cargo.len(), 2);
    assert_eq!(v1.tonnage(), Tonnage::from_kg(1_200_000));
    assert_eq!(
        v1.inspection,
        Some(time::macros::datetime!(2022-08-03 0:00))
    );
    assert_eq!(got.voyages[1].inspection, None, "TBD is an empty cell");
}

#[test]
fn columns_are_found_by_hashtag_when_the_header_is_unknown() {
    let mut header: Vec<&str> = HEADER.to_vec();
    header[7] = "Quantity (t)";
    let tags = [
        "",
        "#meta+serial+num",
        "#meta+vessel+name",
        "#meta+vessel+code",
        "#loc+port+name",
        "#country+name",
        "#indicator+commodity",
        "#indicator+num+tonnage",
        "#date+departure",
        "#date+inspection",
        "#meta+income+group",
        "#country+name+flag",
    ];
    let rows = vec![
        row(&["Vessel movements"]),
        row(&header),
        row(&tags),
        row(&[
            "Outbound",
            "7",
            "G",
            "9086526",
            "Odesa",
            "Egypt",
            "Corn",
            "1000",
            "2022-08-01",
            "",
            "",
            "",
        ]),
    ];
    let bytes = write(&[Sheet {
        name: "Data_HXL".into(),
        rows,
    }])
    .unwrap();
    let got = read_xlsx(&bytes, None, "x.xlsx").unwrap();
    assert_eq!((got.header_row, got.hxl_row), (2, Some(3)));
    assert_eq!(got.voyages.len(), 1);
    assert_eq!(got.voyages[0].tonnage(), Tonnage::from_kg(1_000_000));
    // Without the tonnage column at all: the layout error names it.
    let rows = vec![
        row(&HEADER[..7]),
        row(&["Outbound", "7", "G", "9086526", "Odesa", "Egypt", "Corn"]),
    ];
    let bytes = write(&[Sheet {
        name: "Data".into(),
        rows,
    }])
    .unwrap();
    let e = read_xlsx(&bytes, None, "x.xlsx").unwrap_err().to_string();
    assert!(e.contains("no column for Tonnage, Departure"), "{e}");
    assert!(read_xlsx(b"not a zip", None, "x.xlsx").is_err());
}
