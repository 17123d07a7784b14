"""A second, independent client of the /dev/kwasm ioctl ABI (docs/abi.md), for tests that
need many operations in one process: starting a process costs ~0.3 s on the debug kernel
under TCG, an ioctl a few milliseconds."""

import ctypes
import fcntl
import os
import struct

MAGIC = 0xBA
NAME_MAX = 31


def _ioc(direction, nr, size):
    return (direction << 30) | (size << 16) | (MAGIC << 8) | nr


LOAD = struct.Struct("=QQQQ32sII")  # wasm, wasm_len, error, error_len, name, id, reserved
LIST = struct.Struct("=QII")  # entries, capacity, count
INFO = struct.Struct("=IIQQQ32s")  # id, memory_pages, calls, traps, fuel_used, name
UNLOAD = struct.Struct("=II32s")  # id, reserved, name
STATS = struct.Struct("=IIQQQQ")  # programs, reserved, loaded, rejected, unloaded, traps
KWASM_IOC_LOAD = _ioc(3, 1, LOAD.size)
KWASM_IOC_LIST = _ioc(3, 2, LIST.size)
KWASM_IOC_UNLOAD = _ioc(1, 3, UNLOAD.size)
KWASM_IOC_STATS = _ioc(2, 4, STATS.size)


class Device:
    def __init__(self, path="/dev/kwasm"):
        self.fd = os.open(path, os.O_RDWR)

    def load(self, wasm: bytes, name: str) -> int:
        code = ctypes.create_string_buffer(wasm, len(wasm))
        error = ctypes.create_string_buffer(256)
        req = bytearray(LOAD.pack(ctypes.addressof(code), len(wasm), ctypes.addressof(error), 256, name.encode(), 0, 0))
        try:
            fcntl.ioctl(self.fd, KWASM_IOC_LOAD, req)
        except OSError as e:
            raise OSError(e.errno, f"load {name}: {error.value.decode()}") from None
        return LOAD.unpack(bytes(req))[5]

    def unload(self, name: str):
        fcntl.ioctl(self.fd, KWASM_IOC_UNLOAD, bytearray(UNLOAD.pack(0, 0, name.encode())))

    def list(self, capacity=128):
        """Names of the loaded programs."""
        entries = ctypes.create_string_buffer(INFO.size * capacity)
        req = bytearray(LIST.pack(ctypes.addressof(entries), capacity, 0))
        fcntl.ioctl(self.fd, KWASM_IOC_LIST, req)
        count = min(LIST.unpack(bytes(req))[2], capacity)
        raw = entries.raw
        return [INFO.unpack_from(raw, i * INFO.size)[5].rstrip(b"\0").decode() for i in range(count)]

    def stats(self):
        raw = bytearray(STATS.size)
        fcntl.ioctl(self.fd, KWASM_IOC_STATS, raw)
        programs, _, loaded, rejected, unloaded, traps = STATS.unpack(bytes(raw))
        return {"programs": programs, "loaded": loaded, "rejected": rejected, "unloaded": unloaded, "traps": traps}
