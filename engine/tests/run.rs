//! End-to-end tests: load, link, run.

mod common;

use common::*;
use kwasm_engine::{
    Caller, ErrorCategory, ErrorKind, Extern, Limits, Linker, Module, Store, Trap, TrapKind, ValType, Value,
};

fn debug_host(caller: &mut Caller<'_>, params: &[Value], results: &mut [Value]) -> Result<(), Trap> {
    let ptr = params[0].i32().unwrap() as u32;
    let len = params[1].i32().unwrap() as u32;
    let bytes = caller.slice(ptr, len)?.to_vec();
    // SAFETY: the test passes a pointer to a live Vec<(u32, u32, Vec<u8>)>.
    let seen = unsafe { &mut *(caller.data() as *mut Vec<(u32, u32, Vec<u8>)>) };
    seen.push((ptr, len, bytes));
    results[0] = Value::I32(len as i32);
    Ok(())
}

fn hello_module() -> Vec<u8> {
    let mut w = Wasm::new();
    let t = w.ty(&[I32, I32], &[I32]);
    let debug = w.import_func("env", "_debug", t);
    w.memory(1, None);
    let main = w.func(t, &[], &code(&[&i32c(0), &i32c(5), &op(0x10, debug)]));
    w.export_func("main", main);
    w.data(0, b"Hello");
    w.build()
}

#[test]
fn hello_world_host_call_reads_memory() {
    let limits = Limits::default();
    let module = Module::new(&hello_module(), &limits).unwrap();
    let mut store = Store::new(limits);
    let mut linker = Linker::new();
    let mut seen: Vec<(u32, u32, Vec<u8>)> = Vec::new();
    linker
        .define_host_func(
            &mut store,
            "env",
            "_debug",
            &[ValType::I32, ValType::I32],
            &[ValType::I32],
            debug_host,
            &mut seen as *mut _ as *mut (),
        )
        .unwrap();
    let inst = store.instantiate(module, &linker, 1000).unwrap();
    let mut out = [Value::I32(0)];
    let used = store.call(inst, "main", &[Value::I32(7), Value::I32(8)], &mut out, 1000).unwrap();
    assert_eq!(out[0], Value::I32(5));
    assert!(used >= 2, "entry call and host call consume fuel, used {}", used);
    assert_eq!(seen, vec![(0, 5, b"Hello".to_vec())]);
    // The embedder can read memory too.
    let mem = store.instance_memory(inst).unwrap();
    let mut buf = [0u8; 5];
    store.read_memory(mem, 0, &mut buf).unwrap();
    assert_eq!(&buf, b"Hello");
    assert_eq!(store.read_memory(mem, 65_534, &mut buf).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
}

#[test]
fn missing_import_is_named() {
    let limits = Limits::default();
    let module = Module::new(&hello_module(), &limits).unwrap();
    let mut store = Store::new(limits);
    let err = store.instantiate(module, &Linker::new(), 1000).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownImport);
    assert_eq!(err.category(), ErrorCategory::Link);
    assert!(err.to_string().contains("env._debug"), "{}", err);
}

#[test]
fn import_signature_mismatch_says_expected_and_found() {
    let limits = Limits::default();
    let module = Module::new(&hello_module(), &limits).unwrap();
    let mut store = Store::new(limits);
    let mut linker = Linker::new();
    linker
        .define_host_func(&mut store, "env", "_debug", &[ValType::I32], &[], debug_host, core::ptr::null_mut())
        .unwrap();
    let err = store.instantiate(module, &linker, 1000).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::IncompatibleImportType);
    let msg = err.to_string();
    assert!(msg.contains("env._debug"), "{}", msg);
    assert!(msg.contains("expected (i32, i32) -> (i32), found (i32) -> ()"), "{}", msg);
}

#[test]
fn infinite_loop_runs_out_of_fuel() {
    let mut w = Wasm::new();
    let t = w.ty(&[], &[]);
    let f = w.func(t, &[], &code(&[&[0x03, 0x40], &op(0x0c, 0), &[0x0b]]));
    w.export_func("spin", f);
    let (mut store, inst) = instantiate(&w.build());
    let err = store.call(inst, "spin", &[], &mut [], 10_000).unwrap_err();
    assert_eq!(err.kind(), TrapKind::OutOfFuel);
    assert_eq!(err.to_string(), "out of fuel");
    // The store is reusable after a trap.
    let err = store.call(inst, "spin", &[], &mut [], 5).unwrap_err();
    assert_eq!(err.kind(), TrapKind::OutOfFuel);
}

