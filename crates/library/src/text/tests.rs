use super::*;

const SMALL: &str = "United Nations\nA/RES/70/1\nGeneral Assembly\nDistr.: General\n21 October 2015\nSeventieth session\nAgenda items 15 and 116\nFollow-up\nResolution adopted by the General Assembly on 25 September 2015\n[without reference to a Main Committee (A/70/L.1)]\n\n70/1.\n\n Transforming our world\n\nThe General Assembly,\n\nRecalling its resolution 69/285 of 3 June 2015,1\n\nNoting also decision 62/557,\n\n1.\tDecides the following:\n\n(a)\tfirst item;\n\n(b)\tsecond item;\n\n2.\tRequests the Secretary-General.\n\n4th plenary meeting\n\n25 September 2015\n\n__________________\n1\tA/69/L.1, annex.\n";

#[test]
fn plain_rendering() {
    let d = parse_text(SMALL, None).unwrap();
    assert_eq!(d.symbol, "A/RES/70/1");
    assert_eq!(d.language, "en");
    assert_eq!(d.session, Some(70));
    assert_eq!(d.agenda_items, ["15", "116"]);
    assert_eq!(d.adoption_date.as_deref(), Some("2015-09-25"));
    assert_eq!(d.distribution_date.as_deref(), Some("2015-10-21"));
    assert_eq!(d.originating_documents, ["A/70/L.1"]);
    assert_eq!(d.title, "Transforming our world");
    assert_eq!(d.preamble.len(), 2);
    assert_eq!(d.preamble[0].phrase, "Recalling");
    assert_eq!(d.preamble[1].phrase, "Noting also");
    assert_eq!(d.operative.len(), 2);
    assert_eq!(d.operative[0].sub_items.len(), 2);
    assert_eq!(d.footnotes.len(), 1);
    assert_eq!(d.footnotes[0].anchor.as_deref(), Some("preamble 1"));
    assert_eq!(
        cited(&d),
        [
            ("A/RES/69/285", "preamble 1"),
            ("A/DEC/62/557", "preamble 2"),
            ("A/69/L.1", "footnote 1")
        ]
    );
}

#[test]
fn pdf_wrapping_and_mid_document_footnotes() {
    let pdf = "\n 联合国   A/RES/1/2 \n\n大  会 \n\nDistr.: General \n\n3 March 2025 \n\n25-00001 (C)  \n\n*2500001* \n\n第一届会议 \n\n议程项目 7 \n\n标题 \n\n  2025 年 3 月 1 日大会决议 \n\n 1/2. 测试 \n\n 大会， \n\n 回顾其第 50/80 A 号\n\n决议，1 \n\n__________________ \n\n 1 见 A/1/2，附\n\n件。 \n\n 1. 决定甲； \n\n 2. 决定\n\n乙。 \n\n2025 年 3 月 1 日 \n";
    let d = parse_text(pdf, None).unwrap();
    assert_eq!(d.source_format, SourceFormat::PdfText);
    assert_eq!(d.symbol, "A/RES/1/2");
    assert_eq!(d.title, "测试");
    assert_eq!(d.preamble.len(), 1);
    assert_eq!(d.preamble[0].text, "回顾其第50/80 A号决议，1");
    assert_eq!(d.operative.len(), 2);
    assert_eq!(d.operative[1].text, "决定乙。");
    assert_eq!(d.footnotes.len(), 1);
    assert_eq!(d.footnotes[0].text, "见A/1/2，附件。");
    assert_eq!(d.adoption_date.as_deref(), Some("2025-03-01"));
}

#[test]
fn pdf_page_break_inside_a_paragraph() {
    let pdf = " 联合国   A/RES/1/2 \n大  会 \nDistr.: General \n3 March 2025 \n25-00001 (C)  \n*2500001* \n  2025 年 3 月 1 日大会决议 \n 1/2. 测试 \n 大会， \n 回顾其第 50/80 A 号决议，1 \n 着重指出，一些国家采取的政策可以有助于在有关区域和全\n__________________ \n 1 见 A/1/2，附\n件。 \n 2 脚注二。 \n25-00001 \n2/3 \nA/RES/1/2 \n球一级加强和平，2 \n 1. 决定甲。 \n";
    let d = parse_text(pdf, None).unwrap();
    assert_eq!(d.preamble.len(), 2, "{:?}", d.preamble);
    assert_eq!(
        d.preamble[1].text,
        "着重指出，一些国家采取的政策可以有助于在有关区域和全球一级加强和平，2"
    );
    assert_eq!(d.operative.len(), 1);
    assert_eq!(d.footnotes.len(), 2);
    assert_eq!(d.footnotes[0].text, "见A/1/2，附件。");
    assert_eq!(d.footnotes[1].anchor.as_deref(), Some("preamble 2"));
}

/// The same operative part laid out three ways gives the same paragraphs: a number on its own
/// line heads the text after it; chapters with a number (`II.`, `二.`, `ثانيا -`) are
/// paragraphs, an unnumbered section title after a full stop is not; a line break inside a
/// numbered paragraph keeps the rest of it.
#[test]
fn one_structure_whatever_the_layout() {
    let head = "United Nations\nA/RES/1/2\nGeneral Assembly\n\n1/2.\n\n Title\n\nThe General Assembly,\n\nRecalling its resolution 50/80 A,\n\n";
    let one_block = "1.\tDecides to:\n\n(a)\tfirst;\n\n(b)\tsecond.\n\nII.\tChapter two\n\n2.\tRequests more.\n\nBudget matters\n\n3.\tEnds\n more text.\n";
    let bare = "1.\t\n\nDecides to:\n\na)\tfirst;\n\nb)\tsecond.\n\nII.\tChapter two\n\n2.\t\n\nRequests more.\n\nBudget matters\n\n3.\tEnds\n more text.\n";
    for body in [one_block, bare] {
        let d = parse_text(&format!("{head}{body}"), None).unwrap();
        let nums: Vec<_> = d.operative.iter().map(|p| p.number.as_deref()).collect();
        assert_eq!(
            nums,
            [Some("1"), Some("II"), Some("2"), Some("3")],
            "{body}"
        );
        assert_eq!(d.operative[0].text, "Decides to:");
        assert_eq!(d.operative[0].sub_items.len(), 2);
        assert_eq!(d.operative[2].text, "Requests more.");
        assert!(
            d.operative[3].text.ends_with("more text."),
            "{:?}",
            d.operative[3]
        );
    }
    for (chapter, n) in [("二.\t和平与安全", "二"), ("ثانيا - السلام والأمن", "ثانيا")]
    {
        let d = parse_text(
            &format!("{head}1.\tDecides.\n\n{chapter}\n\n2.\tRequests.\n"),
            None,
        )
        .unwrap();
        let nums: Vec<_> = d.operative.iter().map(|p| p.number.as_deref()).collect();
        assert_eq!(nums, [Some("1"), Some(n), Some("2")]);
    }
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    assert!(parse_text("", None).is_err());
    assert!(parse_text("hello world", None).is_err());
}

#[test]
fn markers() {
    assert!(contains_marker("adopted on 12 December 2020,1", "1"));
    assert!(contains_marker("原则2 包括", "2"));
    assert!(!contains_marker("resolution 46/182", "2"));
    assert!(!contains_marker("in 2025", "2"));
}
