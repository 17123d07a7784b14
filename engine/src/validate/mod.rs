//! Validation: module-level checks (constant expressions, limits) and the
//! operand/control type stacks used while translating function bodies.

pub(crate) mod stack;

use super::error::{Error, ErrorKind, Result};
use super::buf::Buf;
use super::module::{ConstExpr, ConstOp, Module};
use super::types::ValType;

/// Type of a constant expression, checking the indices it refers to.
///
/// `visible_globals` is how many globals (imported first) the expression may
/// read; referenced globals must be immutable.
pub(crate) fn const_expr_type(module: &Module, expr: ConstExpr, visible_globals: usize) -> Result<ValType> {
    Ok(match expr {
        ConstExpr::I32(_) => ValType::I32,
        ConstExpr::I64(_) => ValType::I64,
        ConstExpr::RefNull(t) => t,
        ConstExpr::RefFunc(f) => {
            if usize::try_from(f).map_or(true, |f| f >= module.funcs.len()) {
                return Err(Error::new(ErrorKind::UnknownFunction(f)));
            }
            ValType::FuncRef
        }
        ConstExpr::GlobalGet(g) => {
            let index = usize::try_from(g).unwrap_or(usize::MAX);
            if index >= visible_globals {
                return Err(Error::new(ErrorKind::UnknownGlobal(g)));
            }
            let global = module.globals.get(index).ok_or(Error::new(ErrorKind::UnknownGlobal(g)))?;
            if global.mutable {
                return Err(Error::new(ErrorKind::ConstantExpressionRequired));
            }
            global.ty
        }
        ConstExpr::Extended { start, len } => {
            let begin = usize::try_from(start).unwrap_or(usize::MAX);
            let end = begin.saturating_add(usize::try_from(len).unwrap_or(usize::MAX));
            let ops = module.const_ops.get(begin..end).ok_or(Error::new(ErrorKind::ConstantExpressionRequired))?;
            let mut stack: Buf<ValType> = Buf::new();
            for op in ops {
                let operand = match op {
                    ConstOp::Push(ConstExpr::Extended { .. }) => {
                        return Err(Error::new(ErrorKind::ConstantExpressionRequired))
                    }
                    ConstOp::Push(simple) => {
                        stack.try_push(const_expr_type(module, *simple, visible_globals)?)?;
                        continue;
                    }
                    ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul => ValType::I32,
                    ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => ValType::I64,
                };
                let b = stack.pop();
                let a = stack.pop();
                if a != Some(operand) || b != Some(operand) {
                    return Err(Error::new(ErrorKind::TypeMismatch));
                }
                stack.try_push(operand)?;
            }
            match (stack.pop(), stack.is_empty()) {
                (Some(t), true) => t,
                _ => return Err(Error::new(ErrorKind::TypeMismatch)),
            }
        }
    })
}

/// Checks that a constant expression has the `expected` type.
pub(crate) fn check_const_expr(module: &Module, expr: ConstExpr, expected: ValType, visible_globals: usize) -> Result<()> {
    if const_expr_type(module, expr, visible_globals)? != expected {
        return Err(Error::new(ErrorKind::TypeMismatch));
    }
    Ok(())
}
