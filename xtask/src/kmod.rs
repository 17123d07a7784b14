//! kwasm.ko, built out of tree against a lab kernel (`make M=kmod MO=<cache>`), so the
//! repository stays free of build products and each kernel flavour keeps its own objects.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::buildroot::BuildRoot;
use crate::kernel::Kernel;
use crate::layout;
use crate::progress::{note, Step};
use crate::stamp::{Fingerprint, Stamp};
use crate::tail_jumps;

/// A built module.
pub struct Module {
    /// kwasm.ko on the host.
    pub ko: PathBuf,
}

/// Sources the module is built from: kmod/ and the engine it embeds.
fn fingerprint(kernel: &Kernel) -> Result<Fingerprint> {
    let repo = layout::repo();
    let not_source = |p: &Path| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
    Fingerprint::new()
        .text("kernel", &kernel.fingerprint)
        .tree(&repo, &repo.join("kmod"), &not_source)?
        .tree(&repo, &repo.join("engine/src"), &not_source)
}

/// On the lab box: builds kwasm.ko against the running kernel's headers
/// (`/lib/modules/$(uname -r)/build`); returns its path.
pub fn ensure_for_running_kernel(root: &BuildRoot) -> Result<PathBuf> {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease")?.trim().to_string();
    let out = root.cache().join(format!("module-{release}"));
    std::fs::create_dir_all(&out)?;
    let step = Step::start(format!("building kwasm.ko for the running kernel {release}"));
    let args = [
        "-C".to_string(),
        format!("/lib/modules/{release}/build"),
        format!("M={}", root.repo().join("kmod").display()),
        format!("MO={}", out.display()),
        "LLVM=1".to_string(),
        "modules".to_string(),
    ];
    root.run("make", &args)?;
    check_tail_jumps(root, &out)?;
    step.done();
    Ok(out.join("kwasm.ko"))
}

/// Disassembles the kwasm.ko in `out` (a build-root path) and checks the
/// engine's handlers dispatch by jumping (see `tail_jumps`).
fn check_tail_jumps(root: &BuildRoot, out: &Path) -> Result<()> {
    let listing = out.join("kwasm.dis");
    let objdump = format!("llvm-objdump -d --no-show-raw-insn {} > {}", out.join("kwasm.ko").display(), listing.display());
    root.run("sh", &["-c", &objdump])?;
    let handlers = tail_jumps::check(&std::fs::read_to_string(root.cache_on_host(&listing))?)?;
    note(format!("engine: {handlers} instruction handlers, all dispatching by jump"));
    Ok(())
}

/// Builds kwasm.ko for `kernel` unless its sources are unchanged since the last build.
pub fn ensure(root: &BuildRoot, kernel: &Kernel) -> Result<Module> {
    let fp = fingerprint(kernel)?;
    let out = root.cache().join(format!("module-{}", kernel.flavour.name()));
    let host_out = root.cache_on_host(&out);
    let ko = host_out.join("kwasm.ko");
    let stamp = Stamp::at(host_out.join(".kwasm-stamp"));
    if !(stamp.matches(&fp) && ko.is_file()) {
        let step = Step::start(format!("building kwasm.ko for the {} kernel", kernel.flavour.name()));
        // Start from an empty output directory: make compares timestamps only, and objects
        // built from another checkout (a CI clone sharing this cache) can look newer than
        // these sources. A clean module build takes seconds.
        let _ = std::fs::remove_dir_all(&host_out);
        std::fs::create_dir_all(&host_out)?;
        let args = [
            "-C".to_string(),
            kernel.build_dir.display().to_string(),
            format!("M={}", root.repo().join("kmod").display()),
            format!("MO={}", out.display()),
            "LLVM=1".to_string(),
            format!("-j{}", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)),
            "modules".to_string(),
        ];
        root.run("make", &args)?;
        check_tail_jumps(root, &out)?;
        stamp.record(&fp)?;
        step.done();
    }
    note(format!("module: {}", ko.display()));
    Ok(Module { ko })
}
