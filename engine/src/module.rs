//! A decoded, validated and translated module.

use super::buf::Buf;
use super::decode;
use super::error::Result;
use super::limits::Limits;
use super::translate::ops::Instr;
use super::types::{FuncType, ValType};

/// A constant initialiser expression. Single-instruction expressions are
/// stored inline; extended-const expressions (with `i32.add` etc.) live in
/// `Module::const_ops[start..start + len]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ConstExpr {
    I32(i32),
    I64(i64),
    RefNull(ValType),
    RefFunc(u32),
    GlobalGet(u32),
    Extended { start: u32, len: u32 },
}

/// One instruction of an extended constant expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ConstOp {
    /// Push a single-instruction value (never `Extended`).
    Push(ConstExpr),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
}

/// Table type: element type and size limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableType {
    /// Element reference type.
    pub elem: ValType,
    /// Minimum (initial) size.
    pub min: u32,
    /// Optional maximum size.
    pub max: Option<u32>,
}

/// Memory type: size limits in 64 KiB pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryType {
    /// Minimum (initial) pages.
    pub min: u32,
    /// Optional maximum pages.
    pub max: Option<u32>,
}

/// Global type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GlobalType {
    /// Value type.
    pub ty: ValType,
    /// Whether `global.set` is allowed.
    pub mutable: bool,
}

/// Kind of an import or export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExternKind {
    /// A function.
    Func,
    /// A table.
    Table,
    /// A linear memory.
    Memory,
    /// A global.
    Global,
}

impl ExternKind {
    /// Lower-case name.
    pub const fn name(self) -> &'static str {
        match self {
            ExternKind::Func => "function",
            ExternKind::Table => "table",
            ExternKind::Memory => "memory",
            ExternKind::Global => "global",
        }
    }
}

/// What an import expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ImportDesc {
    Func(u32),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
}

pub(crate) struct Import {
    pub(crate) module: Buf<u8>,
    pub(crate) name: Buf<u8>,
    pub(crate) desc: ImportDesc,
}

pub(crate) struct Export {
    pub(crate) name: Buf<u8>,
    pub(crate) kind: ExternKind,
    pub(crate) index: u32,
}

#[derive(Clone, Copy)]
pub(crate) enum ElemMode {
    Passive,
    Declarative,
    Active { table: u32, offset: ConstExpr },
}

pub(crate) struct ElemSegment {
    pub(crate) ty: ValType,
    pub(crate) mode: ElemMode,
    pub(crate) items: Buf<ConstExpr>,
}

#[derive(Clone, Copy)]
pub(crate) enum DataMode {
    Passive,
    Active { offset: ConstExpr },
}

pub(crate) struct DataSegment {
    pub(crate) mode: DataMode,
    pub(crate) bytes: Buf<u8>,
}

/// A translated function body.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FuncBody {
    /// Index of the first instruction in `Module::code`.
    pub(crate) start: u32,
    /// Number of parameters.
    pub(crate) params: u32,
    /// Number of non-parameter locals (zero-initialised on entry).
    pub(crate) extra_locals: u32,
    /// Slots the frame needs: locals plus the deepest operand stack.
    pub(crate) frame_slots: u32,
}

/// Type of an import or export, for embedders that inspect modules.
#[derive(Clone, Copy, Debug)]
pub enum ExternType<'a> {
    /// Function with its signature.
    Func(&'a FuncType),
    /// Table type.
    Table(TableType),
    /// Memory type.
    Memory(MemoryType),
    /// Global type.
    Global(GlobalType),
}

/// A module: decoded, validated and translated once at load time.
pub struct Module {
    pub(crate) types: Buf<FuncType>,
    pub(crate) imports: Buf<Import>,
    /// Type index of every function (imported first).
    pub(crate) funcs: Buf<u32>,
    pub(crate) imported_funcs: u32,
    pub(crate) tables: Buf<TableType>,
    pub(crate) imported_tables: u32,
    pub(crate) memories: Buf<MemoryType>,
    pub(crate) imported_memories: u32,
    pub(crate) globals: Buf<GlobalType>,
    pub(crate) imported_globals: u32,
    /// Initialisers of the defined (non-imported) globals.
    pub(crate) global_inits: Buf<ConstExpr>,
    /// Instructions of extended constant expressions.
    pub(crate) const_ops: Buf<ConstOp>,
    pub(crate) exports: Buf<Export>,
    pub(crate) start: Option<u32>,
    pub(crate) elems: Buf<ElemSegment>,
    pub(crate) datas: Buf<DataSegment>,
    pub(crate) data_count: Option<u32>,
    pub(crate) bodies: Buf<FuncBody>,
    pub(crate) code: Buf<Instr>,
}

impl Module {
    /// Decodes, validates and translates a module binary.
    pub fn new(bytes: &[u8], limits: &Limits) -> Result<Module> {
        decode::decode_module(bytes, limits)
    }

