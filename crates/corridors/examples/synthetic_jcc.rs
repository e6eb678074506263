//! Writes a synthetic JCC table drawn from the real one's distributions (for
//! scripts/bench-corridors), and times reading it back.
//!
//! cargo run --release -p chamber-corridors --example synthetic_jcc -- REAL.xlsx OUT.xlsx [LINES]

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: synthetic_jcc REAL.xlsx OUT.xlsx [LINES, default 100000]");
        std::process::exit(2);
    }
    let lines: usize = args
        .get(3)
        .map_or(100_000, |s| s.parse().expect("LINES is a number"));
    let real = chamber_corridors::jcc::read_xlsx_file(std::path::Path::new(&args[1]), None)
        .unwrap_or_else(|e| {
            eprintln!("error: {e}");
            std::process::exit(2);
        });
    let voyages = chamber_corridors::synthetic::voyages(&real.voyages, lines, 2022);
    let sheet = chamber_corridors::jcc::to_sheet("Data", &voyages, false);
    let bytes = chamber_corridors::xlsx::write(&[sheet]).expect("write the workbook");
    std::fs::write(&args[2], &bytes).expect("write the file");
    let t = Instant::now();
    let back = chamber_corridors::jcc::read_xlsx(&bytes, None, &args[2]).expect("read it back");
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(back.voyages, voyages, "the table reads back as written");
    println!(
        "wrote {}: {} voyages, {} cargo lines, {} bytes; reading it back took {secs:.3} s",
        args[2],
        voyages.len(),
        back.cargo_lines(),
        bytes.len()
    );
}
