//! The ioctl interface of /dev/kwasm: the user-space copy of kmod/uapi.rs (docs/abi.md).
//! Layouts and numbers must match the module's; the sizes are checked below.

/// Longest program name, in bytes.
pub const NAME_MAX: usize = 31;
pub type NameField = [u8; NAME_MAX + 1];

const MAGIC: u32 = 0xBA;
const WRITE: u32 = 1;
const READ: u32 = 2;

const fn ioc(dir: u32, nr: u32, size: usize) -> u32 {
    (dir << 30) | ((size as u32) << 16) | (MAGIC << 8) | nr
}

pub const KWASM_IOC_LOAD: u32 = ioc(READ | WRITE, 1, std::mem::size_of::<LoadRequest>());
pub const KWASM_IOC_LIST: u32 = ioc(READ | WRITE, 2, std::mem::size_of::<ListRequest>());
pub const KWASM_IOC_UNLOAD: u32 = ioc(WRITE, 3, std::mem::size_of::<UnloadRequest>());
pub const KWASM_IOC_STATS: u32 = ioc(READ, 4, std::mem::size_of::<Stats>());
pub const KWASM_IOC_CALL: u32 = ioc(READ | WRITE, 5, std::mem::size_of::<CallRequest>());

/// Most calls one `KWASM_IOC_CALL` makes.
pub const CALL_REPEAT_MAX: u32 = 1_000_000;

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct CallRequest {
    pub id: u32,
    pub repeat: u32,
    pub name: NameField,
    pub export: NameField,
    pub result: i64,
    pub fuel_used: u64,
    pub ns_min: u64,
    pub ns_median: u64,
    pub ns_max: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct LoadRequest {
    pub wasm: u64,
    pub wasm_len: u64,
    pub error: u64,
    pub error_len: u64,
    pub name: NameField,
    pub id: u32,
    pub reserved: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct ListRequest {
    pub entries: u64,
    pub capacity: u32,
    pub count: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct ProgramInfo {
    pub id: u32,
    pub memory_pages: u32,
    pub calls: u64,
    pub traps: u64,
    pub fuel_used: u64,
    pub name: NameField,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct UnloadRequest {
    pub id: u32,
    pub reserved: u32,
    pub name: NameField,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct Stats {
    pub programs: u32,
    pub reserved: u32,
    pub loaded: u64,
    pub rejected: u64,
    pub unloaded: u64,
    pub traps: u64,
}

/// A name as a NUL-padded field; None if it does not fit.
pub fn name_field(name: &str) -> Option<NameField> {
    let mut field = [0; NAME_MAX + 1];
    field.get_mut(..name.len())?.copy_from_slice(name.as_bytes());
    (name.len() <= NAME_MAX).then_some(field)
}

/// The text of a NUL-padded field.
pub fn name_text(field: &NameField) -> String {
    let len = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..len]).into_owned()
}

const _: () = assert!(std::mem::size_of::<LoadRequest>() == 72);
const _: () = assert!(std::mem::size_of::<ListRequest>() == 16);
const _: () = assert!(std::mem::size_of::<ProgramInfo>() == 64);
const _: () = assert!(std::mem::size_of::<UnloadRequest>() == 40);
const _: () = assert!(std::mem::size_of::<Stats>() == 40);
const _: () = assert!(std::mem::size_of::<CallRequest>() == 112);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ioctl_numbers_follow_the_linux_encoding() {
        // _IOWR(0xBA, 1, 72 bytes): dir 3, size 0x48, type 0xBA, nr 1.
        assert_eq!(KWASM_IOC_LOAD, 0xC048_BA01);
        assert_eq!(KWASM_IOC_UNLOAD, 0x4028_BA03);
        assert_eq!(KWASM_IOC_STATS, 0x8028_BA04);
    }

    #[test]
    fn names_round_trip() {
        let f = name_field("hello").unwrap();
        assert_eq!(name_text(&f), "hello");
        assert!(name_field(&"x".repeat(32)).is_none());
        assert!(name_field(&"x".repeat(31)).is_some());
    }
}
