//! Timing probe: read files without storing (`cargo run --release --example readonly -- FILES`).
fn main() {
    let t = std::time::Instant::now();
    let mut n = 0u64;
    let mut bytes = 0usize;
    let mode = std::env::var("PROBE").unwrap_or_default();
    let mut line = Vec::new();
    for f in std::env::args().skip(1) {
        if mode == "csv" {
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_path(&f)
                .unwrap();
            let mut rec = csv::ByteRecord::new();
            while r.read_byte_record(&mut rec).unwrap() {
                n += 1;
                bytes += rec.len();
            }
            continue;
        }
        chamber_watch::reader::read_path(std::path::Path::new(&f), None, false, &mut |e| {
            n += 1;
            if mode == "encode" {
                line.clear();
                chamber_watch::store::encode(e, &mut line);
                bytes += line.len();
            }
        })
        .unwrap();
    }
    eprintln!("{n} rows {bytes} in {:.2?}", t.elapsed());
}