fn recursive_count_module() -> Vec<u8> {
    // f(n) = n == 0 ? 0 : f(n - 1) + 1
    let mut w = Wasm::new();
    let t = w.ty(&[I32], &[I32]);
    let body = code(&[
        &op(0x20, 0),
        &[0x45],
        &[0x04, I32],
        &i32c(0),
        &[0x05],
        &op(0x20, 0),
        &i32c(1),
        &[0x6b],
        &op(0x10, 0),
        &i32c(1),
        &[0x6a],
        &[0x0b],
    ]);
    let f = w.func(t, &[], &body);
    w.export_func("count", f);
    w.build()
}

#[test]
fn deep_recursion_exhausts_the_stack() {
    let (mut store, inst) = instantiate(&recursive_count_module());
    assert_eq!(call1(&mut store, inst, "count", &[Value::I32(1000)]), Ok(Value::I32(1000)));
    let err = call1(&mut store, inst, "count", &[Value::I32(100_000)]).unwrap_err();
    assert_eq!(err.kind(), TrapKind::StackExhausted);
    // Still works afterwards.
    assert_eq!(call1(&mut store, inst, "count", &[Value::I32(10)]), Ok(Value::I32(10)));
}

#[test]
fn value_stack_limit_also_exhausts() {
    let limits = Limits { max_value_stack: 1000, ..Limits::default() };
    let module = Module::new(&recursive_count_module(), &limits).unwrap();
    let mut store = Store::new(limits);
    let inst = store.instantiate(module, &Linker::new(), 10).unwrap();
    let mut out = [Value::I32(0)];
    let err = store.call(inst, "count", &[Value::I32(5000)], &mut out, 1_000_000).unwrap_err();
    assert_eq!(err.kind(), TrapKind::StackExhausted);
}

#[test]
fn fib_recursive_and_iterative() {
    let mut w = Wasm::new();
    let t = w.ty(&[I32], &[I32]);
    // fib(n) = n < 2 ? n : fib(n-1) + fib(n-2)
    let rec = code(&[
        &op(0x20, 0),
        &i32c(2),
        &[0x48],
        &[0x04, I32],
        &op(0x20, 0),
        &[0x05],
        &op(0x20, 0),
        &i32c(1),
        &[0x6b],
        &op(0x10, 0),
        &op(0x20, 0),
        &i32c(2),
        &[0x6b],
        &op(0x10, 0),
        &[0x6a],
        &[0x0b],
    ]);
    let fib = w.func(t, &[], &rec);
    // Iterative: locals a=1(l1), b=2(l2)... a=0,b=1; loop n times: t=a+b; a=b; b=t
    let iter = code(&[
        &i32c(1),
        &op(0x21, 2),
        &[0x02, 0x40],
        &[0x03, 0x40],
        &op(0x20, 0),
        &[0x45],
        &op(0x0d, 1),
        &op(0x20, 1),
        &op(0x20, 2),
        &[0x6a],
        &op(0x20, 2),
        &op(0x21, 1),
        &op(0x21, 2),
        &op(0x20, 0),
        &i32c(-1),
        &[0x6a],
        &op(0x21, 0),
        &op(0x0c, 0),
        &[0x0b],
        &[0x0b],
        &op(0x20, 1),
    ]);
    let fib_iter = w.func(t, &[(2, I32)], &iter);
    w.export_func("fib", fib);
    w.export_func("fib_iter", fib_iter);
    let (mut store, inst) = instantiate(&w.build());
    let expected = [0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55];
    for (n, e) in expected.iter().enumerate() {
        assert_eq!(call1(&mut store, inst, "fib", &[Value::I32(n as i32)]), Ok(Value::I32(*e)), "fib {}", n);
        assert_eq!(call1(&mut store, inst, "fib_iter", &[Value::I32(n as i32)]), Ok(Value::I32(*e)), "iter {}", n);
    }
    assert_eq!(call1(&mut store, inst, "fib", &[Value::I32(20)]), Ok(Value::I32(6765)));
    assert_eq!(call1(&mut store, inst, "fib_iter", &[Value::I32(40)]), Ok(Value::I32(102_334_155)));
}

#[test]
fn loop_sum_with_br_if_and_block_results() {
    // sum 1..=n using loop with block result.
    let mut w = Wasm::new();
    let t = w.ty(&[I32], &[I32]);
    let body = code(&[
        &[0x02, I32],
        &[0x03, 0x40],
        &op(0x20, 1),
        &op(0x20, 0),
        &[0x6a],
        &op(0x21, 1),
        &op(0x20, 0),
        &i32c(1),
        &[0x6b],
        &op(0x22, 0),
        &op(0x0d, 0),
        &[0x0b],
        &op(0x20, 1),
        &[0x0b],
    ]);
    let f = w.func(t, &[(1, I32)], &body);
    w.export_func("sum", f);
    let (mut store, inst) = instantiate(&w.build());
    assert_eq!(call1(&mut store, inst, "sum", &[Value::I32(100)]), Ok(Value::I32(5050)));
}

