//! Regressions found by the official spec test suite (`cargo make spec`,
//! crate `kwasm-spec`). Each test names the spec script and assertion.

mod common;

use common::*;
use kwasm_engine::{ErrorCategory, ErrorKind, Limits, Module};

const HEADER: &[u8] = b"\0asm\x01\0\0\0";

fn error_of(bytes: &[u8]) -> kwasm_engine::Error {
    Module::new(bytes, &Limits::default()).err().expect("expected an error")
}

/// binary.wast "Malformed table/memory limits flag": flag 0x02 has no meaning
/// in any proposal, so it is malformed (it used to be reported as an
/// unsupported shared/64-bit memory).
#[test]
fn limits_flag_0x02_is_malformed() {
    let memory = [HEADER, &section(5, &[0x01, 0x02, 0x00])].concat();
    let table = [HEADER, &section(4, &[0x01, FUNCREF, 0x02, 0x00])].concat();
    for bytes in [memory, table] {
        let e = error_of(&bytes);
        assert_eq!(e.kind(), ErrorKind::MalformedLimits(0x02));
        assert_eq!(e.category(), ErrorCategory::Decode);
    }
    // Shared memory (0x03, threads) stays a valid but unsupported feature.
    let shared = [HEADER, &section(5, &[0x01, 0x03, 0x01, 0x02])].concat();
    assert_eq!(error_of(&shared).category(), ErrorCategory::Unsupported);
}

/// binary.wast "passive element segment containing opcode other than
/// ref.func or ref.null": an opcode wasm 2.0 does not define (0xd3) inside a
/// constant expression is malformed, while a defined but non-constant one
/// stays a validation error.
#[test]
fn undefined_opcode_in_constant_expression_is_malformed() {
    let module = |expr: &[u8]| {
        let mut w = Wasm::new();
        let t = w.ty(&[], &[]);
        w.func(t, &[], &code(&[]));
        // Passive segment, element type funcref, one expression.
        w.raw_elem(&[&[0x05, FUNCREF, 0x01][..], expr, &[0x0b]].concat());
        w.build()
    };
    let e = error_of(&module(&[0xd3, 0x00]));
    assert_eq!(e.kind(), ErrorKind::UnknownOpcode(0xd3));
    assert_eq!(e.category(), ErrorCategory::Decode);

    let e = error_of(&module(&op(0x20, 0)));
    assert_eq!(e.kind(), ErrorKind::ConstantExpressionRequired);
    assert_eq!(e.category(), ErrorCategory::Validation);

    // The same holds in a global initialiser.
    let mut w = Wasm::new();
    w.global(I32, false, &[0x06]);
    assert_eq!(error_of(&w.build()).kind(), ErrorKind::UnknownOpcode(0x06));
}
