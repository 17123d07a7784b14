//! Load, validation and link errors.

use core::fmt;

use super::buf::AllocError;
use super::trap::TrapKind;

/// Module sections, used to say where an error happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionKind {
    /// The 8-byte module header.
    Header,
    /// Custom section (id 0).
    Custom,
    /// Type section (id 1).
    Type,
    /// Import section (id 2).
    Import,
    /// Function section (id 3).
    Function,
    /// Table section (id 4).
    Table,
    /// Memory section (id 5).
    Memory,
    /// Global section (id 6).
    Global,
    /// Export section (id 7).
    Export,
    /// Start section (id 8).
    Start,
    /// Element section (id 9).
    Element,
    /// Code section (id 10).
    Code,
    /// Data section (id 11).
    Data,
    /// Data count section (id 12).
    DataCount,
}

impl SectionKind {
    /// Lower-case human name.
    pub const fn name(self) -> &'static str {
        match self {
            SectionKind::Header => "module header",
            SectionKind::Custom => "custom",
            SectionKind::Type => "type",
            SectionKind::Import => "import",
            SectionKind::Function => "function",
            SectionKind::Table => "table",
            SectionKind::Memory => "memory",
            SectionKind::Global => "global",
            SectionKind::Export => "export",
            SectionKind::Start => "start",
            SectionKind::Element => "element",
            SectionKind::Code => "code",
            SectionKind::Data => "data",
            SectionKind::DataCount => "data count",
        }
    }
}

/// Broad class of an [`Error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCategory {
    /// The binary is malformed.
    Decode,
    /// The binary is well-formed but invalid.
    Validation,
    /// Valid wasm using a feature this engine does not support (floats, SIMD...).
    Unsupported,
    /// A configured [`Limits`](super::limits::Limits) value was exceeded.
    Limit,
    /// Memory allocation failed.
    OutOfMemory,
    /// Imports could not be resolved or did not match.
    Link,
    /// Instantiation trapped (segment initialisation or start function).
    Trap,
}