#[test]
fn br_table_selects_targets() {
    let mut w = Wasm::new();
    let t = w.ty(&[I32], &[I32]);
    // block block block (br_table 0 1 2 (local 0)) return 10 end return 20 end return 30 end 40
    let mut bt = vec![0x0e];
    bt.extend(uleb(2));
    bt.extend([0, 1, 2]);
    let body = code(&[
        &[0x02, 0x40, 0x02, 0x40, 0x02, 0x40],
        &op(0x20, 0),
        &bt,
        &[0x0b],
        &i32c(10),
        &[0x0f, 0x0b],
        &i32c(20),
        &[0x0f, 0x0b],
        &i32c(30),
    ]);
    let f = w.func(t, &[], &body);
    w.export_func("sel", f);
    let (mut store, inst) = instantiate(&w.build());
    for (i, e) in [(0, 10), (1, 20), (2, 30), (3, 30), (-1, 30)] {
        assert_eq!(call1(&mut store, inst, "sel", &[Value::I32(i)]), Ok(Value::I32(e)));
    }
}

#[test]
fn multi_value_blocks_and_functions() {
    let mut w = Wasm::new();
    let t_swap = w.ty(&[I32, I32], &[I32, I32]);
    let t_main = w.ty(&[], &[I32]);
    let swap = w.func(t_swap, &[], &code(&[&op(0x20, 1), &op(0x20, 0)]));
    // (block (type swap) ...) with params: push 3 4, block(swap type): local-free body calls swap; sub
    let mut blk = vec![0x02];
    blk.extend(sleb(t_swap as i64));
    let main = w.func(t_main, &[], &code(&[&i32c(3), &i32c(10), &blk, &op(0x10, swap), &[0x0b], &[0x6b]]));
    w.export_func("main", main);
    w.export_func("swap", swap);
    let (mut store, inst) = instantiate(&w.build());
    assert_eq!(call1(&mut store, inst, "main", &[]), Ok(Value::I32(7)));
    let mut out = [Value::I32(0), Value::I32(0)];
    store.call(inst, "swap", &[Value::I32(1), Value::I32(2)], &mut out, 100).unwrap();
    assert_eq!(out, [Value::I32(2), Value::I32(1)]);
}

