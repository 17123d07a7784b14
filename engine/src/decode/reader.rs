//! Byte reader with spec-exact LEB128 decoding.

use super::super::error::{Error, ErrorKind, Result};
use super::super::types::ValType;

/// Cursor over a slice of the module binary, tracking absolute offsets.
#[derive(Clone)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    /// A reader over a whole module binary.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0, base: 0 }
    }

    /// Absolute offset of the next byte.
    pub(crate) fn offset(&self) -> usize {
        self.base.wrapping_add(self.pos)
    }

    /// Bytes left.
    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    /// True when every byte was consumed.
    pub(crate) fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    fn err(&self, kind: ErrorKind) -> Error {
        Error::new(kind).at(self.offset())
    }

    /// Reads one byte.
    pub(crate) fn u8(&mut self) -> Result<u8> {
        match self.bytes.get(self.pos) {
            Some(b) => {
                self.pos = self.pos.wrapping_add(1);
                Ok(*b)
            }
            None => Err(self.err(ErrorKind::UnexpectedEnd)),
        }
    }

    /// Looks at the next byte without consuming it.
    pub(crate) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Reads `len` raw bytes.
    pub(crate) fn bytes(&mut self, len: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(len).ok_or_else(|| self.err(ErrorKind::UnexpectedEnd))?;
        match self.bytes.get(self.pos..end) {
            Some(s) => {
                self.pos = end;
                Ok(s)
            }
            None => Err(self.err(ErrorKind::UnexpectedEnd)),
        }
    }

    /// Splits off a sub-reader over the next `len` bytes.
    pub(crate) fn sub_reader(&mut self, len: usize) -> Result<Reader<'a>> {
        let base = self.offset();
        let bytes = self.bytes(len)?;
        Ok(Reader { bytes, pos: 0, base })
    }

    /// Generic LEB128 reader for `bits`-wide integers; returns the value
    /// sign- or zero-extended to 64 bits.
    fn leb(&mut self, bits: u32, signed: bool) -> Result<u64> {
        let start = self.offset();
        let mut result: u64 = 0;
        let mut shift: u32 = 0;
        loop {
            let byte = self.u8()?;
            let low = u64::from(byte & 0x7f);
            let remaining = bits.saturating_sub(shift);
            if remaining <= 7 {
                // Last byte this type allows.
                if byte & 0x80 != 0 {
                    return Err(Error::new(ErrorKind::IntegerTooLong).at(start));
                }
                let unused = if signed {
                    let keep = remaining.saturating_sub(1);
                    (0x7fu8.wrapping_shr(keep)).wrapping_shl(keep) & 0x7f
                } else {
                    (0x7fu8.wrapping_shr(remaining)).wrapping_shl(remaining) & 0x7f
                };
                let extra = byte & unused;
                let ok = if signed { extra == 0 || extra == unused } else { extra == 0 };
                if !ok {
                    return Err(Error::new(ErrorKind::IntegerTooLarge).at(start));
                }
                result |= low.wrapping_shl(shift);
                shift = bits;
                break;
            }
            result |= low.wrapping_shl(shift);
            shift = shift.wrapping_add(7);
            if byte & 0x80 == 0 {
                break;
            }
        }
        if signed && shift < 64 {
            let unused_high = 64u32.wrapping_sub(shift.min(bits));
            result = ((result.wrapping_shl(unused_high) as i64).wrapping_shr(unused_high)) as u64;
        } else if signed && bits < 64 {
            let unused_high = 64u32.wrapping_sub(bits);
            result = ((result.wrapping_shl(unused_high) as i64).wrapping_shr(unused_high)) as u64;
        }
        Ok(result)
    }

    /// Unsigned 32-bit LEB128.
    pub(crate) fn u32(&mut self) -> Result<u32> {
        Ok(self.leb(32, false)? as u32)
    }

    /// Signed 32-bit LEB128.
    pub(crate) fn s32(&mut self) -> Result<i32> {
        Ok(self.leb(32, true)? as i32)
    }

    /// Signed 33-bit LEB128 (block types).
    pub(crate) fn s33(&mut self) -> Result<i64> {
        Ok(self.leb(33, true)? as i64)
    }

    /// Signed 64-bit LEB128.
    pub(crate) fn s64(&mut self) -> Result<i64> {
        Ok(self.leb(64, true)? as i64)
    }

    /// Unsigned 32-bit LEB128 used as a count of items that each need at
    /// least one byte; fails early if the input cannot possibly hold them.
    pub(crate) fn count(&mut self) -> Result<u32> {
        let at = self.offset();
        let n = self.u32()?;
        if usize::try_from(n).map_or(true, |n| n > self.remaining()) {
            return Err(Error::new(ErrorKind::UnexpectedEnd).at(at));
        }
        Ok(n)
    }

    /// A length-prefixed UTF-8 name.
    pub(crate) fn name(&mut self) -> Result<&'a str> {
        let len = self.u32()?;
        let at = self.offset();
        let len = usize::try_from(len).map_err(|_| self.err(ErrorKind::UnexpectedEnd))?;
        let bytes = self.bytes(len)?;
        core::str::from_utf8(bytes).map_err(|_| Error::new(ErrorKind::MalformedUtf8).at(at))
    }

    /// A value type byte.
    pub(crate) fn val_type(&mut self) -> Result<ValType> {
        let at = self.offset();
        let byte = self.u8()?;
        val_type_from_byte(byte).ok_or_else(|| Error::new(ErrorKind::MalformedValueType(byte)).at(at))
    }

    /// A reference type byte.
    pub(crate) fn ref_type(&mut self) -> Result<ValType> {
        let at = self.offset();
        let byte = self.u8()?;
        match byte {
            0x70 => Ok(ValType::FuncRef),
            0x6f => Ok(ValType::ExternRef),
            _ => Err(Error::new(ErrorKind::MalformedReferenceType(byte)).at(at)),
        }
    }
}

