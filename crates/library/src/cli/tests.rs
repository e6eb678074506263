use super::*;
use clap::{Parser, Subcommand};

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    cmd: Top,
}
#[derive(Subcommand)]
enum Top {
    #[command(subcommand)]
    Library(LibraryCommand),
}

fn parse(args: &[&str]) -> LibraryCommand {
    let Top::Library(c) = Cli::try_parse_from(args).expect("parses").cmd;
    c
}

#[test]
fn parse_command_line() {
    match parse(&[
        "chamber", "library", "parse", "x.txt", "--json", "--lang", "zh",
    ]) {
        LibraryCommand::Parse { file, json, lang } => {
            assert_eq!(file, PathBuf::from("x.txt"));
            assert!(json);
            assert_eq!(lang.as_deref(), Some("zh"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        parse(&["chamber", "library", "export-akn", "x.xml"]),
        LibraryCommand::ExportAkn { .. }
    ));
    assert!(matches!(
        parse(&[
            "chamber",
            "library",
            "cited-by",
            "A/RES/69/285",
            "--from",
            "dir"
        ]),
        LibraryCommand::CitedBy(_)
    ));
}

#[test]
fn exit_codes() {
    let missing = PathBuf::from("/nonexistent/chamber-library-test.txt");
    assert_eq!(
        run(LibraryCommand::Parse {
            file: missing.clone(),
            json: true,
            lang: None
        }),
        2
    );
    assert_eq!(
        run(LibraryCommand::ExportAkn {
            file: missing,
            lang: None,
            from: vec![]
        }),
        2
    );
    let dir = std::env::temp_dir().join(format!("chamber-library-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.xml");
    std::fs::write(&bad, "<akomaNtoso>\n<p></q>").unwrap();
    assert_eq!(
        run(LibraryCommand::Parse {
            file: bad.clone(),
            json: true,
            lang: None
        }),
        2
    );
    let good = dir.join("good.txt");
    std::fs::write(&good, "A/RES/70/1\n\n70/1.\n\n Title\n\nThe General Assembly,\n\nRecalling resolution 69/285,\n\n1.\tDecides.\n").unwrap();
    assert_eq!(
        run(LibraryCommand::Parse {
            file: good.clone(),
            json: true,
            lang: None
        }),
        0
    );
    assert_eq!(
        run(LibraryCommand::Parse {
            file: good.clone(),
            json: false,
            lang: Some("xx".into())
        }),
        2
    );
    assert_eq!(
        run(LibraryCommand::Cites(EdgeArgs {
            symbol: "A/RES/70/1".into(),
            paths: vec![dir.clone()],
            data: dir.join("data"),
            json: true
        })),
        0
    );
    // export by symbol from a folder; an unknown symbol is bad input
    let by_symbol = |symbol: &str, lang: Option<&str>| {
        run(LibraryCommand::ExportAkn {
            file: PathBuf::from(symbol),
            lang: lang.map(String::from),
            from: vec![dir.clone()],
        })
    };
    assert_eq!(by_symbol("A/RES/70/1", None), 0);
    assert_eq!(by_symbol("A/RES/70/1", Some("en")), 0);
    assert_eq!(by_symbol("A/RES/70/1", Some("zh")), 2);
    assert_eq!(by_symbol("A/RES/99/9", None), 2);
    // without --from the stored graph is needed: none yet
    assert_eq!(
        run(LibraryCommand::CitedBy(EdgeArgs {
            symbol: "A/RES/69/285".into(),
            paths: vec![],
            data: dir.join("no-data"),
            json: true
        })),
        2
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A decompression bomb (100 MiB of zeros in a few kilobytes) is refused with a message
/// naming the limit, before it can take the machine's memory.
#[cfg(feature = "search")]
#[test]
fn an_archive_bomb_is_refused_at_its_limit() {
    let dir = std::env::temp_dir().join(format!("chamber-bomb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bomb = dir.join("bomb.tar.xz");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "head -c 104857600 /dev/zero > {d}/a.txt && tar -C {d} -cf - a.txt | xz -1 > {b}",
            d = dir.display(),
            b = bomb.display()
        ))
        .status()
        .expect("sh, tar and xz are on every machine this builds on");
    assert!(status.success());
    let compressed = std::fs::metadata(&bomb).unwrap().len();
    assert!(compressed < 1 << 20, "{compressed}");
    let err = read_archive(&bomb).unwrap_err();
    assert!(err.contains("refused") && err.contains("100x"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