#[test]
fn memory_loads_and_stores_of_every_width() {
    let mut w = Wasm::new();
    w.memory(1, Some(2));
    let t_store = w.ty(&[I32, I64], &[]);
    let t_load = w.ty(&[I32], &[I64]);
    let stores: [(&str, u8, u32, bool); 7] = [
        ("st_i32", 0x36, 2, false),
        ("st_i64", 0x37, 3, true),
        ("st_i32_8", 0x3a, 0, false),
        ("st_i32_16", 0x3b, 1, false),
        ("st_i64_8", 0x3c, 0, true),
        ("st_i64_16", 0x3d, 1, true),
        ("st_i64_32", 0x3e, 2, true),
    ];
    for (name, opc, align, wide) in stores {
        let value: Vec<u8> = if wide { op(0x20, 1) } else { code(&[&op(0x20, 1), &[0xa7]]) };
        let f = w.func(t_store, &[], &code(&[&op(0x20, 0), &value, &mem(opc, align, 0)]));
        w.export_func(name, f);
    }
    let loads: [(&str, u8, u32, bool); 12] = [
        ("ld_i32", 0x28, 2, false),
        ("ld_i64", 0x29, 3, true),
        ("ld_i32_8s", 0x2c, 0, false),
        ("ld_i32_8u", 0x2d, 0, false),
        ("ld_i32_16s", 0x2e, 1, false),
        ("ld_i32_16u", 0x2f, 1, false),
        ("ld_i64_8s", 0x30, 0, true),
        ("ld_i64_8u", 0x31, 0, true),
        ("ld_i64_16s", 0x32, 1, true),
        ("ld_i64_16u", 0x33, 1, true),
        ("ld_i64_32s", 0x34, 2, true),
        ("ld_i64_32u", 0x35, 2, true),
    ];
    for (name, opc, align, wide) in loads {
        // Load with offset 1 from (addr - 1) to exercise base + offset.
        let widen: &[u8] = if wide { &[] } else { &[0xad] };
        let f = w.func(
            t_load,
            &[],
            &code(&[&op(0x20, 0), &i32c(1), &[0x6b], &mem(opc, align, 1), widen]),
        );
        w.export_func(name, f);
    }
    let (mut store, inst) = instantiate(&w.build());
    let v = 0x8182_8384_8586_8788u64 as i64;
    store.call(inst, "st_i64", &[Value::I32(16), Value::I64(v)], &mut [], 100).unwrap();
    let ld = |store: &mut Store, name: &str, addr: i32| call1(store, inst, name, &[Value::I32(addr)]).unwrap();
    assert_eq!(ld(&mut store, "ld_i64", 16), Value::I64(v));
    assert_eq!(ld(&mut store, "ld_i32", 16), Value::I64(0x8586_8788));
    assert_eq!(ld(&mut store, "ld_i32_8s", 16), Value::I64(0xffff_ff88));
    assert_eq!(ld(&mut store, "ld_i32_8u", 16), Value::I64(0x88));
    assert_eq!(ld(&mut store, "ld_i32_16s", 16), Value::I64(0xffff_8788));
    assert_eq!(ld(&mut store, "ld_i32_16u", 16), Value::I64(0x8788));
    assert_eq!(ld(&mut store, "ld_i64_8s", 16), Value::I64(-0x78));
    assert_eq!(ld(&mut store, "ld_i64_8u", 16), Value::I64(0x88));
    assert_eq!(ld(&mut store, "ld_i64_16s", 16), Value::I64(0x8788u64 as i16 as i64));
    assert_eq!(ld(&mut store, "ld_i64_16u", 16), Value::I64(0x8788));
    assert_eq!(ld(&mut store, "ld_i64_32s", 16), Value::I64(0x8586_8788u32 as i32 as i64));
    assert_eq!(ld(&mut store, "ld_i64_32u", 16), Value::I64(0x8586_8788));
    store.call(inst, "st_i32_8", &[Value::I32(32), Value::I64(0x1234_5678)], &mut [], 10).unwrap();
    store.call(inst, "st_i32_16", &[Value::I32(40), Value::I64(0x1234_5678)], &mut [], 10).unwrap();
    store.call(inst, "st_i64_32", &[Value::I32(48), Value::I64(-1)], &mut [], 10).unwrap();
    store.call(inst, "st_i64_8", &[Value::I32(56), Value::I64(0x1ff)], &mut [], 10).unwrap();
    store.call(inst, "st_i64_16", &[Value::I32(60), Value::I64(0x12345)], &mut [], 10).unwrap();
    store.call(inst, "st_i32", &[Value::I32(64), Value::I64(0x1_2345_6789)], &mut [], 10).unwrap();
    assert_eq!(ld(&mut store, "ld_i64", 32), Value::I64(0x78));
    assert_eq!(ld(&mut store, "ld_i64", 40), Value::I64(0x5678));
    assert_eq!(ld(&mut store, "ld_i64", 48), Value::I64(0xffff_ffff));
    assert_eq!(ld(&mut store, "ld_i64", 56), Value::I64(0x2345_0000_00ff));
    assert_eq!(ld(&mut store, "ld_i64", 60), Value::I64(0x2345_6789_0000_2345));
    assert_eq!(ld(&mut store, "ld_i64", 64), Value::I64(0x2345_6789));
    // Bounds: last valid 8-byte address is 65528; offset adds 1 in the loads.
    assert!(call1(&mut store, inst, "ld_i64", &[Value::I32(65_528)]).is_ok());
    let err = call1(&mut store, inst, "ld_i64", &[Value::I32(65_529)]).unwrap_err();
    assert_eq!(err.kind(), TrapKind::MemoryOutOfBounds);
    // Address wrap-around must not alias low memory: base 0 - 1 + offset 1 = 0xffff_ffff + 1.
    let err = call1(&mut store, inst, "ld_i32_8u", &[Value::I32(0)]).unwrap_err();
    assert_eq!(err.kind(), TrapKind::MemoryOutOfBounds);
}

