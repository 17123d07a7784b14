//! The internal instruction set produced by the translator.
//!
//! A function's locals (parameters first) and its operand stack live in one
//! contiguous region of 64-bit slots on the value stack. `LocalGet(i)` and
//! friends address slot `fp + i`; every branch carries its resolved target
//! (an index into the module's instruction array) and the stack adjustment
//! it needs (`height` slots above `fp` survive, then `keep` results are
//! moved down onto them). Wasm bytes are never looked at during execution.

/// Comparison performed by a fused compare-and-branch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum I32Cmp {
    Eq,
    Ne,
    LtS,
    LtU,
    GtS,
    GtU,
    LeS,
    LeU,
    GeS,
    GeU,
}

impl I32Cmp {
    /// The comparison an op computes, if it is an i32 comparison.
    pub(crate) fn of(op: Op) -> Option<I32Cmp> {
        Some(match op {
            Op::I32Eq => I32Cmp::Eq,
            Op::I32Ne => I32Cmp::Ne,
            Op::I32LtS => I32Cmp::LtS,
            Op::I32LtU => I32Cmp::LtU,
            Op::I32GtS => I32Cmp::GtS,
            Op::I32GtU => I32Cmp::GtU,
            Op::I32LeS => I32Cmp::LeS,
            Op::I32LeU => I32Cmp::LeU,
            Op::I32GeS => I32Cmp::GeS,
            Op::I32GeU => I32Cmp::GeU,
            _ => return None,
        })
    }

    /// Evaluates the comparison.
    pub(crate) fn holds(self, a: u32, b: u32) -> bool {
        let (sa, sb) = (a as i32, b as i32);
        match self {
            I32Cmp::Eq => a == b,
            I32Cmp::Ne => a != b,
            I32Cmp::LtS => sa < sb,
            I32Cmp::LtU => a < b,
            I32Cmp::GtS => sa > sb,
            I32Cmp::GtU => a > b,
            I32Cmp::LeS => sa <= sb,
            I32Cmp::LeU => a <= b,
            I32Cmp::GeS => sa >= sb,
            I32Cmp::GeU => a >= b,
        }
    }
}

/// One internal instruction (16 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Unreachable,
    /// Unconditional jump, no stack change.
    Jump(u32),
    /// Pops an i32; jumps if it is zero (used for `if`).
    JumpIfZero(u32),
    /// Pops an i32; jumps if it is non-zero (a `br_if` that moves no values).
    JumpIfNonZero(u32),
    /// Fused `i32.<cmp>; br_if` that moves no values: pops two i32s, jumps if
    /// the comparison holds.
    JumpIfI32 { cmp: I32Cmp, target: u32 },
    /// Branch: keep the top `keep` slots, placing them at `fp + height`.
    Br { target: u32, height: u32, keep: u32 },
    /// Pops an i32; if non-zero behaves like `Br`.
    BrIf { target: u32, height: u32, keep: u32 },
    /// Pops an index; followed by `len + 1` `BrTableEntry` (the last is the default).
    BrTable { len: u32 },
    /// One target of a preceding `BrTable`.
    BrTableEntry { target: u32, height: u32, keep: u32 },
    /// Return `keep` results to the caller.
    Return { keep: u32 },
    /// Call function `index` of the current instance.
    Call(u32),
    /// Call through a table.
    CallIndirect { type_index: u32, table: u32 },
    Drop,
    Select,
    LocalGet(u32),
    LocalSet(u32),
    LocalTee(u32),
    GlobalGet(u32),
    GlobalSet(u32),
    TableGet(u32),
    TableSet(u32),
    TableSize(u32),
    TableGrow(u32),
    TableFill(u32),
    TableCopy { dst: u32, src: u32 },
    TableInit { table: u32, elem: u32 },
    ElemDrop(u32),
    I32Load(u32),
    I64Load(u32),
    I32Load8S(u32),
    I32Load8U(u32),
    I32Load16S(u32),
    I32Load16U(u32),
    I64Load8S(u32),
    I64Load8U(u32),
    I64Load16S(u32),
    I64Load16U(u32),
    I64Load32S(u32),
    I64Load32U(u32),
    I32Store(u32),
    I64Store(u32),
    I32Store8(u32),
    I32Store16(u32),
    I64Store8(u32),
    I64Store16(u32),
    I64Store32(u32),
    MemorySize,
    MemoryGrow,
    MemoryInit(u32),
    DataDrop(u32),
    MemoryCopy,
    MemoryFill,
    /// Push a constant slot (i32 zero-extended, i64, or a null reference).
    Const(u64),
    RefIsNull,
    RefFunc(u32),
    I32Eqz,
    I32Eq,
    I32Ne,
    I32LtS,
    I32LtU,
    I32GtS,
    I32GtU,
    I32LeS,
    I32LeU,
    I32GeS,
    I32GeU,
    I64Eqz,
    I64Eq,
    I64Ne,
    I64LtS,
    I64LtU,
    I64GtS,
    I64GtU,
    I64LeS,
    I64LeU,
    I64GeS,
    I64GeU,
    I32Clz,
    I32Ctz,
    I32Popcnt,
    I32Add,
    I32Sub,
    I32Mul,
    I32DivS,
    I32DivU,
    I32RemS,
    I32RemU,
    I32And,
    I32Or,
    I32Xor,
    I32Shl,
    I32ShrS,
    I32ShrU,
    I32Rotl,
    I32Rotr,
    I64Clz,
    I64Ctz,
    I64Popcnt,
    I64Add,
    I64Sub,
    I64Mul,
    I64DivS,
    I64DivU,
    I64RemS,
    I64RemU,
    I64And,
    I64Or,
    I64Xor,
    I64Shl,
    I64ShrS,
    I64ShrU,
    I64Rotl,
    I64Rotr,
    I32WrapI64,
    I64ExtendI32S,
    I64ExtendI32U,
    I32Extend8S,
    I32Extend16S,
    I64Extend8S,
    I64Extend16S,
    I64Extend32S,
    /// Fused `local.get a; local.get b; i32.add`.
    I32AddLocals(u32, u32),
    /// Fused `local.get a; i32.const c; i32.add`.
    I32AddLocalConst(u32, i32),
    /// Fused `local.get a; i32.load offset`.
    I32LoadLocal { local: u32, offset: u32 },
    /// Fused `local.get addr; local.get value; i32.store offset`.
    I32StoreLocals { addr: u32, value: u32, offset: u32 },
    /// Fused `local.get a; local.get b; i32.<cmp>; br_if` that moves no values.
    JumpIfI32Locals { cmp: I32Cmp, a: u16, b: u16, target: u32 },
    /// Fused `local.get a; i32.const c; i32.<cmp>; br_if` that moves no values.
    JumpIfI32LocalConst { cmp: I32Cmp, a: u16, c: i32, target: u32 },
    /// Fused `local.get a; local.get b; i32.add; local.set d`.
    I32AddLocalsSet { a: u32, b: u32, dst: u32 },
    /// Fused `local.get a; i32.const c; i32.add; local.set d`.
    I32AddLocalConstSet { a: u32, c: i32, dst: u32 },
    /// Fused `local.get a; i32.const c; i32.add; local.tee d`.
    I32AddLocalConstTee { a: u32, c: i32, dst: u32 },
}

#[cfg(test)]
mod tests {
    #[test]
    fn op_is_compact() {
        assert!(core::mem::size_of::<super::Op>() <= 16);
    }
}
