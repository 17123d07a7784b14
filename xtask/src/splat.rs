//! Kernel reports that mean something went wrong: oopses, BUG/WARN, KASAN, lockdep,
//! sleeping in atomic context, kmemleak, panics. Any of them in a guest log fails the run.

/// Substrings that start a report, with a short name for the summary.
const REPORTS: &[(&str, &str)] = &[
    // Specific kinds first: their lines also contain "BUG:" or "WARNING:".
    ("KASAN:", "KASAN"),
    ("UBSAN:", "UBSAN"),
    ("possible recursive locking detected", "lockdep"),
    ("possible circular locking dependency", "lockdep"),
    ("inconsistent lock state", "lockdep"),
    ("suspicious RCU usage", "lockdep"),
    ("possible irq lock inversion", "lockdep"),
    ("lock held when returning to user space", "lockdep"),
    ("scheduling while atomic", "atomic sleep"),
    ("sleeping function called from invalid context", "atomic sleep"),
    ("new suspected memory leaks", "kmemleak"),
    ("panicked at", "Rust panic"),
    ("stack-protector:", "stack protector"),
    ("kernel BUG at", "BUG"),
    ("BUG:", "BUG"),
    ("WARNING:", "WARN"),
    ("Oops:", "oops"),
    ("general protection fault", "general protection fault"),
    ("Kernel panic", "panic"),
    ("Call Trace:", "call trace"),
];

/// One report found in a log.
#[derive(Debug, PartialEq, Eq)]
pub struct Report {
    /// Short kind, e.g. "KASAN".
    pub kind: &'static str,
    /// Index of the line it starts at.
    pub line: usize,
}

/// Finds the kernel reports in `log`, one per starting line (a report's call trace is not
/// counted again when it follows another report within a few lines).
pub fn find(log: &str) -> Vec<Report> {
    let mut found: Vec<Report> = Vec::new();
    for (index, line) in log.lines().enumerate() {
        let Some((_, kind)) = REPORTS.iter().find(|(needle, _)| line.contains(needle)) else { continue };
        let follows_report = found.last().is_some_and(|r| index - r.line <= 40);
        if *kind == "call trace" && follows_report {
            continue;
        }
        found.push(Report { kind, line: index });
    }
    found
}

/// The lines of a report, for printing: from its first line up to 60 lines on.
pub fn excerpt(log: &str, report: &Report) -> String {
    log.lines().skip(report.line).take(60).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_boot_log_has_no_reports() {
        let log = "[    0.000000] Linux version 7.2.12\n[    0.5] kwasm: ready\n[    1.0] ACPI: PM: Preparing to enter system sleep state S5\n";
        assert!(find(log).is_empty());
    }

    #[test]
    fn finds_kasan_and_lockdep_and_warn() {
        let log = "ok\n[ 1.0] BUG: KASAN: slab-out-of-bounds in foo+0x1/0x2\n[ 1.1] Call Trace:\nok\n\
                   [ 2.0] WARNING: CPU: 0 PID: 1 at kernel/foo.c:1 bar\n\
                   [ 3.0] WARNING: possible recursive locking detected\n";
        let kinds: Vec<_> = find(log).into_iter().map(|r| r.kind).collect();
        assert_eq!(kinds, ["KASAN", "WARN", "lockdep"]);
    }

    #[test]
    fn finds_atomic_sleep_and_leaks() {
        let log = "[ 1] BUG: sleeping function called from invalid context at mm/slab.c:1\n\
                   [ 2] kmemleak: 3 new suspected memory leaks (see /sys/kernel/debug/kmemleak)\n";
        let found = find(log);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].kind, "atomic sleep");
        assert_eq!(found[1].kind, "kmemleak");
        assert!(excerpt(log, &found[1]).starts_with("[ 2] kmemleak"));
    }

    #[test]
    fn lone_call_trace_counts() {
        let log = "[ 1] something odd\n[ 1] Call Trace:\n[ 1]  <TASK>\n";
        assert_eq!(find(log), vec![Report { kind: "call trace", line: 1 }]);
    }
}
