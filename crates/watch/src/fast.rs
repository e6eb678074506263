//! Chunked, vectorised splitting of delimited text (GDELT CSV and TSV).
//!
//! [`Splitter`] cuts a byte stream into chunks of about [`CHUNK`] bytes that end on a record
//! boundary: a newline outside quotes. Quotes are counted as in RFC 4180 (every `"` toggles
//! quoting, `""` inside a quoted field is a quote), so a boundary never falls inside a quoted
//! field. The scan that finds a boundary only counts bytes, so cutting is cheap and the
//! chunks can be parsed on several threads. Each chunk carries the line number of its first
//! byte, so rejects keep their `file:line`.
//!
//! [`records`] walks one chunk: 64 bytes at a time it builds bit masks of separators,
//! newlines and quotes (SSE2 on x86_64, AVX2 with POPCNT and BMI1 when the CPU has them, a
//! portable loop elsewhere), masks out what lies inside quotes with a prefix XOR, and hands
//! each record to a callback as the positions of its field ends.
//!
//! (Over 800 lines: the SSE2, AVX2 and portable paths of the same walk stay together with the
//! tests that hold them to one another. The module's `unsafe` is the SIMD intrinsics, a
//! cache prefetch hint and [`Record::ascii_text`], each with its reason beside it.)

use std::io::{self, Read};

/// Target chunk size.
pub const CHUNK: usize = 1 << 20;
/// A record may run this far past the chunk's end before the cut is forced.
pub const MAX_RECORD: usize = 1 << 20;

/// Cuts a stream into chunks on record boundaries.
pub struct Splitter<R> {
    input: R,
    /// Bytes read past the last boundary.
    pending: Vec<u8>,
    eof: bool,
    quotes: bool,
    /// Line number of the next chunk's first byte (1-based).
    line: u64,
    chunk: usize,
}

impl<R: Read> Splitter<R> {
    /// `first_line`: the line number of the stream's first byte.
    pub fn new(input: R, quotes: bool, first_line: u64) -> Splitter<R> {
        Splitter::with_chunk(input, quotes, first_line, CHUNK)
    }

    pub fn with_chunk(input: R, quotes: bool, first_line: u64, chunk: usize) -> Splitter<R> {
        Splitter {
            input,
            pending: Vec::new(),
            eof: false,
            quotes,
            line: first_line,
            chunk: chunk.max(1),
        }
    }

