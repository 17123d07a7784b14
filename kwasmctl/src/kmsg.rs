//! Reading the kernel's own explanation of a rejected load back from /dev/kmsg.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Seek, SeekFrom};
use std::os::unix::fs::OpenOptionsExt;

/// The kernel log, positioned after the records that existed when it was opened.
pub struct KernelLog(File);

impl KernelLog {
    /// None when /dev/kmsg cannot be read (not root, or restricted): callers then fall back
    /// to pointing at dmesg.
    pub fn open_at_end() -> Option<Self> {
        let mut file = OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open("/dev/kmsg").ok()?;
        file.seek(SeekFrom::End(0)).ok()?;
        Some(Self(file))
    }

    /// The text of the last new record containing `needle`.
    pub fn last_line_containing(&mut self, needle: &str) -> Option<String> {
        let mut found = None;
        let mut buf = vec![0u8; 8192];
        loop {
            match self.0.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    let record = String::from_utf8_lossy(&buf[..n]);
                    if let Some(text) = message_of(&record) {
                        if text.contains(needle) {
                            found = Some(text.to_string());
                        }
                    }
                }
                // EPIPE: records were overwritten while reading; the rest is still readable.
                Err(e) if e.raw_os_error() == Some(libc::EPIPE) => continue,
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(_) => break,
            }
        }
        found
    }
}

/// The message of a /dev/kmsg record, `PRIO,SEQ,TIME,FLAGS;MESSAGE\n[continuation lines]`.
fn message_of(record: &str) -> Option<&str> {
    let (_, rest) = record.split_once(';')?;
    Some(rest.lines().next().unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::message_of;

    #[test]
    fn parses_kmsg_records() {
        assert_eq!(message_of("4,1234,5678,-;kwasm: rejected upload: x\n"), Some("kwasm: rejected upload: x"));
        assert_eq!(message_of("6,1,2,-;line\n SUBSYSTEM=x\n"), Some("line"));
        assert_eq!(message_of("garbage"), None);
    }
}
