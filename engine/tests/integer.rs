//! Integer instruction semantics.

mod common;

use common::*;
use kwasm_engine::{TrapKind, Value};

fn run_i32_binop(opcode: u8, a: i32, b: i32) -> Result<i32, TrapKind> {
    let mut w = Wasm::new();
    let t = w.ty(&[I32, I32], &[I32]);
    let f = w.func(t, &[], &code(&[&op(0x20, 0), &op(0x20, 1), &[opcode]]));
    w.export_func("f", f);
    let (mut store, inst) = instantiate(&w.build());
    call1(&mut store, inst, "f", &[Value::I32(a), Value::I32(b)]).map(|v| v.i32().unwrap()).map_err(|t| t.kind())
}

fn run_i64_binop(opcode: u8, a: i64, b: i64) -> Result<i64, TrapKind> {
    let mut w = Wasm::new();
    let t = w.ty(&[I64, I64], &[I64]);
    let f = w.func(t, &[], &code(&[&op(0x20, 0), &op(0x20, 1), &[opcode]]));
    w.export_func("f", f);
    let (mut store, inst) = instantiate(&w.build());
    call1(&mut store, inst, "f", &[Value::I64(a), Value::I64(b)]).map(|v| v.i64().unwrap()).map_err(|t| t.kind())
}

fn run_unop(opcode: u8, input: Value, out_ty: u8) -> Value {
    let mut w = Wasm::new();
    let in_ty = match input {
        Value::I32(_) => I32,
        _ => I64,
    };
    let t = w.ty(&[in_ty], &[out_ty]);
    let f = w.func(t, &[], &code(&[&op(0x20, 0), &[opcode]]));
    w.export_func("f", f);
    let (mut store, inst) = instantiate(&w.build());
    call1(&mut store, inst, "f", &[input]).unwrap()
}

#[test]
fn i32_arithmetic() {
    assert_eq!(run_i32_binop(0x6a, i32::MAX, 1), Ok(i32::MIN));
    assert_eq!(run_i32_binop(0x6b, i32::MIN, 1), Ok(i32::MAX));
    assert_eq!(run_i32_binop(0x6c, 0x1000_0001, 16), Ok(16));
    assert_eq!(run_i32_binop(0x6d, -7, 2), Ok(-3));
    assert_eq!(run_i32_binop(0x6d, 1, 0), Err(TrapKind::IntegerDivideByZero));
    assert_eq!(run_i32_binop(0x6d, i32::MIN, -1), Err(TrapKind::IntegerOverflow));
    assert_eq!(run_i32_binop(0x6e, -1, 2), Ok(0x7fff_ffff));
    assert_eq!(run_i32_binop(0x6e, 1, 0), Err(TrapKind::IntegerDivideByZero));
    assert_eq!(run_i32_binop(0x6f, -7, 2), Ok(-1));
    assert_eq!(run_i32_binop(0x6f, i32::MIN, -1), Ok(0));
    assert_eq!(run_i32_binop(0x6f, 1, 0), Err(TrapKind::IntegerDivideByZero));
    assert_eq!(run_i32_binop(0x70, -1, 10), Ok(5));
    assert_eq!(run_i32_binop(0x70, 1, 0), Err(TrapKind::IntegerDivideByZero));
    assert_eq!(run_i32_binop(0x71, 0b1100, 0b1010), Ok(0b1000));
    assert_eq!(run_i32_binop(0x72, 0b1100, 0b1010), Ok(0b1110));
    assert_eq!(run_i32_binop(0x73, 0b1100, 0b1010), Ok(0b0110));
    assert_eq!(run_i32_binop(0x74, 1, 33), Ok(2));
    assert_eq!(run_i32_binop(0x75, i32::MIN, 31), Ok(-1));
    assert_eq!(run_i32_binop(0x75, -8, 33), Ok(-4));
    assert_eq!(run_i32_binop(0x76, i32::MIN, 31), Ok(1));
    assert_eq!(run_i32_binop(0x76, -1, 32), Ok(-1));
    assert_eq!(run_i32_binop(0x77, 0x8000_0001u32 as i32, 1), Ok(3));
    assert_eq!(run_i32_binop(0x77, 1, 33), Ok(2));
    assert_eq!(run_i32_binop(0x78, 1, 1), Ok(i32::MIN));
    assert_eq!(run_i32_binop(0x78, 1, -1), Ok(2));
}

