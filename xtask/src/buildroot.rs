//! The build environment: a Debian trixie root filesystem (made with debootstrap and entered
//! with chroot) on any other host, or the machine itself on the lab box. Everything that
//! builds kernel-side code runs here, so the box, CI and developers build the same bits.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::layout;
use crate::progress::{note, Step};
use crate::stamp::Fingerprint;

/// Marker file the lab box provisioning writes: this machine is the build environment.
const LAB_BOX_MARKER: &str = "/etc/kwasm-lab";

/// The provision scripts whose content defines the build root.
const BUILDROOT_INPUTS: &[&str] = &["provision/lib.sh", "provision/buildroot.sh", "provision/toolchain.sh"];

/// A ready build environment.
pub struct BuildRoot {
    /// The root filesystem (`/` on the lab box).
    dir: PathBuf,
    /// Fingerprint of the inputs that made it.
    key: String,
    /// Commands run directly (lab box) instead of in a chroot.
    native: bool,
}

impl BuildRoot {
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    /// The repository as seen by commands run in the build root.
    pub fn repo(&self) -> PathBuf {
        if self.native { layout::repo() } else { PathBuf::from(layout::REPO_IN_GUEST) }
    }

    /// The cache as seen by commands run in the build root.
    pub fn cache(&self) -> PathBuf {
        if self.native { layout::cache() } else { PathBuf::from(layout::CACHE_IN_BUILDROOT) }
    }

    /// Maps a path under the cache, as seen inside the build root, to the host path.
    pub fn cache_on_host(&self, inside: &Path) -> PathBuf {
        match inside.strip_prefix(self.cache()) {
            Ok(rel) => layout::cache().join(rel),
            Err(_) => inside.to_path_buf(),
        }
    }

    /// Runs a program inside the build root; fails with the command line if it fails.
    pub fn run<S: AsRef<OsStr>>(&self, program: &str, args: &[S]) -> Result<()> {
        let mut cmd = if self.native {
            Command::new(program)
        } else {
            let mut c = Command::new(layout::repo().join("provision/in-buildroot.sh"));
            c.arg(&self.dir).arg(program);
            c
        };
        cmd.args(args).env("KWASM_CACHE", layout::cache());
        let status = cmd.status().with_context(|| format!("starting {program}"))?;
        if !status.success() {
            bail!("{program} failed ({status})");
        }
        Ok(())
    }

    /// Reads a file of the build root (e.g. a binary to put in the initramfs).
    pub fn path(&self, inside: &str) -> PathBuf {
        self.dir.join(inside.trim_start_matches('/'))
    }
}

/// True on the lab box, which builds natively and runs kwasm on its own kernel.
pub fn is_lab_box() -> bool {
    Path::new(LAB_BOX_MARKER).exists()
}

/// Returns the build root, creating it first if its inputs changed or it does not exist.
pub fn ensure() -> Result<BuildRoot> {
    let repo = layout::repo();
    let mut fp = Fingerprint::new();
    for input in BUILDROOT_INPUTS {
        fp = fp.file(&repo, &repo.join(input))?;
    }
    let key = fp.short();
    if is_lab_box() {
        return Ok(BuildRoot { dir: PathBuf::from("/"), key, native: true });
    }
    let cache = layout::cache();
    let dir = cache.join(format!("buildroot-{key}"));
    if !dir.is_dir() {
        let step = Step::start(format!("creating the Debian trixie build root (debootstrap + toolchain, a few minutes): {}", dir.display()));
        fs::create_dir_all(&cache).with_context(|| format!("creating {}", cache.display()))?;
        let status = Command::new(repo.join("provision/buildroot.sh"))
            .arg(&dir)
            .env("KWASM_CACHE", &cache)
            .status()
            .context("starting provision/buildroot.sh")?;
        if !status.success() {
            bail!("creating the build root failed ({status}); see the output above");
        }
        step.done();
        prune_old_buildroots(&cache, &dir);
    }
    Ok(BuildRoot { dir, key, native: false })
}

/// Removes build roots made from older inputs (each is a few GiB).
fn prune_old_buildroots(cache: &Path, keep: &Path) {
    let Ok(entries) = fs::read_dir(cache) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("buildroot-") && path != keep {
            note(format!("removing the outdated build root {}", path.display()));
            let _ = fs::remove_dir_all(&path);
        }
    }
}
