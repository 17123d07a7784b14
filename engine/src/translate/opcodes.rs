//! Opcode tables: numeric instruction signatures and the float refusal seam.

use super::super::types::ValType;
use super::ops::Op;

/// Operand signature of a simple numeric instruction.
#[derive(Clone, Copy)]
pub(crate) struct NumericSig {
    /// Type of every input operand.
    pub(crate) input: ValType,
    /// Number of inputs (1 or 2).
    pub(crate) arity: u8,
    /// Result type.
    pub(crate) output: ValType,
}

const fn sig(input: ValType, arity: u8, output: ValType) -> NumericSig {
    NumericSig { input, arity, output }
}

/// Integer instructions without immediates, keyed by their one-byte opcode.
pub(crate) fn numeric(opcode: u8) -> Option<(Op, NumericSig)> {
    use ValType::{I32, I64};
    let i32_test = sig(I32, 1, I32);
    let i32_rel = sig(I32, 2, I32);
    let i64_test = sig(I64, 1, I32);
    let i64_rel = sig(I64, 2, I32);
    let i32_un = sig(I32, 1, I32);
    let i32_bin = sig(I32, 2, I32);
    let i64_un = sig(I64, 1, I64);
    let i64_bin = sig(I64, 2, I64);
    Some(match opcode {
        0x45 => (Op::I32Eqz, i32_test),
        0x46 => (Op::I32Eq, i32_rel),
        0x47 => (Op::I32Ne, i32_rel),
        0x48 => (Op::I32LtS, i32_rel),
        0x49 => (Op::I32LtU, i32_rel),
        0x4a => (Op::I32GtS, i32_rel),
        0x4b => (Op::I32GtU, i32_rel),
        0x4c => (Op::I32LeS, i32_rel),
        0x4d => (Op::I32LeU, i32_rel),
        0x4e => (Op::I32GeS, i32_rel),
        0x4f => (Op::I32GeU, i32_rel),
        0x50 => (Op::I64Eqz, i64_test),
        0x51 => (Op::I64Eq, i64_rel),
        0x52 => (Op::I64Ne, i64_rel),
        0x53 => (Op::I64LtS, i64_rel),
        0x54 => (Op::I64LtU, i64_rel),
        0x55 => (Op::I64GtS, i64_rel),
        0x56 => (Op::I64GtU, i64_rel),
        0x57 => (Op::I64LeS, i64_rel),
        0x58 => (Op::I64LeU, i64_rel),
        0x59 => (Op::I64GeS, i64_rel),
        0x5a => (Op::I64GeU, i64_rel),
        0x67 => (Op::I32Clz, i32_un),
        0x68 => (Op::I32Ctz, i32_un),
        0x69 => (Op::I32Popcnt, i32_un),
        0x6a => (Op::I32Add, i32_bin),
        0x6b => (Op::I32Sub, i32_bin),
        0x6c => (Op::I32Mul, i32_bin),
        0x6d => (Op::I32DivS, i32_bin),
        0x6e => (Op::I32DivU, i32_bin),
        0x6f => (Op::I32RemS, i32_bin),
        0x70 => (Op::I32RemU, i32_bin),
        0x71 => (Op::I32And, i32_bin),
        0x72 => (Op::I32Or, i32_bin),
        0x73 => (Op::I32Xor, i32_bin),
        0x74 => (Op::I32Shl, i32_bin),
        0x75 => (Op::I32ShrS, i32_bin),
        0x76 => (Op::I32ShrU, i32_bin),
        0x77 => (Op::I32Rotl, i32_bin),
        0x78 => (Op::I32Rotr, i32_bin),
        0x79 => (Op::I64Clz, i64_un),
        0x7a => (Op::I64Ctz, i64_un),
        0x7b => (Op::I64Popcnt, i64_un),
        0x7c => (Op::I64Add, i64_bin),
        0x7d => (Op::I64Sub, i64_bin),
        0x7e => (Op::I64Mul, i64_bin),
        0x7f => (Op::I64DivS, i64_bin),
        0x80 => (Op::I64DivU, i64_bin),
        0x81 => (Op::I64RemS, i64_bin),
        0x82 => (Op::I64RemU, i64_bin),
        0x83 => (Op::I64And, i64_bin),
        0x84 => (Op::I64Or, i64_bin),
        0x85 => (Op::I64Xor, i64_bin),
        0x86 => (Op::I64Shl, i64_bin),
        0x87 => (Op::I64ShrS, i64_bin),
        0x88 => (Op::I64ShrU, i64_bin),
        0x89 => (Op::I64Rotl, i64_bin),
        0x8a => (Op::I64Rotr, i64_bin),
        0xa7 => (Op::I32WrapI64, sig(I64, 1, I32)),
        0xac => (Op::I64ExtendI32S, sig(I32, 1, I64)),
        0xad => (Op::I64ExtendI32U, sig(I32, 1, I64)),
        0xc0 => (Op::I32Extend8S, i32_un),
        0xc1 => (Op::I32Extend16S, i32_un),
        0xc2 => (Op::I64Extend8S, i64_un),
        0xc3 => (Op::I64Extend16S, i64_un),
        0xc4 => (Op::I64Extend32S, i64_un),
        _ => return None,
    })
}

