//! Arbitrary text and XML never panic the parsers; malformed XML gets line and column.

use chamber_library::{ParseError, parse_akn, parse_bytes, parse_str, parse_text, to_akn};
use proptest::prelude::*;

/// Characters that matter to the parsers: digits, slashes, CJK, Arabic, Cyrillic, markup.
fn resolutionish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "A/RES/79/274",
        "79/274.",
        "50/80 A",
        "第 ",
        " 号决议",
        "，",
        "。",
        "\n",
        "\n\n",
        " ",
        "\t",
        "1.\t",
        "(a)\t",
        "__________________\n",
        " 1 ",
        "*2504827*\n",
        "25-04827 (C)\n",
        "2/4\n",
        "The General Assembly,\n",
        "大会，\n",
        "Recalling ",
        "resolution ",
        "decision ",
        "(XXV)",
        "2719 (2023)",
        "Security Council ",
        "A/75/651-S/2020/1203",
        "21 March 2025",
        "2025 年 3 月 21 日",
        "آذار/مارس",
        "قرار ",
        "резолюцию ",
        "В",
        "ألف",
        "(",
        ")",
        "-",
        "/",
        "0",
        "9",
        "é",
        "\u{feff}",
        "Agenda item ",
        "议程项目",
        "[",
        "]",
        "Annex\n",
        "61st plenary meeting\n",
        "<",
        ">",
        "&",
    ]);
    prop::collection::vec(atoms, 0..80).prop_map(|v| v.concat())
}

fn xmlish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "<akomaNtoso>",
        "</akomaNtoso>",
        "<statement>",
        "</statement>",
        "<preamble>",
        "</preamble>",
        "<container name=\"Recalling\">",
        "</container>",
        "<mainBody>",
        "</mainBody>",
        "<paragraph>",
        "</paragraph>",
        "<num>1.</num>",
        "<p>",
        "</p>",
        "<authorialNote marker=\"1\">",
        "</authorialNote>",
        "<a href=\"https://undocs.org/en/A/RES/50/80\">",
        "</a>",
        "50/80",
        " A of 12 December 1995,",
        "<coverPage>",
        "</coverPage>",
        "<docNumber>",
        "</docNumber>",
        "A/RES/1/2",
        "&amp;",
        "&bogus;",
        "&#x41;",
        "&#xD800;",
        "<![CDATA[x]]>",
        "<!-- c -->",
        "<?pi x?>",
        "<",
        ">",
        "\"",
        "=",
        " ",
        "<point><num>(a)</num>",
        "</point>",
        "<attachment>",
        "</attachment>",
        "<FRBRdate date=\"2025-03-21\" name=\"adoption\"/>",
    ]);
    prop::collection::vec(atoms, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn text_parser_never_panics(s in resolutionish()) {
        if let Ok(doc) = parse_text(&s, None) {
            // whatever it found must export and read back
            let xml = to_akn(&doc);
            prop_assert!(parse_akn(&xml).is_ok());
        }
    }

    #[test]
    fn any_string_never_panics(s in any::<String>()) {
        let _ = parse_str(&s, None);
        let _ = parse_text(&s, None);
        let _ = parse_akn(&s);
    }

    #[test]
    fn xml_parser_never_panics(s in xmlish()) {
        match parse_akn(&s) {
            Ok(doc) => { let _ = to_akn(&doc); }
            Err(ParseError::Xml { line, column, .. }) => prop_assert!(line >= 1 && column >= 1),
            Err(_) => {}
        }
    }

    #[test]
    fn bytes_never_panic(b in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_bytes(&b, None);
    }
}

