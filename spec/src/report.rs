//! Per-file accounting and the summary table.

use std::fmt::Write as _;

/// Outcome of one directive.
#[derive(Debug)]
pub enum Outcome {
    /// The assertion held (or the module loaded / the command ran).
    Pass,
    /// It did not; the reason is printed with `--verbose`.
    Fail(String),
    /// Not checked: float execution or an excluded feature.
    Skip(String),
}

/// One failure, with its place in the script.
#[derive(Debug, Clone)]
pub struct Failure {
    /// 1-based line in the `.wast` file.
    pub line: usize,
    /// What went wrong.
    pub reason: String,
}

/// Counts for one `.wast` file.
#[derive(Debug, Default, Clone)]
pub struct FileReport {
    /// `dir/name.wast`.
    pub name: String,
    /// Directives that passed.
    pub passed: u64,
    /// Directives that failed.
    pub failed: u64,
    /// Directives skipped (floats or the exclusion list).
    pub skipped: u64,
    /// Each failure, in script order.
    pub failures: Vec<Failure>,
    /// Each skip reason with how often it occurred (for `--verbose`).
    pub skip_reasons: Vec<(String, u64)>,
}

impl FileReport {
    /// Records one outcome at `line`.
    pub fn record(&mut self, line: usize, outcome: Outcome) {
        match outcome {
            Outcome::Pass => self.passed += 1,
            Outcome::Fail(reason) => {
                self.failed += 1;
                self.failures.push(Failure { line, reason });
            }
            Outcome::Skip(reason) => {
                self.skipped += 1;
                match self.skip_reasons.iter_mut().find(|(r, _)| *r == reason) {
                    Some((_, n)) => *n += 1,
                    None => self.skip_reasons.push((reason, 1)),
                }
            }
        }
    }
}

/// Totals over all files.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    /// Passed directives.
    pub passed: u64,
    /// Failed directives.
    pub failed: u64,
    /// Skipped directives.
    pub skipped: u64,
}

/// Sums the per-file counts.
pub fn totals(reports: &[FileReport]) -> Totals {
    reports.iter().fold(Totals::default(), |t, r| Totals {
        passed: t.passed + r.passed,
        failed: t.failed + r.failed,
        skipped: t.skipped + r.skipped,
    })
}

/// The table (file, passed, failed, skipped) followed by the final
/// `spec: N passed, M failed, K skipped` line.
pub fn table(reports: &[FileReport]) -> String {
    let width = reports.iter().map(|r| r.name.len()).max().unwrap_or(4).max(4);
    let mut out = String::new();
    let _ = writeln!(out, "{:<width$}  {:>7}  {:>7}  {:>7}", "file", "passed", "failed", "skipped");
    for r in reports {
        let _ = writeln!(out, "{:<width$}  {:>7}  {:>7}  {:>7}", r.name, r.passed, r.failed, r.skipped);
    }
    let t = totals(reports);
    let _ = writeln!(out, "spec: {} passed, {} failed, {} skipped", t.passed, t.failed, t.skipped);
    out
}
