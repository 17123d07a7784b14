//! Operand-type and control stacks of the specification's validation
//! algorithm. Both are explicit heap stacks, so validation depth never
//! consumes Rust stack.

use super::super::buf::Buf;
use super::super::error::{Error, ErrorKind, Result};
use super::super::types::ValType;

/// An operand type; `None` is the "unknown" type produced in unreachable code.
pub(crate) type OperandType = Option<ValType>;

/// Marker for "no pending forward branch".
pub(crate) const NO_FIXUP: u32 = u32::MAX;

/// Kind of structured control instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BlockKind {
    Func,
    Block,
    Loop,
    If,
    Else,
}

/// A block's type as encoded in the binary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BlockType {
    Empty,
    Value(ValType),
    Func(u32),
}

/// One entry of the control stack.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Control {
    pub(crate) kind: BlockKind,
    pub(crate) block_type: BlockType,
    /// Operand stack height at block entry (parameters excluded).
    pub(crate) height: u32,
    pub(crate) unreachable: bool,
    /// First instruction of a loop (its branch target).
    pub(crate) start: u32,
    /// Head of the chain of forward branches to this block's end.
    pub(crate) fixups: u32,
    /// The `JumpIfZero` of an `if` still waiting for its `else`/`end`.
    pub(crate) else_jump: u32,
}

/// Operand types plus control frames.
pub(crate) struct TypeStack {
    operands: Buf<OperandType>,
    controls: Buf<Control>,
    max_operands: usize,
    max_controls: usize,
}

fn mismatch() -> Error {
    Error::new(ErrorKind::TypeMismatch)
}

impl TypeStack {
    pub(crate) fn new() -> Self {
        TypeStack { operands: Buf::new(), controls: Buf::new(), max_operands: 0, max_controls: 0 }
    }

    /// Clears both stacks and sets the limits for the next function.
    pub(crate) fn reset(&mut self, max_operands: u32, max_controls: u32) {
        self.operands.clear();
        self.controls.clear();
        self.max_operands = usize::try_from(max_operands).unwrap_or(usize::MAX);
        self.max_controls = usize::try_from(max_controls).unwrap_or(usize::MAX);
    }

    /// Current operand stack height.
    pub(crate) fn height(&self) -> u32 {
        u32::try_from(self.operands.len()).unwrap_or(u32::MAX)
    }

    /// Number of open control frames.
    pub(crate) fn depth(&self) -> usize {
        self.controls.len()
    }

    pub(crate) fn push(&mut self, t: OperandType) -> Result<()> {
        if self.operands.len() >= self.max_operands {
            return Err(Error::new(ErrorKind::LimitExceeded("operand stack depth")));
        }
        self.operands.try_push(t)?;
        Ok(())
    }

    pub(crate) fn push_all(&mut self, types: &[ValType]) -> Result<()> {
        for t in types {
            self.push(Some(*t))?;
        }
        Ok(())
    }

    /// Pops any operand.
    pub(crate) fn pop(&mut self) -> Result<OperandType> {
        let frame = self.controls.last().ok_or_else(mismatch)?;
        if self.operands.len() <= usize::try_from(frame.height).unwrap_or(usize::MAX) {
            if frame.unreachable {
                return Ok(None);
            }
            return Err(mismatch());
        }
        self.operands.pop().ok_or_else(mismatch)
    }

    /// Pops an operand that must have type `expected`.
    pub(crate) fn pop_expect(&mut self, expected: ValType) -> Result<OperandType> {
        let actual = self.pop()?;
        match actual {
            Some(t) if t != expected => Err(mismatch()),
            _ => Ok(Some(expected)),
        }
    }

    /// Pops operands matching `types` (last type on top).
    pub(crate) fn pop_all(&mut self, types: &[ValType]) -> Result<()> {
        for t in types.iter().rev() {
            self.pop_expect(*t)?;
        }
        Ok(())
    }

    /// Checks that the top operands match `types` without popping them.
    pub(crate) fn check_top(&self, types: &[ValType]) -> Result<()> {
        let frame = self.controls.last().ok_or_else(mismatch)?;
        let floor = usize::try_from(frame.height).unwrap_or(usize::MAX);
        let mut position = self.operands.len();
        for expected in types.iter().rev() {
            if position <= floor {
                if frame.unreachable {
                    return Ok(());
                }
                return Err(mismatch());
            }
            position = position.wrapping_sub(1);
            if let Some(Some(actual)) = self.operands.get(position) {
                if actual != expected {
                    return Err(mismatch());
                }
            }
        }
        Ok(())
    }

