#!/usr/bin/env bash
# The kwasm demo, run inside the lab VM by `cargo make demo`.
set -u
say() { printf '\n\033[1m# %s\033[0m\n' "$*"; }

say "the kernel and the module"
uname -r
grep '^kwasm ' /proc/modules
ls -l /dev/kwasm

say "cat hello.wasm > /dev/kwasm (samples/hello/hello.wat): it prints from the kernel"
cat /lab/target/samples/hello.wasm > /dev/kwasm
dmesg | grep 'kwasm: prog-' | tail -n 2

say "kwasmctl load: the Rust sample, then the programs loaded"
kwasmctl load /lab/target/samples/hello-rust.wasm
dmesg | grep 'kwasm: hello-rust' | tail -n 3
kwasmctl list

say "a program that never ends runs out of fuel; the kernel carries on"
kwasmctl load /lab/target/test-programs/loop_forever.wasm || true

say "something that is not wasm at all"
printf 'not wasm at all' > /tmp/junk.wasm
kwasmctl load /tmp/junk.wasm || true
cat /tmp/junk.wasm > /dev/kwasm || true
dmesg | grep 'kwasm: rejected' | tail -n 1

say "module-wide counters"
kwasmctl stats
