// SPDX-License-Identifier: GPL-2.0

//! `/dev/kwasm`: the character device user space writes programs to.
//!
//! Each open file is one upload. The first write must carry the whole 8-byte wasm header;
//! a bad or short header fails that write with `EINVAL` and one kernel log line, and every
//! later write to the same file fails too. The node is created by devtmpfs with mode 0600.

use kernel::{
    fs::{File, Kiocb},
    iov::IovIterSource,
    miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration},
    new_mutex,
    prelude::*,
    sync::Mutex,
};

use crate::{header, log};

/// Registers `/dev/kwasm`.
pub(crate) fn register() -> impl PinInit<MiscDeviceRegistration<Upload>, Error> {
    MiscDeviceRegistration::register(MiscDeviceOptions { name: c"kwasm" })
}

/// What one open file has received so far.
struct Received {
    /// Bytes written in total.
    bytes: usize,
    /// The header, filled by the first write.
    header: [u8; header::LEN],
    /// The upload was rejected; the file takes no more writes.
    rejected: bool,
}

/// The per-open state of `/dev/kwasm`.
#[pin_data]
pub(crate) struct Upload {
    #[pin]
    received: Mutex<Received>,
}

#[vtable]
impl MiscDevice for Upload {
    type Ptr = Pin<KBox<Self>>;

    fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<Pin<KBox<Self>>> {
        KBox::try_pin_init(
            try_pin_init!(Upload {
                received <- new_mutex!(Received { bytes: 0, header: [0; header::LEN], rejected: false }),
            }),
            GFP_KERNEL,
        )
    }

    fn write_iter(kiocb: Kiocb<'_, Self::Ptr>, iov: &mut IovIterSource<'_>) -> Result<usize> {
        let upload = kiocb.file();
        let mut guard = upload.received.lock();
        let received = &mut *guard;
        if received.rejected {
            return Err(EINVAL);
        }
        let len = iov.len();
        if received.bytes < header::LEN {
            let missing = received.header.get_mut(received.bytes..).unwrap_or(&mut []);
            let copied = iov.copy_from_iter(missing);
            received.bytes += copied;
            let verdict = if received.bytes < header::LEN {
                Err(header::BadHeader::Truncated { received: received.bytes })
            } else {
                header::check(&received.header)
            };
            if let Err(bad) = verdict {
                received.rejected = true;
                log::warn(format_args!("rejected upload: {bad}"));
                return Err(EINVAL);
            }
        }
        // The program body is not kept yet: the engine that runs it comes in its own change.
        let rest = iov.len();
        iov.advance(rest);
        received.bytes = received.bytes.saturating_add(rest);
        Ok(len)
    }

    fn release(upload: Self::Ptr, _file: &File) {
        let received = upload.received.lock();
        if !received.rejected && received.bytes >= header::LEN {
            pr_info!("received a {}-byte wasm module (no engine yet: not run)\n", received.bytes);
        }
    }
}
