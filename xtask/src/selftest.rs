//! Self-tests of the VM runner on the debug kernel: a hung guest is killed at its timeout,
//! and a kernel WARN provoked through LKDTM is found in the guest log (so a clean e2e run
//! means something). Also checks that the command's exit status comes back.

use std::time::Duration;

use anyhow::Result;

use crate::kernel::Flavour;
use crate::splat;
use crate::vm::Lab;

/// Runs the self-tests; returns the process exit code.
pub fn run() -> Result<i32> {
    let lab = Lab::prepare(Flavour::Debug)?;
    let mut passed = 0;
    let mut failed = 0;
    let mut check = |name: &str, ok: bool, detail: String| {
        if ok {
            passed += 1;
            println!("selftest {name} ... ok");
        } else {
            failed += 1;
            println!("selftest {name} ... FAILED: {detail}");
        }
    };

    let hung = lab.run_script("echo 'guest up, now hanging'; sleep 3600", Duration::from_secs(40))?;
    check(
        "hung_guest_is_killed",
        hung.timed_out && hung.status.is_none(),
        format!("timed_out={}, status={:?}", hung.timed_out, hung.status),
    );

    let warned = lab.run_script("echo WARNING > /sys/kernel/debug/provoke-crash/DIRECT; exit 7", Duration::from_secs(300))?;
    let kinds: Vec<_> = splat::find(&warned.kernel_log).into_iter().map(|r| r.kind).collect();
    check("exit_status_comes_back", warned.status == Some(7), format!("status={:?}", warned.status));
    check("provoked_warn_is_reported", kinds.contains(&"WARN"), format!("reports found: {kinds:?}"));

    println!("selftest: {passed} passed, {failed} failed");
    Ok(if failed == 0 { 0 } else { 1 })
}
