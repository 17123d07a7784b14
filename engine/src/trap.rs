//! Runtime traps: errors raised while executing wasm code.

use core::fmt;

/// Why execution stopped abnormally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrapKind {
    /// The `unreachable` instruction was executed.
    Unreachable,
    /// A load, store or bulk memory operation went outside linear memory.
    MemoryOutOfBounds,
    /// A table access or bulk table operation went outside a table.
    TableOutOfBounds,
    /// `call_indirect` index is beyond the end of the table.
    UndefinedElement,
    /// `call_indirect` found a null entry.
    UninitializedElement,
    /// `call_indirect` callee has a different signature.
    IndirectCallTypeMismatch,
    /// Integer division or remainder by zero.
    IntegerDivideByZero,
    /// Signed division overflow (`MIN / -1`).
    IntegerOverflow,
    /// Call depth or value stack limit reached.
    StackExhausted,
    /// The fuel budget of the call ran out.
    OutOfFuel,
    /// A host function reported an error; the code is host-defined.
    Host(u32),
    /// The requested export does not exist or is not a function.
    ExportNotFound,
    /// Arguments or result slots given to a call do not match its signature.
    SignatureMismatch,
    /// The engine could not allocate memory it needed to run.
    OutOfMemory,
    /// The embedder's progress hook asked to stop (see `Store::set_progress_hook`).
    Interrupted,
}

/// A trap raised during execution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trap {
    kind: TrapKind,
}

impl Trap {
    /// Creates a trap of the given kind.
    pub const fn new(kind: TrapKind) -> Self {
        Trap { kind }
    }

    /// A host-defined error, for host functions to return.
    pub const fn host(code: u32) -> Self {
        Trap { kind: TrapKind::Host(code) }
    }

    /// The reason for the trap.
    pub const fn kind(&self) -> TrapKind {
        self.kind
    }
}

impl From<TrapKind> for Trap {
    fn from(kind: TrapKind) -> Self {
        Trap { kind }
    }
}

impl TrapKind {
    /// The message used by the WebAssembly specification tests (where one exists).
    pub const fn message(self) -> &'static str {
        match self {
            TrapKind::Unreachable => "unreachable",
            TrapKind::MemoryOutOfBounds => "out of bounds memory access",
            TrapKind::TableOutOfBounds => "out of bounds table access",
            TrapKind::UndefinedElement => "undefined element",
            TrapKind::UninitializedElement => "uninitialized element",
            TrapKind::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapKind::IntegerDivideByZero => "integer divide by zero",
            TrapKind::IntegerOverflow => "integer overflow",
            TrapKind::StackExhausted => "call stack exhausted",
            TrapKind::OutOfFuel => "out of fuel",
            TrapKind::Host(_) => "host error",
            TrapKind::ExportNotFound => "exported function not found",
            TrapKind::SignatureMismatch => "argument or result mismatch",
            TrapKind::OutOfMemory => "out of memory",
            TrapKind::Interrupted => "interrupted",
        }
    }
}

impl fmt::Display for TrapKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrapKind::Host(code) => write!(f, "host error {}", code),
            other => f.write_str(other.message()),
        }
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.kind, f)
    }
}