/// Maps a value type byte to a [`ValType`].
pub(crate) fn val_type_from_byte(byte: u8) -> Option<ValType> {
    match byte {
        0x7f => Some(ValType::I32),
        0x7e => Some(ValType::I64),
        0x7d => Some(ValType::F32),
        0x7c => Some(ValType::F64),
        0x7b => Some(ValType::V128),
        0x70 => Some(ValType::FuncRef),
        0x6f => Some(ValType::ExternRef),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::error::ErrorKind;
    use super::Reader;

    fn u32_of(bytes: &[u8]) -> Result<u32, ErrorKind> {
        Reader::new(bytes).u32().map_err(|e| e.kind())
    }
    fn s32_of(bytes: &[u8]) -> Result<i32, ErrorKind> {
        Reader::new(bytes).s32().map_err(|e| e.kind())
    }
    fn s64_of(bytes: &[u8]) -> Result<i64, ErrorKind> {
        Reader::new(bytes).s64().map_err(|e| e.kind())
    }

    #[test]
    fn unsigned_leb() {
        assert_eq!(u32_of(&[0x00]), Ok(0));
        assert_eq!(u32_of(&[0xe5, 0x8e, 0x26]), Ok(624485));
        assert_eq!(u32_of(&[0xff, 0xff, 0xff, 0xff, 0x0f]), Ok(u32::MAX));
        assert_eq!(u32_of(&[0x80, 0x80, 0x80, 0x80, 0x00]), Ok(0));
        assert_eq!(u32_of(&[0xff, 0xff, 0xff, 0xff, 0x1f]), Err(ErrorKind::IntegerTooLarge));
        assert_eq!(u32_of(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), Err(ErrorKind::IntegerTooLong));
        assert_eq!(u32_of(&[0x80]), Err(ErrorKind::UnexpectedEnd));
    }

    #[test]
    fn signed_leb() {
        assert_eq!(s32_of(&[0x7f]), Ok(-1));
        assert_eq!(s32_of(&[0x3f]), Ok(63));
        assert_eq!(s32_of(&[0x40]), Ok(-64));
        assert_eq!(s32_of(&[0xff, 0xff, 0xff, 0xff, 0x07]), Ok(i32::MAX));
        assert_eq!(s32_of(&[0x80, 0x80, 0x80, 0x80, 0x78]), Ok(i32::MIN));
        assert_eq!(s32_of(&[0xff, 0xff, 0xff, 0xff, 0x7f]), Ok(-1));
        assert_eq!(s32_of(&[0xff, 0xff, 0xff, 0xff, 0x0f]), Err(ErrorKind::IntegerTooLarge));
        assert_eq!(s32_of(&[0x80, 0x80, 0x80, 0x80, 0x70]), Err(ErrorKind::IntegerTooLarge));
        assert_eq!(s64_of(&[0x7f]), Ok(-1));
        assert_eq!(s64_of(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]), Ok(i64::MIN));
        assert_eq!(s64_of(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]), Ok(i64::MAX));
        assert_eq!(
            s64_of(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
            Err(ErrorKind::IntegerTooLarge)
        );
        assert_eq!(Reader::new(&[0x7f]).s33().map_err(|e| e.kind()), Ok(-1));
        assert_eq!(Reader::new(&[0x80, 0x80, 0x80, 0x80, 0x70]).s33().map_err(|e| e.kind()), Ok(-(1i64 << 32)));
    }

    #[test]
    fn names_must_be_utf8() {
        assert_eq!(Reader::new(&[2, b'h', b'i']).name().ok(), Some("hi"));
        assert_eq!(Reader::new(&[1, 0xff]).name().map_err(|e| e.kind()).err(), Some(ErrorKind::MalformedUtf8));
    }
}
