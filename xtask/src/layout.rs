//! Where things live: the repository, the cache outside it, and the build outputs.

use std::path::PathBuf;

/// The repository root (the workspace this xtask belongs to).
pub fn repo() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// The cache for everything expensive and reusable (build root, kernel builds, VM runs):
/// `$KWASM_CACHE`, else `$XDG_CACHE_HOME/kwasm`, else `~/.cache/kwasm`. Kept outside the
/// repository so clean clones and CI reuse it.
pub fn cache() -> PathBuf {
    if let Some(dir) = std::env::var_os("KWASM_CACHE") {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from("/var/cache"));
    base.join("kwasm")
}

/// The cargo target directory of the workspace.
pub fn target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| repo().join("target"))
}

/// Where the cache appears inside the build root (bind mount, see provision/in-buildroot.sh).
pub const CACHE_IN_BUILDROOT: &str = "/kwasm-cache";
/// Where the repository appears inside the build root and inside the VM.
pub const REPO_IN_GUEST: &str = "/lab";