#[test]
fn i32_comparisons() {
    let cases: [(u8, i32, i32, i32); 10] = [
        (0x46, 1, 1, 1),
        (0x47, 1, 1, 0),
        (0x48, -1, 0, 1),
        (0x49, -1, 0, 0),
        (0x4a, -1, 0, 0),
        (0x4b, -1, 0, 1),
        (0x4c, 5, 5, 1),
        (0x4d, -1, 5, 0),
        (0x4e, -5, 5, 0),
        (0x4f, -5, 5, 1),
    ];
    for (opc, a, b, e) in cases {
        assert_eq!(run_i32_binop(opc, a, b), Ok(e), "opcode {:#x}", opc);
    }
}

#[test]
fn i64_arithmetic_and_comparisons() {
    assert_eq!(run_i64_binop(0x7c, i64::MAX, 1), Ok(i64::MIN));
    assert_eq!(run_i64_binop(0x7d, 0, 1), Ok(-1));
    assert_eq!(run_i64_binop(0x7e, i64::MIN, -1), Ok(i64::MIN));
    assert_eq!(run_i64_binop(0x7f, i64::MIN, -1), Err(TrapKind::IntegerOverflow));
    assert_eq!(run_i64_binop(0x7f, 7, 0), Err(TrapKind::IntegerDivideByZero));
    assert_eq!(run_i64_binop(0x7f, -7, 2), Ok(-3));
    assert_eq!(run_i64_binop(0x80, -1, 2), Ok(i64::MAX));
    assert_eq!(run_i64_binop(0x81, i64::MIN, -1), Ok(0));
    assert_eq!(run_i64_binop(0x81, -7, 2), Ok(-1));
    assert_eq!(run_i64_binop(0x82, -1, 10), Ok(5));
    assert_eq!(run_i64_binop(0x82, -1, 0), Err(TrapKind::IntegerDivideByZero));
    assert_eq!(run_i64_binop(0x86, 1, 65), Ok(2));
    assert_eq!(run_i64_binop(0x87, i64::MIN, 63), Ok(-1));
    assert_eq!(run_i64_binop(0x88, i64::MIN, 63), Ok(1));
    assert_eq!(run_i64_binop(0x89, i64::MIN, 1), Ok(1));
    assert_eq!(run_i64_binop(0x8a, 1, 1), Ok(i64::MIN));
    assert_eq!(run_i64_binop(0x8a, 1, 65), Ok(i64::MIN));
    let mut w = Wasm::new();
    let t = w.ty(&[I64, I64], &[I32]);
    let lt_s = w.func(t, &[], &code(&[&op(0x20, 0), &op(0x20, 1), &[0x53]]));
    let lt_u = w.func(t, &[], &code(&[&op(0x20, 0), &op(0x20, 1), &[0x54]]));
    w.export_func("lt_s", lt_s);
    w.export_func("lt_u", lt_u);
    let (mut store, inst) = instantiate(&w.build());
    let args = [Value::I64(-1), Value::I64(0)];
    assert_eq!(call1(&mut store, inst, "lt_s", &args), Ok(Value::I32(1)));
    assert_eq!(call1(&mut store, inst, "lt_u", &args), Ok(Value::I32(0)));
}

#[test]
fn unary_and_conversions() {
    assert_eq!(run_unop(0x45, Value::I32(0), I32), Value::I32(1));
    assert_eq!(run_unop(0x50, Value::I64(5), I32), Value::I32(0));
    assert_eq!(run_unop(0x67, Value::I32(1), I32), Value::I32(31));
    assert_eq!(run_unop(0x67, Value::I32(0), I32), Value::I32(32));
    assert_eq!(run_unop(0x68, Value::I32(0x80), I32), Value::I32(7));
    assert_eq!(run_unop(0x68, Value::I32(0), I32), Value::I32(32));
    assert_eq!(run_unop(0x69, Value::I32(-1), I32), Value::I32(32));
    assert_eq!(run_unop(0x79, Value::I64(1), I64), Value::I64(63));
    assert_eq!(run_unop(0x7a, Value::I64(0), I64), Value::I64(64));
    assert_eq!(run_unop(0x7b, Value::I64(-1), I64), Value::I64(64));
    assert_eq!(run_unop(0xa7, Value::I64(0x1_0000_0005), I32), Value::I32(5));
    assert_eq!(run_unop(0xac, Value::I32(-2), I64), Value::I64(-2));
    assert_eq!(run_unop(0xad, Value::I32(-2), I64), Value::I64(0xffff_fffe));
    assert_eq!(run_unop(0xc0, Value::I32(0x80), I32), Value::I32(-128));
    assert_eq!(run_unop(0xc0, Value::I32(0x17f), I32), Value::I32(127));
    assert_eq!(run_unop(0xc1, Value::I32(0x8000), I32), Value::I32(-32768));
    assert_eq!(run_unop(0xc2, Value::I64(0xff), I64), Value::I64(-1));
    assert_eq!(run_unop(0xc3, Value::I64(0x7fff), I64), Value::I64(0x7fff));
    assert_eq!(run_unop(0xc4, Value::I64(0x8000_0000), I64), Value::I64(-0x8000_0000));
}