/// What went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    // ---- decoding ----
    /// Input ended in the middle of an item.
    UnexpectedEnd,
    /// The `\0asm` magic is missing.
    BadMagic,
    /// The version field is not 1.
    BadVersion,
    /// A LEB128 integer uses more bytes than its type allows.
    IntegerTooLong,
    /// A LEB128 integer has non-zero (or non-sign) unused bits.
    IntegerTooLarge,
    /// Unknown section id.
    UnknownSection(u8),
    /// Section appears after one that must follow it, or twice.
    SectionOutOfOrder,
    /// A section's content did not match its declared size.
    SectionSizeMismatch,
    /// A name is not valid UTF-8.
    MalformedUtf8,
    /// Unknown value type byte.
    MalformedValueType(u8),
    /// Unknown reference type byte.
    MalformedReferenceType(u8),
    /// Unknown import/export kind byte.
    MalformedExternKind(u8),
    /// Unknown limits flag byte.
    MalformedLimits(u8),
    /// Global mutability byte is not 0 or 1.
    MalformedMutability(u8),
    /// Unknown element segment flags.
    MalformedElementKind(u32),
    /// Unknown data segment flags.
    MalformedDataKind(u32),
    /// A function type does not start with 0x60.
    MalformedFunctionType(u8),
    /// A reserved byte was not zero.
    ZeroByteExpected,
    /// Unknown opcode; prefixed opcodes are shown as `0xPP_SS`.
    UnknownOpcode(u32),
    /// Too many locals in a function.
    TooManyLocals,
    /// Function and code sections disagree in length.
    FunctionCodeMismatch,
    /// Data count and data section disagree in length.
    DataCountMismatch,
    /// `memory.init`/`data.drop` used without a data count section.
    DataCountRequired,
    /// A function body did not end with `end` at its declared size.
    BodySizeMismatch,
    // ---- unsupported features ----
    /// A floating point instruction (the name is given).
    FloatInstruction(&'static str),
    /// A floating point type where values must be computed.
    FloatNotSupported,
    /// A 128-bit SIMD type or instruction.
    SimdNotSupported,
    /// Multi-memory (explicit memory indices), memory64 or shared memory.
    MultiMemoryNotSupported,
    // ---- validation ----
    /// Operand types do not match.
    TypeMismatch,
    /// Unknown local index.
    UnknownLocal(u32),
    /// Unknown global index.
    UnknownGlobal(u32),
    /// Unknown function index.
    UnknownFunction(u32),
    /// Unknown table index.
    UnknownTable(u32),
    /// Unknown memory index.
    UnknownMemory(u32),
    /// Unknown type index.
    UnknownType(u32),
    /// Branch depth beyond the enclosing blocks.
    UnknownLabel(u32),
    /// Unknown data segment index.
    UnknownDataSegment(u32),
    /// Unknown element segment index.
    UnknownElementSegment(u32),
    /// `global.set` on an immutable global.
    ImmutableGlobal,
    /// More than one memory (invalid in wasm 2.0; multi-memory is not supported,
    /// so this is reported in the `Unsupported` category).
    MultipleMemories,
    /// Limits with minimum above maximum.
    SizeMinimumGreaterThanMaximum,
    /// Memory larger than 65536 pages.
    MemorySizeTooLarge,
    /// Alignment larger than the access width.
    AlignmentTooLarge,
    /// Two exports with the same name.
    DuplicateExport,
    /// Start function has parameters or results.
    StartFunctionType,
    /// `ref.func` names a function not declared in an element segment, export or global.
    UndeclaredFunctionReference,
    /// A constant expression uses a non-constant instruction.
    ConstantExpressionRequired,
    /// The engine could not prove its own translation safe to run (a bug in
    /// kwasm, reported instead of running the code); names what failed.
    Internal(&'static str),
    // ---- resources ----
    /// A [`Limits`](super::limits::Limits) value was exceeded; names the limit.
    LimitExceeded(&'static str),
    /// Allocation failed.
    OutOfMemory,
    // ---- linking ----
    /// No definition for an import (detail: `module.field`).
    UnknownImport,
    /// An import's definition has the wrong kind or type (detail says which).
    IncompatibleImportType,
    /// A linker definition with this name already exists.
    DuplicateDefinition,
    /// Handle from another store or of the wrong kind.
    InvalidHandle,
    // ---- instantiation ----
    /// Instantiation trapped.
    Trap(TrapKind),
}

impl ErrorKind {
    /// The broad class of this error.
    pub const fn category(self) -> ErrorCategory {
        use ErrorKind::*;
        match self {
            UnexpectedEnd | BadMagic | BadVersion | IntegerTooLong | IntegerTooLarge | UnknownSection(_)
            | SectionOutOfOrder | SectionSizeMismatch | MalformedUtf8 | MalformedValueType(_)
            | MalformedReferenceType(_) | MalformedExternKind(_) | MalformedLimits(_) | MalformedMutability(_)
            | MalformedElementKind(_) | MalformedDataKind(_) | MalformedFunctionType(_) | ZeroByteExpected
            | UnknownOpcode(_) | TooManyLocals | FunctionCodeMismatch | DataCountMismatch | DataCountRequired
            | BodySizeMismatch => ErrorCategory::Decode,
            FloatInstruction(_) | FloatNotSupported | SimdNotSupported | MultiMemoryNotSupported | MultipleMemories
            | Internal(_) => {
                ErrorCategory::Unsupported
            }
            TypeMismatch | UnknownLocal(_) | UnknownGlobal(_) | UnknownFunction(_) | UnknownTable(_)
            | UnknownMemory(_) | UnknownType(_) | UnknownLabel(_) | UnknownDataSegment(_)
            | UnknownElementSegment(_) | ImmutableGlobal | SizeMinimumGreaterThanMaximum
            | MemorySizeTooLarge | AlignmentTooLarge | DuplicateExport | StartFunctionType
            | UndeclaredFunctionReference | ConstantExpressionRequired => ErrorCategory::Validation,
            LimitExceeded(_) => ErrorCategory::Limit,
            OutOfMemory => ErrorCategory::OutOfMemory,
            UnknownImport | IncompatibleImportType | DuplicateDefinition | InvalidHandle => ErrorCategory::Link,
            Trap(_) => ErrorCategory::Trap,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ErrorKind::*;
        match *self {
            UnexpectedEnd => f.write_str("unexpected end"),
            BadMagic => f.write_str("magic header not detected"),
            BadVersion => f.write_str("unknown binary version"),
            IntegerTooLong => f.write_str("integer representation too long"),
            IntegerTooLarge => f.write_str("integer too large"),
            UnknownSection(id) => write!(f, "malformed section id {}", id),
            SectionOutOfOrder => f.write_str("unexpected content after last section (section out of order)"),
            SectionSizeMismatch => f.write_str("section size mismatch"),
            MalformedUtf8 => f.write_str("malformed UTF-8 encoding"),
            MalformedValueType(b) => write!(f, "malformed value type 0x{:02x}", b),
            MalformedReferenceType(b) => write!(f, "malformed reference type 0x{:02x}", b),
            MalformedExternKind(b) => write!(f, "malformed import kind 0x{:02x}", b),
            MalformedLimits(b) => write!(f, "integer too large (limits flag 0x{:02x})", b),
            MalformedMutability(b) => write!(f, "malformed mutability 0x{:02x}", b),
            MalformedElementKind(b) => write!(f, "malformed elements segment kind {}", b),
            MalformedDataKind(b) => write!(f, "malformed data segment kind {}", b),
            MalformedFunctionType(b) => write!(f, "integer representation too long (function type form 0x{:02x})", b),
            ZeroByteExpected => f.write_str("zero byte expected"),
            UnknownOpcode(op) => {
                if op > 0xff {
                    write!(f, "illegal opcode 0x{:02x} 0x{:x}", op >> 16, op & 0xffff)
                } else {
                    write!(f, "illegal opcode 0x{:02x}", op)
                }
            }
            TooManyLocals => f.write_str("too many locals"),
            FunctionCodeMismatch => f.write_str("function and code section have inconsistent lengths"),
            DataCountMismatch => f.write_str("data count and data section have inconsistent lengths"),
            DataCountRequired => f.write_str("data count section required"),
            BodySizeMismatch => f.write_str("section size mismatch (function body)"),
            FloatInstruction(name) => write!(f, "floating point instruction {} not supported", name),
            FloatNotSupported => f.write_str("floating point not supported yet"),
            SimdNotSupported => f.write_str("SIMD not supported"),
            MultiMemoryNotSupported => f.write_str("multi-memory, memory64 and shared memories are not supported"),
            TypeMismatch => f.write_str("type mismatch"),
            UnknownLocal(i) => write!(f, "unknown local {}", i),
            UnknownGlobal(i) => write!(f, "unknown global {}", i),
            UnknownFunction(i) => write!(f, "unknown function {}", i),
            UnknownTable(i) => write!(f, "unknown table {}", i),
            UnknownMemory(i) => write!(f, "unknown memory {}", i),
            UnknownType(i) => write!(f, "unknown type {}", i),
            UnknownLabel(i) => write!(f, "unknown label {}", i),
            UnknownDataSegment(i) => write!(f, "unknown data segment {}", i),
            UnknownElementSegment(i) => write!(f, "unknown elem segment {}", i),
            ImmutableGlobal => f.write_str("global is immutable"),
            MultipleMemories => f.write_str("multiple memories"),
            SizeMinimumGreaterThanMaximum => f.write_str("size minimum must not be greater than maximum"),
            MemorySizeTooLarge => f.write_str("memory size must be at most 65536 pages (4GiB)"),
            AlignmentTooLarge => f.write_str("alignment must not be larger than natural"),
            DuplicateExport => f.write_str("duplicate export name"),
            StartFunctionType => f.write_str("start function must have type [] -> []"),
            UndeclaredFunctionReference => f.write_str("undeclared function reference"),
            ConstantExpressionRequired => f.write_str("constant expression required"),
            Internal(what) => write!(f, "internal error: {} (please report this module)", what),
            LimitExceeded(what) => write!(f, "limit exceeded: {}", what),
            OutOfMemory => f.write_str("out of memory"),
            UnknownImport => f.write_str("unknown import"),
            IncompatibleImportType => f.write_str("incompatible import type"),
            DuplicateDefinition => f.write_str("duplicate definition"),
            InvalidHandle => f.write_str("invalid handle"),
            Trap(kind) => fmt::Display::fmt(&kind, f),
        }
    }
}

/// Fixed-capacity text attached to an error (import names, signatures).
#[derive(Clone, Copy)]
pub(crate) struct Detail {
    bytes: [u8; 96],
    len: u8,
}

impl Detail {
    const EMPTY: Detail = Detail { bytes: [0; 96], len: 0 };

    /// Empty text.
    pub(crate) const fn empty() -> Detail {
        Detail::EMPTY
    }

    /// The text (may be truncated at a character boundary).
    pub(crate) fn as_str(&self) -> &str {
        let bytes = self.bytes.get(..usize::from(self.len)).unwrap_or(&[]);
        match core::str::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => core::str::from_utf8(bytes.get(..e.valid_up_to()).unwrap_or(&[])).unwrap_or(""),
        }
    }
}

impl fmt::Write for Detail {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for ch in s.chars() {
            let mut tmp = [0u8; 4];
            let encoded = ch.encode_utf8(&mut tmp).as_bytes();
            let start = usize::from(self.len);
            let end = start.saturating_add(encoded.len());
            match self.bytes.get_mut(start..end) {
                Some(dst) => {
                    dst.copy_from_slice(encoded);
                    self.len = u8::try_from(end).unwrap_or(u8::MAX);
                }
                None => return Ok(()),
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// An error from decoding, validating, translating or instantiating a module.
#[derive(Clone, Copy, Debug)]
pub struct Error {
    kind: ErrorKind,
    section: Option<SectionKind>,
    function: Option<u32>,
    offset: Option<usize>,
    detail: Detail,
}

impl Error {
    /// A new error without context.
    pub const fn new(kind: ErrorKind) -> Self {
        Error { kind, section: None, function: None, offset: None, detail: Detail::EMPTY }
    }

    /// What went wrong.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Broad class (decode, validation, link, ...).
    pub const fn category(&self) -> ErrorCategory {
        self.kind.category()
    }

    /// The section being processed, if known.
    pub const fn section(&self) -> Option<SectionKind> {
        self.section
    }

    /// Function index (imports included) where the error was found.
    pub const fn function(&self) -> Option<u32> {
        self.function
    }

    /// Byte offset in the module binary.
    pub const fn offset(&self) -> Option<usize> {
        self.offset
    }

    /// Extra text (import name, expected/found types); may be empty.
    pub fn detail(&self) -> &str {
        self.detail.as_str()
    }

    /// The trap kind, if instantiation trapped.
    pub const fn trap(&self) -> Option<TrapKind> {
        match self.kind {
            ErrorKind::Trap(t) => Some(t),
            _ => None,
        }
    }

    pub(crate) fn at(mut self, offset: usize) -> Self {
        if self.offset.is_none() {
            self.offset = Some(offset);
        }
        self
    }

    pub(crate) fn in_section(mut self, section: SectionKind) -> Self {
        if self.section.is_none() {
            self.section = Some(section);
        }
        self
    }

    pub(crate) fn in_function(mut self, index: u32) -> Self {
        if self.function.is_none() {
            self.function = Some(index);
        }
        self
    }

    pub(crate) fn with_text(mut self, detail: Detail) -> Self {
        self.detail = detail;
        self
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error::new(kind)
    }
}

impl From<AllocError> for Error {
    fn from(_: AllocError) -> Self {
        Error::new(ErrorKind::OutOfMemory)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut wrote_context = false;
        if let Some(section) = self.section {
            write!(f, "{} section", section.name())?;
            wrote_context = true;
        }
        if let Some(func) = self.function {
            if wrote_context {
                f.write_str(", ")?;
            }
            write!(f, "function {}", func)?;
            wrote_context = true;
        }
        if let Some(offset) = self.offset {
            if wrote_context {
                f.write_str(", ")?;
            }
            write!(f, "offset 0x{:x}", offset)?;
            wrote_context = true;
        }
        if wrote_context {
            f.write_str(": ")?;
        }
        fmt::Display::fmt(&self.kind, f)?;
        if self.detail.len > 0 {
            write!(f, ": {}", self.detail.as_str())?;
        }
        Ok(())
    }
}

/// Shorthand result type.
pub(crate) type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::{Error, ErrorCategory, ErrorKind, SectionKind};
    use std::string::ToString;

    #[test]
    fn display_is_one_line_with_context() {
        let e = Error::new(ErrorKind::UnknownOpcode(0xfe)).at(0x1a2).in_function(3).in_section(SectionKind::Code);
        assert_eq!(e.to_string(), "code section, function 3, offset 0x1a2: illegal opcode 0xfe");
        assert_eq!(e.category(), ErrorCategory::Decode);
        let plain = Error::new(ErrorKind::TypeMismatch);
        assert_eq!(plain.to_string(), "type mismatch");
    }

    #[test]
    fn detail_truncates_without_panicking() {
        let mut d = super::Detail::empty();
        for _ in 0..100 {
            let _ = core::fmt::Write::write_str(&mut d, "é-long-name.");
        }
        assert!(d.as_str().len() <= 96);
        let e = Error::new(ErrorKind::UnknownImport).with_text(d);
        assert!(e.to_string().starts_with("unknown import: é-long-name."));
    }
}
