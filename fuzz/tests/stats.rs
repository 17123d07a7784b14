//! Sanity check of the fuzz harness (not a fuzz target): generate wasm-smith modules
//! from pseudo-random bytes and count how often they load, instantiate and run on
//! both engines, so a config mistake that makes every input inconclusive shows up.
//! `cargo test --release --test stats -- --nocapture`

use kwasm_fuzz::*;

#[test]
fn harness_coverage_stats() {
    let mut seed = 0x1234_5678_9abc_def0u64;
    let (mut gen, mut kw_load, mut kw_inst, mut calls, mut ok_calls, mut traps, mut inconclusive, mut wasmi_ok, mut diffs) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0);
    for _ in 0..300 {
        let mut data = vec![0u8; 4096];
        for b in data.iter_mut() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            *b = seed as u8;
        }
        let mut u = arbitrary::Unstructured::new(&data);
        let Ok(m) = wasm_smith::Module::new(smith_config(), &mut u) else { continue };
        gen += 1;
        let bytes = m.to_bytes();
        oracle_validate(&bytes).expect("wasm-smith module invalid under oracle features");
        let k = match run_kwasm(&bytes, Some(seed)) {
            Ok(k) => k,
            Err(e) => {
                println!("kwasm load error: {e}");
                continue;
            }
        };
        kw_load += 1;
        if k.instantiate == CallOutcome::Ok(vec![]) {
            kw_inst += 1;
        }
        for (_, c) in &k.calls {
            calls += 1;
            match c {
                CallOutcome::Ok(_) => ok_calls += 1,
                CallOutcome::Trap(_) => traps += 1,
                CallOutcome::Inconclusive(_) => inconclusive += 1,
            }
        }
        if let Ok(w) = run_wasmi(&bytes, Some(seed)) {
            wasmi_ok += 1;
            if let Some(d) = compare(&k, &w) {
                println!("DIFF: {d}");
                diffs += 1;
            }
        }
    }
    println!(
        "generated {gen}, kwasm loaded {kw_load}, instantiated {kw_inst}, calls {calls} (ok {ok_calls}, trap {traps}, inconclusive {inconclusive}), wasmi ran {wasmi_ok}, diffs {diffs}"
    );
    assert!(kw_load > gen / 2);
}
