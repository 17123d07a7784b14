#!/usr/bin/env bash
# The kwasm demo, run inside the lab VM by `cargo make demo`.
set -u
say() { printf '\n\033[1m# %s\033[0m\n' "$*"; }

say "the kernel and the module"
uname -r
grep '^kwasm ' /proc/modules
ls -l /dev/kwasm

say "cat hello.wasm > /dev/kwasm (built from samples/hello/hello.wat)"
cat /lab/target/samples/hello.wasm > /dev/kwasm && echo "accepted"

say "kwasmctl load of something that is not wasm"
printf 'not wasm at all' > /tmp/junk.wasm
kwasmctl load /tmp/junk.wasm || true

say "the kernel log"
dmesg | grep 'kwasm:' | tail -n 5
