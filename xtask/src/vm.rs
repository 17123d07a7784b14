//! `cargo make vm -- CMD...`: boot the lab VM, run CMD as root, stream its output, exit with
//! its status. A guest that hangs is killed after a timeout; a kernel report (oops, BUG,
//! WARN, KASAN, lockdep, ...) in the guest log fails the run and is printed.

use std::fs;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Args;

use crate::buildroot::{self, BuildRoot};
use crate::kernel::{self, Flavour, Kernel};
use crate::progress::{note, Step};
use crate::{initramfs, kmod, layout, qemu, splat};

#[derive(Args)]
pub struct VmArgs {
    /// Boot the debug kernel (KASAN, lockdep, kmemleak) instead of the lab kernel.
    #[arg(long)]
    pub debug: bool,
    /// Kill the guest after this many seconds.
    #[arg(long, default_value_t = 600)]
    pub timeout: u64,
    /// Also print the guest's kernel console (on stderr) after the run.
    #[arg(long)]
    pub kernel_log: bool,
    /// The command to run in the guest, as root, in /lab.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
    pub cmd: Vec<String>,
}

/// How a guest run ended.
pub struct Outcome {
    /// The command's exit status, if the guest got to record one.
    pub status: Option<i32>,
    /// The kernel console.
    pub kernel_log: String,
    pub timed_out: bool,
}

/// Everything a boot needs, built and ready.
pub struct Lab {
    root: BuildRoot,
    kernel: Kernel,
    ko: PathBuf,
    kwasmctl: PathBuf,
    initramfs: PathBuf,
}

impl Lab {
    /// Builds (or reuses) the build root, kernel, module, kwasmctl and initramfs.
    pub fn prepare(flavour: Flavour) -> Result<Self> {
        let root = buildroot::ensure()?;
        let kernel = kernel::ensure(&root, flavour)?;
        let module = kmod::ensure(&root, &kernel)?;
        let kwasmctl = build_kwasmctl()?;
        let initramfs = initramfs::ensure(&root)?;
        Ok(Self { root, kernel, ko: module.ko, kwasmctl, initramfs })
    }

    /// Boots the guest, runs `script` (bash) in it, streams its output to stdout.
    pub fn run_script(&self, script: &str, timeout: Duration) -> Result<Outcome> {
        let run_dir = new_run_dir()?;
        fs::create_dir_all(run_dir.join("bin"))?;
        fs::copy(&self.ko, run_dir.join("kwasm.ko")).context("copying kwasm.ko")?;
        fs::copy(&self.kwasmctl, run_dir.join("bin/kwasmctl")).context("copying kwasmctl")?;
        fs::write(run_dir.join("cmd"), script)?;
        let repo = layout::repo();
        let memory_mib = if self.kernel.flavour == Flavour::Debug { 2048 } else { 1024 };
        let spec = qemu::GuestSpec {
            image: &self.kernel.image,
            initramfs: &self.initramfs,
            rootfs: self.root.dir(),
            repo: &repo,
            run_dir: &run_dir,
            memory_mib,
            cmdline_extra: "",
        };
        let accel = qemu::choose_accel(&spec);
        let step = Step::start(format!(
            "booting the lab VM ({} kernel {}, {}, timeout {}s)",
            self.kernel.flavour.name(),
            self.kernel.release,
            accel.name(),
            timeout.as_secs()
        ));
        let timed_out = boot(spec.command(accel), timeout)?;
        step.done();
        let kernel_log = fs::read_to_string(spec.kernel_log()).unwrap_or_default();
        let status = fs::read_to_string(run_dir.join("exit")).ok().and_then(|s| s.trim().parse().ok());
        let _ = fs::remove_dir_all(&run_dir);
        Ok(Outcome { status, kernel_log, timed_out })
    }
}

/// Starts QEMU, relays the guest's ttyS0 to stdout, kills it at the deadline.
/// Returns whether it had to be killed.
fn boot(mut cmd: Command, timeout: Duration) -> Result<bool> {
    cmd.stdout(Stdio::piped());
    let mut child = cmd.spawn().context("starting qemu-system-x86_64 (is QEMU installed? apt-get install qemu-system-x86)")?;
    let mut guest_out = child.stdout.take().context("qemu stdout")?;
    let relay = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        let stdout = std::io::stdout();
        while let Ok(n) = guest_out.read(&mut buf) {
            if n == 0 {
                break;
            }
            let text: Vec<u8> = buf[..n].iter().copied().filter(|&b| b != b'\r').collect();
            let mut lock = stdout.lock();
            let _ = lock.write_all(&text);
            let _ = lock.flush();
        }
    });
    let deadline = Instant::now() + timeout;
    let mut timed_out = false;
    loop {
        if let Some(status) = child.try_wait()? {
            if !status.success() {
                note(format!("qemu exited with {status}"));
            }
            break;
        }
        if Instant::now() >= deadline {
            timed_out = true;
            let _ = child.kill();
            let _ = child.wait();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = relay.join();
    Ok(timed_out)
}

fn new_run_dir() -> Result<PathBuf> {
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let dir = layout::cache().join("runs").join(format!("{}-{stamp}", std::process::id()));
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// Builds kwasmctl for the host and returns its path (it runs in the guest as well: the
/// guest's glibc is newer than the host's).
pub fn build_kwasmctl() -> Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--release", "-p", "kwasmctl"])
        .current_dir(layout::repo())
        .status()
        .context("running cargo build -p kwasmctl")?;
    if !status.success() {
        bail!("building kwasmctl failed");
    }
    Ok(layout::target().join("release/kwasmctl"))
}

/// The guest's last kernel log lines, for a failure message.
pub fn log_tail(log: &str, lines: usize) -> String {
    let all: Vec<&str> = log.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Prints every kernel report in `log`; returns how many there were.
pub fn print_reports(log: &str) -> usize {
    let reports = splat::find(log);
    for report in &reports {
        eprintln!("vm: kernel report ({}) in the guest log:\n{}\n", report.kind, splat::excerpt(log, report));
    }
    reports.len()
}

/// `cargo make vm -- CMD...`
pub fn run(args: VmArgs) -> Result<i32> {
    let flavour = if args.debug { Flavour::Debug } else { Flavour::Lab };
    let lab = Lab::prepare(flavour)?;
    let script = shlex::try_join(args.cmd.iter().map(String::as_str)).context("quoting the command")?;
    let outcome = lab.run_script(&script, Duration::from_secs(args.timeout))?;
    if args.kernel_log {
        eprintln!("---- guest kernel log ----\n{}\n---- end of guest kernel log ----", outcome.kernel_log.trim_end());
    }
    let reports = print_reports(&outcome.kernel_log);
    if outcome.timed_out {
        eprintln!(
            "vm: the guest did not finish within {}s and was killed. Last kernel log lines:\n{}",
            args.timeout,
            log_tail(&outcome.kernel_log, 20)
        );
        return Ok(124);
    }
    let Some(status) = outcome.status else {
        eprintln!("vm: the guest stopped without recording the command's exit status. Last kernel log lines:\n{}", log_tail(&outcome.kernel_log, 30));
        return Ok(125);
    };
    if reports > 0 {
        eprintln!("vm: {reports} kernel report(s) in the guest log: failing the run (command exit status was {status})");
        return Ok(if status == 0 { 1 } else { status });
    }
    Ok(status)
}