    fn fill(&mut self, buf: &mut Vec<u8>, want: usize) -> io::Result<()> {
        while !self.eof && buf.len() < want {
            let need = (want - buf.len()).max(4096) as u64;
            match (&mut self.input).take(need).read_to_end(buf) {
                Ok(0) => self.eof = true,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Fill `buf` with the next chunk; returns the line number of its first byte, or `None`
    /// at the end of the stream.
    pub fn next_chunk(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<u64>> {
        buf.clear();
        buf.append(&mut self.pending);
        self.fill(buf, self.chunk)?;
        if buf.is_empty() {
            return Ok(None);
        }
        let base = self.chunk.min(buf.len());
        let (newlines, mut inside) = chunk_start(&buf[..base], self.quotes);
        let mut from = base;
        let cut = loop {
            if let Some(cut) = record_end(buf, from, &mut inside, self.quotes) {
                break cut;
            }
            from = buf.len();
            if self.eof {
                break buf.len();
            }
            if from - base >= MAX_RECORD {
                break forced_cut(buf, base);
            }
            let want = buf.len() + (64 << 10);
            self.fill(buf, want)?;
        };
        self.pending.extend_from_slice(&buf[cut..]);
        buf.truncate(cut);
        let first = self.line;
        self.line += (newlines + count(&buf[base..], b'\n')) as u64;
        Ok(Some(first))
    }
}

/// The newlines in a chunk's first `chunk` bytes and whether their end lies inside quotes.
fn chunk_start(bytes: &[u8], quotes: bool) -> (usize, bool) {
    let (q, newlines) = count2(bytes, b'"', b'\n');
    (newlines, quotes && q % 2 == 1)
}

/// Where the record open at `from` ends: just past the first newline outside quotes, or
/// `None` at the end of `bytes` (`inside` then tells the quoting there).
fn record_end(bytes: &[u8], from: usize, inside: &mut bool, quotes: bool) -> Option<usize> {
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match b {
            b'"' if quotes => *inside = !*inside,
            b'\n' if !*inside => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// A runaway quote: the cut falls at the first newline after `base` whatever the quoting
/// (the record is then reported as unterminated), or at the end of `bytes` if there is none.
fn forced_cut(bytes: &[u8], base: usize) -> usize {
    bytes[base..]
        .iter()
        .position(|&b| b == b'\n')
        .map(|p| base + p + 1)
        .unwrap_or(bytes.len())
}

/// Cuts a byte slice held whole (a mapped file) into the same chunks as [`Splitter`] cuts
/// the same bytes streamed (for chunks of 4 KiB and more), without copying them: each chunk
/// is a range of the slice.
pub struct SliceSplitter {
    /// Where the next chunk starts.
    pos: usize,
    quotes: bool,
    /// Line number of the next chunk's first byte (1-based).
    line: u64,
    chunk: usize,
}

impl SliceSplitter {
    /// `start`: where the records start in the slice; `first_line`: its line number.
    pub fn new(start: usize, quotes: bool, first_line: u64) -> SliceSplitter {
        SliceSplitter::with_chunk(start, quotes, first_line, CHUNK)
    }

    pub fn with_chunk(start: usize, quotes: bool, first_line: u64, chunk: usize) -> SliceSplitter {
        SliceSplitter {
            pos: start,
            quotes,
            line: first_line,
            chunk: chunk.max(1),
        }
    }

    /// The next chunk of `data` (the same slice at every call) and the line number of its
    /// first byte, or `None` at the end.
    pub fn next_chunk(&mut self, data: &[u8]) -> Option<(std::ops::Range<usize>, u64)> {
        let start = self.pos;
        if start >= data.len() {
            return None;
        }
        let base = (start + self.chunk).min(data.len());
        let (newlines, mut inside) = chunk_start(&data[start..base], self.quotes);
        // As the stream splitter: a record running [`MAX_RECORD`] past the chunk's end is
        // cut whatever the quoting ([`forced_cut`]).
        let limit = base.saturating_add(MAX_RECORD);
        let end = limit.min(data.len());
        let cut = match record_end(&data[..end], base, &mut inside, self.quotes) {
            Some(cut) => cut,
            None if end == limit => forced_cut(&data[..limit], base),
            None => data.len(),
        };
        self.pos = cut;
        let first = self.line;
        self.line += (newlines + count(&data[base..cut], b'\n')) as u64;
        Some((start..cut, first))
    }
}

/// Occurrences of two bytes at once (byte counters in SSE2 registers on x86_64).
pub fn count2(bytes: &[u8], a: u8, b: u8) -> (usize, usize) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: this CPU has AVX2.
        return unsafe { count2_avx2(bytes, a, b) };
    }
    count2_baseline(bytes, a, b)
}

/// [`count2`] with SSE2 (the x86_64 baseline) or portable code.
fn count2_baseline(bytes: &[u8], a: u8, b: u8) -> (usize, usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        let (mut na, mut nb) = (0usize, 0usize);
        let mut blocks = bytes.chunks_exact(16);
        // SAFETY: SSE2 is part of the x86_64 baseline; each load reads one 16-byte block.
        unsafe {
            let (va, vb, zero) = (
                _mm_set1_epi8(a as i8),
                _mm_set1_epi8(b as i8),
                _mm_setzero_si128(),
            );
            let sum = |acc: __m128i| -> usize {
                let s = _mm_sad_epu8(acc, zero);
                (_mm_cvtsi128_si64(s) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(s, s))) as usize
            };
            loop {
                // Byte counters hold at most 255 matches: flush every 255 blocks.
                let (mut ca, mut cb) = (zero, zero);
                let mut n = 0;
                for blk in blocks.by_ref().take(255) {
                    let v = _mm_loadu_si128(blk.as_ptr() as *const __m128i);
                    ca = _mm_sub_epi8(ca, _mm_cmpeq_epi8(v, va));
                    cb = _mm_sub_epi8(cb, _mm_cmpeq_epi8(v, vb));
                    n += 1;
                }
                na += sum(ca);
                nb += sum(cb);
                if n < 255 {
                    break;
                }
            }
        }
        let rest = blocks.remainder();
        (
            na + rest.iter().filter(|&&x| x == a).count(),
            nb + rest.iter().filter(|&&x| x == b).count(),
        )
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        (count(bytes, a), count(bytes, b))
    }
}

/// [`count2`] 32 bytes at a time.
///
/// # Safety
/// The CPU must support `avx2`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn count2_avx2(bytes: &[u8], a: u8, b: u8) -> (usize, usize) {
    use std::arch::x86_64::*;
    let (mut na, mut nb) = (0usize, 0usize);
    let mut blocks = bytes.chunks_exact(32);
    // SAFETY: each load reads one 32-byte block.
    unsafe {
        let (va, vb, zero) = (
            _mm256_set1_epi8(a as i8),
            _mm256_set1_epi8(b as i8),
            _mm256_setzero_si256(),
        );
        loop {
            // Byte counters hold at most 255 matches: flush every 255 blocks.
            let (mut ca, mut cb) = (zero, zero);
            let mut n = 0;
            for blk in blocks.by_ref().take(255) {
                let v = _mm256_loadu_si256(blk.as_ptr() as *const __m256i);
                ca = _mm256_sub_epi8(ca, _mm256_cmpeq_epi8(v, va));
                cb = _mm256_sub_epi8(cb, _mm256_cmpeq_epi8(v, vb));
                n += 1;
            }
            let sa = _mm256_sad_epu8(ca, zero);
            let sb = _mm256_sad_epu8(cb, zero);
            na += (_mm256_extract_epi64::<0>(sa)
                + _mm256_extract_epi64::<1>(sa)
                + _mm256_extract_epi64::<2>(sa)
                + _mm256_extract_epi64::<3>(sa)) as usize;
            nb += (_mm256_extract_epi64::<0>(sb)
                + _mm256_extract_epi64::<1>(sb)
                + _mm256_extract_epi64::<2>(sb)
                + _mm256_extract_epi64::<3>(sb)) as usize;
            if n < 255 {
                break;
            }
        }
    }
    let rest = blocks.remainder();
    (
        na + rest.iter().filter(|&&x| x == a).count(),
        nb + rest.iter().filter(|&&x| x == b).count(),
    )
}

/// Occurrences of `needle`, 64 bytes at a time.
pub fn count(bytes: &[u8], needle: u8) -> usize {
    let mut n = 0usize;
    let mut blocks = bytes.chunks_exact(64);
    for b in &mut blocks {
        let (m, _, _, _) = masks(b.try_into().expect("64 bytes"), needle);
        n += m.count_ones() as usize;
    }
    n + blocks.remainder().iter().filter(|&&b| b == needle).count()
}

/// One record of a chunk: field `i` spans `field(i)`; `ends` holds each field's end.
pub struct Record<'a> {
    pub data: &'a [u8],
    pub start: usize,
    /// Position of the newline (or the end of the data).
    pub end: usize,
    pub ends: &'a [u32],
    pub fields: usize,
    /// Line number of the record's first byte.
    pub line: u64,
    /// Every byte is ASCII.
    pub ascii: bool,
    /// ASCII, and no byte below 0x20 inside a field (no tab, CR or quoted newline to clean).
    pub plain: bool,
    /// The record ends inside an open quote (the data ran out).
    pub unterminated: bool,
}

