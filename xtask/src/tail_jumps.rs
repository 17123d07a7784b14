//! Checks, on the built kwasm.ko, that the engine's threaded instruction
//! handlers pass control to each other by jumping, never by calling.
//!
//! The engine (`engine/src/exec/fast/`) ends every handler with a call to
//! the next one in tail position; an optimising compiler turns those into
//! jumps, so the native stack does not grow. Rust does not promise it, and
//! the engine bounds the damage with an instruction budget, but the module we
//! ship should not depend on that fallback: this check fails the build if a
//! handler makes an indirect call.

use anyhow::{bail, Result};

/// Symbols of the handlers contain this (`exec::fast::*`).
const HANDLER_PATH: &str = "4exec4fast";
/// The entry point, which calls the first handler.
const ENTRY: &str = "4exec4fast3run";

/// Scans `objdump -d` output; returns the number of handlers that dispatch by jump.
pub fn check(disassembly: &str) -> Result<usize> {
    let mut current: Option<&str> = None;
    let mut jumping = 0usize;
    let mut counted = false;
    let mut offenders = Vec::new();
    for line in disassembly.lines() {
        if let Some(name) = line.strip_suffix(">:").and_then(|l| l.split_once(" <")).map(|(_, n)| n) {
            current = Some(name).filter(|n| n.contains(HANDLER_PATH) && !n.contains(ENTRY));
            counted = false;
            continue;
        }
        let Some(handler) = current else { continue };
        // "  14:\tjmp    *0x0(,%r11,8)" (GNU) or "  14:  \tjmpq\t*0x0(,%r11,8)" (LLVM)
        let Some((_, instruction)) = line.split_once(':') else { continue };
        let mut words = instruction.split_whitespace();
        let mnemonic = words.next().unwrap_or("");
        let indirect = words.next().is_some_and(|operand| operand.starts_with('*'));
        if mnemonic.starts_with("call") && indirect {
            offenders.push(handler.to_string());
            current = None;
        } else if mnemonic.starts_with("jmp") && indirect && !counted {
            jumping += 1;
            counted = true;
        }
    }
    if !offenders.is_empty() {
        bail!(
            "engine handlers call the next handler instead of jumping to it (the native stack would grow per \
             instruction up to the engine's budget): {}",
            offenders.join(", ")
        );
    }
    if jumping == 0 {
        bail!("found no engine handlers ({HANDLER_PATH}) in the disassembly of kwasm.ko");
    }
    Ok(jumping)
}

#[cfg(test)]
mod tests {
    use super::check;

    const JUMPING: &str = "\
0000000000000010 <_RNvNtNtNtCs_12kwasm_module6engine4exec4fast6I32Add>:
      10:\tendbr64
      14:\tjmp    *0x0(,%r11,8)
0000000000000020 <_RNvNtNtNtCs_12kwasm_module6engine4exec4fast3run>:
      20:\tcall   *0x0(,%rax,8)
";

    #[test]
    fn jumps_pass_and_the_entry_may_call() {
        assert_eq!(check(JUMPING).unwrap(), 1);
    }

    const JUMPING_LLVM: &str = "\
0000000000000010 <_RNvNtNtNtCs_12kwasm_module6engine4exec4fast6I32Add>:
      10:      \tendbr64
      14:      \tjmpq\t*(%r11,%rax,8)
      18:      \tcallq\t0x20 <other>
";

    #[test]
    fn llvm_objdump_output_is_understood() {
        assert_eq!(check(JUMPING_LLVM).unwrap(), 1);
        assert!(check(&JUMPING_LLVM.replace("jmpq\t*", "callq\t*")).is_err());
    }

    #[test]
    fn a_calling_handler_is_named() {
        let calling = JUMPING.replace("jmp    *0x0(,%r11,8)", "call   *0x0(,%r11,8)");
        let err = check(&calling).unwrap_err().to_string();
        assert!(err.contains("4exec4fast6I32Add"), "{err}");
    }

    #[test]
    fn no_handlers_is_an_error() {
        assert!(check("0000000000000010 <other>:\n  10:\tret\n").is_err());
    }
}
