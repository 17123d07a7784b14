//! `cargo make bench [-- --runs N] [-- NAME...]`: times every workload natively and on
//! kwasm-engine, wasmi and wasm3, checks all results agree, prints one table.

use kwasm_bench::{engines, workloads, Size};
use std::process::ExitCode;
use std::time::Duration;

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn main() -> ExitCode {
    let mut runs = 5usize;
    let mut filter: Vec<String> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--" => {} // `cargo make bench -- ARGS` passes a literal "--" through
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).unwrap_or(5),
            "--emit-wasm" => {
                // writes each workload's module to DIR/NAME.wasm (e.g. as a fuzz seed corpus)
                let dir = args.next().unwrap_or_else(|| ".".into());
                for w in workloads(Size::Tiny) {
                    let path = format!("{dir}/{}.wasm", w.name);
                    if let Err(e) = std::fs::write(&path, w.wasm()) {
                        eprintln!("{path}: {e}");
                        return ExitCode::FAILURE;
                    }
                }
                return ExitCode::SUCCESS;
            }
            "-h" | "--help" => {
                println!("usage: kwasm-bench [--runs N] [WORKLOAD...] | --emit-wasm DIR  (workloads: fib loop sieve sha256 crc32 dns)");
                return ExitCode::SUCCESS;
            }
            _ => filter.push(a),
        }
    }
    println!("kwasm-bench: median of {runs} runs after 1 warm-up; fuel metering on in kwasm-engine and wasmi; wasm3 has none");
    let known: Vec<&str> = workloads(Size::Tiny).iter().map(|w| w.name).collect();
    if let Some(bad) = filter.iter().find(|f| !known.contains(&f.as_str())) {
        eprintln!("unknown workload {bad:?}; known: {}", known.join(" "));
        return ExitCode::FAILURE;
    }
    let mut rows = Vec::new();
    let mut ratios = Vec::new();
    let mut failed = false;
    for w in workloads(Size::Full) {
        if !filter.is_empty() && !filter.iter().any(|f| f == w.name) {
            continue;
        }
        let wasm = w.wasm();
        let input = w.input.as_ref().map(|(a, b)| (*a, b.as_slice()));
        eprintln!("running {} ({})...", w.name, w.size);
        let r = runs + 1; // the first run is the warm-up, dropped below
        let results = [
            ("native", engines::native(&*w.native, r)),
            ("kwasm", engines::kwasm(&wasm, input, w.args, r)),
            ("wasmi", engines::wasmi(&wasm, input, w.args, r)),
            ("wasm3", engines::wasm3(&wasm, input, w.args, r)),
        ];
        let expected = results[0].1.as_ref().map(|m| m.result).unwrap_or_default();
        let mut cells = Vec::new();
        let mut med = [None; 4];
        for (i, (name, res)) in results.iter().enumerate() {
            match res {
                Ok(m) if m.result == expected => {
                    let mut m = m.clone();
                    m.times.remove(0);
                    med[i] = Some(m.median());
                    cells.push(ms(m.median()));
                }
                Ok(m) => {
                    eprintln!("WRONG RESULT: {} on {name}: {:#x}, native says {:#x}", w.name, m.result, expected);
                    failed = true;
                    cells.push("WRONG".into());
                }
                Err(e) => {
                    eprintln!("FAILED: {} on {name}: {e}", w.name);
                    failed = true;
                    cells.push("error".into());
                }
            }
        }
        let ratio = |a: Option<Duration>, b: Option<Duration>| match (a, b) {
            (Some(a), Some(b)) => Some(a.as_secs_f64() / b.as_secs_f64()),
            _ => None,
        };
        let kw = ratio(med[1], med[2]);
        let k3 = ratio(med[1], med[3]);
        if let Some(x) = kw {
            ratios.push(x);
        }
        let f = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{x:.2}x"));
        rows.push((w.name, w.size.clone(), cells, f(kw), f(k3), format!("{:#x}", expected)));
    }
    println!();
    println!(
        "| {:<7} | {:<34} | {:>10} | {:>10} | {:>10} | {:>10} | {:>11} | {:>11} | {:<18} |",
        "workload", "size", "native", "kwasm", "wasmi", "wasm3", "kwasm/wasmi", "kwasm/wasm3", "result"
    );
    println!("|{}", "---|".repeat(9));
    for (name, size, c, kw, k3, res) in &rows {
        println!(
            "| {:<7} | {:<34} | {:>10} | {:>10} | {:>10} | {:>10} | {:>11} | {:>11} | {:<18} |",
            name, size, c[0], c[1], c[2], c[3], kw, k3, res
        );
    }
    if !ratios.is_empty() {
        let g = (ratios.iter().map(|x| x.ln()).sum::<f64>() / ratios.len() as f64).exp();
        println!("\ngeometric mean kwasm/wasmi: {g:.2}x over {} workloads", ratios.len());
    }
    if failed {
        eprintln!("bench: some engine failed or returned a wrong result");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
