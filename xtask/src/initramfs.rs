//! The guest's initramfs: busybox from the build root and provision/guest/init, which mounts
//! the real root over 9p. Rebuilt only when either changes.

use std::fs;
use std::io::Cursor;
use std::path::PathBuf;

use anyhow::{Context, Result};
use cpio::newc::Builder;

use crate::buildroot::BuildRoot;
use crate::layout;
use crate::stamp::Fingerprint;

const DIR: u32 = 0o040_755;
const EXEC: u32 = 0o100_755;

/// Returns the path of an up-to-date initramfs image (newc cpio, uncompressed).
pub fn ensure(root: &BuildRoot) -> Result<PathBuf> {
    let repo = layout::repo();
    let init_path = repo.join("provision/guest/init");
    let busybox_path = root.path("/bin/busybox");
    let init = fs::read(&init_path).with_context(|| format!("reading {}", init_path.display()))?;
    let busybox = fs::read(&busybox_path)
        .with_context(|| format!("reading {} (busybox-static missing from the build root?)", busybox_path.display()))?;
    let fp = Fingerprint::new().file(&repo, &init_path)?.text("busybox", &busybox.len().to_string()).file(root.dir(), &busybox_path)?;
    let image = layout::cache().join(format!("initramfs-{}.cpio", fp.short()));
    if image.is_file() {
        return Ok(image);
    }
    let mut entries: Vec<(Builder, Cursor<Vec<u8>>)> = Vec::new();
    for dir in ["bin", "dev", "proc", "sys", "lower", "rw", "newroot"] {
        entries.push((Builder::new(dir).mode(DIR).nlink(2), Cursor::new(Vec::new())));
    }
    entries.push((Builder::new("bin/busybox").mode(EXEC).nlink(1), Cursor::new(busybox)));
    entries.push((Builder::new("init").mode(EXEC).nlink(1), Cursor::new(init)));
    let bytes = cpio::write_cpio(entries.into_iter(), Vec::new()).context("writing the initramfs")?;
    let partial = image.with_extension("partial");
    fs::write(&partial, bytes).with_context(|| format!("writing {}", partial.display()))?;
    fs::rename(&partial, &image)?;
    Ok(image)
}
