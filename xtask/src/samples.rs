//! The wasm programs: each sample `samples/NAME/` (a `NAME.wat`, or a Rust crate built for
//! wasm32-unknown-unknown in the build root) becomes `target/samples/NAME.wasm`; each
//! `tests/programs/NAME.wat` (the safety suite's bad programs) becomes
//! `target/test-programs/NAME.wasm`.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};

use crate::buildroot;
use crate::layout;
use crate::progress::note;

/// Flags for Rust samples: Debian has no rust-lld, and a program gets a 16 KiB stack (the
/// default 1 MiB would need 17 pages of linear memory).
const RUST_SAMPLE_FLAGS: &str = "-C linker=wasm-ld-19 -C link-arg=-zstack-size=16384";

/// Builds every sample.
pub fn build_all() -> Result<()> {
    let samples = layout::repo().join("samples");
    let out = layout::target().join("samples");
    let mut crates: Vec<PathBuf> = fs::read_dir(&samples)?.flatten().map(|e| e.path()).filter(|d| d.join("Cargo.toml").is_file()).collect();
    crates.sort();
    if !crates.is_empty() {
        let root = buildroot::ensure()?;
        for dir in &crates {
            let name = dir.file_name().context("sample name")?.to_string_lossy().into_owned();
            let target_dir = root.cache().join("samples-target");
            let manifest = root.repo().join("samples").join(&name).join("Cargo.toml");
            root.run(
                "env",
                &[
                    format!("CARGO_TARGET_DIR={}", target_dir.display()),
                    format!("RUSTFLAGS={RUST_SAMPLE_FLAGS}"),
                    "cargo".into(),
                    "build".into(),
                    "--offline".into(),
                    "--quiet".into(),
                    "--release".into(),
                    "--target".into(),
                    "wasm32-unknown-unknown".into(),
                    "--manifest-path".into(),
                    manifest.display().to_string(),
                ],
            )
            .with_context(|| format!("building the Rust sample {name}"))?;
            let built = root.cache_on_host(&target_dir).join("wasm32-unknown-unknown/release").join(format!("{}.wasm", name.replace('-', "_")));
            fs::create_dir_all(&out)?;
            let dest = out.join(format!("{name}.wasm"));
            fs::copy(&built, &dest).with_context(|| format!("copying {}", built.display()))?;
            note(format!("sample {}", dest.display()));
        }
    }
    let mut sources: Vec<PathBuf> = fs::read_dir(&samples)?
        .flatten()
        .map(|e| e.path())
        .filter(|dir| dir.is_dir())
        .filter_map(|dir| dir.file_name().map(|n| dir.join(format!("{}.wat", n.to_string_lossy()))))
        .filter(|wat| wat.is_file())
        .collect();
    sources.sort();
    for wat in &sources {
        let dest = compile(wat, &out)?;
        note(format!("sample {}", dest.display()));
    }
    Ok(())
}

/// Builds the test programs; returns their directory.
pub fn build_test_programs() -> Result<PathBuf> {
    let out = layout::target().join("test-programs");
    for wat in fs::read_dir(layout::repo().join("tests/programs"))?.flatten().map(|e| e.path()) {
        if wat.extension().is_some_and(|e| e == "wat") {
            compile(&wat, &out)?;
        }
    }
    Ok(out)
}

/// Compiles one WAT file into `out_dir/STEM.wasm`.
fn compile(wat: &Path, out_dir: &Path) -> Result<PathBuf> {
    fs::create_dir_all(out_dir)?;
    let wasm = wat::parse_file(wat).map_err(|e| anyhow!("{e}")).with_context(|| format!("compiling {}", wat.display()))?;
    let stem = wat.file_stem().context("file name")?.to_string_lossy().into_owned();
    let dest = out_dir.join(format!("{stem}.wasm"));
    fs::write(&dest, wasm).with_context(|| format!("writing {}", dest.display()))?;
    Ok(dest)
}
