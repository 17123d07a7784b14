//! Input fingerprints: a step is skipped when the fingerprint of its inputs matches the one
//! recorded after its last successful run, and redone (incrementally) when it does not.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

/// A running fingerprint over named inputs.
#[derive(Default)]
pub struct Fingerprint(Sha256);

impl Fingerprint {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a labelled value.
    pub fn text(mut self, label: &str, value: &str) -> Self {
        self.0.update(label.as_bytes());
        self.0.update([0]);
        self.0.update(value.len().to_le_bytes());
        self.0.update(value.as_bytes());
        self
    }

    /// Adds a file's path (relative to `base`) and contents.
    pub fn file(self, base: &Path, path: &Path) -> Result<Self> {
        let bytes = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let rel = path.strip_prefix(base).unwrap_or(path).display().to_string();
        let mut this = self.text("file", &rel);
        this.0.update(bytes.len().to_le_bytes());
        this.0.update(&bytes);
        Ok(this)
    }

    /// Adds every regular file below `dir` (sorted, recursively), skipping names `skip` rejects.
    pub fn tree(mut self, base: &Path, dir: &Path, skip: &dyn Fn(&Path) -> bool) -> Result<Self> {
        for path in files_below(dir)? {
            if !skip(&path) {
                self = self.file(base, &path)?;
            }
        }
        Ok(self)
    }

    /// The fingerprint as hex; `short` gives the first 12 digits, for directory names.
    pub fn hex(&self) -> String {
        self.0.clone().finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn short(&self) -> String {
        self.hex()[..12].to_string()
    }
}

/// Every regular file below `dir`, sorted.
pub fn files_below(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in fs::read_dir(&d).with_context(|| format!("listing {}", d.display()))? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A stamp file recording the fingerprint of a finished step.
pub struct Stamp(PathBuf);

impl Stamp {
    pub fn at(path: PathBuf) -> Self {
        Self(path)
    }

    /// True when the recorded fingerprint equals `fp`.
    pub fn matches(&self, fp: &Fingerprint) -> bool {
        fs::read_to_string(&self.0).map(|s| s.trim() == fp.hex()).unwrap_or(false)
    }

    /// Records `fp` (after the step succeeded).
    pub fn record(&self, fp: &Fingerprint) -> Result<()> {
        fs::write(&self.0, fp.hex() + "\n").with_context(|| format!("writing {}", self.0.display()))
    }

    /// Forgets the step (before redoing it, so an interrupted run is redone next time).
    pub fn clear(&self) {
        let _ = fs::remove_file(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_depends_on_labels_and_values() {
        let a = Fingerprint::new().text("a", "1").hex();
        let b = Fingerprint::new().text("a", "2").hex();
        let c = Fingerprint::new().text("b", "1").hex();
        let split = Fingerprint::new().text("a", "").text("1", "").hex();
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, split);
        assert_eq!(a, Fingerprint::new().text("a", "1").hex());
    }

    #[test]
    fn stamp_round_trip() {
        let dir = std::env::temp_dir().join(format!("kwasm-stamp-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let stamp = Stamp::at(dir.join("stamp"));
        let fp = Fingerprint::new().text("x", "y");
        assert!(!stamp.matches(&fp));
        stamp.record(&fp).unwrap();
        assert!(stamp.matches(&fp));
        assert!(!stamp.matches(&Fingerprint::new().text("x", "z")));
        stamp.clear();
        assert!(!stamp.matches(&fp));
        fs::remove_dir_all(dir).unwrap();
    }
}