    pub(crate) fn empty() -> Module {
        Module {
            types: Buf::new(),
            imports: Buf::new(),
            funcs: Buf::new(),
            imported_funcs: 0,
            tables: Buf::new(),
            imported_tables: 0,
            memories: Buf::new(),
            imported_memories: 0,
            globals: Buf::new(),
            imported_globals: 0,
            global_inits: Buf::new(),
            const_ops: Buf::new(),
            exports: Buf::new(),
            start: None,
            elems: Buf::new(),
            datas: Buf::new(),
            data_count: None,
            bodies: Buf::new(),
            code: Buf::new(),
        }
    }

    /// Signature of function `index` (imports included).
    pub(crate) fn func_type(&self, index: u32) -> Option<&FuncType> {
        let ty = self.funcs.get(usize::try_from(index).ok()?)?;
        self.types.get(usize::try_from(*ty).ok()?)
    }

    fn extern_type(&self, kind: ExternKind, index: u32) -> Option<ExternType<'_>> {
        let i = usize::try_from(index).ok()?;
        Some(match kind {
            ExternKind::Func => ExternType::Func(self.func_type(index)?),
            ExternKind::Table => ExternType::Table(*self.tables.get(i)?),
            ExternKind::Memory => ExternType::Memory(*self.memories.get(i)?),
            ExternKind::Global => ExternType::Global(*self.globals.get(i)?),
        })
    }

    /// Number of imports.
    pub fn import_count(&self) -> usize {
        self.imports.len()
    }

    /// Import `i` as `(module, field, type)`.
    pub fn import(&self, i: usize) -> Option<(&str, &str, ExternType<'_>)> {
        let imp = self.imports.get(i)?;
        let module = core::str::from_utf8(&imp.module).ok()?;
        let name = core::str::from_utf8(&imp.name).ok()?;
        let ty = match imp.desc {
            ImportDesc::Func(t) => ExternType::Func(self.types.get(usize::try_from(t).ok()?)?),
            ImportDesc::Table(t) => ExternType::Table(t),
            ImportDesc::Memory(m) => ExternType::Memory(m),
            ImportDesc::Global(g) => ExternType::Global(g),
        };
        Some((module, name, ty))
    }

    /// Number of exports.
    pub fn export_count(&self) -> usize {
        self.exports.len()
    }

    /// Export `i` as `(name, type)`.
    pub fn export(&self, i: usize) -> Option<(&str, ExternType<'_>)> {
        let exp = self.exports.get(i)?;
        let name = core::str::from_utf8(&exp.name).ok()?;
        Some((name, self.extern_type(exp.kind, exp.index)?))
    }

    /// Looks up an export by name.
    pub fn export_by_name(&self, name: &str) -> Option<ExternType<'_>> {
        let exp = self.exports.iter().find(|e| e.name.as_slice() == name.as_bytes())?;
        self.extern_type(exp.kind, exp.index)
    }

    pub(crate) fn find_export(&self, name: &str) -> Option<(ExternKind, u32)> {
        let exp = self.exports.iter().find(|e| e.name.as_slice() == name.as_bytes())?;
        Some((exp.kind, exp.index))
    }

    /// A deep copy, so one validated module can be instantiated several
    /// times ([`Store::instantiate`](super::store::Store::instantiate) takes
    /// the module by value).
    pub fn try_clone(&self) -> Result<Module> {
        let mut types = Buf::try_with_capacity(self.types.len())?;
        for t in self.types.iter() {
            types.try_push(t.try_clone()?)?;
        }
        let mut imports = Buf::try_with_capacity(self.imports.len())?;
        for i in self.imports.iter() {
            imports.try_push(Import { module: i.module.try_clone()?, name: i.name.try_clone()?, desc: i.desc })?;
        }
        let mut exports = Buf::try_with_capacity(self.exports.len())?;
        for e in self.exports.iter() {
            exports.try_push(Export { name: e.name.try_clone()?, kind: e.kind, index: e.index })?;
        }
        let mut elems = Buf::try_with_capacity(self.elems.len())?;
        for e in self.elems.iter() {
            elems.try_push(ElemSegment { ty: e.ty, mode: e.mode, items: e.items.try_clone()? })?;
        }
        let mut datas = Buf::try_with_capacity(self.datas.len())?;
        for d in self.datas.iter() {
            datas.try_push(DataSegment { mode: d.mode, bytes: d.bytes.try_clone()? })?;
        }
        Ok(Module {
            types,
            imports,
            funcs: self.funcs.try_clone()?,
            imported_funcs: self.imported_funcs,
            tables: self.tables.try_clone()?,
            imported_tables: self.imported_tables,
            memories: self.memories.try_clone()?,
            imported_memories: self.imported_memories,
            globals: self.globals.try_clone()?,
            imported_globals: self.imported_globals,
            global_inits: self.global_inits.try_clone()?,
            const_ops: self.const_ops.try_clone()?,
            exports,
            start: self.start,
            elems,
            datas,
            data_count: self.data_count,
            bodies: self.bodies.try_clone()?,
            code: self.code.try_clone()?,
        })
    }

    /// Number of translated internal instructions (a size metric).
    pub fn code_len(&self) -> usize {
        self.code.len()
    }
}
