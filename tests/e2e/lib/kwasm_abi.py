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
UNLOAD = struct.Struct("=II32s")  # id, reserved, name
STATS = struct.Struct("=IIQQQQ")  # programs, reserved, loaded, rejected, unloaded, traps
KWASM_IOC_LOAD = _ioc(3, 1, LOAD.size)
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

    def stats(self):
        raw = bytearray(STATS.size)
        fcntl.ioctl(self.fd, KWASM_IOC_STATS, raw)
        programs, _, loaded, rejected, unloaded, traps = STATS.unpack(bytes(raw))
        return {"programs": programs, "loaded": loaded, "rejected": rejected, "unloaded": unloaded, "traps": traps}
