//! The Parquet writer and reader together: rows come back as they went in.

use super::reader::decode_levels;
use super::writer::encode_levels;
use super::*;
use crate::date::Date;
use crate::model::Event;
use crate::rowcodec::{Row, RowRef, col};
use std::fs;

fn event(id: u32, with_numbers: bool) -> Event {
    let n = with_numbers.then_some(3);
    let g = with_numbers.then_some(-7.5);
    Event {
        dataset: "gdelt1".into(),
        id: id.to_string(),
        date: Date::from_ymd(2012, 9, 10 + id % 10),
        source: crate::model::Actor {
            code: "GEO".into(),
            name: "GEORGIA".into(),
            country: "GEO".into(),
            kind: String::new(),
        },
        cameo: format!("0{}", id % 100),
        root: if with_numbers { 3 } else { 0 },
        quad: if with_numbers { 3 } else { 0 },
        goldstein: g,
        mentions: id,
        sources: 1,
        fatalities_best: n,
        country: "GEO".into(),
        admin1: "GG00".into(),
        lat: Some(41.7),
        lon: g.map(|g| g as f64),
        location: "Tbilisi, Georgia".into(),
        url: format!("http://x/{id}"),
        ..Event::default()
    }
}

/// A fresh folder for one test and a writer of `file` in it.
fn part_in(tag: &str, file: &str) -> (std::path::PathBuf, std::path::PathBuf, PartWriter) {
    let dir = std::env::temp_dir().join(format!("chamber-pq-{tag}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join(file);
    let w = PartWriter::new(path.clone());
    (dir, path, w)
}

#[test]
fn rows_come_back_as_written_across_groups_and_reopens() {
    let (dir, path, mut w) = part_in("rows", "p.parquet");
    let mut want = Vec::new();
    let mut row = Row::new();
    for i in 0..70_000u32 {
        let e = event(i, i % 3 != 0);
        row.clear();
        row.event(&e);
        w.push_row(row.view()).unwrap();
        want.push(e);
        if i == 1234 {
            w.close().unwrap(); // reopened by the next row
        }
    }
    w.finish().unwrap();
    assert!(w.groups.len() >= 3, "{} row groups", w.groups.len());
    let mut got = Vec::new();
    scan(&path, &mut |r| got.push(r.to_event())).unwrap();
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w);
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_written_row_hashes_as_it_was_given() {
    let (dir, _, mut w) = part_in("hash", "p.parquet.tmp");
    let mut row = Row::new();
    let mut hashes = Vec::new();
    for i in 0..30_000u32 {
        row.clear();
        row.event(&event(i, i % 2 == 0));
        hashes.push(row.view().hash());
        w.push_row(row.view()).unwrap();
    }
    assert!(
        w.groups.len() >= 2 && w.is_open(),
        "rows in groups and still buffered"
    );
    // Rows in the first group, a later one, the buffered tail, asked out of order and
    // twice; a row past the end is left out.
    let ask = [29_999, 3, 17_000, 3, 0, 40_000];
    let got = w.row_hashes(&ask).unwrap();
    let want: Vec<(u32, u64)> = [0, 3, 17_000, 29_999]
        .iter()
        .map(|&r| (r, hashes[r as usize]))
        .collect();
    assert_eq!(got, want);
    // Another row's content hashes differently.
    assert_ne!(hashes[3], hashes[4]);
    // The part still takes rows and holds all of them.
    row.clear();
    row.event(&event(30_000, true));
    w.push_row(row.view()).unwrap();
    let mut n = 0;
    w.for_each_row(&mut |_| n += 1).unwrap();
    assert_eq!(n, 30_001);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_file_is_written_in_whole_aligned_blocks() {
    use super::writer::AlignedWriter;
    use std::io::Write;
    const B: u64 = AlignedWriter::BLOCK as u64;
    let dir = std::env::temp_dir().join(format!("chamber-pq-align-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join("f");
    // A file that already holds an unaligned number of bytes (a part reopened).
    fs::write(&path, b"PAR1xyz").unwrap();
    let open = || fs::OpenOptions::new().append(true).open(&path).unwrap();
    let mut want = b"PAR1xyz".to_vec();
    let mut w = AlignedWriter::new(open(), 7);
    let mut n = 0u8;
    for size in [1, 5000, 0, 131_000, 3 * B as usize + 17, 40, 200_000, 9] {
        let bytes: Vec<u8> = (0..size)
            .map(|_| {
                n = n.wrapping_add(1);
                n
            })
            .collect();
        w.write_all(&bytes).unwrap();
        want.extend_from_slice(&bytes);
        // All that reached the file ends on a block boundary; less than a block waits.
        let on_disk = fs::metadata(&path).unwrap().len();
        assert!(on_disk == 7 || on_disk.is_multiple_of(B), "{on_disk}");
        assert!(want.len() as u64 - on_disk < B);
    }
    w.flush().unwrap();
    drop(w);
    assert_eq!(fs::read(&path).unwrap(), want);
    // Dropped without a flush, the buffered bytes are written too.
    let mut w = AlignedWriter::new(open(), want.len() as u64);
    w.write_all(b"tail").unwrap();
    drop(w);
    want.extend_from_slice(b"tail");
    assert_eq!(fs::read(&path).unwrap(), want);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn dropped_rows_leave_the_part_and_the_rest_stay() {
    let (dir, _, mut w) = part_in("drop", "p.parquet.tmp");
    let mut row = Row::new();
    for i in 0..40_000u32 {
        row.clear();
        row.event(&event(i, i % 2 == 0));
        w.push_row(row.view()).unwrap();
    }
    let groups = w.groups.len();
    assert!(groups >= 2);
    let mut gone = Vec::new();
    w.drop_rows(&[5, 7, 39_999], &mut |r| {
        gone.push(r.str(col::ID).to_string())
    })
    .unwrap();
    assert_eq!(gone, ["5", "7", "39999"]);
    let mut ids = Vec::new();
    w.for_each_row(&mut |r| ids.push(r.to_event())).unwrap();
    assert_eq!(ids.len(), 39_997);
    for gone in ["5", "7", "39999"] {
        assert!(!ids.iter().any(|e| e.id == gone), "{gone}");
    }
    // The rows that moved are the same rows.
    let mut sorted = ids.clone();
    sorted.sort_by_key(|e| e.id.parse::<u32>().unwrap());
    let i = sorted.iter().position(|e| e.id == "8").unwrap();
    assert_eq!(sorted[i], event(8, true));
    let moved = dir.join("p.parquet");
    w.rename_to(moved.clone()).unwrap();
    w.finish().unwrap();
    let mut n = 0;
    scan(&moved, &mut |r| {
        assert!(r.get(col::ID) != b"7");
        n += 1;
    })
    .unwrap();
    assert_eq!(n, 39_997);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn levels_round_trip() {
    for pattern in [
        vec![true; 13],
        vec![false; 9],
        (0..100).map(|i| i % 7 != 0).collect::<Vec<_>>(),
    ] {
        let mut bits = vec![0u8; pattern.len().div_ceil(8)];
        for (i, &p) in pattern.iter().enumerate() {
            bits[i / 8] |= (p as u8) << (i % 8);
        }
        let present = pattern.iter().filter(|&&p| p).count() as u32;
        let mut enc = Vec::new();
        encode_levels(&bits, pattern.len() as u32, present, &mut enc);
        assert_eq!(decode_levels(&enc, pattern.len()).unwrap(), pattern);
    }
}

#[test]
fn bad_rows_and_files_are_errors() {
    let mut w = PartWriter::new(
        std::env::temp_dir().join(format!("chamber-pq-bad-{}.parquet", std::process::id())),
    );
    // A Goldstein of three bytes is not a DOUBLE.
    let mut row = Row::new();
    row.event(&event(1, true));
    let good = row.view();
    let mut data = good.data.to_vec();
    let mut ends = *good.ends;
    let g = ends[col::GOLDSTEIN] as usize;
    data.remove(g - 1);
    data.remove(g - 2);
    data.remove(g - 3);
    data.remove(g - 4);
    data.remove(g - 5);
    for e in &mut ends[col::GOLDSTEIN..] {
        *e -= 5;
    }
    w.push_row(RowRef {
        data: &data,
        ends: &ends,
    })
    .unwrap();
    // Numbers are checked when the row group is encoded.
    let err = w.close().unwrap_err();
    assert!(err.contains("goldstein"), "{err}");
    let _ = fs::remove_file(w.path());
    assert!(scan_bytes(b"hello", &mut |_| {}).is_err());
    let mut junk = b"PAR1".to_vec();
    junk.extend_from_slice(&[0xff; 40]);
    junk.extend_from_slice(&20u32.to_le_bytes());
    junk.extend_from_slice(b"PAR1");
    assert!(scan_bytes(&junk, &mut |_| {}).is_err());
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    for len in 0..400usize {
        let mut b: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        if len >= 12 {
            b[..4].copy_from_slice(b"PAR1");
            let n = b.len();
            b[n - 4..].copy_from_slice(b"PAR1");
            let m = (x % (n as u64 - 11)) as u32;
            b[n - 8..n - 4].copy_from_slice(&m.to_le_bytes());
        }
        let _ = scan_bytes(&b, &mut |_| {});
    }
}