/// Every prefix and a set of byte-level mutations of the real fixtures.
#[test]
fn mutated_fixtures_never_panic() {
    let dir = chamber_testkit::require_shared!("data/undocs/unxml-ga");
    let seed = chamber_testkit::require_shared!("seed");
    let inputs = [
        seed.join("A-RES-79-274.zh.pdf-text.txt"),
        dir.join("fixtures/English/A_RES_79_274-2504827E.xml"),
        dir.join("fixtures/Arabic/A_RES_79_48-2423070A.xml"),
        dir.join("fixtures-derived/Russian/A_RES_78_149-2325913R.txt"),
    ];
    let mut cases = 0;
    let mut xml_errors = 0;
    for path in inputs {
        let text = std::fs::read_to_string(&path).expect("fixture");
        let bounds: Vec<usize> = (0..text.len())
            .filter(|i| text.is_char_boundary(*i))
            .collect();
        // truncations
        for &cut in bounds.iter().step_by(bounds.len() / 60 + 1) {
            let _ = parse_str(&text[..cut], None);
            cases += 1;
        }
        // deletions and duplications of slices, swapped lines
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n.max(1) as u64) as usize
        };
        for _ in 0..150 {
            let a = bounds[next(bounds.len())];
            let b = bounds[next(bounds.len())];
            let (a, b) = (a.min(b), a.max(b));
            let deleted = format!("{}{}", &text[..a], &text[b..]);
            let doubled = format!("{}{}", &text[..b], &text[a..]);
            for m in [deleted, doubled] {
                if let Err(ParseError::Xml {
                    line,
                    column,
                    message,
                }) = parse_str(&m, None)
                {
                    assert!(line >= 1 && column >= 1 && !message.is_empty());
                    xml_errors += 1;
                }
                cases += 1;
            }
        }
    }
    println!(
        "{cases} mutated inputs parsed without panic ({xml_errors} malformed-XML errors with position)"
    );
    assert!(
        xml_errors > 0,
        "mutations of XML should produce some malformed-XML errors"
    );
}

#[test]
fn malformed_xml_error_names_line_and_column() {
    let xml = "<akomaNtoso>\n  <statement>\n    <preamble>\n      <p>one</p>\n    </statement>\n</akomaNtoso>\n";
    match parse_akn(xml) {
        Err(e @ ParseError::Xml { .. }) => {
            let ParseError::Xml { line, column, .. } = &e else {
                unreachable!()
            };
            assert_eq!(*line, 5, "{e}");
            assert!(*column >= 5, "{e}");
            assert!(e.to_string().contains("line 5"), "{e}");
        }
        other => panic!("expected a malformed-XML error, got {other:?}"),
    }
    let unclosed = "<akomaNtoso>\n<statement>\n";
    assert!(matches!(parse_akn(unclosed), Err(ParseError::Xml { .. })));
}

/// Large pathological inputs stay fast (no quadratic paths): each parses in well under a few
/// seconds even in a debug build.
#[test]
fn large_inputs_stay_linear() {
    let many_numbers = format!(
        "A/RES/1/2\n\nThe General Assembly,\n\nRecalling {},\n",
        "1/2 ".repeat(100_000)
    );
    let many_headings = format!(
        "A/RES/1/2\n\nThe General Assembly,\n\n{}",
        "heading line\n".repeat(50_000)
    );
    let pdf_wrapped = format!(
        "*2500001*\n A/RES/1/2\n 大会， \n 回顾{}",
        "续行文字，\n".repeat(100_000)
    );
    let many_footnotes = format!(
        "A/RES/1/2\n\nThe General Assembly,\n\n{}__________________\n{}",
        "Recalling text,\n\n".repeat(5_000),
        (1..20_000)
            .map(|i| format!("{i}\tnote {i}\n"))
            .collect::<String>()
    );
    let deep_xml = format!(
        "<akomaNtoso>{}{}</akomaNtoso>",
        "<p>".repeat(50_000),
        "</p>".repeat(50_000)
    );
    for (name, input) in [
        ("numbers", many_numbers),
        ("headings", many_headings),
        ("pdf", pdf_wrapped),
        ("footnotes", many_footnotes),
        ("deep xml", deep_xml),
    ] {
        let t = std::time::Instant::now();
        let result = parse_str(&input, None);
        if name == "deep xml" {
            assert!(
                matches!(&result, Err(ParseError::Xml { message, .. }) if message.contains("nested")),
                "{result:?}"
            );
        }
        let took = t.elapsed();
        println!("{name}: {} bytes in {took:?}", input.len());
        assert!(
            took < std::time::Duration::from_secs(10),
            "{name} took {took:?}"
        );
    }
}
