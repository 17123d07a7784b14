//! The lab kernel: Debian's linux-source-7.2 configured from the committed fragments in
//! provision/config and built in the build root. Two flavours share the base fragment; the
//! debug one adds the checkers the tests rely on.

use std::fs;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::ValueEnum;

use crate::buildroot::BuildRoot;
use crate::layout;
use crate::progress::{note, Step};
use crate::stamp::{Fingerprint, Stamp};

/// Which kernel to build and boot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Flavour {
    /// Small and fast to boot: `cargo make vm`, the demo, samples.
    Lab,
    /// Base plus KASAN, lockdep, atomic-sleep checks and kmemleak: the test suite.
    Debug,
}

impl Flavour {
    pub fn name(self) -> &'static str {
        match self {
            Flavour::Lab => "lab",
            Flavour::Debug => "debug",
        }
    }

    /// Config fragments, applied in order on top of tinyconfig.
    fn fragments(self) -> &'static [&'static str] {
        match self {
            Flavour::Lab => &["provision/config/base.config"],
            Flavour::Debug => &["provision/config/base.config", "provision/config/debug.config"],
        }
    }
}

/// A built kernel.
pub struct Kernel {
    pub flavour: Flavour,
    /// The build directory as seen inside the build root (`make O=`), for module builds.
    pub build_dir: PathBuf,
    /// The bootable image on the host.
    pub image: PathBuf,
    /// `uname -r` of this kernel.
    pub release: String,
    /// Fingerprint of everything that went into it (module builds depend on it).
    pub fingerprint: String,
}

/// Builds the kernel of `flavour` unless its inputs are unchanged since the last build.
pub fn ensure(root: &BuildRoot, flavour: Flavour) -> Result<Kernel> {
    let repo = layout::repo();
    let mut fp = Fingerprint::new().text("buildroot", root.key());
    for input in ["provision/lib.sh", "provision/kernel-build.sh"].iter().chain(flavour.fragments()) {
        fp = fp.file(&repo, &repo.join(input))?;
    }
    let build_dir = root.cache().join(format!("kernel-{}", flavour.name()));
    let host_dir = root.cache_on_host(&build_dir);
    let stamp = Stamp::at(host_dir.join(".kwasm-stamp"));
    let image = host_dir.join("arch/x86/boot/bzImage");
    if !(stamp.matches(&fp) && image.is_file()) {
        let step = Step::start(format!("building the {} kernel (cold: ~5-10 min on 2 cores; later: incremental)", flavour.name()));
        stamp.clear();
        let mut args = vec![build_dir.display().to_string()];
        args.extend(flavour.fragments().iter().map(|f| root.repo().join(f).display().to_string()));
        root.run(&root.repo().join("provision/kernel-build.sh").display().to_string(), &args)?;
        fs::create_dir_all(&host_dir)?;
        stamp.record(&fp)?;
        step.done();
    }
    let release_file = host_dir.join("include/config/kernel.release");
    let release = fs::read_to_string(&release_file)
        .with_context(|| format!("reading {}", release_file.display()))?
        .trim()
        .to_string();
    if !image.is_file() {
        anyhow::bail!("kernel build finished but {} is missing", image.display());
    }
    note(format!("{} kernel {release}: {}", flavour.name(), image.display()));
    Ok(Kernel { flavour, build_dir, image, release, fingerprint: fp.hex() })
}
