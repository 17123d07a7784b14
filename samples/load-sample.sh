#!/usr/bin/env bash
# Loads target/samples/NAME.wasm into the running kernel and prints the kernel log lines it
# produced. Run by `cargo make load-sample NAME` (inside the lab VM, or on the lab box).
set -euo pipefail
name=${1:?usage: load-sample.sh NAME}
wasm=$(dirname "$0")/../target/samples/$name.wasm
[ -f "$wasm" ] || { echo "no sample $name: $wasm does not exist (samples: $(ls "$(dirname "$wasm")" | sed 's/\.wasm$//' | tr '\n' ' '))" >&2; exit 1; }
kwasmctl unload "$name" > /dev/null 2>&1 || true
kwasmctl load "$wasm" --name "$name"
dmesg | grep -E "kwasm: ($name: |loaded $name )" | tail -n 20
