//! Binary decoding of whole modules: header, section framing and ordering.
//! Section contents are decoded in `sections`.

pub(crate) mod reader;
mod sections;

use super::buf::Buf;
use super::error::{Error, ErrorKind, Result, SectionKind};
use super::limits::Limits;
use super::module::Module;
use self::reader::Reader;

fn section_kind(id: u8) -> Option<SectionKind> {
    Some(match id {
        0 => SectionKind::Custom,
        1 => SectionKind::Type,
        2 => SectionKind::Import,
        3 => SectionKind::Function,
        4 => SectionKind::Table,
        5 => SectionKind::Memory,
        6 => SectionKind::Global,
        7 => SectionKind::Export,
        8 => SectionKind::Start,
        9 => SectionKind::Element,
        10 => SectionKind::Code,
        11 => SectionKind::Data,
        12 => SectionKind::DataCount,
        _ => return None,
    })
}

/// Position of a non-custom section in the required order.
fn section_rank(kind: SectionKind) -> u8 {
    match kind {
        SectionKind::Header | SectionKind::Custom => 0,
        SectionKind::Type => 1,
        SectionKind::Import => 2,
        SectionKind::Function => 3,
        SectionKind::Table => 4,
        SectionKind::Memory => 5,
        SectionKind::Global => 6,
        SectionKind::Export => 7,
        SectionKind::Start => 8,
        SectionKind::Element => 9,
        SectionKind::DataCount => 10,
        SectionKind::Code => 11,
        SectionKind::Data => 12,
    }
}

/// Decoder state that is not part of the final module.
pub(crate) struct DecodeState {
    /// `ref.func f` is allowed in code iff `declared_refs[f]`.
    pub(crate) declared_refs: Buf<bool>,
    /// Number of entries the function section declared.
    pub(crate) declared_bodies: u32,
    pub(crate) code_seen: bool,
}

/// Decodes, validates and translates a module.
pub(crate) fn decode_module(bytes: &[u8], limits: &Limits) -> Result<Module> {
    if bytes.len() > limits.max_module_bytes {
        return Err(Error::new(ErrorKind::LimitExceeded("module size")));
    }
    let mut r = Reader::new(bytes);
    let header = |e: Error| e.in_section(SectionKind::Header);
    let magic = r.bytes(4).map_err(|_| Error::new(ErrorKind::BadMagic).at(0).in_section(SectionKind::Header))?;
    if magic != b"\0asm" {
        return Err(header(Error::new(ErrorKind::BadMagic).at(0)));
    }
    let version = r.bytes(4).map_err(|_| header(Error::new(ErrorKind::BadVersion).at(4)))?;
    if version != [1, 0, 0, 0] {
        return Err(header(Error::new(ErrorKind::BadVersion).at(4)));
    }

    let mut module = Module::empty();
    let mut state = DecodeState { declared_refs: Buf::new(), declared_bodies: 0, code_seen: false };
    let mut last_rank = 0u8;
    while !r.is_empty() {
        let id_at = r.offset();
        let id = r.u8()?;
        let kind = section_kind(id).ok_or_else(|| Error::new(ErrorKind::UnknownSection(id)).at(id_at))?;
        let in_section = |e: Error| e.in_section(kind);
        let size = r.u32().map_err(in_section)?;
        let size = usize::try_from(size).map_err(|_| in_section(Error::new(ErrorKind::UnexpectedEnd).at(id_at)))?;
        let mut s = r
            .sub_reader(size)
            .map_err(|_| in_section(Error::new(ErrorKind::UnexpectedEnd).at(id_at)))?;
        if kind != SectionKind::Custom {
            let rank = section_rank(kind);
            if rank <= last_rank {
                return Err(in_section(Error::new(ErrorKind::SectionOutOfOrder).at(id_at)));
            }
            last_rank = rank;
        }
        sections::decode_section(kind, &mut s, &mut module, &mut state, limits).map_err(in_section)?;
        if !s.is_empty() {
            return Err(in_section(Error::new(ErrorKind::SectionSizeMismatch).at(s.offset())));
        }
    }
    if !state.code_seen && state.declared_bodies != 0 {
        return Err(Error::new(ErrorKind::FunctionCodeMismatch).in_section(SectionKind::Code).at(bytes.len()));
    }
    if let Some(n) = module.data_count {
        if usize::try_from(n).map_or(true, |n| n != module.datas.len()) {
            return Err(Error::new(ErrorKind::DataCountMismatch).in_section(SectionKind::Data).at(bytes.len()));
        }
    }
    Ok(module)
}
