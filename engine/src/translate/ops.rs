//! The internal instruction set produced by the translator: a register
//! machine over frame slots.
//!
//! A function's frame is a run of 64-bit slots: its locals (parameters
//! first), then one slot per operand-stack height, so the wasm value at
//! height `h` always lives in slot `locals + h`. Because wasm stack heights
//! are known statically, every instruction names its operand and result
//! slots directly and execution never keeps a stack pointer. `local.get`
//! and constants usually cost nothing: instructions read locals in place and
//! take small constants as immediates.
//!
//! Every instruction is one fixed-size [`Instr`]; which of its fields are
//! slots is given by its [`Shape`], which the load-time verifier
//! (`translate::verify`) checks against the frame size so the interpreter
//! can index frames without further checks.

/// How an instruction uses the slot fields of its [`Instr`]. The names
/// spell the fields involved (`D`: result slot `d`, `A`/`B`: operand slots,
/// `T`: slot in `target`, `J`: branch target).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(clippy::upper_case_acronyms)]
pub(crate) enum Shape {
    /// No slot operands.
    None,
    /// Writes `d`.
    D,
    /// Reads `a`.
    A,
    /// Reads `a` and `b`.
    AB,
    /// Writes `d`, reads `a`.
    DA,
    /// Writes `d`, reads `a` and `b`.
    DAB,
    /// Writes `d`, reads `a`, `b` and the slot in `target` (`select`).
    DABT,
    /// Reads `a`, `a + 1`, `a + 2` (bulk memory and table instructions).
    Range3,
    /// Writes `d`, reads `a` and `a + 1` (`table.grow`).
    DRange2,
    /// Reads `imm` slots starting at `a` (multi-value `return`).
    RangeImm,
    /// Calls: arguments start at slot `a`, results are written there.
    Call,
    /// Indirect call: like `Call`, with the table index in slot `b`.
    CallIndirect,
    /// Jumps to `target`.
    J,
    /// Reads `a`; may jump to `target`.
    JA,
    /// Reads `a` and `b`; may jump to `target`.
    JAB,
    /// Writes `d`, reads `b` (its first operand is the accumulator).
    DB,
    /// Writes `d`, reads `a`; may jump to `target`.
    DAJ,
    /// Writes `d`, reads `a` and `b`; may jump to `target`.
    DABJ,
    /// Reads `b` (first operand from and result to the accumulator).
    B,
    /// Reads `a`; followed by `imm + 1` `Jump` entries (`br_table`).
    Table,
}

impl Shape {
    /// Whether the instruction's `target` is a branch target.
    pub(crate) fn has_branch_target(self) -> bool {
        matches!(self, Shape::J | Shape::JA | Shape::JAB | Shape::DAJ | Shape::DABJ)
    }

    /// Whether `d` is a result slot the instruction writes and nothing else.
    pub(crate) fn writes_d(self) -> bool {
        matches!(self, Shape::D | Shape::DA | Shape::DAB | Shape::DABT | Shape::DRange2 | Shape::DB)
    }
}

