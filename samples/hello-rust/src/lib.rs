//! Hello world for kwasm, in Rust: prints a line to the kernel log through the host function
//! `env._debug(ptr, len)` from `main`, which runs when the program is loaded.
//!
//! Built for `wasm32-unknown-unknown` without the standard library; the linker gives it a
//! 16 KiB stack (see xtask/src/samples.rs), so it needs one page of linear memory.
#![no_std]

#[link(wasm_import_module = "env")]
extern "C" {
    /// Prints `len` bytes at `ptr` as one kernel log line; returns `len`.
    fn _debug(ptr: *const u8, len: usize) -> i32;
}

fn print(text: &str) -> i32 {
    // SAFETY: the host reads `text.len()` bytes at `text.as_ptr()`, which are in linear memory
    // and stay valid for the call.
    unsafe { _debug(text.as_ptr(), text.len()) }
}

/// Runs once when the program is loaded.
#[export_name = "main"]
pub extern "C" fn main(_arg0: i32, _arg1: i32) -> i32 {
    print("Hello from Rust");
    let sum: u32 = (1..=10).sum();
    if sum == 55 {
        print("1 + 2 + ... + 10 = 55, computed in the kernel");
    }
    0
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