impl<'a> Record<'a> {
    /// Raw bytes of field `i` (quotes not yet removed).
    #[inline(always)]
    pub fn field(&self, i: usize) -> Option<&'a [u8]> {
        if i >= self.ends.len() {
            return None;
        }
        let s = if i == 0 {
            self.start
        } else {
            self.ends[i - 1] as usize + 1
        };
        Some(&self.data[s..self.ends[i] as usize])
    }

    /// The whole line, without its newline.
    pub fn bytes(&self) -> &'a [u8] {
        &self.data[self.start..self.end]
    }

    /// Part of this record's line (a field, trimmed or unquoted) as text, without checking
    /// it again when the record is ASCII; `None` when the record is not, or `b` is not part
    /// of its line.
    #[inline(always)]
    pub fn ascii_text(&self, b: &'a [u8]) -> Option<&'a str> {
        // Addresses only: `b` must lie inside this record's line.
        let base = self.data.as_ptr() as usize;
        let at = b.as_ptr() as usize;
        if !self.ascii || at < base + self.start || at + b.len() > base + self.end {
            return None;
        }
        debug_assert!(b.is_ascii());
        // SAFETY: the chunk scan saw no byte >= 0x80 in this record's line, and `b` lies
        // inside it: ASCII, which is UTF-8.
        Some(unsafe { std::str::from_utf8_unchecked(b) })
    }
}

