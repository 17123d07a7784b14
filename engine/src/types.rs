//! Value types, function types, runtime values and store handles.

use core::fmt;

use super::buf::{AllocError, Buf};

/// A WebAssembly value type as it appears in the binary format.
///
/// `F32`/`F64` are decoded and may flow through locals, parameters and
/// `select`/`drop` as raw bits; every float *instruction* is refused by the
/// translator (see `translate::opcodes::float_instruction_name`), which is the
/// seam for adding software floating point later.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit float (carried as bits only).
    F32,
    /// 64-bit float (carried as bits only).
    F64,
    /// 128-bit vector (always rejected).
    V128,
    /// Nullable function reference.
    FuncRef,
    /// Nullable host reference.
    ExternRef,
}

/// Every value type, so single-type slices can be borrowed statically.
pub(crate) static ALL_VALTYPES: [ValType; 7] =
    [ValType::I32, ValType::I64, ValType::F32, ValType::F64, ValType::V128, ValType::FuncRef, ValType::ExternRef];

impl ValType {
    /// True for `funcref` and `externref`.
    pub const fn is_ref(self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef)
    }

    /// Text-format name.
    pub const fn name(self) -> &'static str {
        match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        }
    }

    /// A one-element static slice containing `self`.
    pub(crate) fn as_slice(self) -> &'static [ValType] {
        let index: usize = match self {
            ValType::I32 => 0,
            ValType::I64 => 1,
            ValType::F32 => 2,
            ValType::F64 => 3,
            ValType::V128 => 4,
            ValType::FuncRef => 5,
            ValType::ExternRef => 6,
        };
        ALL_VALTYPES.get(index..index.wrapping_add(1)).unwrap_or(&[])
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A function signature.
#[derive(Debug)]
pub struct FuncType {
    types: Buf<ValType>,
    params_len: usize,
}

impl FuncType {
    /// Builds a signature from parameter and result types.
    pub fn try_new(params: &[ValType], results: &[ValType]) -> Result<Self, AllocError> {
        let mut types = Buf::try_with_capacity(params.len().saturating_add(results.len()))?;
        types.try_extend_from_slice(params)?;
        types.try_extend_from_slice(results)?;
        Ok(FuncType { types, params_len: params.len() })
    }

    /// Parameter types.
    pub fn params(&self) -> &[ValType] {
        self.types.get(..self.params_len).unwrap_or(&[])
    }

    /// Result types.
    pub fn results(&self) -> &[ValType] {
        self.types.get(self.params_len..).unwrap_or(&[])
    }

    /// True if both signatures have the same params and results.
    pub fn matches(&self, params: &[ValType], results: &[ValType]) -> bool {
        self.params() == params && self.results() == results
    }

    pub(crate) fn try_clone(&self) -> Result<Self, AllocError> {
        Ok(FuncType { types: self.types.try_clone()?, params_len: self.params_len })
    }
}

impl PartialEq for FuncType {
    fn eq(&self, other: &Self) -> bool {
        self.matches(other.params(), other.results())
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_list(f, self.params())?;
        f.write_str(" -> ")?;
        write_list(f, self.results())
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, types: &[ValType]) -> fmt::Result {
    f.write_str("(")?;
    for (i, t) in types.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        f.write_str(t.name())?;
    }
    f.write_str(")")
}

/// Handle of a function in a [`Store`](super::store::Store).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FuncId(pub(crate) u32);
/// Handle of a table in a [`Store`](super::store::Store).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableId(pub(crate) u32);
/// Handle of a linear memory in a [`Store`](super::store::Store).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryId(pub(crate) u32);
/// Handle of a global in a [`Store`](super::store::Store).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GlobalId(pub(crate) u32);
/// Handle of an instance in a [`Store`](super::store::Store).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstanceId(pub(crate) u32);

impl FuncId {
    /// Raw index inside the store (stable for the store's lifetime).
    pub const fn index(self) -> u32 {
        self.0
    }
}

/// A runtime value passed to or from wasm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    /// 32-bit integer.
    I32(i32),
    /// 64-bit integer.
    I64(i64),
    /// 32-bit float as raw IEEE bits (no arithmetic is ever performed).
    F32(u32),
    /// 64-bit float as raw IEEE bits (no arithmetic is ever performed).
    F64(u64),
    /// Function reference (`None` is `ref.null func`).
    FuncRef(Option<FuncId>),
    /// Host reference (`None` is `ref.null extern`).
    ExternRef(Option<u32>),
}

impl Value {
    /// Type of the value.
    pub const fn ty(&self) -> ValType {
        match self {
            Value::I32(_) => ValType::I32,
            Value::I64(_) => ValType::I64,
            Value::F32(_) => ValType::F32,
            Value::F64(_) => ValType::F64,
            Value::FuncRef(_) => ValType::FuncRef,
            Value::ExternRef(_) => ValType::ExternRef,
        }
    }

    /// The zero/null value of a type.
    pub const fn default_of(ty: ValType) -> Value {
        match ty {
            ValType::I32 | ValType::V128 => Value::I32(0),
            ValType::I64 => Value::I64(0),
            ValType::F32 => Value::F32(0),
            ValType::F64 => Value::F64(0),
            ValType::FuncRef => Value::FuncRef(None),
            ValType::ExternRef => Value::ExternRef(None),
        }
    }

    /// Encodes into a 64-bit stack slot (references: 0 is null, else index + 1).
    pub(crate) fn to_bits(self) -> u64 {
        match self {
            Value::I32(v) => u64::from(v as u32),
            Value::I64(v) => v as u64,
            Value::F32(v) => u64::from(v),
            Value::F64(v) => v,
            Value::FuncRef(r) => match r {
                Some(f) => u64::from(f.0).wrapping_add(1),
                None => 0,
            },
            Value::ExternRef(r) => match r {
                Some(x) => u64::from(x).wrapping_add(1),
                None => 0,
            },
        }
    }

    /// Decodes a 64-bit stack slot of the given type.
    pub(crate) fn from_bits(ty: ValType, bits: u64) -> Value {
        match ty {
            ValType::I32 | ValType::V128 => Value::I32(bits as u32 as i32),
            ValType::I64 => Value::I64(bits as i64),
            ValType::F32 => Value::F32(bits as u32),
            ValType::F64 => Value::F64(bits),
            ValType::FuncRef => {
                Value::FuncRef(if bits == 0 { None } else { Some(FuncId(bits.wrapping_sub(1) as u32)) })
            }
            ValType::ExternRef => {
                Value::ExternRef(if bits == 0 { None } else { Some(bits.wrapping_sub(1) as u32) })
            }
        }
    }

    /// The `i32` payload, if this is an `I32`.
    pub const fn i32(&self) -> Option<i32> {
        match self {
            Value::I32(v) => Some(*v),
            _ => None,
        }
    }

    /// The `i64` payload, if this is an `I64`.
    pub const fn i64(&self) -> Option<i64> {
        match self {
            Value::I64(v) => Some(*v),
            _ => None,
        }
    }
}
