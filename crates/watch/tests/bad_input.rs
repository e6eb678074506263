//! Bad input: truncated line, extra column, bad date, non-UTF-8 bytes, empty file, wrong format
//! forced — the right reports and exit codes, and nothing stored before is lost.

use chamber_watch::cli::{IngestArgs, WatchCommand, run};
use chamber_watch::store::Store;
use chamber_watch::{Format, reader};
use std::path::{Path, PathBuf};

fn tmp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("chamber-watch-bad-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A GDELT 1.0 backfile row (57 fields).
fn gdelt_row(id: u64, date: &str, actor1_name: &[u8]) -> Vec<u8> {
    let mut f: Vec<Vec<u8>> = vec![Vec::new(); 57];
    let mut set = |i: usize, v: &[u8]| f[i] = v.to_vec();
    set(0, id.to_string().as_bytes());
    set(1, date.as_bytes());
    set(5, b"GEO");
    set(6, actor1_name);
    set(7, b"GEO");
    set(26, b"145");
    set(27, b"145");
    set(28, b"14");
    set(29, b"4");
    set(30, b"-7.5");
    set(31, b"3");
    set(32, b"1");
    set(50, b"Tbilisi, Georgia (general), Georgia");
    set(51, b"GG");
    set(52, b"GG51");
    set(53, b"41.725");
    set(54, b"44.7908");
    set(56, b"20130203");
    f.join(&b'\t')
}

fn write(path: &Path, rows: &[Vec<u8>]) {
    let mut out = Vec::new();
    for r in rows {
        out.extend_from_slice(r);
        out.push(b'\n');
    }
    std::fs::write(path, out).unwrap();
}

fn ingest(store: &Path, files: &[PathBuf], format: Option<Format>, strict: bool) -> i32 {
    run(WatchCommand::Ingest(IngestArgs {
        store: store.to_path_buf(),
        format,
        strict,
        json: false,
        files: files.to_vec(),
    }))
}

#[test]
fn bad_rows_are_reported_and_skipped_strict_is_fatal_nothing_lost() {
    let dir = tmp("rows");
    let store_dir = dir.join("store");
    let good = dir.join("good.tsv");
    write(
        &good,
        &[
            gdelt_row(1, "20120919", b"PROTESTER"),
            gdelt_row(2, "20120920", b"POLICE"),
        ],
    );
    assert_eq!(
        ingest(&store_dir, std::slice::from_ref(&good), None, false),
        0
    );
    let store = Store::new(&store_dir);
    assert_eq!(store.count().unwrap(), 2);

    let mut truncated = gdelt_row(10, "20120921", b"X");
    truncated.truncate(40);
    let mut extra = gdelt_row(11, "20120921", b"X");
    extra.extend_from_slice(b"\thttp://example.org/a\tsurplus");
    let bad = dir.join("bad.tsv");
    write(
        &bad,
        &[
            gdelt_row(3, "20120921", b"OK"),
            truncated,
            extra,
            gdelt_row(12, "20121345", b"BADDATE"),
            gdelt_row(13, "20120922", b"CAF\xc9"), // Windows-1252 é
        ],
    );
    let mut rows = Vec::new();
    let rep = reader::read_path(&bad, None, false, &mut |e| rows.push(e.clone())).unwrap();
    assert_eq!((rep.rows_read, rep.rows_ok, rep.rejected), (5, 2, 3));
    let fields: Vec<(u64, &str)> = rep
        .rejects
        .iter()
        .map(|r| (r.line, r.field.as_str()))
        .collect();
    assert_eq!(
        fields,
        vec![
            (2, "(truncated row)"),
            (3, "(extra column)"),
            (4, "SQLDATE")
        ]
    );
    assert!(
        rep.rejects[0]
            .to_string()
            .starts_with(&format!("{}:2: ", bad.display()))
    );
    assert_eq!((rep.recoded, rep.first_recoded_line), (1, Some(5)));
    assert_eq!(rows[1].source.name, "CAFÉ");

    // Strict: exit 2, nothing from the run stored, earlier data intact.
    assert_eq!(
        ingest(&store_dir, std::slice::from_ref(&bad), None, true),
        2
    );
    assert_eq!(store.count().unwrap(), 2);
    // Lenient: good rows stored, bad ones counted, exit 0.
    assert_eq!(
        ingest(&store_dir, std::slice::from_ref(&bad), None, false),
        0
    );
    assert_eq!(store.count().unwrap(), 4);
    // Same file again: nothing changes.
    assert_eq!(ingest(&store_dir, &[bad, good], None, false), 0);
    assert_eq!(store.count().unwrap(), 4);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn empty_file_and_wrong_format_exit_2_without_losing_data() {
    let dir = tmp("files");
    let store_dir = dir.join("store");
    let good = dir.join("good.tsv");
    write(&good, &[gdelt_row(1, "20120919", b"A")]);
    let empty = dir.join("empty.csv");
    std::fs::write(&empty, b"").unwrap();
    // The empty file is reported (exit 2) but the good file in the same run is stored.
    assert_eq!(
        ingest(&store_dir, &[empty.clone(), good.clone()], None, false),
        2
    );
    let store = Store::new(&store_dir);
    assert_eq!(store.count().unwrap(), 1);
    assert!(matches!(
        reader::read_path(&empty, None, false, &mut |_| {}),
        Err(reader::ReadError::Empty(_))
    ));

    // Wrong format forced: a header format on a header-less file, and a wrong width.
    let other = dir.join("other.tsv");
    write(&other, &[gdelt_row(5, "20120919", b"B")]);
    assert_eq!(
        ingest(
            &store_dir,
            std::slice::from_ref(&other),
            Some(Format::Icews),
            false
        ),
        2
    );
    assert_eq!(
        ingest(
            &store_dir,
            std::slice::from_ref(&other),
            Some(Format::Gdelt2),
            false
        ),
        2
    );
    assert_eq!(store.count().unwrap(), 1);
    // Unknown layout, not forced.
    let junk = dir.join("junk.txt");
    std::fs::write(&junk, b"hello world\nnothing here\n").unwrap();
    assert_eq!(ingest(&store_dir, &[junk], None, false), 2);
    assert_eq!(store.count().unwrap(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn csv_formats_report_bad_fields() {
    let dir = tmp("csv");
    let acled = dir.join("acled.csv");
    std::fs::write(
        &acled,
        "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp\n\
         GEO1,\"19 September 2012\",2012,1,Demonstrations,Protests,\"Peaceful protest\",\"Protesters (Georgia)\",,Protesters,,,,\"Protesters only\",,268,\"Caucasus and Central Asia\",Georgia,Tbilisi,,,Tbilisi,41.7,44.8,1,Source,National,notes,0,,1\n\
         GEO2,\"31 February 2012\",2012,1,Demonstrations,Protests,x,y,,z,,,,w,,268,r,Georgia,Tbilisi,,,Tbilisi,41.7,44.8,1,s,n,n,0,,1\n\
         GEO3,\"20 September 2012\",2012,1,Political violence,Battles,x,y,,z,,,,w,,268,r,Georgia,Tbilisi,,,Tbilisi,141.7,44.8,1,s,n,n,3,,1\n\
         GEO4,\"21 September 2012\",2012,1,Political violence,Battles,x,y,,z,,,,w,,268,r,Georgia,Tbilisi,,,Tbilisi,41.7,44.8,1,s,n,n,many,,1\n",
    )
    .unwrap();
    let mut evs = Vec::new();
    let rep = reader::read_path(&acled, None, false, &mut |e| evs.push(e.clone())).unwrap();
    assert_eq!(rep.format, "acled");
    assert_eq!((rep.rows_read, rep.rows_ok, rep.rejected), (4, 1, 3));
    let fields: Vec<&str> = rep.rejects.iter().map(|r| r.field.as_str()).collect();
    assert_eq!(fields, vec!["event_date", "latitude", "fatalities"]);
    assert_eq!(evs[0].country, "GEO");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_spanning_many_months_is_stored_whole() {
    let dir = tmp("months");
    let file = dir.join("decades.tsv");
    // 150 months, interleaved so that month files are closed and reopened.
    let mut rows = Vec::new();
    for round in 0..3u64 {
        for m in 0..150u64 {
            let (y, mo) = (2000 + m / 12, m % 12 + 1);
            rows.push(gdelt_row(
                round * 1000 + m + 1,
                &format!("{y}{mo:02}15"),
                b"A",
            ));
        }
    }
    write(&file, &rows);
    let store_dir = dir.join("store");
    assert_eq!(
        ingest(&store_dir, std::slice::from_ref(&file), None, false),
        0
    );
    let store = Store::new(&store_dir);
    assert_eq!(store.months().len(), 150);
    assert_eq!(store.count().unwrap(), 450);
    // Every part, closed and reopened several times, is one complete Parquet file.
    let mut rows = 0;
    for m in store.months() {
        for part in store.parts(&m) {
            let bytes = std::fs::read(&part).unwrap();
            assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));
            assert_eq!(bytes.windows(4).filter(|w| w == b"PAR1").count(), 2);
            chamber_watch::parquet::scan(&part, &mut |_| rows += 1).unwrap();
        }
    }
    assert_eq!(rows, 450);
    let _ = std::fs::remove_dir_all(&dir);
}