/// Start loading `x` into the cache (a hint; nothing happens off x86_64).
#[inline(always)]
pub fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint; the address is that of a live value.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            x as *const T as *const i8,
        )
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

#[inline]
fn prefix_xor(mut m: u64) -> u64 {
    m ^= m << 1;
    m ^= m << 2;
    m ^= m << 4;
    m ^= m << 8;
    m ^= m << 16;
    m ^= m << 32;
    m
}

/// Bit masks of one 64-byte block: (separator, newline, quote, byte below 0x20 or from 0x80).
#[inline]
fn masks(block: &[u8; 64], sep: u8) -> (u64, u64, u64, u64) {
    let (s, n, q, h, _) = masks5(block, sep);
    (s, n, q, h)
}

/// [`masks`] and carriage returns.
#[inline]
fn masks5(block: &[u8; 64], sep: u8) -> (u64, u64, u64, u64, u64) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of the x86_64 baseline; the loads read 4 × 16 bytes of a
        // 64-byte array.
        unsafe {
            let (vs, vn, vq, vc, vr) = (
                _mm_set1_epi8(sep as i8),
                _mm_set1_epi8(b'\n' as i8),
                _mm_set1_epi8(b'"' as i8),
                _mm_set1_epi8(0x20),
                _mm_set1_epi8(b'\r' as i8),
            );
            let (mut s, mut n, mut q, mut h, mut r) = (0u64, 0u64, 0u64, 0u64, 0u64);
            for k in 0..4 {
                let v = _mm_loadu_si128(block.as_ptr().add(16 * k) as *const __m128i);
                let sh = 16 * k as u32;
                s |= (_mm_movemask_epi8(_mm_cmpeq_epi8(v, vs)) as u16 as u64) << sh;
                n |= (_mm_movemask_epi8(_mm_cmpeq_epi8(v, vn)) as u16 as u64) << sh;
                q |= (_mm_movemask_epi8(_mm_cmpeq_epi8(v, vq)) as u16 as u64) << sh;
                // Signed compare: bytes from 0x80 are negative, so below 0x20 too.
                h |= (_mm_movemask_epi8(_mm_cmplt_epi8(v, vc)) as u16 as u64) << sh;
                r |= (_mm_movemask_epi8(_mm_cmpeq_epi8(v, vr)) as u16 as u64) << sh;
            }
            (s, n, q, h, r)
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let (mut s, mut n, mut q, mut h, mut r) = (0u64, 0u64, 0u64, 0u64, 0u64);
        for (i, &b) in block.iter().enumerate() {
            s |= ((b == sep) as u64) << i;
            n |= ((b == b'\n') as u64) << i;
            q |= ((b == b'"') as u64) << i;
            h |= ((b >= 0x80 || b < 0x20) as u64) << i;
            r |= ((b == b'\r') as u64) << i;
        }
        (s, n, q, h, r)
    }
}

/// The arrays one chunk walk fills.
struct Scratch {
    /// Positions of separators and newlines outside quotes.
    pos: Vec<u32>,
    /// For each record-ending newline, its index in `pos`.
    nl_idx: Vec<u32>,
    /// Offsets of 64-byte blocks holding a byte from 0x80 or a control byte in a field.
    high: Vec<u32>,
}

thread_local! {
    /// Structural positions and record ends of the chunk being walked (reused).
    static SCRATCH: std::cell::RefCell<Scratch> = const {
        std::cell::RefCell::new(Scratch {
            pos: Vec::new(),
            nl_idx: Vec::new(),
            high: Vec::new(),
        })
    };
}

