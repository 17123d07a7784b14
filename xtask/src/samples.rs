//! Sample programs: each `samples/NAME/NAME.wat` becomes `target/samples/NAME.wasm`.

use std::fs;

use anyhow::{Context, Result};

use crate::layout;
use crate::progress::note;

/// Builds every sample.
pub fn build_all() -> Result<()> {
    let out = layout::target().join("samples");
    fs::create_dir_all(&out)?;
    let samples = layout::repo().join("samples");
    let mut entries: Vec<_> = fs::read_dir(&samples)?.flatten().filter(|e| e.path().is_dir()).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let wat = entry.path().join(format!("{name}.wat"));
        if wat.is_file() {
            let wasm = wat::parse_file(&wat).map_err(|e| anyhow::anyhow!("{e}")).with_context(|| format!("compiling {}", wat.display()))?;
            let dest = out.join(format!("{name}.wasm"));
            fs::write(&dest, wasm)?;
            note(format!("sample {name}: {}", dest.display()));
        }
    }
    Ok(())
}
