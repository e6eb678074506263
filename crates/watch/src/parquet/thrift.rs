//! Thrift's compact protocol, as much of it as Parquet's metadata needs: a writer for the
//! footer and page headers, and a reader that decodes any compact value into a tree.

/// Compact-protocol field types.
pub(super) mod tt {
    pub const TRUE: u8 = 1;
    pub const FALSE: u8 = 2;
    pub const BYTE: u8 = 3;
    pub const I16: u8 = 4;
    pub const I32: u8 = 5;
    pub const I64: u8 = 6;
    pub const DOUBLE: u8 = 7;
    pub const BINARY: u8 = 8;
    pub const LIST: u8 = 9;
    pub const SET: u8 = 10;
    pub const MAP: u8 = 11;
    pub const STRUCT: u8 = 12;
}

pub(super) struct Thrift {
    pub(super) out: Vec<u8>,
    /// Last field id of each open struct.
    last: Vec<i16>,
}

impl Thrift {
    pub(super) fn new() -> Thrift {
        Thrift {
            out: Vec::with_capacity(256),
            last: vec![0],
        }
    }
    pub(super) fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.out.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.out.push(v as u8);
    }
    pub(super) fn zigzag(&mut self, v: i64) {
        self.varint(((v << 1) ^ (v >> 63)) as u64);
    }
    pub(super) fn field(&mut self, id: i16, ty: u8) {
        let last = self.last.last_mut().expect("a struct is open");
        let delta = id - *last;
        *last = id;
        if (1..=15).contains(&delta) {
            self.out.push((delta as u8) << 4 | ty);
        } else {
            self.out.push(ty);
            let z = ((id as i64) << 1) ^ ((id as i64) >> 63);
            self.varint(z as u64);
        }
    }
    pub(super) fn i32(&mut self, id: i16, v: i32) -> &mut Self {
        self.field(id, tt::I32);
        self.zigzag(v as i64);
        self
    }
    pub(super) fn i64(&mut self, id: i16, v: i64) -> &mut Self {
        self.field(id, tt::I64);
        self.zigzag(v);
        self
    }
    pub(super) fn binary(&mut self, id: i16, b: &[u8]) -> &mut Self {
        self.field(id, tt::BINARY);
        self.bytes(b);
        self
    }
    pub(super) fn bytes(&mut self, b: &[u8]) {
        self.varint(b.len() as u64);
        self.out.extend_from_slice(b);
    }
    pub(super) fn list(&mut self, id: i16, elem: u8, n: usize) -> &mut Self {
        self.field(id, tt::LIST);
        if n < 15 {
            self.out.push((n as u8) << 4 | elem);
        } else {
            self.out.push(0xF0 | elem);
            self.varint(n as u64);
        }
        self
    }
    /// Open a struct that is a field.
    pub(super) fn begin(&mut self, id: i16) -> &mut Self {
        self.field(id, tt::STRUCT);
        self.last.push(0);
        self
    }
    /// Open a struct that is a list element.
    pub(super) fn begin_elem(&mut self) -> &mut Self {
        self.last.push(0);
        self
    }
    pub(super) fn end(&mut self) -> &mut Self {
        self.out.push(0);
        self.last.pop();
        self
    }
}

#[derive(Debug, Clone)]
pub(super) enum Value {
    /// A boolean or a double: the reader needs none.
    Other,
    Int(i64),
    Binary(Vec<u8>),
    List(Vec<Value>),
    Struct(Vec<(i16, Value)>),
}

impl Value {
    pub(super) fn field(&self, id: i16) -> Option<&Value> {
        match self {
            Value::Struct(fs) => fs.iter().find(|(i, _)| *i == id).map(|(_, v)| v),
            _ => None,
        }
    }
    pub(super) fn int(&self, id: i16) -> Option<i64> {
        match self.field(id)? {
            Value::Int(v) => Some(*v),
            _ => None,
        }
    }
    pub(super) fn list(&self, id: i16) -> &[Value] {
        match self.field(id) {
            Some(Value::List(v)) => v,
            _ => &[],
        }
    }
    pub(super) fn text(&self, id: i16) -> Option<&[u8]> {
        match self.field(id)? {
            Value::Binary(b) => Some(b),
            _ => None,
        }
    }
}

pub(super) struct Cursor<'a> {
    pub(super) b: &'a [u8],
    pub(super) pos: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn byte(&mut self) -> Result<u8, String> {
        let v = *self.b.get(self.pos).ok_or("metadata ends early")?;
        self.pos += 1;
        Ok(v)
    }
    pub(super) fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            if shift < 64 {
                v |= ((b & 0x7f) as u64) << shift;
            }
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("varint too long".into())
    }
    pub(super) fn zigzag(&mut self) -> Result<i64, String> {
        let v = self.varint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }
    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.b.len());
        let end = end.ok_or("metadata ends early")?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    pub(super) fn value(&mut self, ty: u8, depth: u32) -> Result<Value, String> {
        if depth > 32 {
            return Err("metadata nested too deeply".into());
        }
        Ok(match ty {
            tt::TRUE | tt::FALSE => Value::Other,
            tt::BYTE => Value::Int(self.byte()? as i8 as i64),
            tt::I16 | tt::I32 | tt::I64 => Value::Int(self.zigzag()?),
            tt::DOUBLE => {
                self.take(8)?;
                Value::Other
            }
            tt::BINARY => {
                let n = self.varint()? as usize;
                Value::Binary(self.take(n)?.to_vec())
            }
            tt::LIST | tt::SET => {
                let h = self.byte()?;
                let n = match h >> 4 {
                    15 => self.varint()? as usize,
                    n => n as usize,
                };
                let elem = h & 0x0f;
                if n > self.b.len() {
                    return Err("list longer than the metadata".into());
                }
                let mut v = Vec::with_capacity(n);
                for _ in 0..n {
                    v.push(match elem {
                        tt::TRUE | tt::FALSE => {
                            self.byte()?;
                            Value::Other
                        }
                        e => self.value(e, depth + 1)?,
                    });
                }
                Value::List(v)
            }
            tt::MAP => {
                let n = self.varint()? as usize;
                if n > self.b.len() {
                    return Err("map longer than the metadata".into());
                }
                let mut v = Vec::new();
                if n > 0 {
                    let kv = self.byte()?;
                    for _ in 0..n {
                        v.push(self.value(kv >> 4, depth + 1)?);
                        v.push(self.value(kv & 0x0f, depth + 1)?);
                    }
                }
                Value::List(v)
            }
            tt::STRUCT => {
                let mut fields = Vec::new();
                let mut last: i16 = 0;
                loop {
                    let h = self.byte()?;
                    if h == 0 {
                        break;
                    }
                    let ty = h & 0x0f;
                    let id = match h >> 4 {
                        0 => self.zigzag()? as i16,
                        d => last.wrapping_add(d as i16),
                    };
                    last = id;
                    fields.push((id, self.value(ty, depth + 1)?));
                }
                Value::Struct(fields)
            }
            other => return Err(format!("unknown metadata type {other}")),
        })
    }
}