/// Walk the records of a chunk whose first byte is on line `line`. Blank lines are passed
/// too (as one empty field). The callback returns `false` to stop.
///
/// Two passes: the first turns each 64-byte block into bit masks and appends the position
/// of every separator and newline outside quotes to one array (plus, for each newline, its
/// index there); the second hands out each record as a slice of that array.
pub fn records(
    data: &[u8],
    sep: u8,
    quotes: bool,
    line: u64,
    on_record: &mut dyn FnMut(&Record) -> bool,
) {
    SCRATCH.with(|cell| {
        let scratch = &mut *cell.borrow_mut();
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("popcnt")
            && std::arch::is_x86_feature_detected!("bmi1")
        {
            // SAFETY: this CPU has the features `walk_avx2` is compiled for.
            unsafe { walk_avx2(data, sep, quotes, line, scratch, on_record) };
            return;
        }
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("popcnt")
            && std::arch::is_x86_feature_detected!("bmi1")
        {
            // SAFETY: this CPU has the features `walk_x86` is compiled for.
            unsafe { walk_x86(data, sep, quotes, line, scratch, on_record) };
            return;
        }
        walk::<false>(data, sep, quotes, line, scratch, on_record);
    });
}

/// [`walk`] compiled with POPCNT and BMI1 (bit counts and lowest-bit steps in one
/// instruction each, instead of the baseline's instruction sequences).
///
/// # Safety
/// The CPU must support `popcnt` and `bmi1`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt,bmi1")]
unsafe fn walk_x86(
    data: &[u8],
    sep: u8,
    quotes: bool,
    line: u64,
    scratch: &mut Scratch,
    on_record: &mut dyn FnMut(&Record) -> bool,
) {
    walk::<false>(data, sep, quotes, line, scratch, on_record)
}

/// [`walk_x86`] with the block masks built from two 32-byte AVX2 registers.
///
/// # Safety
/// The CPU must support `avx2`, `popcnt` and `bmi1`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt,bmi1")]
unsafe fn walk_avx2(
    data: &[u8],
    sep: u8,
    quotes: bool,
    line: u64,
    scratch: &mut Scratch,
    on_record: &mut dyn FnMut(&Record) -> bool,
) {
    walk::<true>(data, sep, quotes, line, scratch, on_record)
}

/// [`masks`] with AVX2.
///
/// # Safety
/// The CPU must support `avx2`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn masks_avx2(block: &[u8; 64], sep: u8) -> (u64, u64, u64, u64) {
    use std::arch::x86_64::*;
    // SAFETY: the two loads read the 64 bytes of the array.
    unsafe {
        let lo = _mm256_loadu_si256(block.as_ptr() as *const __m256i);
        let hi = _mm256_loadu_si256(block.as_ptr().add(32) as *const __m256i);
        let (vs, vn, vq, vc) = (
            _mm256_set1_epi8(sep as i8),
            _mm256_set1_epi8(b'\n' as i8),
            _mm256_set1_epi8(b'"' as i8),
            _mm256_set1_epi8(0x20),
        );
        let s = (_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, vs)) as u32 as u64)
            | (_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, vs)) as u32 as u64) << 32;
        let n = (_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, vn)) as u32 as u64)
            | (_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, vn)) as u32 as u64) << 32;
        let q = (_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, vq)) as u32 as u64)
            | (_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, vq)) as u32 as u64) << 32;
        // Signed compare: bytes from 0x80 are negative, so below 0x20 too.
        let h = (_mm256_movemask_epi8(_mm256_cmpgt_epi8(vc, lo)) as u32 as u64)
            | (_mm256_movemask_epi8(_mm256_cmpgt_epi8(vc, hi)) as u32 as u64) << 32;
        (s, n, q, h)
    }
}

/// The block masks, with AVX2 when `AVX2` (only set by [`walk_avx2`]).
#[inline(always)]
fn block_masks<const AVX2: bool>(block: &[u8; 64], sep: u8) -> (u64, u64, u64, u64) {
    #[cfg(target_arch = "x86_64")]
    if AVX2 {
        // SAFETY: `walk::<true>` runs only inside `walk_avx2`, called when the CPU has AVX2.
        return unsafe { masks_avx2(block, sep) };
    }
    masks(block, sep)
}

