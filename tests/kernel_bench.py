"""Kernel-side figures for kwasm, run in the lab VM by `cargo make bench-kernel`: load latency
of hello and of a 1 MiB program (median of several loads, timed around the load ioctl), and
the per-call overhead of an empty exported function called from kernel code (kwasmctl call,
timed inside the kernel)."""

import statistics
import subprocess
import sys
import time

sys.path.insert(0, "/lab/tests/e2e/lib")
from kwasm_abi import Device  # noqa: E402


def leb(n):
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def section(kind, body):
    return bytes([kind]) + leb(len(body)) + body


def big_program(data_bytes):
    """main() -> 0 with one data segment of `data_bytes` bytes."""
    pages = data_bytes // 65536 + 1
    types = section(1, leb(1) + b"\x60\x02\x7f\x7f\x01\x7f")
    funcs = section(3, leb(1) + leb(0))
    memory = section(5, leb(1) + b"\x00" + leb(pages))
    exports = section(7, leb(1) + leb(4) + b"main" + b"\x00" + leb(0))
    code = section(10, leb(1) + leb(4) + b"\x00\x41\x00\x0b")
    payload = bytes(i % 251 for i in range(data_bytes))
    data = section(11, leb(1) + b"\x00\x41\x00\x0b" + leb(len(payload)) + payload)
    return b"\x00asm\x01\x00\x00\x00" + types + funcs + memory + exports + code + data


def load_latency(dev, wasm, rounds):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        dev.load(wasm, "bench")
        times.append(time.perf_counter() - start)
        dev.unload("bench")
    return statistics.median(times) * 1e6


dev = Device()
hello = open("/lab/target/samples/hello.wasm", "rb").read()
big = big_program(1 << 20)
print(f"load hello ({len(hello)} bytes): median {load_latency(dev, hello, 50):.0f} us over 50 loads")
print(f"load 1 MiB program ({len(big)} bytes): median {load_latency(dev, big, 10):.0f} us over 10 loads")
dev.load(open("/lab/target/test-programs/empty_main.wasm", "rb").read(), "empty")
out = subprocess.run(["kwasmctl", "call", "empty", "nop", "--repeat", "100000"], capture_output=True, text=True, check=True)
print("empty exported function called from the kernel, 100000 calls:", out.stdout.strip().splitlines()[-1])
dev.unload("empty")
