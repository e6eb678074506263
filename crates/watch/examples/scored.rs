//! Diagnostic: print the scored daily series of one country (`--example scored -- STORE GEO FROM TO`).
use chamber_watch::detect::{Params, score};
use chamber_watch::indicators::{Period, Scope, series};
use chamber_watch::store::Store;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let store = Store::new(&a[1]);
    let s = series(
        &store,
        &Scope::Country(a[2].clone()),
        Period::Day,
        None,
        None,
    )
    .unwrap();
    for x in score(&s, &Params::default()) {
        let d = x.date.to_string();
        if d.as_str() >= a[3].as_str() && d.as_str() <= a[4].as_str() {
            println!(
                "{d} n={} q4={} share={:.2} base={:.2} z_share={:.2} z_count={:.2} {}",
                x.events,
                x.conflict,
                x.share,
                x.baseline_share,
                x.z_share,
                x.z_count,
                x.artifact.unwrap_or_default()
            );
        }
    }
}