    /// Marks the rest of the current block unreachable.
    pub(crate) fn set_unreachable(&mut self) -> Result<()> {
        let frame = self.controls.last_mut().ok_or_else(mismatch)?;
        frame.unreachable = true;
        let height = usize::try_from(frame.height).unwrap_or(usize::MAX);
        self.operands.truncate(height);
        Ok(())
    }

    /// Opens a control frame whose parameters have already been popped.
    pub(crate) fn push_control(&mut self, control: Control) -> Result<()> {
        if self.controls.len() >= self.max_controls {
            return Err(Error::new(ErrorKind::LimitExceeded("block nesting depth")));
        }
        self.controls.try_push(control)?;
        Ok(())
    }

    /// Closes the innermost control frame.
    pub(crate) fn pop_control(&mut self) -> Result<Control> {
        self.controls.pop().ok_or_else(mismatch)
    }

    /// The control frame `depth` levels out (0 = innermost).
    pub(crate) fn control(&self, depth: u32) -> Result<&Control> {
        let index = self
            .controls
            .len()
            .checked_sub(1)
            .and_then(|top| top.checked_sub(usize::try_from(depth).ok()?))
            .ok_or(Error::new(ErrorKind::UnknownLabel(depth)))?;
        self.controls.get(index).ok_or(Error::new(ErrorKind::UnknownLabel(depth)))
    }

    /// Mutable access to the control frame `depth` levels out.
    pub(crate) fn control_mut(&mut self, depth: u32) -> Result<&mut Control> {
        let index = self
            .controls
            .len()
            .checked_sub(1)
            .and_then(|top| top.checked_sub(usize::try_from(depth).ok()?))
            .ok_or(Error::new(ErrorKind::UnknownLabel(depth)))?;
        self.controls.get_mut(index).ok_or(Error::new(ErrorKind::UnknownLabel(depth)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::error::ErrorKind;
    use super::super::super::types::ValType;
    use super::{BlockKind, BlockType, Control, TypeStack, NO_FIXUP};

    fn frame(height: u32) -> Control {
        Control {
            kind: BlockKind::Block,
            block_type: BlockType::Empty,
            height,
            unreachable: false,
            start: 0,
            fixups: NO_FIXUP,
            else_jump: NO_FIXUP,
        }
    }

    #[test]
    fn pops_below_frame_fail_unless_unreachable() {
        let mut s = TypeStack::new();
        s.reset(16, 4);
        s.push_control(frame(0)).unwrap();
        s.push(Some(ValType::I32)).unwrap();
        s.push_control(frame(1)).unwrap();
        assert_eq!(s.pop().unwrap_err().kind(), ErrorKind::TypeMismatch);
        s.set_unreachable().unwrap();
        assert_eq!(s.pop().unwrap(), None);
        assert_eq!(s.pop_expect(ValType::I64).unwrap(), Some(ValType::I64));
        s.pop_control().unwrap();
        assert_eq!(s.pop_expect(ValType::I64).unwrap_err().kind(), ErrorKind::TypeMismatch);
    }

    #[test]
    fn limits_are_enforced() {
        let mut s = TypeStack::new();
        s.reset(2, 1);
        s.push_control(frame(0)).unwrap();
        assert!(matches!(s.push_control(frame(0)).unwrap_err().kind(), ErrorKind::LimitExceeded(_)));
        s.push(None).unwrap();
        s.push(None).unwrap();
        assert!(matches!(s.push(None).unwrap_err().kind(), ErrorKind::LimitExceeded(_)));
    }

    #[test]
    fn check_top_does_not_consume() {
        let mut s = TypeStack::new();
        s.reset(16, 4);
        s.push_control(frame(0)).unwrap();
        s.push(Some(ValType::I32)).unwrap();
        s.push(Some(ValType::I64)).unwrap();
        s.check_top(&[ValType::I32, ValType::I64]).unwrap();
        assert!(s.check_top(&[ValType::I64]).is_ok());
        assert!(s.check_top(&[ValType::I32]).is_err());
        assert!(s.check_top(&[ValType::I32, ValType::I32, ValType::I64]).is_err());
        assert_eq!(s.height(), 2);
        assert!(s.control(1).is_err());
    }
}