macro_rules! ops {
    ($( $(#[$doc:meta])* $name:ident: $shape:ident, )*) => {
        /// What an instruction does.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u16)]
        pub(crate) enum Op {
            $( $(#[$doc])* $name, )*
        }

        impl Op {
            /// Which fields of the instruction are slots or branch targets.
            pub(crate) fn shape(self) -> Shape {
                match self {
                    $( Op::$name => Shape::$shape, )*
                }
            }
        }
    };
}

ops! {
    /// Traps.
    Unreachable: None,
    /// Continues at `target`.
    Jump: J,
    /// Jumps to the `Jump` at `pc + 1 + min(slot a, imm)`.
    BrTable: Table,
    /// Returns no values.
    Return0: None,
    /// Returns slot `a`.
    Return1: A,
    /// Returns `imm` values from slots `a..`.
    ReturnN: RangeImm,
    /// Calls function `imm` of this instance.
    Call: Call,
    /// Calls function `imm` of this instance, which the module itself
    /// defines (not an import), so its code is known without a lookup.
    CallInternal: Call,
    /// Calls through table `target` with expected type `imm`.
    CallIndirect: CallIndirect,

    /// Branches if i32 `a` is zero.
    BrEqz32: JA,
    /// Branches if i32 `a` is not zero.
    BrNez32: JA,
    /// Branches if i64 `a` is zero.
    BrEqz64: JA,
    /// Branches if i64 `a` is not zero.
    BrNez64: JA,
    BrEq32: JAB, BrNe32: JAB, BrLtS32: JAB, BrLtU32: JAB, BrGtS32: JAB,
    BrGtU32: JAB, BrLeS32: JAB, BrLeU32: JAB, BrGeS32: JAB, BrGeU32: JAB,
    /// Compare-and-branch against the immediate `imm`.
    BrEq32Imm: JA, BrNe32Imm: JA, BrLtS32Imm: JA, BrLtU32Imm: JA, BrGtS32Imm: JA,
    BrGtU32Imm: JA, BrLeS32Imm: JA, BrLeU32Imm: JA, BrGeS32Imm: JA, BrGeU32Imm: JA,
    BrEq64: JAB, BrNe64: JAB, BrLtS64: JAB, BrLtU64: JAB, BrGtS64: JAB,
    BrGtU64: JAB, BrLeS64: JAB, BrLeU64: JAB, BrGeS64: JAB, BrGeU64: JAB,
    /// i64 compare-and-branch against `imm` sign-extended.
    BrEq64Imm: JA, BrNe64Imm: JA, BrLtS64Imm: JA, BrLtU64Imm: JA, BrGtS64Imm: JA,
    BrGtU64Imm: JA, BrLeS64Imm: JA, BrLeU64Imm: JA, BrGeS64Imm: JA, BrGeU64Imm: JA,

    /// Counter steps fused with the branch that tests the result:
    /// `d = a + imm` (i32), then branch to `target` if the new value is
    /// zero / non-zero / compares with slot `b`.
    AddImmBrEqz: DAJ, AddImmBrNez: DAJ,
    AddImmBrEq: DABJ, AddImmBrNe: DABJ, AddImmBrLtS: DABJ, AddImmBrLtU: DABJ, AddImmBrGtS: DABJ,
    AddImmBrGtU: DABJ, AddImmBrLeS: DABJ, AddImmBrLeU: DABJ, AddImmBrGeS: DABJ, AddImmBrGeU: DABJ,
    /// The same against a small constant held in `b` (sign-extended for the
    /// signed comparisons, zero-extended otherwise).
    AddImmBrEqK: DAJ, AddImmBrNeK: DAJ, AddImmBrLtSK: DAJ, AddImmBrLtUK: DAJ, AddImmBrGtSK: DAJ,
    AddImmBrGtUK: DAJ, AddImmBrLeSK: DAJ, AddImmBrLeUK: DAJ, AddImmBrGeSK: DAJ, AddImmBrGeUK: DAJ,

    /// `d = a`.
    Copy: DA,
    /// `d = imm` (zero-extended).
    Const32: D,
    /// `d = imm | target << 32`.
    Const64: D,
    /// `d = if slot target != 0 { a } else { b }`.
    Select: DABT,
    GlobalGet: D,
    GlobalSet: A,
    /// `d = table[imm][a]`.
    TableGet: DA,
    /// `table[imm][a] = b`.
    TableSet: AB,
    TableSize: D,
    /// `d = table.grow imm (init a, delta a + 1)`.
    TableGrow: DRange2,
    /// `table.fill imm (index a, value a + 1, count a + 2)`.
    TableFill: Range3,
    /// `table.copy imm target (dst a, src a + 1, count a + 2)`.
    TableCopy: Range3,
    /// `table.init imm target (dst a, src a + 1, count a + 2)`.
    TableInit: Range3,
    ElemDrop: None,

    /// Loads: `d = memory[a + imm]`.
    I32Load: DA, I64Load: DA, I32Load8S: DA, I32Load8U: DA, I32Load16S: DA, I32Load16U: DA,
    I64Load8S: DA, I64Load8U: DA, I64Load16S: DA, I64Load16U: DA, I64Load32S: DA, I64Load32U: DA,
    /// Stores: `memory[a + imm] = b`.
    I32Store: AB, I64Store: AB, Store8: AB, Store16: AB, Store32: AB,
    /// Stores of a constant: `memory[a + imm] = target` (sign-extended for `I64StoreImm`).
    I32StoreImm: A, I64StoreImm: A, Store8Imm: A, Store16Imm: A, Store32Imm: A,
    MemorySize: D,
    MemoryGrow: DA,
    /// `memory.init imm (dst a, src a + 1, count a + 2)`.
    MemoryInit: Range3,
    DataDrop: None,
    MemoryCopy: Range3,
    MemoryFill: Range3,
    RefIsNull: DA,
    RefFunc: D,

    I32Eqz: DA, I64Eqz: DA,
    I32Clz: DA, I32Ctz: DA, I32Popcnt: DA, I64Clz: DA, I64Ctz: DA, I64Popcnt: DA,
    I32WrapI64: DA, I64ExtendI32S: DA, I64ExtendI32U: DA,
    I32Extend8S: DA, I32Extend16S: DA, I64Extend8S: DA, I64Extend16S: DA, I64Extend32S: DA,

    I32Eq: DAB, I32Ne: DAB, I32LtS: DAB, I32LtU: DAB, I32GtS: DAB,
    I32GtU: DAB, I32LeS: DAB, I32LeU: DAB, I32GeS: DAB, I32GeU: DAB,
    I32Add: DAB, I32Sub: DAB, I32Mul: DAB, I32DivS: DAB, I32DivU: DAB, I32RemS: DAB, I32RemU: DAB,
    I32And: DAB, I32Or: DAB, I32Xor: DAB, I32Shl: DAB, I32ShrS: DAB, I32ShrU: DAB, I32Rotl: DAB, I32Rotr: DAB,
    I64Eq: DAB, I64Ne: DAB, I64LtS: DAB, I64LtU: DAB, I64GtS: DAB,
    I64GtU: DAB, I64LeS: DAB, I64LeU: DAB, I64GeS: DAB, I64GeU: DAB,
    I64Add: DAB, I64Sub: DAB, I64Mul: DAB, I64DivS: DAB, I64DivU: DAB, I64RemS: DAB, I64RemU: DAB,
    I64And: DAB, I64Or: DAB, I64Xor: DAB, I64Shl: DAB, I64ShrS: DAB, I64ShrU: DAB, I64Rotl: DAB, I64Rotr: DAB,

    /// Binary operations with the right operand the immediate `imm`
    /// (sign-extended for i64).
    I32EqImm: DA, I32NeImm: DA, I32LtSImm: DA, I32LtUImm: DA, I32GtSImm: DA,
    I32GtUImm: DA, I32LeSImm: DA, I32LeUImm: DA, I32GeSImm: DA, I32GeUImm: DA,
    I32AddImm: DA, I32SubImm: DA, I32MulImm: DA, I32DivSImm: DA, I32DivUImm: DA, I32RemSImm: DA, I32RemUImm: DA,
    I32AndImm: DA, I32OrImm: DA, I32XorImm: DA, I32ShlImm: DA, I32ShrSImm: DA, I32ShrUImm: DA, I32RotlImm: DA, I32RotrImm: DA,
    I64EqImm: DA, I64NeImm: DA, I64LtSImm: DA, I64LtUImm: DA, I64GtSImm: DA,
    I64GtUImm: DA, I64LeSImm: DA, I64LeUImm: DA, I64GeSImm: DA, I64GeUImm: DA,
    I64AddImm: DA, I64SubImm: DA, I64MulImm: DA, I64DivSImm: DA, I64DivUImm: DA, I64RemSImm: DA, I64RemUImm: DA,
    I64AndImm: DA, I64OrImm: DA, I64XorImm: DA, I64ShlImm: DA, I64ShrSImm: DA, I64ShrUImm: DA, I64RotlImm: DA, I64RotrImm: DA,

    // Accumulator forms (see `AccForms`): `…AccIn` takes its first operand
    // from the accumulator, `…AccOut` leaves its result there, `…Acc` both.
    I32AddAccIn: DB, I32AddAccOut: AB, I32AddAcc: B,
    I32SubAccIn: DB, I32SubAccOut: AB, I32SubAcc: B,
    I32MulAccIn: DB, I32MulAccOut: AB, I32MulAcc: B,
    I32DivSAccIn: DB, I32DivSAccOut: AB, I32DivSAcc: B,
    I32DivUAccIn: DB, I32DivUAccOut: AB, I32DivUAcc: B,
    I32RemSAccIn: DB, I32RemSAccOut: AB, I32RemSAcc: B,
    I32RemUAccIn: DB, I32RemUAccOut: AB, I32RemUAcc: B,
    I32AndAccIn: DB, I32AndAccOut: AB, I32AndAcc: B,
    I32OrAccIn: DB, I32OrAccOut: AB, I32OrAcc: B,
    I32XorAccIn: DB, I32XorAccOut: AB, I32XorAcc: B,
    I32ShlAccIn: DB, I32ShlAccOut: AB, I32ShlAcc: B,
    I32ShrSAccIn: DB, I32ShrSAccOut: AB, I32ShrSAcc: B,
    I32ShrUAccIn: DB, I32ShrUAccOut: AB, I32ShrUAcc: B,
    I32RotlAccIn: DB, I32RotlAccOut: AB, I32RotlAcc: B,
    I32RotrAccIn: DB, I32RotrAccOut: AB, I32RotrAcc: B,
    I64AddAccIn: DB, I64AddAccOut: AB, I64AddAcc: B,
    I64SubAccIn: DB, I64SubAccOut: AB, I64SubAcc: B,
    I64MulAccIn: DB, I64MulAccOut: AB, I64MulAcc: B,
    I64DivSAccIn: DB, I64DivSAccOut: AB, I64DivSAcc: B,
    I64DivUAccIn: DB, I64DivUAccOut: AB, I64DivUAcc: B,
    I64RemSAccIn: DB, I64RemSAccOut: AB, I64RemSAcc: B,
    I64RemUAccIn: DB, I64RemUAccOut: AB, I64RemUAcc: B,
    I64AndAccIn: DB, I64AndAccOut: AB, I64AndAcc: B,
    I64OrAccIn: DB, I64OrAccOut: AB, I64OrAcc: B,
    I64XorAccIn: DB, I64XorAccOut: AB, I64XorAcc: B,
    I64ShlAccIn: DB, I64ShlAccOut: AB, I64ShlAcc: B,
    I64ShrSAccIn: DB, I64ShrSAccOut: AB, I64ShrSAcc: B,
    I64ShrUAccIn: DB, I64ShrUAccOut: AB, I64ShrUAcc: B,
    I64RotlAccIn: DB, I64RotlAccOut: AB, I64RotlAcc: B,
    I64RotrAccIn: DB, I64RotrAccOut: AB, I64RotrAcc: B,
    I32AddImmAccIn: D, I32AddImmAccOut: A, I32AddImmAcc: None,
    I32SubImmAccIn: D, I32SubImmAccOut: A, I32SubImmAcc: None,
    I32MulImmAccIn: D, I32MulImmAccOut: A, I32MulImmAcc: None,
    I32DivSImmAccIn: D, I32DivSImmAccOut: A, I32DivSImmAcc: None,
    I32DivUImmAccIn: D, I32DivUImmAccOut: A, I32DivUImmAcc: None,
    I32RemSImmAccIn: D, I32RemSImmAccOut: A, I32RemSImmAcc: None,
    I32RemUImmAccIn: D, I32RemUImmAccOut: A, I32RemUImmAcc: None,
    I32AndImmAccIn: D, I32AndImmAccOut: A, I32AndImmAcc: None,
    I32OrImmAccIn: D, I32OrImmAccOut: A, I32OrImmAcc: None,
    I32XorImmAccIn: D, I32XorImmAccOut: A, I32XorImmAcc: None,
    I32ShlImmAccIn: D, I32ShlImmAccOut: A, I32ShlImmAcc: None,
    I32ShrSImmAccIn: D, I32ShrSImmAccOut: A, I32ShrSImmAcc: None,
    I32ShrUImmAccIn: D, I32ShrUImmAccOut: A, I32ShrUImmAcc: None,
    I32RotlImmAccIn: D, I32RotlImmAccOut: A, I32RotlImmAcc: None,
    I32RotrImmAccIn: D, I32RotrImmAccOut: A, I32RotrImmAcc: None,
    I64AddImmAccIn: D, I64AddImmAccOut: A, I64AddImmAcc: None,
    I64SubImmAccIn: D, I64SubImmAccOut: A, I64SubImmAcc: None,
    I64MulImmAccIn: D, I64MulImmAccOut: A, I64MulImmAcc: None,
    I64DivSImmAccIn: D, I64DivSImmAccOut: A, I64DivSImmAcc: None,
    I64DivUImmAccIn: D, I64DivUImmAccOut: A, I64DivUImmAcc: None,
    I64RemSImmAccIn: D, I64RemSImmAccOut: A, I64RemSImmAcc: None,
    I64RemUImmAccIn: D, I64RemUImmAccOut: A, I64RemUImmAcc: None,
    I64AndImmAccIn: D, I64AndImmAccOut: A, I64AndImmAcc: None,
    I64OrImmAccIn: D, I64OrImmAccOut: A, I64OrImmAcc: None,
    I64XorImmAccIn: D, I64XorImmAccOut: A, I64XorImmAcc: None,
    I64ShlImmAccIn: D, I64ShlImmAccOut: A, I64ShlImmAcc: None,
    I64ShrSImmAccIn: D, I64ShrSImmAccOut: A, I64ShrSImmAcc: None,
    I64ShrUImmAccIn: D, I64ShrUImmAccOut: A, I64ShrUImmAcc: None,
    I64RotlImmAccIn: D, I64RotlImmAccOut: A, I64RotlImmAcc: None,
    I64RotrImmAccIn: D, I64RotrImmAccOut: A, I64RotrImmAcc: None,
    I32ClzAccIn: D, I32ClzAccOut: A, I32ClzAcc: None,
    I32CtzAccIn: D, I32CtzAccOut: A, I32CtzAcc: None,
    I32PopcntAccIn: D, I32PopcntAccOut: A, I32PopcntAcc: None,
    I64ClzAccIn: D, I64ClzAccOut: A, I64ClzAcc: None,
    I64CtzAccIn: D, I64CtzAccOut: A, I64CtzAcc: None,
    I64PopcntAccIn: D, I64PopcntAccOut: A, I64PopcntAcc: None,
    I32WrapI64AccIn: D, I32WrapI64AccOut: A, I32WrapI64Acc: None,
    I64ExtendI32SAccIn: D, I64ExtendI32SAccOut: A, I64ExtendI32SAcc: None,
    I64ExtendI32UAccIn: D, I64ExtendI32UAccOut: A, I64ExtendI32UAcc: None,
    I32Extend8SAccIn: D, I32Extend8SAccOut: A, I32Extend8SAcc: None,
    I32Extend16SAccIn: D, I32Extend16SAccOut: A, I32Extend16SAcc: None,
    I64Extend8SAccIn: D, I64Extend8SAccOut: A, I64Extend8SAcc: None,
    I64Extend16SAccIn: D, I64Extend16SAccOut: A, I64Extend16SAcc: None,
    I64Extend32SAccIn: D, I64Extend32SAccOut: A, I64Extend32SAcc: None,
    I32LoadAccIn: D, I32LoadAccOut: A, I32LoadAcc: None,
    I64LoadAccIn: D, I64LoadAccOut: A, I64LoadAcc: None,
    I32Load8SAccIn: D, I32Load8SAccOut: A, I32Load8SAcc: None,
    I32Load8UAccIn: D, I32Load8UAccOut: A, I32Load8UAcc: None,
    I32Load16SAccIn: D, I32Load16SAccOut: A, I32Load16SAcc: None,
    I32Load16UAccIn: D, I32Load16UAccOut: A, I32Load16UAcc: None,
    I64Load8SAccIn: D, I64Load8SAccOut: A, I64Load8SAcc: None,
    I64Load8UAccIn: D, I64Load8UAccOut: A, I64Load8UAcc: None,
    I64Load16SAccIn: D, I64Load16SAccOut: A, I64Load16SAcc: None,
    I64Load16UAccIn: D, I64Load16UAccOut: A, I64Load16UAcc: None,
    I64Load32SAccIn: D, I64Load32SAccOut: A, I64Load32SAcc: None,
    I64Load32UAccIn: D, I64Load32UAccOut: A, I64Load32UAcc: None,
}

/// One instruction (16 bytes). Unused fields are zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Instr {
    pub(crate) op: Op,
    /// Result slot.
    pub(crate) d: u16,
    /// First operand slot.
    pub(crate) a: u16,
    /// Second operand slot.
    pub(crate) b: u16,
    /// Immediate: constant, offset, index or count.
    pub(crate) imm: u32,
    /// Branch target, or a second immediate. During translation a target is
    /// an index into the module's code; the finished code holds it relative to
    /// the branch (`target - pc` as an `i32`).
    pub(crate) target: u32,
}

impl Instr {
    pub(crate) const fn new(op: Op) -> Instr {
        Instr { op, d: 0, a: 0, b: 0, imm: 0, target: 0 }
    }
    pub(crate) const fn d(mut self, d: u16) -> Instr {
        self.d = d;
        self
    }
    pub(crate) const fn a(mut self, a: u16) -> Instr {
        self.a = a;
        self
    }
    pub(crate) const fn b(mut self, b: u16) -> Instr {
        self.b = b;
        self
    }
    pub(crate) const fn imm(mut self, imm: u32) -> Instr {
        self.imm = imm;
        self
    }
    pub(crate) const fn target(mut self, target: u32) -> Instr {
        self.target = target;
        self
    }
}

/// The accumulator forms of an operation: when an instruction's result is
/// only consumed, as first operand, by the very next instruction, the value
/// passes between them in a register (the accumulator) instead of a frame
/// slot. Returns `(reads acc, writes acc, reads and writes acc)`.
pub(crate) fn acc_forms(op: Op) -> Option<(Op, Op, Op)> {
    Some(match op {
        Op::I32Add => (Op::I32AddAccIn, Op::I32AddAccOut, Op::I32AddAcc),
        Op::I32Sub => (Op::I32SubAccIn, Op::I32SubAccOut, Op::I32SubAcc),
        Op::I32Mul => (Op::I32MulAccIn, Op::I32MulAccOut, Op::I32MulAcc),
        Op::I32DivS => (Op::I32DivSAccIn, Op::I32DivSAccOut, Op::I32DivSAcc),
        Op::I32DivU => (Op::I32DivUAccIn, Op::I32DivUAccOut, Op::I32DivUAcc),
        Op::I32RemS => (Op::I32RemSAccIn, Op::I32RemSAccOut, Op::I32RemSAcc),
        Op::I32RemU => (Op::I32RemUAccIn, Op::I32RemUAccOut, Op::I32RemUAcc),
        Op::I32And => (Op::I32AndAccIn, Op::I32AndAccOut, Op::I32AndAcc),
        Op::I32Or => (Op::I32OrAccIn, Op::I32OrAccOut, Op::I32OrAcc),
        Op::I32Xor => (Op::I32XorAccIn, Op::I32XorAccOut, Op::I32XorAcc),
        Op::I32Shl => (Op::I32ShlAccIn, Op::I32ShlAccOut, Op::I32ShlAcc),
        Op::I32ShrS => (Op::I32ShrSAccIn, Op::I32ShrSAccOut, Op::I32ShrSAcc),
        Op::I32ShrU => (Op::I32ShrUAccIn, Op::I32ShrUAccOut, Op::I32ShrUAcc),
        Op::I32Rotl => (Op::I32RotlAccIn, Op::I32RotlAccOut, Op::I32RotlAcc),
        Op::I32Rotr => (Op::I32RotrAccIn, Op::I32RotrAccOut, Op::I32RotrAcc),
        Op::I64Add => (Op::I64AddAccIn, Op::I64AddAccOut, Op::I64AddAcc),
        Op::I64Sub => (Op::I64SubAccIn, Op::I64SubAccOut, Op::I64SubAcc),
        Op::I64Mul => (Op::I64MulAccIn, Op::I64MulAccOut, Op::I64MulAcc),
        Op::I64DivS => (Op::I64DivSAccIn, Op::I64DivSAccOut, Op::I64DivSAcc),
        Op::I64DivU => (Op::I64DivUAccIn, Op::I64DivUAccOut, Op::I64DivUAcc),
        Op::I64RemS => (Op::I64RemSAccIn, Op::I64RemSAccOut, Op::I64RemSAcc),
        Op::I64RemU => (Op::I64RemUAccIn, Op::I64RemUAccOut, Op::I64RemUAcc),
        Op::I64And => (Op::I64AndAccIn, Op::I64AndAccOut, Op::I64AndAcc),
        Op::I64Or => (Op::I64OrAccIn, Op::I64OrAccOut, Op::I64OrAcc),
        Op::I64Xor => (Op::I64XorAccIn, Op::I64XorAccOut, Op::I64XorAcc),
        Op::I64Shl => (Op::I64ShlAccIn, Op::I64ShlAccOut, Op::I64ShlAcc),
        Op::I64ShrS => (Op::I64ShrSAccIn, Op::I64ShrSAccOut, Op::I64ShrSAcc),
        Op::I64ShrU => (Op::I64ShrUAccIn, Op::I64ShrUAccOut, Op::I64ShrUAcc),
        Op::I64Rotl => (Op::I64RotlAccIn, Op::I64RotlAccOut, Op::I64RotlAcc),
        Op::I64Rotr => (Op::I64RotrAccIn, Op::I64RotrAccOut, Op::I64RotrAcc),
        Op::I32AddImm => (Op::I32AddImmAccIn, Op::I32AddImmAccOut, Op::I32AddImmAcc),
        Op::I32SubImm => (Op::I32SubImmAccIn, Op::I32SubImmAccOut, Op::I32SubImmAcc),
        Op::I32MulImm => (Op::I32MulImmAccIn, Op::I32MulImmAccOut, Op::I32MulImmAcc),
        Op::I32DivSImm => (Op::I32DivSImmAccIn, Op::I32DivSImmAccOut, Op::I32DivSImmAcc),
        Op::I32DivUImm => (Op::I32DivUImmAccIn, Op::I32DivUImmAccOut, Op::I32DivUImmAcc),
        Op::I32RemSImm => (Op::I32RemSImmAccIn, Op::I32RemSImmAccOut, Op::I32RemSImmAcc),
        Op::I32RemUImm => (Op::I32RemUImmAccIn, Op::I32RemUImmAccOut, Op::I32RemUImmAcc),
        Op::I32AndImm => (Op::I32AndImmAccIn, Op::I32AndImmAccOut, Op::I32AndImmAcc),
        Op::I32OrImm => (Op::I32OrImmAccIn, Op::I32OrImmAccOut, Op::I32OrImmAcc),
        Op::I32XorImm => (Op::I32XorImmAccIn, Op::I32XorImmAccOut, Op::I32XorImmAcc),
        Op::I32ShlImm => (Op::I32ShlImmAccIn, Op::I32ShlImmAccOut, Op::I32ShlImmAcc),
        Op::I32ShrSImm => (Op::I32ShrSImmAccIn, Op::I32ShrSImmAccOut, Op::I32ShrSImmAcc),
        Op::I32ShrUImm => (Op::I32ShrUImmAccIn, Op::I32ShrUImmAccOut, Op::I32ShrUImmAcc),
        Op::I32RotlImm => (Op::I32RotlImmAccIn, Op::I32RotlImmAccOut, Op::I32RotlImmAcc),
        Op::I32RotrImm => (Op::I32RotrImmAccIn, Op::I32RotrImmAccOut, Op::I32RotrImmAcc),
        Op::I64AddImm => (Op::I64AddImmAccIn, Op::I64AddImmAccOut, Op::I64AddImmAcc),
        Op::I64SubImm => (Op::I64SubImmAccIn, Op::I64SubImmAccOut, Op::I64SubImmAcc),
        Op::I64MulImm => (Op::I64MulImmAccIn, Op::I64MulImmAccOut, Op::I64MulImmAcc),
        Op::I64DivSImm => (Op::I64DivSImmAccIn, Op::I64DivSImmAccOut, Op::I64DivSImmAcc),
        Op::I64DivUImm => (Op::I64DivUImmAccIn, Op::I64DivUImmAccOut, Op::I64DivUImmAcc),
        Op::I64RemSImm => (Op::I64RemSImmAccIn, Op::I64RemSImmAccOut, Op::I64RemSImmAcc),
        Op::I64RemUImm => (Op::I64RemUImmAccIn, Op::I64RemUImmAccOut, Op::I64RemUImmAcc),
        Op::I64AndImm => (Op::I64AndImmAccIn, Op::I64AndImmAccOut, Op::I64AndImmAcc),
        Op::I64OrImm => (Op::I64OrImmAccIn, Op::I64OrImmAccOut, Op::I64OrImmAcc),
        Op::I64XorImm => (Op::I64XorImmAccIn, Op::I64XorImmAccOut, Op::I64XorImmAcc),
        Op::I64ShlImm => (Op::I64ShlImmAccIn, Op::I64ShlImmAccOut, Op::I64ShlImmAcc),
        Op::I64ShrSImm => (Op::I64ShrSImmAccIn, Op::I64ShrSImmAccOut, Op::I64ShrSImmAcc),
        Op::I64ShrUImm => (Op::I64ShrUImmAccIn, Op::I64ShrUImmAccOut, Op::I64ShrUImmAcc),
        Op::I64RotlImm => (Op::I64RotlImmAccIn, Op::I64RotlImmAccOut, Op::I64RotlImmAcc),
        Op::I64RotrImm => (Op::I64RotrImmAccIn, Op::I64RotrImmAccOut, Op::I64RotrImmAcc),
        Op::I32Clz => (Op::I32ClzAccIn, Op::I32ClzAccOut, Op::I32ClzAcc),
        Op::I32Ctz => (Op::I32CtzAccIn, Op::I32CtzAccOut, Op::I32CtzAcc),
        Op::I32Popcnt => (Op::I32PopcntAccIn, Op::I32PopcntAccOut, Op::I32PopcntAcc),
        Op::I64Clz => (Op::I64ClzAccIn, Op::I64ClzAccOut, Op::I64ClzAcc),
        Op::I64Ctz => (Op::I64CtzAccIn, Op::I64CtzAccOut, Op::I64CtzAcc),
        Op::I64Popcnt => (Op::I64PopcntAccIn, Op::I64PopcntAccOut, Op::I64PopcntAcc),
        Op::I32WrapI64 => (Op::I32WrapI64AccIn, Op::I32WrapI64AccOut, Op::I32WrapI64Acc),
        Op::I64ExtendI32S => (Op::I64ExtendI32SAccIn, Op::I64ExtendI32SAccOut, Op::I64ExtendI32SAcc),
        Op::I64ExtendI32U => (Op::I64ExtendI32UAccIn, Op::I64ExtendI32UAccOut, Op::I64ExtendI32UAcc),
        Op::I32Extend8S => (Op::I32Extend8SAccIn, Op::I32Extend8SAccOut, Op::I32Extend8SAcc),
        Op::I32Extend16S => (Op::I32Extend16SAccIn, Op::I32Extend16SAccOut, Op::I32Extend16SAcc),
        Op::I64Extend8S => (Op::I64Extend8SAccIn, Op::I64Extend8SAccOut, Op::I64Extend8SAcc),
        Op::I64Extend16S => (Op::I64Extend16SAccIn, Op::I64Extend16SAccOut, Op::I64Extend16SAcc),
        Op::I64Extend32S => (Op::I64Extend32SAccIn, Op::I64Extend32SAccOut, Op::I64Extend32SAcc),
        Op::I32Load => (Op::I32LoadAccIn, Op::I32LoadAccOut, Op::I32LoadAcc),
        Op::I64Load => (Op::I64LoadAccIn, Op::I64LoadAccOut, Op::I64LoadAcc),
        Op::I32Load8S => (Op::I32Load8SAccIn, Op::I32Load8SAccOut, Op::I32Load8SAcc),
        Op::I32Load8U => (Op::I32Load8UAccIn, Op::I32Load8UAccOut, Op::I32Load8UAcc),
        Op::I32Load16S => (Op::I32Load16SAccIn, Op::I32Load16SAccOut, Op::I32Load16SAcc),
        Op::I32Load16U => (Op::I32Load16UAccIn, Op::I32Load16UAccOut, Op::I32Load16UAcc),
        Op::I64Load8S => (Op::I64Load8SAccIn, Op::I64Load8SAccOut, Op::I64Load8SAcc),
        Op::I64Load8U => (Op::I64Load8UAccIn, Op::I64Load8UAccOut, Op::I64Load8UAcc),
        Op::I64Load16S => (Op::I64Load16SAccIn, Op::I64Load16SAccOut, Op::I64Load16SAcc),
        Op::I64Load16U => (Op::I64Load16UAccIn, Op::I64Load16UAccOut, Op::I64Load16UAcc),
        Op::I64Load32S => (Op::I64Load32SAccIn, Op::I64Load32SAccOut, Op::I64Load32SAcc),
        Op::I64Load32U => (Op::I64Load32UAccIn, Op::I64Load32UAccOut, Op::I64Load32UAcc),
        _ => return None,
    })
}

/// Position of `op` within its accumulator triple (0: reads the
/// accumulator, 1: writes it, 2: both), if it is an accumulator form. The
/// forms are the last operations, three per base operation.
fn acc_position(op: Op) -> Option<u16> {
    let offset = (op as u16).checked_sub(Op::I32AddAccIn as u16)?;
    Some(offset % 3)
}

/// The form of `op` that leaves its result in the accumulator instead of
/// slot `d` (for a form that already reads the accumulator, the one that
/// reads and writes it).
pub(crate) fn with_acc_result(op: Op) -> Option<Op> {
    Some(match op {
        Op::I32Add => Op::I32AddAccOut,
        Op::I32AddAccIn => Op::I32AddAcc,
        Op::I32Sub => Op::I32SubAccOut,
        Op::I32SubAccIn => Op::I32SubAcc,
        Op::I32Mul => Op::I32MulAccOut,
        Op::I32MulAccIn => Op::I32MulAcc,
        Op::I32DivS => Op::I32DivSAccOut,
        Op::I32DivSAccIn => Op::I32DivSAcc,
        Op::I32DivU => Op::I32DivUAccOut,
        Op::I32DivUAccIn => Op::I32DivUAcc,
        Op::I32RemS => Op::I32RemSAccOut,
        Op::I32RemSAccIn => Op::I32RemSAcc,
        Op::I32RemU => Op::I32RemUAccOut,
        Op::I32RemUAccIn => Op::I32RemUAcc,
        Op::I32And => Op::I32AndAccOut,
        Op::I32AndAccIn => Op::I32AndAcc,
        Op::I32Or => Op::I32OrAccOut,
        Op::I32OrAccIn => Op::I32OrAcc,
        Op::I32Xor => Op::I32XorAccOut,
        Op::I32XorAccIn => Op::I32XorAcc,
        Op::I32Shl => Op::I32ShlAccOut,
        Op::I32ShlAccIn => Op::I32ShlAcc,
        Op::I32ShrS => Op::I32ShrSAccOut,
        Op::I32ShrSAccIn => Op::I32ShrSAcc,
        Op::I32ShrU => Op::I32ShrUAccOut,
        Op::I32ShrUAccIn => Op::I32ShrUAcc,
        Op::I32Rotl => Op::I32RotlAccOut,
        Op::I32RotlAccIn => Op::I32RotlAcc,
        Op::I32Rotr => Op::I32RotrAccOut,
        Op::I32RotrAccIn => Op::I32RotrAcc,
        Op::I64Add => Op::I64AddAccOut,
        Op::I64AddAccIn => Op::I64AddAcc,
        Op::I64Sub => Op::I64SubAccOut,
        Op::I64SubAccIn => Op::I64SubAcc,
        Op::I64Mul => Op::I64MulAccOut,
        Op::I64MulAccIn => Op::I64MulAcc,
        Op::I64DivS => Op::I64DivSAccOut,
        Op::I64DivSAccIn => Op::I64DivSAcc,
        Op::I64DivU => Op::I64DivUAccOut,
        Op::I64DivUAccIn => Op::I64DivUAcc,
        Op::I64RemS => Op::I64RemSAccOut,
        Op::I64RemSAccIn => Op::I64RemSAcc,
        Op::I64RemU => Op::I64RemUAccOut,
        Op::I64RemUAccIn => Op::I64RemUAcc,
        Op::I64And => Op::I64AndAccOut,
        Op::I64AndAccIn => Op::I64AndAcc,
        Op::I64Or => Op::I64OrAccOut,
        Op::I64OrAccIn => Op::I64OrAcc,
        Op::I64Xor => Op::I64XorAccOut,
        Op::I64XorAccIn => Op::I64XorAcc,
        Op::I64Shl => Op::I64ShlAccOut,
        Op::I64ShlAccIn => Op::I64ShlAcc,
        Op::I64ShrS => Op::I64ShrSAccOut,
        Op::I64ShrSAccIn => Op::I64ShrSAcc,
        Op::I64ShrU => Op::I64ShrUAccOut,
        Op::I64ShrUAccIn => Op::I64ShrUAcc,
        Op::I64Rotl => Op::I64RotlAccOut,
        Op::I64RotlAccIn => Op::I64RotlAcc,
        Op::I64Rotr => Op::I64RotrAccOut,
        Op::I64RotrAccIn => Op::I64RotrAcc,
        Op::I32AddImm => Op::I32AddImmAccOut,
        Op::I32AddImmAccIn => Op::I32AddImmAcc,
        Op::I32SubImm => Op::I32SubImmAccOut,
        Op::I32SubImmAccIn => Op::I32SubImmAcc,
        Op::I32MulImm => Op::I32MulImmAccOut,
        Op::I32MulImmAccIn => Op::I32MulImmAcc,
        Op::I32DivSImm => Op::I32DivSImmAccOut,
        Op::I32DivSImmAccIn => Op::I32DivSImmAcc,
        Op::I32DivUImm => Op::I32DivUImmAccOut,
        Op::I32DivUImmAccIn => Op::I32DivUImmAcc,
        Op::I32RemSImm => Op::I32RemSImmAccOut,
        Op::I32RemSImmAccIn => Op::I32RemSImmAcc,
        Op::I32RemUImm => Op::I32RemUImmAccOut,
        Op::I32RemUImmAccIn => Op::I32RemUImmAcc,
        Op::I32AndImm => Op::I32AndImmAccOut,
        Op::I32AndImmAccIn => Op::I32AndImmAcc,
        Op::I32OrImm => Op::I32OrImmAccOut,
        Op::I32OrImmAccIn => Op::I32OrImmAcc,
        Op::I32XorImm => Op::I32XorImmAccOut,
        Op::I32XorImmAccIn => Op::I32XorImmAcc,
        Op::I32ShlImm => Op::I32ShlImmAccOut,
        Op::I32ShlImmAccIn => Op::I32ShlImmAcc,
        Op::I32ShrSImm => Op::I32ShrSImmAccOut,
        Op::I32ShrSImmAccIn => Op::I32ShrSImmAcc,
        Op::I32ShrUImm => Op::I32ShrUImmAccOut,
        Op::I32ShrUImmAccIn => Op::I32ShrUImmAcc,
        Op::I32RotlImm => Op::I32RotlImmAccOut,
        Op::I32RotlImmAccIn => Op::I32RotlImmAcc,
        Op::I32RotrImm => Op::I32RotrImmAccOut,
        Op::I32RotrImmAccIn => Op::I32RotrImmAcc,
        Op::I64AddImm => Op::I64AddImmAccOut,
        Op::I64AddImmAccIn => Op::I64AddImmAcc,
        Op::I64SubImm => Op::I64SubImmAccOut,
        Op::I64SubImmAccIn => Op::I64SubImmAcc,
        Op::I64MulImm => Op::I64MulImmAccOut,
        Op::I64MulImmAccIn => Op::I64MulImmAcc,
        Op::I64DivSImm => Op::I64DivSImmAccOut,
        Op::I64DivSImmAccIn => Op::I64DivSImmAcc,
        Op::I64DivUImm => Op::I64DivUImmAccOut,
        Op::I64DivUImmAccIn => Op::I64DivUImmAcc,
        Op::I64RemSImm => Op::I64RemSImmAccOut,
        Op::I64RemSImmAccIn => Op::I64RemSImmAcc,
        Op::I64RemUImm => Op::I64RemUImmAccOut,
        Op::I64RemUImmAccIn => Op::I64RemUImmAcc,
        Op::I64AndImm => Op::I64AndImmAccOut,
        Op::I64AndImmAccIn => Op::I64AndImmAcc,
        Op::I64OrImm => Op::I64OrImmAccOut,
        Op::I64OrImmAccIn => Op::I64OrImmAcc,
        Op::I64XorImm => Op::I64XorImmAccOut,
        Op::I64XorImmAccIn => Op::I64XorImmAcc,
        Op::I64ShlImm => Op::I64ShlImmAccOut,
        Op::I64ShlImmAccIn => Op::I64ShlImmAcc,
        Op::I64ShrSImm => Op::I64ShrSImmAccOut,
        Op::I64ShrSImmAccIn => Op::I64ShrSImmAcc,
        Op::I64ShrUImm => Op::I64ShrUImmAccOut,
        Op::I64ShrUImmAccIn => Op::I64ShrUImmAcc,
        Op::I64RotlImm => Op::I64RotlImmAccOut,
        Op::I64RotlImmAccIn => Op::I64RotlImmAcc,
        Op::I64RotrImm => Op::I64RotrImmAccOut,
        Op::I64RotrImmAccIn => Op::I64RotrImmAcc,
        Op::I32Clz => Op::I32ClzAccOut,
        Op::I32ClzAccIn => Op::I32ClzAcc,
        Op::I32Ctz => Op::I32CtzAccOut,
        Op::I32CtzAccIn => Op::I32CtzAcc,
        Op::I32Popcnt => Op::I32PopcntAccOut,
        Op::I32PopcntAccIn => Op::I32PopcntAcc,
        Op::I64Clz => Op::I64ClzAccOut,
        Op::I64ClzAccIn => Op::I64ClzAcc,
        Op::I64Ctz => Op::I64CtzAccOut,
        Op::I64CtzAccIn => Op::I64CtzAcc,
        Op::I64Popcnt => Op::I64PopcntAccOut,
        Op::I64PopcntAccIn => Op::I64PopcntAcc,
        Op::I32WrapI64 => Op::I32WrapI64AccOut,
        Op::I32WrapI64AccIn => Op::I32WrapI64Acc,
        Op::I64ExtendI32S => Op::I64ExtendI32SAccOut,
        Op::I64ExtendI32SAccIn => Op::I64ExtendI32SAcc,
        Op::I64ExtendI32U => Op::I64ExtendI32UAccOut,
        Op::I64ExtendI32UAccIn => Op::I64ExtendI32UAcc,
        Op::I32Extend8S => Op::I32Extend8SAccOut,
        Op::I32Extend8SAccIn => Op::I32Extend8SAcc,
        Op::I32Extend16S => Op::I32Extend16SAccOut,
        Op::I32Extend16SAccIn => Op::I32Extend16SAcc,
        Op::I64Extend8S => Op::I64Extend8SAccOut,
        Op::I64Extend8SAccIn => Op::I64Extend8SAcc,
        Op::I64Extend16S => Op::I64Extend16SAccOut,
        Op::I64Extend16SAccIn => Op::I64Extend16SAcc,
        Op::I64Extend32S => Op::I64Extend32SAccOut,
        Op::I64Extend32SAccIn => Op::I64Extend32SAcc,
        Op::I32Load => Op::I32LoadAccOut,
        Op::I32LoadAccIn => Op::I32LoadAcc,
        Op::I64Load => Op::I64LoadAccOut,
        Op::I64LoadAccIn => Op::I64LoadAcc,
        Op::I32Load8S => Op::I32Load8SAccOut,
        Op::I32Load8SAccIn => Op::I32Load8SAcc,
        Op::I32Load8U => Op::I32Load8UAccOut,
        Op::I32Load8UAccIn => Op::I32Load8UAcc,
        Op::I32Load16S => Op::I32Load16SAccOut,
        Op::I32Load16SAccIn => Op::I32Load16SAcc,
        Op::I32Load16U => Op::I32Load16UAccOut,
        Op::I32Load16UAccIn => Op::I32Load16UAcc,
        Op::I64Load8S => Op::I64Load8SAccOut,
        Op::I64Load8SAccIn => Op::I64Load8SAcc,
        Op::I64Load8U => Op::I64Load8UAccOut,
        Op::I64Load8UAccIn => Op::I64Load8UAcc,
        Op::I64Load16S => Op::I64Load16SAccOut,
        Op::I64Load16SAccIn => Op::I64Load16SAcc,
        Op::I64Load16U => Op::I64Load16UAccOut,
        Op::I64Load16UAccIn => Op::I64Load16UAcc,
        Op::I64Load32S => Op::I64Load32SAccOut,
        Op::I64Load32SAccIn => Op::I64Load32SAcc,
        Op::I64Load32U => Op::I64Load32UAccOut,
        Op::I64Load32UAccIn => Op::I64Load32UAcc,
        _ => return None,
    })
}

/// Whether `op` leaves its result in the accumulator.
pub(crate) fn writes_acc(op: Op) -> bool {
    matches!(acc_position(op), Some(1 | 2))
}

/// Whether `op` takes its first operand from the accumulator.
pub(crate) fn reads_acc(op: Op) -> bool {
    matches!(acc_position(op), Some(0 | 2))
}

/// An integer comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rel {
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

const RELS: [Rel; 10] = [Rel::Eq, Rel::Ne, Rel::LtS, Rel::LtU, Rel::GtS, Rel::GtU, Rel::LeS, Rel::LeU, Rel::GeS, Rel::GeU];

impl Rel {
    /// The comparison that holds exactly when `self` does not.
    pub(crate) fn negate(self) -> Rel {
        match self {
            Rel::Eq => Rel::Ne,
            Rel::Ne => Rel::Eq,
            Rel::LtS => Rel::GeS,
            Rel::LtU => Rel::GeU,
            Rel::GtS => Rel::LeS,
            Rel::GtU => Rel::LeU,
            Rel::LeS => Rel::GtS,
            Rel::LeU => Rel::GtU,
            Rel::GeS => Rel::LtS,
            Rel::GeU => Rel::LtU,
        }
    }
}

/// Operand width of a comparison or test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Width {
    W32,
    W64,
}

/// The families of comparison instructions, in `Rel` order.
const CMP32: [Op; 10] =
    [Op::I32Eq, Op::I32Ne, Op::I32LtS, Op::I32LtU, Op::I32GtS, Op::I32GtU, Op::I32LeS, Op::I32LeU, Op::I32GeS, Op::I32GeU];
const CMP32_IMM: [Op; 10] = [
    Op::I32EqImm,
    Op::I32NeImm,
    Op::I32LtSImm,
    Op::I32LtUImm,
    Op::I32GtSImm,
    Op::I32GtUImm,
    Op::I32LeSImm,
    Op::I32LeUImm,
    Op::I32GeSImm,
    Op::I32GeUImm,
];
const CMP64: [Op; 10] =
    [Op::I64Eq, Op::I64Ne, Op::I64LtS, Op::I64LtU, Op::I64GtS, Op::I64GtU, Op::I64LeS, Op::I64LeU, Op::I64GeS, Op::I64GeU];
const CMP64_IMM: [Op; 10] = [
    Op::I64EqImm,
    Op::I64NeImm,
    Op::I64LtSImm,
    Op::I64LtUImm,
    Op::I64GtSImm,
    Op::I64GtUImm,
    Op::I64LeSImm,
    Op::I64LeUImm,
    Op::I64GeSImm,
    Op::I64GeUImm,
];
const BR32: [Op; 10] =
    [Op::BrEq32, Op::BrNe32, Op::BrLtS32, Op::BrLtU32, Op::BrGtS32, Op::BrGtU32, Op::BrLeS32, Op::BrLeU32, Op::BrGeS32, Op::BrGeU32];
const BR32_IMM: [Op; 10] = [
    Op::BrEq32Imm,
    Op::BrNe32Imm,
    Op::BrLtS32Imm,
    Op::BrLtU32Imm,
    Op::BrGtS32Imm,
    Op::BrGtU32Imm,
    Op::BrLeS32Imm,
    Op::BrLeU32Imm,
    Op::BrGeS32Imm,
    Op::BrGeU32Imm,
];
const BR64: [Op; 10] =
    [Op::BrEq64, Op::BrNe64, Op::BrLtS64, Op::BrLtU64, Op::BrGtS64, Op::BrGtU64, Op::BrLeS64, Op::BrLeU64, Op::BrGeS64, Op::BrGeU64];
const BR64_IMM: [Op; 10] = [
    Op::BrEq64Imm,
    Op::BrNe64Imm,
    Op::BrLtS64Imm,
    Op::BrLtU64Imm,
    Op::BrGtS64Imm,
    Op::BrGtU64Imm,
    Op::BrLeS64Imm,
    Op::BrLeU64Imm,
    Op::BrGeS64Imm,
    Op::BrGeU64Imm,
];

fn family(width: Width, imm: bool, branch: bool) -> &'static [Op; 10] {
    match (width, imm, branch) {
        (Width::W32, false, false) => &CMP32,
        (Width::W32, true, false) => &CMP32_IMM,
        (Width::W64, false, false) => &CMP64,
        (Width::W64, true, false) => &CMP64_IMM,
        (Width::W32, false, true) => &BR32,
        (Width::W32, true, true) => &BR32_IMM,
        (Width::W64, false, true) => &BR64,
        (Width::W64, true, true) => &BR64_IMM,
    }
}

/// A comparison instruction (`I32LtS`, `I64EqImm`, …): its width, relation
/// and whether the right operand is an immediate.
pub(crate) fn comparison(op: Op) -> Option<(Width, Rel, bool)> {
    for width in [Width::W32, Width::W64] {
        for imm in [false, true] {
            if let Some(i) = family(width, imm, false).iter().position(|o| *o == op) {
                return RELS.get(i).map(|rel| (width, *rel, imm));
            }
        }
    }
    None
}

/// The compare-and-branch instruction for a comparison.
pub(crate) fn branch_on(width: Width, rel: Rel, imm: bool) -> Op {
    let i = RELS.iter().position(|r| *r == rel).unwrap_or(0);
    family(width, imm, true).get(i).copied().unwrap_or(Op::Unreachable)
}

/// The fused "add a constant, then branch on the result" form of a branch
/// `test` that tests one i32 slot (`BrEqz32`, `BrNez32`), compares two
/// (`BrLtU32`, …) or compares with a constant that fits in 16 bits
/// (`BrLtU32Imm`, …); returns the operation and the value for field `b`.
pub(crate) fn after_add_imm(test: Instr) -> Option<(Op, u16)> {
    let small_unsigned = u16::try_from(test.imm).ok();
    let small_signed = i16::try_from(test.imm as i32).ok().map(|k| k as u16);
    Some(match test.op {
        Op::BrEq32Imm => (Op::AddImmBrEqK, small_unsigned?),
        Op::BrNe32Imm => (Op::AddImmBrNeK, small_unsigned?),
        Op::BrLtS32Imm => (Op::AddImmBrLtSK, small_signed?),
        Op::BrLtU32Imm => (Op::AddImmBrLtUK, small_unsigned?),
        Op::BrGtS32Imm => (Op::AddImmBrGtSK, small_signed?),
        Op::BrGtU32Imm => (Op::AddImmBrGtUK, small_unsigned?),
        Op::BrLeS32Imm => (Op::AddImmBrLeSK, small_signed?),
        Op::BrLeU32Imm => (Op::AddImmBrLeUK, small_unsigned?),
        Op::BrGeS32Imm => (Op::AddImmBrGeSK, small_signed?),
        Op::BrGeU32Imm => (Op::AddImmBrGeUK, small_unsigned?),
        op => (after_add_imm_slots(op)?, test.b),
    })
}

fn after_add_imm_slots(branch: Op) -> Option<Op> {
    Some(match branch {
        Op::BrEqz32 => Op::AddImmBrEqz,
        Op::BrNez32 => Op::AddImmBrNez,
        Op::BrEq32 => Op::AddImmBrEq,
        Op::BrNe32 => Op::AddImmBrNe,
        Op::BrLtS32 => Op::AddImmBrLtS,
        Op::BrLtU32 => Op::AddImmBrLtU,
        Op::BrGtS32 => Op::AddImmBrGtS,
        Op::BrGtU32 => Op::AddImmBrGtU,
        Op::BrLeS32 => Op::AddImmBrLeS,
        Op::BrLeU32 => Op::AddImmBrLeU,
        Op::BrGeS32 => Op::AddImmBrGeS,
        Op::BrGeU32 => Op::AddImmBrGeU,
        _ => return None,
    })
}

/// The branch instruction that is taken exactly when `op` is not.
pub(crate) fn negate_branch(op: Op) -> Op {
    match op {
        Op::BrEqz32 => return Op::BrNez32,
        Op::BrNez32 => return Op::BrEqz32,
        Op::BrEqz64 => return Op::BrNez64,
        Op::BrNez64 => return Op::BrEqz64,
        _ => {}
    }
    for width in [Width::W32, Width::W64] {
        for imm in [false, true] {
            if let Some(rel) = family(width, imm, true).iter().position(|o| *o == op).and_then(|i| RELS.get(i)) {
                return branch_on(width, rel.negate(), imm);
            }
        }
    }
    Op::Unreachable
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instr_is_compact() {
        assert_eq!(core::mem::size_of::<Instr>(), 16);
    }

    #[test]
    fn accumulator_forms_are_classified() {
        let (acc_in, acc_out, both) = acc_forms(Op::I32XorImm).unwrap();
        assert!(reads_acc(acc_in) && !writes_acc(acc_in));
        assert!(!reads_acc(acc_out) && writes_acc(acc_out));
        assert!(reads_acc(both) && writes_acc(both));
        assert!(!reads_acc(Op::I32XorImm) && !writes_acc(Op::I32XorImm));
        let (acc_in, _, both) = acc_forms(Op::I64Load32U).unwrap();
        assert_eq!(both as u16, Op::I64Load32UAcc as u16);
        assert!(reads_acc(acc_in));
    }

    #[test]
    fn comparisons_map_to_branches_and_negate() {
        assert_eq!(comparison(Op::I32LtS), Some((Width::W32, Rel::LtS, false)));
        assert_eq!(comparison(Op::I64GeUImm), Some((Width::W64, Rel::GeU, true)));
        assert_eq!(comparison(Op::I32Add), None);
        assert_eq!(branch_on(Width::W32, Rel::LtS.negate(), true), Op::BrGeS32Imm);
        assert_eq!(negate_branch(Op::BrLtU64), Op::BrGeU64);
        assert_eq!(negate_branch(Op::BrEqz32), Op::BrNez32);
        for r in RELS {
            assert_eq!(r.negate().negate(), r);
        }
    }
}
