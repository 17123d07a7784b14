//! Rough per-instruction cost on kwasm-engine vs wasmi: a counted loop of 20M
//! iterations with different bodies; prints ns per iteration and the delta over the
//! empty loop. `cargo run --release -p kwasm-bench --example opcost`

use kwasm_bench::engines;

fn module(body: &str) -> Vec<u8> {
    let wat = format!(
        r#"(module (memory (export "memory") 1)
          (func (export "run") (param $n i32) (param $x i32) (result i64)
            (local $a i32) (local $b i64)
            (loop $l
              {body}
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br_if $l (local.get $n)))
            (i64.add (i64.extend_i32_u (local.get $a)) (local.get $b))))"#
    );
    wat::parse_str(&wat).expect("wat")
}

fn main() {
    let n = 20_000_000;
    let bodies = [
        ("empty loop (dec + br_if)", ""),
        ("+ i32.add local,local", "(local.set $a (i32.add (local.get $a) (local.get $x)))"),
        ("+ i32.mul local,const", "(local.set $a (i32.mul (local.get $a) (i32.const 3)))"),
        ("+ i32.mul; i32.add (LCG)", "(local.set $a (i32.add (i32.mul (local.get $a) (i32.const 3)) (i32.const 7)))"),
        ("+ i64.add(extend_u)", "(local.set $b (i64.add (local.get $b) (i64.extend_i32_u (local.get $x))))"),
        ("+ i32.load8_u", "(local.set $a (i32.load8_u (local.get $x)))"),
        ("+ i32.load", "(local.set $a (i32.load offset=4 (local.get $x)))"),
        ("+ i32.store", "(i32.store (local.get $x) (local.get $a))"),
        ("+ local.set(local.get)", "(local.set $a (local.get $n))"),
    ];
    let mut base = (0.0, 0.0);
    println!("{:<28} {:>12} {:>12} {:>10} {:>10}", "body", "kwasm ns/it", "wasmi ns/it", "kwasm +ns", "wasmi +ns");
    for (i, (name, body)) in bodies.iter().enumerate() {
        let wasm = module(body);
        let k = engines::kwasm(&wasm, None, (n, 0), 3).expect("kwasm").median().as_secs_f64() * 1e9 / n as f64;
        let w = engines::wasmi(&wasm, None, (n, 0), 3).expect("wasmi").median().as_secs_f64() * 1e9 / n as f64;
        if i == 0 {
            base = (k, w);
        }
        println!("{:<28} {:>12.2} {:>12.2} {:>10.2} {:>10.2}", name, k, w, k - base.0, w - base.1);
    }
}