#[test]
fn fused_add_patterns_compute_correctly() {
    let mut w = Wasm::new();
    let t = w.ty(&[I32, I32], &[I32]);
    // local.get 0; local.get 1; i32.add  and  local.get 0; i32.const -5; i32.add
    let f = w.func(t, &[], &code(&[&op(0x20, 0), &op(0x20, 1), &[0x6a], &op(0x20, 0), &i32c(-5), &[0x6a], &[0x6c]]));
    w.export_func("f", f);
    let (mut store, inst) = instantiate(&w.build());
    assert_eq!(call1(&mut store, inst, "f", &[Value::I32(10), Value::I32(3)]), Ok(Value::I32(13 * 5)));
    // Wrapping behaviour in the fused forms.
    assert_eq!(
        call1(&mut store, inst, "f", &[Value::I32(i32::MIN + 2), Value::I32(-3)]),
        Ok(Value::I32(i32::MAX.wrapping_mul((i32::MIN + 2).wrapping_sub(5))))
    );
}

#[test]
fn fusion_does_not_cross_branch_targets() {
    // (block (result i32) local.get 0 (br_if 0 (local.get 1)) drop local.get 1) i32.add ...
    // Here a label sits between `local.get` and `i32.add`: must not fuse across it.
    let mut w = Wasm::new();
    let t = w.ty(&[I32, I32], &[I32]);
    let body = code(&[
        &op(0x20, 0),
        &[0x02, I32],
        &op(0x20, 1),
        &[0x0b],
        &[0x6a],
    ]);
    let f = w.func(t, &[], &body);
    w.export_func("f", f);
    let (mut store, inst) = instantiate(&w.build());
    assert_eq!(call1(&mut store, inst, "f", &[Value::I32(2), Value::I32(40)]), Ok(Value::I32(42)));
}

#[test]
fn fused_tee_and_set_forms() {
    // l1 = l0 + l0; l0 = l0 + 3; return (l0 + 4 -> tee l2) + l1 + l2
    let mut w = Wasm::new();
    let t = w.ty(&[I32], &[I32]);
    let body = code(&[
        &op(0x20, 0),
        &op(0x20, 0),
        &[0x6a],
        &op(0x21, 1),
        &op(0x20, 0),
        &i32c(3),
        &[0x6a],
        &op(0x21, 0),
        &op(0x20, 0),
        &i32c(4),
        &[0x6a],
        &op(0x22, 2),
        &op(0x20, 1),
        &[0x6a],
        &op(0x20, 2),
        &[0x6a],
    ]);
    let f = w.func(t, &[(2, I32)], &body);
    w.export_func("f", f);
    let (mut store, inst) = instantiate(&w.build());
    // x=5: l1=10, l0=8, tee l2=12 -> 12 + 10 + 12 = 34
    assert_eq!(call1(&mut store, inst, "f", &[Value::I32(5)]), Ok(Value::I32(34)));
}

#[test]
fn fused_compare_and_branch_matches_plain_comparisons() {
    let pairs = [(0, 0), (1, 2), (2, 1), (-1, 1), (1, -1), (i32::MIN, i32::MAX), (i32::MAX, i32::MIN), (-5, -5)];
    for opcode in 0x46u8..=0x4f {
        let mut w = Wasm::new();
        let t = w.ty(&[I32, I32], &[I32]);
        // block; a; b; cmp; br_if 0; i32.const 0; return; end; i32.const 1
        let body = code(&[
            &[0x02, 0x40],
            &op(0x20, 0),
            &op(0x20, 1),
            &[opcode],
            &op(0x0d, 0),
            &i32c(0),
            &[0x0f, 0x0b],
            &i32c(1),
        ]);
        let f = w.func(t, &[], &body);
        w.export_func("f", f);
        let (mut store, inst) = instantiate(&w.build());
        for (a, b) in pairs {
            let fused = call1(&mut store, inst, "f", &[Value::I32(a), Value::I32(b)]).unwrap();
            assert_eq!(fused, Value::I32(run_i32_binop(opcode, a, b).unwrap()), "op {:#x} {} {}", opcode, a, b);
        }
    }
    // i32.eqz; br_if
    let mut w = Wasm::new();
    let t = w.ty(&[I32], &[I32]);
    let body = code(&[&[0x02, 0x40], &op(0x20, 0), &[0x45], &op(0x0d, 0), &i32c(0), &[0x0f, 0x0b], &i32c(1)]);
    let f = w.func(t, &[], &body);
    w.export_func("f", f);
    let (mut store, inst) = instantiate(&w.build());
    assert_eq!(call1(&mut store, inst, "f", &[Value::I32(0)]), Ok(Value::I32(1)));
    assert_eq!(call1(&mut store, inst, "f", &[Value::I32(7)]), Ok(Value::I32(0)));
}

