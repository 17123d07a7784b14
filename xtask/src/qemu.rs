//! The QEMU command line for the lab micro-VM, and the choice between KVM and TCG.
//!
//! Devices: ttyS0 carries the command's output (QEMU's stdout), ttyS1 the kernel console (a
//! file); three 9p shares: the build root as the read-only root filesystem, the repository at
//! /lab and the run directory (command in, exit status and kernel log out) at /kwasm-run.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::layout;
use crate::progress::note;

/// How the guest CPU is run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accel {
    Kvm,
    Tcg,
}

impl Accel {
    pub fn name(self) -> &'static str {
        match self {
            Accel::Kvm => "KVM",
            Accel::Tcg => "TCG",
        }
    }
}

/// What to boot and share.
pub struct GuestSpec<'a> {
    pub image: &'a Path,
    pub initramfs: &'a Path,
    pub rootfs: &'a Path,
    pub repo: &'a Path,
    pub run_dir: &'a Path,
    pub memory_mib: u32,
    /// Extra kernel command line words.
    pub cmdline_extra: &'a str,
}

impl GuestSpec<'_> {
    /// Where the kernel console is written.
    pub fn kernel_log(&self) -> PathBuf {
        self.run_dir.join("kernel.log")
    }

    /// The QEMU command; the caller decides what happens to stdout (the command's output).
    pub fn command(&self, accel: Accel) -> Command {
        let mut cmd = Command::new("qemu-system-x86_64");
        let (accel_arg, cpu) = match accel {
            Accel::Kvm => ("kvm", "host"),
            Accel::Tcg => ("tcg,thread=multi", "max"),
        };
        let cmdline = format!(
            "console=ttyS1 loglevel=6 printk.devkmsg=on panic=-1 mitigations=off no_timer_check \
             8250.nr_uarts=2 {}",
            self.cmdline_extra
        );
        cmd.args(["-nodefaults", "-no-user-config", "-display", "none", "-no-reboot"])
            .args(["-machine", "q35", "-accel", accel_arg, "-cpu", cpu, "-smp", "2"])
            .args(["-m", &self.memory_mib.to_string()])
            .arg("-kernel")
            .arg(self.image)
            .arg("-initrd")
            .arg(self.initramfs)
            .args(["-append", cmdline.trim()])
            .args(["-chardev", "stdio,id=out,signal=off", "-serial", "chardev:out"])
            .arg("-serial")
            .arg(format!("file:{}", self.kernel_log().display()));
        for (tag, path, readonly) in [("rootfs", self.rootfs, true), ("lab", self.repo, false), ("run", self.run_dir, false)] {
            let ro = if readonly { ",readonly=on" } else { "" };
            cmd.arg("-fsdev")
                .arg(format!("local,id={tag},path={},security_model=none{ro}", path.display()))
                .args(["-device", &format!("virtio-9p-pci,fsdev={tag},mount_tag={tag}")]);
        }
        cmd.stdin(Stdio::null());
        cmd
    }
}

/// KVM when it works here, TCG otherwise. `KWASM_ACCEL=kvm|tcg` decides; else a guest is
/// booted once under KVM (a no-op boot) and the answer cached until the host reboots, since
/// `/dev/kvm` can exist while running a guest on it fails (nested virtualisation).
pub fn choose_accel(spec: &GuestSpec<'_>) -> Accel {
    match std::env::var("KWASM_ACCEL").as_deref() {
        Ok("kvm") => return Accel::Kvm,
        Ok("tcg") => return Accel::Tcg,
        _ => {}
    }
    if fs::OpenOptions::new().read(true).write(true).open("/dev/kvm").is_err() {
        return Accel::Tcg;
    }
    let boot_id = fs::read_to_string("/proc/sys/kernel/random/boot_id").unwrap_or_default();
    let cached = layout::cache().join(format!("accel-{}", boot_id.trim()));
    if let Ok(answer) = fs::read_to_string(&cached) {
        return if answer.trim() == "kvm" { Accel::Kvm } else { Accel::Tcg };
    }
    let works = probe_kvm(spec);
    let accel = if works { Accel::Kvm } else { Accel::Tcg };
    note(format!("KVM {}: using {}", if works { "works" } else { "does not work here" }, accel.name()));
    let _ = fs::write(&cached, if works { "kvm" } else { "tcg" });
    accel
}

fn probe_kvm(spec: &GuestSpec<'_>) -> bool {
    let probe = GuestSpec { cmdline_extra: "kwasm.probe", ..*spec };
    let mut cmd = probe.command(Accel::Kvm);
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    let Ok(mut child) = cmd.spawn() else { return false };
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status.success(),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return false;
            }
        }
    }
}
