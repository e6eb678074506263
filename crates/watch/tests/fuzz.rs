//! Property test: arbitrary bytes, and mutations of valid rows, never panic any reader, and
//! every data row is either an event or a counted reject.

use chamber_watch::reader::read_from;
use chamber_watch::{Format, store};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SEEDS: [&[u8]; 6] = [
    b"564111644\t20060731\t200607\t2006\t2006.5781\tUSA\tUNITED STATES\tUSA\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t1\t010\t010\t01\t1\t0.0\t2\t1\t2\t-0.34\t3\tWashington\tUS\tUSDC\t38.8\t-77.0\t1984547\t0\t\t\t\t\t\t\t3\tWashington\tUS\tUSDC\t38.8\t-77.0\t1984547\t20160728\thttp://x/\n",
    b"\"GLOBALEVENTID\",\"SQLDATE\",\"EventCode\",\"EventRootCode\",\"QuadClass\",\"GoldsteinScale\"\n\"1\",125489286,20110601,\"042\"\n",
    b"Event ID\tEvent Date\tSource Name\tTarget Name\tCAMEO Code\n1\t2018-06-01\tA (B)\tC\t040\n",
    b"id,year,type_of_violence,side_a,side_b,date_start,best,low,high\n,#date+year,,,,,,,\n7,2013,1,A,B,2013-12-13,1,1,1\n",
    b"event_id_cnty,event_date,event_type,fatalities,iso,country\nX1,01 November 2024,Battles,2,268,Georgia\n",
    b"[{\"id\":\"a\",\"date\":\"2000-01-01\",\"event\":\"AGREE\",\"source\":[{\"code\":\"HUN\"}]}]",
];

fn check(bytes: &[u8], forced: Option<Format>) {
    let mut n = 0u64;
    match read_from("fuzz", bytes, forced, false, &mut |e| {
        n += 1;
        let mut line = Vec::new();
        store::encode(e, &mut line);
        assert_eq!(
            line.iter().filter(|&&b| b == b'\n').count(),
            1,
            "one store line per event"
        );
        assert_eq!(
            line.iter().filter(|&&b| b == b'\t').count(),
            store::COLUMNS.len() - 1
        );
    }) {
        Ok(rep) => {
            assert_eq!(rep.rows_ok, n);
            assert_eq!(rep.rows_ok + rep.rejected, rep.rows_read, "{rep:?}");
        }
        Err(_) => assert_eq!(n, 0, "a file-level error emits no events"),
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let alphabet = b"\t,\"\n\r[]{}:0123456789-.#NAabc \xff\xe9\x80";
    for i in 0..3000 {
        let len = rng.below(300);
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                if rng.below(3) == 0 {
                    rng.next() as u8
                } else {
                    alphabet[rng.below(alphabet.len())]
                }
            })
            .collect();
        let forced = match i % 8 {
            0 => None,
            k => Some(Format::ALL[k - 1]),
        };
        check(&bytes, forced);
    }
}

#[test]
fn mutated_valid_inputs_never_panic() {
    let mut rng = Rng(42);
    for seed in SEEDS {
        for _ in 0..400 {
            let mut b = seed.to_vec();
            for _ in 0..1 + rng.below(4) {
                match rng.below(4) {
                    0 if !b.is_empty() => {
                        let i = rng.below(b.len());
                        b[i] = rng.next() as u8;
                    }
                    1 if !b.is_empty() => {
                        let i = rng.below(b.len());
                        b.truncate(i);
                    }
                    2 => {
                        let i = rng.below(b.len() + 1);
                        b.insert(i, b"\t,\"\n"[rng.below(4)]);
                    }
                    _ if !b.is_empty() => {
                        let i = rng.below(b.len());
                        b.remove(i);
                    }
                    _ => {}
                }
            }
            check(&b, None);
            check(&b, Some(Format::ALL[rng.below(Format::ALL.len())]));
        }
    }
}