#[test]
fn fused_backward_compare_branch_consumes_fuel() {
    // loop: i += 1; (i < 1_000_000) br_if 0  -- must run out of fuel with a small budget
    let mut w = Wasm::new();
    let t = w.ty(&[], &[]);
    let body = code(&[
        &[0x03, 0x40],
        &op(0x20, 0),
        &i32c(1),
        &[0x6a],
        &op(0x22, 0),
        &i32c(1_000_000),
        &[0x48],
        &op(0x0d, 0),
        &[0x0b],
    ]);
    let f = w.func(t, &[(1, I32)], &body);
    w.export_func("f", f);
    let (mut store, inst) = instantiate(&w.build());
    let err = store.call(inst, "f", &[], &mut [], 1000).unwrap_err();
    assert_eq!(err.kind(), TrapKind::OutOfFuel);
    let used = store.call(inst, "f", &[], &mut [], 2_000_000).unwrap();
    assert_eq!(used, 1_000_000);
}

#[test]
fn fused_compare_with_constant_and_branch() {
    let constants = [0, 1, -1, i32::MIN, i32::MAX, 7];
    let inputs = [0, 1, -1, i32::MIN, i32::MAX, 7, 8, -8];
    for opcode in 0x46u8..=0x4f {
        for c in constants {
            let mut w = Wasm::new();
            let t = w.ty(&[I32], &[I32]);
            let body = code(&[
                &[0x02, 0x40],
                &op(0x20, 0),
                &i32c(c),
                &[opcode],
                &op(0x0d, 0),
                &i32c(0),
                &[0x0f, 0x0b],
                &i32c(1),
            ]);
            let f = w.func(t, &[], &body);
            w.export_func("f", f);
            let (mut store, inst) = instantiate(&w.build());
            for x in inputs {
                let got = call1(&mut store, inst, "f", &[Value::I32(x)]).unwrap();
                let want = run_i32_binop(opcode, x, c).unwrap();
                assert_eq!(got, Value::I32(want), "op {:#x} {} {}", opcode, x, c);
            }
        }
    }
}

#[test]
fn fused_sub_constant_wraps() {
    for c in [5, -5, i32::MIN, i32::MAX, 0] {
        let mut w = Wasm::new();
        let t = w.ty(&[I32], &[I32]);
        let f = w.func(t, &[], &code(&[&op(0x20, 0), &i32c(c), &[0x6b]]));
        w.export_func("f", f);
        let (mut store, inst) = instantiate(&w.build());
        for x in [0, 1, -1, i32::MIN, i32::MAX] {
            assert_eq!(call1(&mut store, inst, "f", &[Value::I32(x)]), Ok(Value::I32(x.wrapping_sub(c))));
        }
    }
}

#[test]
fn fused_local_load_and_store() {
    let mut w = Wasm::new();
    w.memory(1, None);
    let t_store = w.ty(&[I32, I32], &[]);
    let t_load = w.ty(&[I32], &[I32]);
    let st = w.func(t_store, &[], &code(&[&op(0x20, 0), &op(0x20, 1), &mem(0x36, 2, 4)]));
    let ld = w.func(t_load, &[], &code(&[&op(0x20, 0), &mem(0x28, 2, 4)]));
    w.export_func("st", st);
    w.export_func("ld", ld);
    let (mut store, inst) = instantiate(&w.build());
    store.call(inst, "st", &[Value::I32(100), Value::I32(-2)], &mut [], 10).unwrap();
    assert_eq!(call1(&mut store, inst, "ld", &[Value::I32(100)]), Ok(Value::I32(-2)));
    let mem_id = store.instance_memory(inst).unwrap();
    assert_eq!(&store.memory(mem_id).unwrap()[104..108], &[0xfe, 0xff, 0xff, 0xff]);
    // Last in-bounds word is at 65532 = 65528 + 4.
    assert!(store.call(inst, "st", &[Value::I32(65_528), Value::I32(1)], &mut [], 10).is_ok());
    let err = store.call(inst, "st", &[Value::I32(65_529), Value::I32(1)], &mut [], 10).unwrap_err();
    assert_eq!(err.kind(), TrapKind::MemoryOutOfBounds);
    assert_eq!(call1(&mut store, inst, "ld", &[Value::I32(65_528)]), Ok(Value::I32(1)));
    let err = call1(&mut store, inst, "ld", &[Value::I32(-4)]).unwrap_err();
    assert_eq!(err.kind(), TrapKind::MemoryOutOfBounds);
}
