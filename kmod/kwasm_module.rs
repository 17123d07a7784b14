// SPDX-License-Identifier: GPL-2.0

//! kwasm: WebAssembly programs in the Linux kernel.
//!
//! User space loads `.wasm` programs through `/dev/kwasm`, by writing them
//! (`cat prog.wasm > /dev/kwasm`) or with the ioctls `kwasmctl` uses. Each program is
//! validated and instantiated by the kwasm engine, its exported `main(i32, i32) -> i32` runs
//! once, and it stays loaded, with a name and an id, until it is unloaded. Programs print to
//! the kernel log through the host function `env._debug(ptr, len)`. The interface is
//! described in docs/abi.md.

use kernel::prelude::*;

// The interpreter, shared with user space; `--cfg kwasm_kernel` (Kbuild) selects its kernel
// platform layer. Its public API is wider than what the module uses.
#[path = "../engine/src/lib.rs"]
#[allow(dead_code, unreachable_pub, unused_imports, missing_docs)]
mod engine;

mod device;
mod header;
mod limits;
mod log;
mod program;
mod registry;
mod uapi;

module! {
    type: KwasmModule,
    name: "kwasm",
    authors: ["kwasm developers"],
    description: "Runs WebAssembly programs in the kernel",
    license: "GPL",
    params: {
        max_programs: u32 {
            default: 64,
            description: "Most programs loaded at the same time",
        },
        max_program_bytes: u32 {
            default: 8388608,
            description: "Largest .wasm program accepted, in bytes",
        },
        max_memory_pages: u32 {
            default: 256,
            description: "Largest linear memory of a program, in 64 KiB pages",
        },
        fuel_per_call: u64 {
            default: 10000000,
            description: "Fuel for each call into a program; each call and loop iteration uses one",
        },
        max_call_depth: u32 {
            default: 1024,
            description: "Deepest wasm call stack of a program, in frames",
        },
    },
}

#[pin_data(PinnedDrop)]
struct KwasmModule {
    #[pin]
    device: kernel::miscdevice::MiscDeviceRegistration<device::Upload>,
}

impl kernel::InPlaceModule for KwasmModule {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        registry::init();
        pr_info!("ready, load wasm programs through /dev/kwasm\n");
        try_pin_init!(Self {
            device <- device::register(),
        })
    }
}

#[pinned_drop]
impl PinnedDrop for KwasmModule {
    fn drop(self: Pin<&mut Self>) {
        // The device is deregistered after this (field drop), but no file can be open: an open
        // file holds a reference on the module, so unloading waits for it to be closed.
        let unloaded = registry::unload_all();
        if unloaded > 0 {
            pr_info!("unloaded {} program(s)\n", unloaded);
        }
    }
}
