//! Apache Parquet for the store's month parts, written and read without a dependency.
//!
//! Each part is one Parquet file with typed columns ([`SCHEMA`]): text as `BYTE_ARRAY`
//! (`UTF8`), the event date as `INT32` (`DATE`, days since 1970-01-01), codes and counts as
//! `INT32`/`INT64`, Goldstein and coordinates as `DOUBLE`; a missing number is a null.
//! Pages are version 1 data pages, `PLAIN` encoded, uncompressed, one page per column chunk,
//! definition levels in the RLE/bit-packed hybrid; metadata in Thrift's compact protocol (the
//! format's own specification: <https://parquet.apache.org/docs/file-format/>). Any Parquet
//! reader (DuckDB, Arrow, Spark, pandas) opens the files; the store's tests check DuckDB.
//!
//! - [`writer`]: [`PartWriter`] takes typed rows ([`crate::rowcodec::Row`]) and buffers them
//!   as they are; a row group is written whenever the buffer passes [`ROW_GROUP_BYTES`]
//!   (memory stays bounded), each column encoded in one pass that copies the rows' numbers
//!   into its page; the footer is written by [`PartWriter::finish`].
//! - [`reader`]: [`scan`] decodes a part's row groups into typed columns
//!   ([`crate::rowcodec::Column`]) and gives each row as a [`crate::rowcodec::StoredRow`].
//! - [`thrift`]: the compact protocol, both ways.
//!
//! (Over 800 lines in all, split in these three files; the format needs them.)

mod reader;
mod thrift;
mod writer;

pub use crate::rowcodec::{Kind, SCHEMA};
pub use reader::{scan, scan_bytes};
pub use writer::PartWriter;

impl Kind {
    pub(crate) fn physical(self) -> i32 {
        match self {
            Kind::Text => 6,
            Kind::Date | Kind::Int32 => 1,
            Kind::Int64 => 2,
            Kind::Double => 5,
        }
    }
    pub(crate) fn optional(self) -> bool {
        !matches!(self, Kind::Text | Kind::Date)
    }
}

/// Buffered bytes after which a row group is written.
pub const ROW_GROUP_BYTES: usize = 512 << 10;

pub(crate) const MAGIC: &[u8; 4] = b"PAR1";

#[cfg(test)]
mod tests;