#[inline(always)]
fn walk<const AVX2: bool>(
    data: &[u8],
    sep: u8,
    quotes: bool,
    line: u64,
    scratch: &mut Scratch,
    on_record: &mut dyn FnMut(&Record) -> bool,
) {
    let Scratch { pos, nl_idx, high } = scratch;
    assert!(data.len() < u32::MAX as usize, "chunk too large");
    // Windows of 32 KiB: the index pass and the record pass run over bytes still in cache.
    const WINDOW: usize = 32 << 10;
    // `pos` keeps its length between windows and chunks (no refilling with zeros); `k`
    // counts the positions in use, `first` is where the current record's fields start.
    let (mut k, mut first) = (0usize, 0usize);
    high.clear();
    let mut hcur = 0usize;
    let mut carry = 0u64; // all ones while inside quotes across blocks
    let (mut all_nl, mut record_nl) = (0usize, 0usize);
    let mut start = 0usize;
    let mut line = line;
    let mut base = 0usize;
    // A record that no flagged block overlaps is ASCII and plain; otherwise its bytes tell.
    let flags = |high: &[u32], hcur: &mut usize, start: usize, end: usize| -> (bool, bool) {
        while *hcur < high.len() && high[*hcur] as usize + 64 <= start {
            *hcur += 1;
        }
        match high.get(*hcur) {
            Some(&b) if (b as usize) < end => {
                let bytes = &data[start..end];
                let ascii = bytes.is_ascii();
                let body = bytes.strip_suffix(b"\r").unwrap_or(bytes);
                (ascii, ascii && body.iter().all(|&b| b >= 0x20 || b == sep))
            }
            _ => (true, true),
        }
    };
    while base < data.len() {
        let wend = (base + WINDOW).min(data.len());
        nl_idx.clear();
        while base < wend {
            let mut pad = [0u8; 64];
            let block: &[u8; 64] = match data.get(base..base + 64) {
                Some(b) => b.try_into().expect("64 bytes"),
                None => {
                    pad[..data.len() - base].copy_from_slice(&data[base..]);
                    &pad
                }
            };
            let (s, n, q, h) = block_masks::<AVX2>(block, sep);
            let inside = if quotes && q == 0 {
                // No quote in the block: it lies wholly inside or outside quotes.
                carry
            } else if quotes {
                let inside = prefix_xor(q) ^ carry;
                carry = 0u64.wrapping_sub(inside >> 63);
                inside
            } else {
                0
            };
            let structural = (s | n) & !inside;
            let mut nl = n & !inside;
            all_nl += n.count_ones() as usize;
            record_nl += nl.count_ones() as usize;
            // A byte from 0x80 (not ASCII) or a control byte inside a field (not plain); a
            // CR just before a record's newline is the line end (trimmed), not field content.
            // Most blocks have no such byte but the record-ending newlines: the CR mask is
            // only built for the others.
            let odd = h & !structural;
            if odd != 0 && odd & !(masks5(block, sep).4 & (nl >> 1)) != 0 {
                high.push(base as u32);
            }
            let at = k as u32;
            while nl != 0 {
                let bit = nl.trailing_zeros();
                nl &= nl - 1;
                nl_idx.push(at + (structural & ((1u64 << bit) - 1)).count_ones());
            }
            if pos.len() < k + 65 {
                pos.resize((2 * pos.len()).max(k + 65).max(1 << 12), 0);
            }
            let count = structural.count_ones() as usize;
            let mut m = structural;
            // Eight positions per step (one branch per eight bits): `pos` has 65 free slots
            // past `k`, and the slots written past `k + count` are overwritten later.
            let b32 = base as u32;
            let slots = &mut pos[k..k + 64];
            let mut at = 0usize;
            while m != 0 {
                for slot in &mut slots[at..at + 8] {
                    *slot = b32.wrapping_add(m.trailing_zeros());
                    m &= m.wrapping_sub(1);
                }
                at += 8;
            }
            k += count;
            base += 64;
        }
        // Until a quoted newline shows up, each record is one line.
        let exact_lines = all_nl != record_nl;
        for &e in nl_idx.iter() {
            let e = e as usize;
            let end = pos[e] as usize;
            let ends = &pos[first..=e];
            let (ascii, plain) = flags(high, &mut hcur, start, end);
            let rec = Record {
                data,
                start,
                end,
                ends,
                fields: ends.len(),
                line,
                ascii,
                plain,
                unterminated: false,
            };
            if !on_record(&rec) {
                return;
            }
            line += 1;
            if exact_lines {
                line += count(&data[start..end], b'\n') as u64;
            }
            start = end + 1;
            first = e + 1;
        }
        // Keep only the positions of the record still open.
        pos.copy_within(first..k, 0);
        k -= first;
        first = 0;
    }
    if start < data.len() {
        if pos.len() < k + 1 {
            pos.resize(k + 1, 0);
        }
        pos[k] = data.len() as u32;
        let ends = &pos[..=k];
        let (ascii, plain) = flags(high, &mut hcur, start, data.len());
        let rec = Record {
            data,
            start,
            end: data.len(),
            ends,
            fields: ends.len(),
            line,
            ascii,
            plain,
            unterminated: carry != 0,
        };
        on_record(&rec);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(data: &[u8], sep: u8, quotes: bool) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut out = Vec::new();
        records(data, sep, quotes, 1, &mut |r| {
            let f = (0..r.fields)
                .map(|i| r.field(i).unwrap().to_vec())
                .collect();
            out.push((r.line, f));
            true
        });
        out
    }

    #[test]
    fn fields_quotes_and_lines() {
        let data = b"a,\"b,c\",d\n\n1,\"x\ny\",\"q\"\"r\"\nlast,no newline";
        let got = split(data, b',', true);
        let want: Vec<(u64, Vec<Vec<u8>>)> = vec![
            (1, vec![b"a".to_vec(), b"\"b,c\"".to_vec(), b"d".to_vec()]),
            (2, vec![b"".to_vec()]),
            (
                3,
                vec![b"1".to_vec(), b"\"x\ny\"".to_vec(), b"\"q\"\"r\"".to_vec()],
            ),
            (5, vec![b"last".to_vec(), b"no newline".to_vec()]),
        ];
        assert_eq!(got, want);
        // Without quoting, quotes are data.
        let got = split(b"a\t\"b\tc\n", b'\t', false);
        assert_eq!(got[0].1.len(), 3);
    }

    #[test]
    fn long_records_cross_blocks() {
        let mut data = Vec::new();
        for i in 0..200 {
            let row: Vec<String> = (0..58).map(|j| format!("\"f{i},{j}\"")).collect();
            data.extend_from_slice(row.join(",").as_bytes());
            data.push(b'\n');
        }
        let got = split(&data, b',', true);
        assert_eq!(got.len(), 200);
        assert!(got.iter().all(|(_, f)| f.len() == 58));
        assert_eq!(got[199].0, 200);
        assert_eq!(got[7].1[3], b"\"f7,3\"");
    }

    /// The chunks (bytes and first line) of `data` cut by the stream splitter.
    fn stream_chunks(data: &[u8], start: usize, chunk: usize) -> Vec<(Vec<u8>, u64)> {
        let mut sp = Splitter::with_chunk(&data[start..], true, 7, chunk);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        while let Some(line) = sp.next_chunk(&mut buf).unwrap() {
            out.push((buf.clone(), line));
        }
        out
    }

    #[test]
    fn a_slice_is_cut_as_the_same_bytes_streamed() {
        let mut data = b"header,\"x\"\n".to_vec();
        let start = data.len();
        for i in 0..3000 {
            let end = if i % 3 == 0 { "\r\n" } else { "\n" };
            data.extend_from_slice(format!("{i},\"multi\nline, {i}\",x{end}").as_bytes());
        }
        // A quote left open runs past the chunk's end: the cut is forced.
        let mut runaway = data.clone();
        runaway.extend_from_slice(b"9,\"open\n");
        runaway.extend(std::iter::repeat_n(b'z', MAX_RECORD + 100));
        runaway.extend_from_slice(b"\nafter,1,2\n");
        // (Below 4 KiB a stream chunk may hold more than it is cut at, so a runaway cut
        // can fall elsewhere: the same chunks are promised from 4 KiB.)
        for (bytes, sizes) in [
            (&data, &[1, 7, 100, 40_000, 1 << 20][..]),
            (&runaway, &[4096, 40_000, 1 << 20][..]),
        ] {
            for &chunk in sizes {
                let want = stream_chunks(bytes, start, chunk);
                let mut sp = SliceSplitter::with_chunk(start, true, 7, chunk);
                let mut got = Vec::new();
                while let Some((r, line)) = sp.next_chunk(bytes) {
                    got.push((bytes[r].to_vec(), line));
                }
                assert!(!want.is_empty(), "chunk {chunk}");
                assert_eq!(got, want, "chunk {chunk}");
            }
        }
    }

    #[test]
    fn chunks_end_on_record_boundaries_whatever_the_size() {
        let mut data = Vec::new();
        // Enough rows that records cross the walk's 32 KiB windows, some lines with CR LF.
        for i in 0..5000 {
            let end = if i % 3 == 0 { "\r\n" } else { "\n" };
            data.extend_from_slice(format!("{i},\"multi\nline, {i}\",x{end}").as_bytes());
        }
        for chunk in [1, 7, 64, 100, 1000, 40_000, 1 << 20] {
            let mut sp = Splitter::with_chunk(&data[..], true, 1, chunk);
            let mut buf = Vec::new();
            let mut rows = Vec::new();
            while let Some(line) = sp.next_chunk(&mut buf).unwrap() {
                records(&buf, b',', true, line, &mut |r| {
                    assert!(!r.unterminated);
                    rows.push((r.line, r.field(0).unwrap().to_vec(), r.fields));
                    true
                });
            }
            assert_eq!(rows.len(), 5000, "chunk {chunk}");
            for (i, (line, first, n)) in rows.iter().enumerate() {
                assert_eq!(*line, 2 * i as u64 + 1);
                assert_eq!(first, i.to_string().as_bytes());
                assert_eq!(*n, 3);
            }
        }
    }

    #[test]
    fn the_baseline_walk_agrees_with_the_dispatched_one() {
        let mut data = Vec::new();
        for i in 0..3000 {
            let end = if i % 5 == 0 { "\r\n" } else { "\n" };
            let q = if i % 7 == 0 { "\"a\nb\"\"c\"" } else { "plain" };
            data.extend_from_slice(format!("{i},{q},caf\u{e9}\t{i}{end}").as_bytes());
        }
        data.extend_from_slice(b"tail,\"open");
        let collect = |baseline: bool| {
            let mut out = Vec::new();
            let mut f = |r: &Record| {
                out.push((
                    r.line,
                    r.start,
                    r.end,
                    r.ends.to_vec(),
                    r.ascii,
                    r.plain,
                    r.unterminated,
                ));
                true
            };
            if baseline {
                let mut scratch = Scratch {
                    pos: Vec::new(),
                    nl_idx: Vec::new(),
                    high: Vec::new(),
                };
                walk::<false>(&data, b',', true, 1, &mut scratch, &mut f);
            } else {
                records(&data, b',', true, 1, &mut f);
            }
            out
        };
        let a = collect(true);
        assert_eq!(a.len(), 3001);
        assert_eq!(a, collect(false));
    }

    #[test]
    fn byte_counts() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        for len in [
            0, 1, 15, 16, 17, 31, 32, 33, 4079, 4080, 4081, 8159, 8160, 8161, 100_000,
        ] {
            let d = &data[..len];
            let want = |x: u8| d.iter().filter(|&&b| b == x).count();
            assert_eq!(count2(d, b'"', b'\n'), (want(b'"'), want(b'\n')), "{len}");
            assert_eq!(
                count2_baseline(d, b'"', b'\n'),
                (want(b'"'), want(b'\n')),
                "{len}"
            );
            assert_eq!(count(d, b','), want(b','));
        }
    }

    #[test]
    fn non_ascii_is_flagged_per_record() {
        let mut flags = Vec::new();
        let data = b"ab\ncaf\xe9\nz\n\"q\nr\",s\nt\tu\r\nv,w\n";
        records(data, b',', true, 1, &mut |r| {
            flags.push((r.ascii, r.plain));
            true
        });
        let want = [
            (true, true),
            (false, false),
            (true, true),
            (true, false), // a quoted newline
            (true, false), // a tab and a CR
            (true, true),
        ];
        assert_eq!(flags, want);
        // CRLF line ends stay plain; a CR inside a field does not.
        let mut flags = Vec::new();
        records(b"a,b\r\nc\r,d\r\n", b',', true, 1, &mut |r| {
            flags.push(r.plain);
            true
        });
        assert_eq!(flags, [true, false]);
        // In TSV the tab is the separator: still plain.
        let mut flags = Vec::new();
        records(b"a\tb\n", b'\t', false, 1, &mut |r| {
            flags.push(r.plain);
            true
        });
        assert_eq!(flags, [true]);
    }
}
