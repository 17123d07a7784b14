//! Reproducer for a fuel-metering hole in kwasm-engine found by fuzz/instantiate_run
//! (fuzz/regressions/instantiate_run-1.wasm): some backward branches do not consume
//! fuel, so a call with a small budget never returns. Each variant runs on a thread
//! with 1000 fuel; one still running after 2 s is reported as HANG (the process then
//! exits, killing spinning threads).
//!   cargo run --release -p kwasm-bench --example fuel_hang

use kwasm_engine::{Limits, Linker, Module, Store, Value};
use std::sync::mpsc::channel;
use std::time::Duration;

const VARIANTS: &[(&str, &str)] = &[
    ("br_if to own loop, i32.eqz", "(loop $l (br_if $l (i32.eqz (local.get 0))))"),
    ("br_if to own loop, plain", "(loop $l (br_if $l (i32.const 1)))"),
    ("br to outer loop from inner loop", "(loop $o (loop $i (br $o)))"),
    ("br_if to outer loop from inner loop", "(loop $o (loop $i (br_if $o (i32.const 1))))"),
    ("br_if(eqz) to outer loop from inner loop", "(loop $o (loop $i (br_if $o (i32.eqz (local.get 0)))))"),
    ("br_if(eqz) to outer loop, block inside", "(loop $o (block $b (br_if $o (i32.eqz (local.get 0)))))"),
    ("br_if(eqz) to outer (result i64) loop [fuzz case]", "(loop $o (result i64) (loop $i (br_if $o (i32.eqz (local.get 0)))) unreachable) drop"),
    ("br_if(local<const) to outer loop", "(loop $o (loop $i (br_if $o (i32.lt_s (local.get 0) (i32.const 5)))))"),
    ("br_table to outer loop", "(loop $o (loop $i (br_table $o $o (local.get 0))))"),
];

fn main() {
    let mut hung = 0;
    for (name, body) in VARIANTS {
        let wat = format!(r#"(module (func (export "run") (param i32) {body}))"#);
        let wasm = wat::parse_str(&wat).expect("wat");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let limits = Limits::default();
            let module = Module::new(&wasm, &limits).expect("load");
            let mut store = Store::new(limits);
            let inst = store.instantiate(module, &Linker::new(), 1000).expect("instantiate");
            let r = store.call(inst, "run", &[Value::I32(0)], &mut [], 1000);
            let _ = tx.send(format!("{r:?}"));
        });
        match rx.recv_timeout(Duration::from_secs(2)) {
            Ok(r) => println!("ok    {name:<50} {r}"),
            Err(_) => {
                println!("HANG  {name:<50} (no OutOfFuel after 2 s with 1000 fuel)");
                hung += 1;
            }
        }
    }
    std::process::exit(if hung > 0 { 1 } else { 0 });
}
