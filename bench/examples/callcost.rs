//! Cost of calling an empty exported function from the host, kwasm-engine vs wasmi:
//! `cargo run --release -p kwasm-bench --example callcost`

use std::time::Instant;

fn main() {
    let wasm = wat::parse_str(r#"(module (func (export "nop")))"#).expect("wat");
    let n = 2_000_000u32;

    let limits = kwasm_engine::Limits::default();
    let module = kwasm_engine::Module::new(&wasm, &limits).expect("load");
    let mut store = kwasm_engine::Store::new(limits);
    let inst = store.instantiate(module, &kwasm_engine::Linker::new(), 1000).expect("instantiate");
    let start = Instant::now();
    for _ in 0..n {
        store.call(inst, "nop", &[], &mut [], 1000).expect("call");
    }
    let kwasm = start.elapsed().as_secs_f64() * 1e9 / f64::from(n);

    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, &wasm[..]).expect("load");
    let mut store = wasmi::Store::new(&engine, ());
    let instance = wasmi::Linker::<()>::new(&engine).instantiate_and_start(&mut store, &module).expect("instantiate");
    let f = instance.get_typed_func::<(), ()>(&store, "nop").expect("nop");
    let start = Instant::now();
    for _ in 0..n {
        f.call(&mut store, ()).expect("call");
    }
    let wasmi = start.elapsed().as_secs_f64() * 1e9 / f64::from(n);
    println!("empty call from the host: kwasm-engine {kwasm:.1} ns, wasmi {wasmi:.1} ns");
}