/// Name of a one-byte floating point opcode.
///
/// This is the single place where float instructions are refused; a software
/// float implementation would translate these instead of erroring.
pub(crate) fn float_instruction_name(opcode: u8) -> Option<&'static str> {
    Some(match opcode {
        0x2a => "f32.load",
        0x2b => "f64.load",
        0x38 => "f32.store",
        0x39 => "f64.store",
        0x43 => "f32.const",
        0x44 => "f64.const",
        0x5b => "f32.eq",
        0x5c => "f32.ne",
        0x5d => "f32.lt",
        0x5e => "f32.gt",
        0x5f => "f32.le",
        0x60 => "f32.ge",
        0x61 => "f64.eq",
        0x62 => "f64.ne",
        0x63 => "f64.lt",
        0x64 => "f64.gt",
        0x65 => "f64.le",
        0x66 => "f64.ge",
        0x8b => "f32.abs",
        0x8c => "f32.neg",
        0x8d => "f32.ceil",
        0x8e => "f32.floor",
        0x8f => "f32.trunc",
        0x90 => "f32.nearest",
        0x91 => "f32.sqrt",
        0x92 => "f32.add",
        0x93 => "f32.sub",
        0x94 => "f32.mul",
        0x95 => "f32.div",
        0x96 => "f32.min",
        0x97 => "f32.max",
        0x98 => "f32.copysign",
        0x99 => "f64.abs",
        0x9a => "f64.neg",
        0x9b => "f64.ceil",
        0x9c => "f64.floor",
        0x9d => "f64.trunc",
        0x9e => "f64.nearest",
        0x9f => "f64.sqrt",
        0xa0 => "f64.add",
        0xa1 => "f64.sub",
        0xa2 => "f64.mul",
        0xa3 => "f64.div",
        0xa4 => "f64.min",
        0xa5 => "f64.max",
        0xa6 => "f64.copysign",
        0xa8 => "i32.trunc_f32_s",
        0xa9 => "i32.trunc_f32_u",
        0xaa => "i32.trunc_f64_s",
        0xab => "i32.trunc_f64_u",
        0xae => "i64.trunc_f32_s",
        0xaf => "i64.trunc_f32_u",
        0xb0 => "i64.trunc_f64_s",
        0xb1 => "i64.trunc_f64_u",
        0xb2 => "f32.convert_i32_s",
        0xb3 => "f32.convert_i32_u",
        0xb4 => "f32.convert_i64_s",
        0xb5 => "f32.convert_i64_u",
        0xb6 => "f32.demote_f64",
        0xb7 => "f64.convert_i32_s",
        0xb8 => "f64.convert_i32_u",
        0xb9 => "f64.convert_i64_s",
        0xba => "f64.convert_i64_u",
        0xbb => "f64.promote_f32",
        0xbc => "i32.reinterpret_f32",
        0xbd => "i64.reinterpret_f64",
        0xbe => "f32.reinterpret_i32",
        0xbf => "f64.reinterpret_i64",
        _ => return None,
    })
}