#[test]
fn memory_grow_respects_declared_max_and_store_limit() {
    let mut w = Wasm::new();
    w.memory(1, Some(3));
    let t = w.ty(&[I32], &[I32]);
    let grow = w.func(t, &[], &code(&[&op(0x20, 0), &[0x40, 0x00]]));
    let t0 = w.ty(&[], &[I32]);
    let size = w.func(t0, &[], &[0x3f, 0x00]);
    w.export_func("grow", grow);
    w.export_func("size", size);
    let bytes = w.build();
    let (mut store, inst) = instantiate(&bytes);
    assert_eq!(call1(&mut store, inst, "grow", &[Value::I32(1)]), Ok(Value::I32(1)));
    assert_eq!(call1(&mut store, inst, "grow", &[Value::I32(2)]), Ok(Value::I32(-1)));
    assert_eq!(call1(&mut store, inst, "grow", &[Value::I32(1)]), Ok(Value::I32(2)));
    assert_eq!(call1(&mut store, inst, "size", &[]), Ok(Value::I32(3)));
    assert_eq!(call1(&mut store, inst, "grow", &[Value::I32(0)]), Ok(Value::I32(3)));
    assert_eq!(call1(&mut store, inst, "grow", &[Value::I32(-1)]), Ok(Value::I32(-1)));

    // The store limit caps growth below the declared maximum.
    let limits = Limits { max_memory_pages: 2, ..Limits::default() };
    let module = Module::new(&bytes, &limits).unwrap();
    let mut store = Store::new(limits);
    let inst = store.instantiate(module, &Linker::new(), 10).unwrap();
    assert_eq!(call1(&mut store, inst, "grow", &[Value::I32(1)]), Ok(Value::I32(1)));
    assert_eq!(call1(&mut store, inst, "grow", &[Value::I32(1)]), Ok(Value::I32(-1)));
}

#[test]
fn call_indirect_checks_bounds_null_and_signature() {
    let mut w = Wasm::new();
    let t_i = w.ty(&[], &[I32]);
    let t_l = w.ty(&[], &[I64]);
    let t_call = w.ty(&[I32], &[I32]);
    w.table(FUNCREF, 4, None);
    let f42 = w.func(t_i, &[], &i32c(42));
    let f64_ = w.func(t_l, &[], &i64c(7));
    let mut ci = vec![0x11];
    ci.extend(uleb(t_i as u64));
    ci.push(0x00);
    let caller = w.func(t_call, &[], &code(&[&op(0x20, 0), &ci]));
    w.elem(0, &[f42, f64_]);
    w.export_func("call", caller);
    let (mut store, inst) = instantiate(&w.build());
    assert_eq!(call1(&mut store, inst, "call", &[Value::I32(0)]), Ok(Value::I32(42)));
    let kind = |r: Result<Value, Trap>| r.unwrap_err().kind();
    assert_eq!(kind(call1(&mut store, inst, "call", &[Value::I32(1)])), TrapKind::IndirectCallTypeMismatch);
    assert_eq!(kind(call1(&mut store, inst, "call", &[Value::I32(2)])), TrapKind::UninitializedElement);
    assert_eq!(kind(call1(&mut store, inst, "call", &[Value::I32(4)])), TrapKind::UndefinedElement);
}

#[test]
fn float_instruction_is_rejected_with_its_name() {
    let mut w = Wasm::new();
    let t = w.ty(&[], &[I32]);
    w.func(t, &[], &i32c(1));
    // f32.const 1.0; i32.trunc_f32_s
    w.func(t, &[], &code(&[&[0x43, 0x00, 0x00, 0x80, 0x3f], &[0xa8]]));
    let err = Module::new(&w.build(), &Limits::default()).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::FloatInstruction("f32.const"));
    assert_eq!(err.category(), ErrorCategory::Unsupported);
    assert_eq!(err.function(), Some(1));
    let msg = err.to_string();
    assert!(msg.starts_with("code section, function 1, offset 0x"), "{}", msg);
    assert!(msg.contains("f32.const"), "{}", msg);

    // A float op on integer-typed inputs is named too.
    let mut w = Wasm::new();
    let t = w.ty(&[F64], &[F64]);
    w.func(t, &[], &code(&[&op(0x20, 0), &op(0x20, 0), &[0xa0]]));
    let err = Module::new(&w.build(), &Limits::default()).err().unwrap();
    assert!(err.to_string().contains("f64.add"), "{}", err);
    // The saturating truncations are rejected as well.
    let mut w = Wasm::new();
    let t = w.ty(&[F32], &[I32]);
    w.func(t, &[], &code(&[&op(0x20, 0), &[0xfc, 0x00]]));
    let err = Module::new(&w.build(), &Limits::default()).err().unwrap();
    assert!(err.to_string().contains("i32.trunc_sat_f32_s"), "{}", err);
}

#[test]
fn float_values_pass_through_as_bits() {
    let mut w = Wasm::new();
    let t = w.ty(&[F64, F64, I32], &[F64]);
    let f = w.func(t, &[], &code(&[&op(0x20, 0), &op(0x20, 1), &op(0x20, 2), &[0x1b]]));
    w.export_func("pick", f);
    let (mut store, inst) = instantiate(&w.build());
    let a = Value::F64(0x4000_0000_0000_0000);
    let b = Value::F64(0x3ff0_0000_0000_0000);
    assert_eq!(call1(&mut store, inst, "pick", &[a, b, Value::I32(1)]), Ok(a));
    assert_eq!(call1(&mut store, inst, "pick", &[a, b, Value::I32(0)]), Ok(b));
}

