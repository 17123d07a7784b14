//! `cargo make spec [-- --filter SUBSTR] [--verbose]`: runs the official
//! WebAssembly spec test suite against kwasm-engine, prints a table per file
//! and the line `spec: N passed, M failed, K skipped`; exits 1 on failures.

use std::process::ExitCode;

use kwasm_spec::report;

fn usage() -> ExitCode {
    eprintln!("usage: kwasm-spec [--filter SUBSTR]... [--verbose]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut filters = Vec::new();
    let mut verbose = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            // `cargo make spec -- --verbose` passes the `--` through.
            "--" => {}
            "--verbose" | "-v" => verbose = true,
            "--filter" => match args.next() {
                Some(f) => filters.push(f),
                None => return usage(),
            },
            _ => match arg.strip_prefix("--filter=") {
                Some(f) => filters.push(f.to_string()),
                None => return usage(),
            },
        }
    }
    let reports = kwasm_spec::run(&filters);
    if reports.is_empty() {
        eprintln!("kwasm-spec: no file matches the filter");
        return ExitCode::from(2);
    }
    if verbose {
        for r in &reports {
            for f in &r.failures {
                println!("FAIL {}:{}: {}", r.name, f.line, f.reason);
            }
        }
        for r in &reports {
            for (why, n) in &r.skip_reasons {
                println!("skip {}: {n} x {why}", r.name);
            }
        }
    }
    print!("{}", report::table(&reports));
    if report::totals(&reports).failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