/// Name of a `0xfc`-prefixed floating point opcode (saturating truncations).
pub(crate) fn float_prefixed_instruction_name(sub: u32) -> Option<&'static str> {
    Some(match sub {
        0 => "i32.trunc_sat_f32_s",
        1 => "i32.trunc_sat_f32_u",
        2 => "i32.trunc_sat_f64_s",
        3 => "i32.trunc_sat_f64_u",
        4 => "i64.trunc_sat_f32_s",
        5 => "i64.trunc_sat_f32_u",
        6 => "i64.trunc_sat_f64_s",
        7 => "i64.trunc_sat_f64_u",
        _ => return None,
    })
}

/// The form of a binary operation that takes its right operand as an
/// immediate, and whether the operation commutes (so a constant left
/// operand can be swapped into the immediate).
pub(crate) fn immediate_form(op: Op) -> Option<(Op, bool)> {
    Some(match op {
        Op::I32Eq => (Op::I32EqImm, true),
        Op::I32Ne => (Op::I32NeImm, true),
        Op::I32LtS => (Op::I32LtSImm, false),
        Op::I32LtU => (Op::I32LtUImm, false),
        Op::I32GtS => (Op::I32GtSImm, false),
        Op::I32GtU => (Op::I32GtUImm, false),
        Op::I32LeS => (Op::I32LeSImm, false),
        Op::I32LeU => (Op::I32LeUImm, false),
        Op::I32GeS => (Op::I32GeSImm, false),
        Op::I32GeU => (Op::I32GeUImm, false),
        Op::I32Add => (Op::I32AddImm, true),
        Op::I32Sub => (Op::I32SubImm, false),
        Op::I32Mul => (Op::I32MulImm, true),
        Op::I32DivS => (Op::I32DivSImm, false),
        Op::I32DivU => (Op::I32DivUImm, false),
        Op::I32RemS => (Op::I32RemSImm, false),
        Op::I32RemU => (Op::I32RemUImm, false),
        Op::I32And => (Op::I32AndImm, true),
        Op::I32Or => (Op::I32OrImm, true),
        Op::I32Xor => (Op::I32XorImm, true),
        Op::I32Shl => (Op::I32ShlImm, false),
        Op::I32ShrS => (Op::I32ShrSImm, false),
        Op::I32ShrU => (Op::I32ShrUImm, false),
        Op::I32Rotl => (Op::I32RotlImm, false),
        Op::I32Rotr => (Op::I32RotrImm, false),
        Op::I64Eq => (Op::I64EqImm, true),
        Op::I64Ne => (Op::I64NeImm, true),
        Op::I64LtS => (Op::I64LtSImm, false),
        Op::I64LtU => (Op::I64LtUImm, false),
        Op::I64GtS => (Op::I64GtSImm, false),
        Op::I64GtU => (Op::I64GtUImm, false),
        Op::I64LeS => (Op::I64LeSImm, false),
        Op::I64LeU => (Op::I64LeUImm, false),
        Op::I64GeS => (Op::I64GeSImm, false),
        Op::I64GeU => (Op::I64GeUImm, false),
        Op::I64Add => (Op::I64AddImm, true),
        Op::I64Sub => (Op::I64SubImm, false),
        Op::I64Mul => (Op::I64MulImm, true),
        Op::I64DivS => (Op::I64DivSImm, false),
        Op::I64DivU => (Op::I64DivUImm, false),
        Op::I64RemS => (Op::I64RemSImm, false),
        Op::I64RemU => (Op::I64RemUImm, false),
        Op::I64And => (Op::I64AndImm, true),
        Op::I64Or => (Op::I64OrImm, true),
        Op::I64Xor => (Op::I64XorImm, true),
        Op::I64Shl => (Op::I64ShlImm, false),
        Op::I64ShrS => (Op::I64ShrSImm, false),
        Op::I64ShrU => (Op::I64ShrUImm, false),
        Op::I64Rotl => (Op::I64RotlImm, false),
        Op::I64Rotr => (Op::I64RotrImm, false),
        _ => return None,
    })
}
