//! The end-to-end suite: every `tests/e2e/*.sh` runs as root in one boot of the debug VM
//! (KASAN, lockdep, kmemleak). A test passes when it exits 0 and the kernel logged no report
//! between its begin and end markers; a report outside every test fails the suite too.

use std::time::Duration;

use anyhow::{bail, Result};

use crate::kernel::Flavour;
use crate::layout;
use crate::splat;
use crate::stamp::files_below;
use crate::vm::{log_tail, print_reports, Lab};

const MARK: &str = "kwasm-e2e:";

/// Per-test result.
#[derive(Debug, PartialEq, Eq)]
struct Verdict {
    name: String,
    exit: Option<i32>,
    reports: Vec<&'static str>,
}

impl Verdict {
    fn passed(&self) -> bool {
        self.exit == Some(0) && self.reports.is_empty()
    }
}

/// The guest-side script: runs each test between kernel log markers.
fn guest_script(names: &[String]) -> String {
    let mut s = String::from("set -u\ncd /lab/tests/e2e\n");
    for name in names {
        s.push_str(&format!(
            "echo \"<5>{MARK} begin {name}\" > /dev/kmsg\n\
             echo \"--- {name}\"\n\
             bash ./{name}.sh 2>&1 | sed 's/^/    /'; rc=${{PIPESTATUS[0]}}\n\
             echo \"<5>{MARK} end {name} exit=$rc\" > /dev/kmsg\n"
        ));
    }
    s
}

/// Splits the kernel log at the markers and judges each test.
fn judge(names: &[String], log: &str) -> (Vec<Verdict>, Vec<&'static str>) {
    let lines: Vec<&str> = log.lines().collect();
    let reports = splat::find(log);
    let mut verdicts = Vec::new();
    let mut claimed = vec![false; reports.len()];
    for name in names {
        let begin = lines.iter().position(|l| l.contains(&format!("{MARK} begin {name}")));
        let end_prefix = format!("{MARK} end {name} exit=");
        let end = lines.iter().position(|l| l.contains(&end_prefix));
        let exit = end.and_then(|i| lines[i].split(&end_prefix).nth(1)).and_then(|s| s.trim().parse().ok());
        let mut kinds = Vec::new();
        if let Some(b) = begin {
            let stop = end.unwrap_or(lines.len());
            for (i, r) in reports.iter().enumerate() {
                if r.line > b && r.line < stop {
                    kinds.push(r.kind);
                    claimed[i] = true;
                }
            }
        }
        verdicts.push(Verdict { name: name.clone(), exit, reports: kinds });
    }
    let outside = reports.iter().zip(&claimed).filter(|(_, c)| !**c).map(|(r, _)| r.kind).collect();
    (verdicts, outside)
}

/// Runs the suite; returns the process exit code.
pub fn run(filter: Option<&str>) -> Result<i32> {
    let dir = layout::repo().join("tests/e2e");
    let mut names: Vec<String> = files_below(&dir)?
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "sh"))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|n| filter.is_none_or(|f| n.contains(f)))
        .collect();
    names.sort();
    if names.is_empty() {
        bail!("no e2e tests match {filter:?} in {}", dir.display());
    }
    crate::samples::build_all()?;
    crate::samples::build_test_programs()?;
    let lab = Lab::prepare(Flavour::Debug)?;
    let outcome = lab.run_script(&guest_script(&names), Duration::from_secs(1800))?;
    let (verdicts, outside) = judge(&names, &outcome.kernel_log);
    println!();
    for v in &verdicts {
        let state = match (v.passed(), v.exit) {
            (true, _) => "ok".to_string(),
            (false, None) => "FAILED (did not finish)".to_string(),
            (false, Some(0)) => format!("FAILED (kernel report: {})", v.reports.join(", ")),
            (false, Some(code)) if v.reports.is_empty() => format!("FAILED (exit {code})"),
            (false, Some(code)) => format!("FAILED (exit {code}; kernel report: {})", v.reports.join(", ")),
        };
        println!("e2e {} ... {state}", v.name);
    }
    print_reports(&outcome.kernel_log);
    let mut failed = verdicts.iter().filter(|v| !v.passed()).count();
    if !outside.is_empty() {
        println!("e2e: kernel report(s) outside any test: {}", outside.join(", "));
        failed += 1;
    }
    if outcome.timed_out || outcome.status.is_none() {
        println!("e2e: the guest did not finish the suite. Last kernel log lines:\n{}", log_tail(&outcome.kernel_log, 30));
    }
    let passed = verdicts.iter().filter(|v| v.passed()).count();
    println!("e2e: {passed} passed, {failed} failed");
    Ok(if failed == 0 && !outcome.timed_out { 0 } else { 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judge_attributes_reports_to_the_test_that_ran() {
        let names = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let log = "\
[1] kwasm-e2e: begin a
[2] kwasm-e2e: end a exit=0
[3] kwasm-e2e: begin b
[4] BUG: KASAN: use-after-free in kwasm_write
[5] kwasm-e2e: end b exit=0
[6] kwasm-e2e: begin c
[7] kwasm-e2e: end c exit=3
[8] WARNING: CPU: 0 PID: 1 at foo
";
        let (verdicts, outside) = judge(&names, log);
        assert!(verdicts[0].passed());
        assert_eq!(verdicts[1].reports, vec!["KASAN"]);
        assert!(!verdicts[1].passed());
        assert_eq!(verdicts[2].exit, Some(3));
        assert!(!verdicts[2].passed());
        assert_eq!(outside, vec!["WARN"]);
    }

    #[test]
    fn unfinished_test_fails() {
        let names = vec!["hang".to_string()];
        let (verdicts, _) = judge(&names, "[1] kwasm-e2e: begin hang\n");
        assert_eq!(verdicts[0].exit, None);
        assert!(!verdicts[0].passed());
    }

    #[test]
    fn guest_script_marks_every_test() {
        let s = guest_script(&["x".to_string()]);
        assert!(s.contains("kwasm-e2e: begin x"));
        assert!(s.contains("bash ./x.sh"));
        assert!(s.contains("kwasm-e2e: end x exit=$rc"));
    }
}