#[test]
fn globals_are_exported_readable_and_settable() {
    let mut w = Wasm::new();
    w.global(I32, true, &i32c(10));
    w.global(I64, false, &i64c(-3));
    let t = w.ty(&[], &[I32]);
    let inc = w.func(t, &[], &code(&[&op(0x23, 0), &i32c(1), &[0x6a], &op(0x24, 0), &op(0x23, 0)]));
    w.export_func("inc", inc);
    w.export("g", 0x03, 0);
    w.export("k", 0x03, 1);
    let (mut store, inst) = instantiate(&w.build());
    assert_eq!(call1(&mut store, inst, "inc", &[]), Ok(Value::I32(11)));
    let Some(Extern::Global(g)) = store.export(inst, "g") else { panic!() };
    let Some(Extern::Global(k)) = store.export(inst, "k") else { panic!() };
    assert_eq!(store.global_get(g), Some(Value::I32(11)));
    assert_eq!(store.global_get(k), Some(Value::I64(-3)));
    store.global_set(g, Value::I32(100)).unwrap();
    assert_eq!(call1(&mut store, inst, "inc", &[]), Ok(Value::I32(101)));
    assert_eq!(store.global_set(k, Value::I64(1)).unwrap_err().kind(), ErrorKind::ImmutableGlobal);
}

#[test]
fn unknown_export_and_bad_arguments_are_traps() {
    let (mut store, inst) = instantiate(&recursive_count_module());
    let err = store.call(inst, "nope", &[], &mut [], 10).unwrap_err();
    assert_eq!(err.kind(), TrapKind::ExportNotFound);
    let err = store.call(inst, "count", &[Value::I64(1)], &mut [Value::I32(0)], 10).unwrap_err();
    assert_eq!(err.kind(), TrapKind::SignatureMismatch);
    let err = store.call(inst, "count", &[Value::I32(1)], &mut [], 10).unwrap_err();
    assert_eq!(err.kind(), TrapKind::SignatureMismatch);
}

#[test]
fn start_function_runs_and_traps_are_reported() {
    let mut w = Wasm::new();
    w.global(I32, true, &i32c(0));
    let t = w.ty(&[], &[]);
    let s = w.func(t, &[], &code(&[&i32c(5), &op(0x24, 0)]));
    w.start(s);
    w.export("g", 0x03, 0);
    let (store, inst) = instantiate(&w.build());
    let Some(Extern::Global(g)) = store.export(inst, "g") else { panic!() };
    assert_eq!(store.global_get(g), Some(Value::I32(5)));

    let mut w = Wasm::new();
    let t = w.ty(&[], &[]);
    let s = w.func(t, &[], &[0x00]);
    w.start(s);
    let limits = Limits::default();
    let module = Module::new(&w.build(), &limits).unwrap();
    let mut store = Store::new(limits);
    let err = store.instantiate(module, &Linker::new(), 10).unwrap_err();
    assert_eq!(err.trap(), Some(TrapKind::Unreachable));
}

#[test]
fn data_segment_out_of_bounds_traps_at_instantiation() {
    let mut w = Wasm::new();
    w.memory(1, None);
    w.data(65_534, b"abc");
    let limits = Limits::default();
    let module = Module::new(&w.build(), &limits).unwrap();
    let mut store = Store::new(limits);
    let err = store.instantiate(module, &Linker::new(), 10).unwrap_err();
    assert_eq!(err.trap(), Some(TrapKind::MemoryOutOfBounds));
}

