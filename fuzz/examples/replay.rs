//! Replays a module outside libFuzzer and prints what each engine did.
//!   cargo run --release --example replay -- [--smith] [--seed N] [--stack KIB] FILE...
//! FILE is a .wasm module, or with --smith a raw fuzz input for the wasm-smith targets
//! (instantiate_run, differential_wasmi), which is turned into a module first
//! (written next to it as FILE.wasm) and whose leftover bytes give the argument seed,
//! as in differential_wasmi. --seed N: argument seed (default: zero arguments for a
//! .wasm file). --stack runs on a thread with that stack size.

fn main() {
    let mut smith = false;
    let mut seed: Option<u64> = None;
    let mut stack_kib = 8 * 1024;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--smith" => smith = true,
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()),
            "--stack" => stack_kib = args.next().and_then(|v| v.parse().ok()).expect("--stack KIB"),
            _ => files.push(a),
        }
    }
    for f in files {
        let data = std::fs::read(&f).expect("read input");
        let bytes = if smith {
            let mut u = arbitrary::Unstructured::new(&data);
            let m = wasm_smith::Module::new(kwasm_fuzz::smith_config(), &mut u).expect("wasm-smith");
            let b = m.to_bytes();
            // as differential_wasmi does: the argument seed is the next u64 of the input
            if seed.is_none() {
                seed = u.arbitrary::<u64>().ok();
            }
            println!("argument seed: {seed:?}");
            std::fs::write(format!("{f}.wasm"), &b).expect("write module");
            b
        } else {
            data
        };
        println!("== {f} ({} bytes)", bytes.len());
        println!("oracle (wasmparser): {:?}", kwasm_fuzz::oracle_validate(&bytes));
        let b2 = bytes.clone();
        let k = std::thread::Builder::new()
            .stack_size(stack_kib * 1024)
            .spawn(move || kwasm_fuzz::run_kwasm(&b2, seed).map_err(|e| format!("{e} ({:?})", e.category())))
            .unwrap()
            .join();
        println!("kwasm: {k:?}");
        let b3 = bytes.clone();
        let w = std::thread::Builder::new()
            .stack_size(stack_kib * 1024)
            .spawn(move || kwasm_fuzz::run_wasmi(&b3, seed))
            .unwrap()
            .join();
        println!("wasmi: {w:?}");
        if let (Ok(Ok(k)), Ok(Ok(w))) = (&k, &w) {
            println!("compare: {:?}", kwasm_fuzz::compare(k, w));
        }
    }
}
