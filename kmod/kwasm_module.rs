// SPDX-License-Identifier: GPL-2.0

//! kwasm: WebAssembly programs in the Linux kernel.
//!
//! User space writes a `.wasm` program to `/dev/kwasm` (`cat prog.wasm > /dev/kwasm`).
//! For now the module checks the wasm header and rejects anything else with `EINVAL` and
//! one kernel log line; the engine that runs programs comes next.

use kernel::prelude::*;

mod device;
mod header;
mod log;

module! {
    type: KwasmModule,
    name: "kwasm",
    authors: ["kwasm developers"],
    description: "Runs WebAssembly programs in the kernel",
    license: "GPL",
}

#[pin_data]
struct KwasmModule {
    #[pin]
    device: kernel::miscdevice::MiscDeviceRegistration<device::Upload>,
}

impl kernel::InPlaceModule for KwasmModule {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        pr_info!("ready, write wasm programs to /dev/kwasm\n");
        try_pin_init!(Self {
            device <- device::register(),
        })
    }
}