#[test]
fn linking_between_instances_shares_memory_table_globals_and_funcs() {
    // Provider: exports memory, table, a global and a function.
    let mut p = Wasm::new();
    p.memory(1, None);
    p.table(FUNCREF, 2, None);
    p.global(I32, true, &i32c(1));
    let t = p.ty(&[], &[I32]);
    let seven = p.func(t, &[], &i32c(7));
    p.elem(0, &[seven]);
    p.export("mem", 0x02, 0);
    p.export("tab", 0x01, 0);
    p.export("glob", 0x03, 0);
    p.export_func("seven", seven);
    let limits = Limits::default();
    let mut store = Store::new(limits);
    let provider = store.instantiate(Module::new(&p.build(), &limits).unwrap(), &Linker::new(), 10).unwrap();
    let mut linker = Linker::new();
    linker.define_instance(&store, "P", provider).unwrap();

    // Consumer: imports them all; writes memory, bumps the global, calls through the table.
    let mut c = Wasm::new();
    let t = c.ty(&[], &[I32]);
    let seven = c.import_func("P", "seven", t);
    c.import_memory("P", "mem", 1, None);
    c.import_table("P", "tab", FUNCREF, 2, None);
    c.import_global("P", "glob", I32, true);
    let mut ci = vec![0x11];
    ci.extend(uleb(t as u64));
    ci.push(0x00);
    let body = code(&[
        &i32c(100),
        &i32c(0x55),
        &mem(0x3a, 0, 0),
        &op(0x23, 0),
        &i32c(1),
        &[0x6a],
        &op(0x24, 0),
        &i32c(0),
        &ci,
        &op(0x10, seven),
        &[0x6a],
    ]);
    let run = c.func(t, &[], &body);
    c.export_func("run", run);
    let consumer = store.instantiate(Module::new(&c.build(), &limits).unwrap(), &linker, 10).unwrap();
    assert_eq!(call1(&mut store, consumer, "run", &[]), Ok(Value::I32(14)));
    let Some(Extern::Memory(m)) = store.export(provider, "mem") else { panic!() };
    assert_eq!(store.memory(m).unwrap()[100], 0x55);
    let Some(Extern::Global(g)) = store.export(provider, "glob") else { panic!() };
    assert_eq!(store.global_get(g), Some(Value::I32(2)));
    let Some(Extern::Table(tab)) = store.export(provider, "tab") else { panic!() };
    assert!(matches!(store.table_get(tab, 0), Some(Value::FuncRef(Some(_)))));
    assert_eq!(store.table_get(tab, 1), Some(Value::FuncRef(None)));
}

#[test]
fn spectest_style_host_module() {
    fn print_i32(_: &mut Caller<'_>, params: &[Value], _: &mut [Value]) -> Result<(), Trap> {
        assert_eq!(params, &[Value::I32(3)]);
        Ok(())
    }
    let limits = Limits::default();
    let mut store = Store::new(limits);
    let mut linker = Linker::new();
    let g = store.new_global(Value::I32(666), false).unwrap();
    let m = store.new_memory(1, Some(2)).unwrap();
    let t = store.new_table(ValType::FuncRef, 10, Some(20)).unwrap();
    linker.define("spectest", "global_i32", Extern::Global(g)).unwrap();
    linker.define("spectest", "memory", Extern::Memory(m)).unwrap();
    linker.define("spectest", "table", Extern::Table(t)).unwrap();
    linker
        .define_host_func(&mut store, "spectest", "print_i32", &[ValType::I32], &[], print_i32, core::ptr::null_mut())
        .unwrap();
    let mut w = Wasm::new();
    let tp = w.ty(&[I32], &[]);
    let print = w.import_func("spectest", "print_i32", tp);
    w.import_global("spectest", "global_i32", I32, false);
    w.import_memory("spectest", "memory", 1, None);
    w.import_table("spectest", "table", FUNCREF, 10, None);
    let t0 = w.ty(&[], &[I32]);
    let f = w.func(t0, &[], &code(&[&i32c(3), &op(0x10, print), &op(0x23, 0)]));
    w.export_func("f", f);
    let inst = store.instantiate(Module::new(&w.build(), &limits).unwrap(), &linker, 10).unwrap();
    assert_eq!(call1(&mut store, inst, "f", &[]), Ok(Value::I32(666)));

    // Table limits that do not fit are a link error.
    let mut w = Wasm::new();
    w.import_table("spectest", "table", FUNCREF, 10, Some(15));
    let err = store.instantiate(Module::new(&w.build(), &limits).unwrap(), &linker, 10).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::IncompatibleImportType);
    assert!(err.to_string().contains("spectest.table"), "{}", err);
}

#[test]
fn host_errors_propagate_as_traps() {
    fn fail(_: &mut Caller<'_>, _: &[Value], _: &mut [Value]) -> Result<(), Trap> {
        Err(Trap::host(77))
    }
    let mut w = Wasm::new();
    let t = w.ty(&[], &[]);
    let h = w.import_func("env", "fail", t);
    let f = w.func(t, &[], &op(0x10, h));
    w.export_func("f", f);
    let limits = Limits::default();
    let mut store = Store::new(limits);
    let mut linker = Linker::new();
    linker.define_host_func(&mut store, "env", "fail", &[], &[], fail, core::ptr::null_mut()).unwrap();
    let inst = store.instantiate(Module::new(&w.build(), &limits).unwrap(), &linker, 10).unwrap();
    let err = store.call(inst, "f", &[], &mut [], 10).unwrap_err();
    assert_eq!(err.kind(), TrapKind::Host(77));
}

