//! Chamber's early-warning engine ("watch").
//!
//! Architecture invariant: no HTTP, no SQL; memory bounded whatever the store size (readers
//! stream, GDELT in chunks cut on record boundaries; the store writes month partitions as it
//! goes and keeps its de-duplication ids on disk).
//!
//! Pipeline: [`reader`] (formats → typed rows of [`rowcodec`]; GDELT through [`fast`]) →
//! [`store`] (month-partitioned Parquet through [`parquet`], de-duplicated, daily
//! [`rollup`]s) → [`indicators`] (per country / dyad / admin1 series) →
//! [`detect`] (robust baseline, CUSUM, Bayesian online change-point, artifact guard) →
//! [`backtest`]; [`cli`] is the `chamber watch` command the binary wires in.

pub mod alerts;
pub mod backtest;
pub mod cli;
pub mod codebook;
pub mod counts;
pub mod date;
pub mod deaths;
pub mod decode;
pub mod detect;
pub mod episodes;
pub mod fast;
pub mod forecast;
pub mod indicators;
pub mod model;
pub mod parquet;
pub mod reader;
pub mod rollup;
pub mod rowcodec;
pub mod series;
pub mod stats;
pub mod store;
pub mod view;

pub use date::Date;
pub use model::{Actor, Event, Format};
