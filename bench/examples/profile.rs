//! Runs one workload on one engine, for profiling with `perf`:
//! `cargo run --release -p kwasm-bench --example profile -- kwasm loop 5`

use kwasm_bench::{engines, workloads, Size};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (engine, name) = match (args.first(), args.get(1)) {
        (Some(e), Some(n)) => (e.as_str(), n.as_str()),
        _ => {
            eprintln!("usage: profile kwasm|wasmi|wasm3 WORKLOAD [RUNS]");
            std::process::exit(2);
        }
    };
    let runs = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(3);
    let Some(w) = workloads(Size::Full).into_iter().find(|w| w.name == name) else {
        eprintln!("unknown workload {name}");
        std::process::exit(2);
    };
    let wasm = w.wasm();
    let input = w.input.as_ref().map(|(a, b)| (*a, b.as_slice()));
    let run = match engine {
        "kwasm" => engines::kwasm,
        "wasmi" => engines::wasmi,
        "wasm3" => engines::wasm3,
        _ => {
            eprintln!("unknown engine {engine}");
            std::process::exit(2);
        }
    };
    match run(&wasm, input, w.args, runs) {
        Ok(m) => println!("{engine} {name}: median {:.2} ms, result {:#x}", m.median().as_secs_f64() * 1e3, m.result),
        Err(e) => {
            eprintln!("{engine} {name}: {e}");
            std::process::exit(1);
        }
    }
}