/// Loading and running must fit the kernel's 16 KiB stack. Debug builds use
/// far larger frames, so the bound is only asserted tightly in release.
#[test]
fn runs_within_a_small_stack() {
    let stack = if cfg!(debug_assertions) { 256 * 1024 } else { 16 * 1024 };
    let handle = std::thread::Builder::new()
        .stack_size(stack)
        .spawn(|| {
            let (mut store, inst) = instantiate(&recursive_count_module());
            let r = call1(&mut store, inst, "count", &[Value::I32(4000)]);
            assert_eq!(r, Ok(Value::I32(4000)));
            let err = call1(&mut store, inst, "count", &[Value::I32(100_000)]).unwrap_err();
            assert_eq!(err.kind(), TrapKind::StackExhausted);
            let bytes = hello_module();
            for len in 0..bytes.len() {
                let _ = Module::new(&bytes[..len], &Limits::default());
            }
        })
        .unwrap();
    handle.join().unwrap();
}

#[test]
fn extended_constant_expressions() {
    let mut w = Wasm::new();
    w.global(I32, false, &i32c(10));
    // (i32.add (global.get 0) (i32.mul (i32.const 2) (i32.const 4)))
    w.global(I32, false, &code(&[&op(0x23, 0), &i32c(2), &i32c(4), &[0x6c], &[0x6a]]));
    w.global(I64, false, &code(&[&i64c(3), &i64c(1000), &[0x7e], &i64c(1), &[0x7d]]));
    w.export("sum", 0x03, 1);
    w.export("big", 0x03, 2);
    let (store, inst) = instantiate(&w.build());
    let Some(Extern::Global(s)) = store.export(inst, "sum") else { panic!() };
    let Some(Extern::Global(b)) = store.export(inst, "big") else { panic!() };
    assert_eq!(store.global_get(s), Some(Value::I32(18)));
    assert_eq!(store.global_get(b), Some(Value::I64(2999)));
    // Mixed types are a validation error.
    let mut w = Wasm::new();
    w.global(I32, false, &code(&[&i32c(1), &i64c(2), &[0x6a]]));
    let err = Module::new(&w.build(), &Limits::default()).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::TypeMismatch);
    assert_eq!(err.category(), ErrorCategory::Validation);
}

#[test]
fn progress_hook_runs_periodically_and_can_interrupt() {
    fn count_and_stop(data: *mut ()) -> bool {
        // SAFETY: the test passes a pointer to a live u32.
        let calls = unsafe { &mut *(data as *mut u32) };
        *calls += 1;
        *calls < 3
    }
    let mut w = Wasm::new();
    let t = w.ty(&[], &[]);
    let f = w.func(t, &[], &code(&[&[0x03, 0x40], &op(0x0c, 0), &[0x0b]]));
    w.export_func("spin", f);
    let (mut store, inst) = instantiate(&w.build());
    let mut calls: u32 = 0;
    store.set_progress_hook(Some(count_and_stop), &mut calls as *mut u32 as *mut ());
    let err = store.call(inst, "spin", &[], &mut [], u64::MAX).unwrap_err();
    assert_eq!(err.kind(), TrapKind::Interrupted);
    assert_eq!(calls, 3);
    store.set_progress_hook(None, core::ptr::null_mut());
    let err = store.call(inst, "spin", &[], &mut [], 300_000).unwrap_err();
    assert_eq!(err.kind(), TrapKind::OutOfFuel);
}

#[test]
fn a_module_can_be_cloned_and_instantiated_twice() {
    let mut w = Wasm::new();
    w.global(I32, true, &i32c(0));
    let t = w.ty(&[], &[I32]);
    let inc = w.func(t, &[], &code(&[&op(0x23, 0), &i32c(1), &[0x6a], &op(0x24, 0), &op(0x23, 0)]));
    w.export_func("inc", inc);
    let limits = Limits::default();
    let module = Module::new(&w.build(), &limits).unwrap();
    let copy = module.try_clone().unwrap();
    let mut store = Store::new(limits);
    let a = store.instantiate(module, &Linker::new(), 10).unwrap();
    let b = store.instantiate(copy, &Linker::new(), 10).unwrap();
    assert_eq!(call1(&mut store, a, "inc", &[]), Ok(Value::I32(1)));
    assert_eq!(call1(&mut store, a, "inc", &[]), Ok(Value::I32(2)));
    assert_eq!(call1(&mut store, b, "inc", &[]), Ok(Value::I32(1)));
}
