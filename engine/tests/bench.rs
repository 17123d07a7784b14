//! Rough timing (run with `cargo test --release --test bench -- --ignored --nocapture`).

mod common;

use common::*;
use kwasm_engine::Value;
use std::time::Instant;

#[test]
#[ignore]
fn bench_fib_and_loop() {
    let mut w = Wasm::new();
    let t = w.ty(&[I32], &[I32]);
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
    // sum loop: acc += i; i -= 1 while i != 0
    let body = code(&[
        &[0x03, 0x40],
        &op(0x20, 1),
        &op(0x20, 0),
        &[0x6a],
        &op(0x21, 1),
        &op(0x20, 0),
        &i32c(-1),
        &[0x6a],
        &op(0x22, 0),
        &op(0x0d, 0),
        &[0x0b],
        &op(0x20, 1),
    ]);
    let sum = w.func(t, &[(1, I32)], &body);
    // count loop: i += 1 while i < n (compare-and-branch)
    let count = w.func(
        t,
        &[(1, I32)],
        &code(&[&[0x03, 0x40], &op(0x20, 1), &i32c(1), &[0x6a], &op(0x22, 1), &op(0x20, 0), &[0x48], &op(0x0d, 0), &[0x0b], &op(0x20, 1)]),
    );
    w.export_func("count", count);
    w.export_func("fib", fib);
    w.export_func("sum", sum);
    let (mut store, inst) = instantiate(&w.build());
    let start = Instant::now();
    let mut out = [Value::I32(0)];
    let fuel = store.call(inst, "fib", &[Value::I32(30)], &mut out, u64::MAX).unwrap();
    let dt = start.elapsed();
    println!("fib(30) = {:?} in {:?} (fuel {})", out[0], dt, fuel);
    let start = Instant::now();
    store.call(inst, "sum", &[Value::I32(100_000_000)], &mut out, u64::MAX).unwrap();
    let dt = start.elapsed();
    println!("sum loop 1e8 = {:?} in {:?} ({} ps/iter)", out[0], dt, dt.as_nanos() / 100_000);
    let start = Instant::now();
    store.call(inst, "count", &[Value::I32(100_000_000)], &mut out, u64::MAX).unwrap();
    let dt2 = start.elapsed();
    println!("count loop 1e8 = {:?} in {:?} ({} ps/iter)", out[0], dt2, dt2.as_nanos() / 100_000);
}
