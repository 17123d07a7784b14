//! Resource limits applied while loading and running modules.

/// Resource limits. Every size the input controls is checked against one of
/// these before memory is reserved for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Maximum size of a module binary in bytes.
    pub max_module_bytes: usize,
    /// Maximum number of entries in any single module section vector
    /// (types, imports, functions, globals, exports, segments, ...).
    pub max_section_items: u32,
    /// Maximum number of locals (parameters included) in one function.
    pub max_function_locals: u32,
    /// Maximum operand-stack depth of one function, checked by the validator.
    pub max_operand_depth: u32,
    /// Maximum block nesting depth in one function.
    pub max_block_depth: u32,
    /// Maximum total size of translated code, in internal instructions.
    pub max_code_ops: u32,
    /// Maximum linear memory size in 64 KiB pages (initial and grown).
    pub max_memory_pages: u32,
    /// Maximum number of elements in a table (initial and grown).
    pub max_table_elements: u32,
    /// Maximum number of 64-bit slots on the value stack (locals + operands
    /// of all active frames).
    pub max_value_stack: u32,
    /// Maximum number of active wasm call frames.
    pub max_call_depth: u32,
}

impl Limits {
    /// Conservative defaults suitable for the kernel.
    pub const DEFAULT: Limits = Limits {
        max_module_bytes: 16 * 1024 * 1024,
        max_section_items: 100_000,
        max_function_locals: 50_000,
        max_operand_depth: 65_536,
        max_block_depth: 1_024,
        max_code_ops: 4 * 1024 * 1024,
        max_memory_pages: 256,
        max_table_elements: 100_000,
        max_value_stack: 64 * 1024,
        max_call_depth: 4_096,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
