#!/usr/bin/env bash
# Installs what the host needs to run the lab outside the lab box: debootstrap (to make the
# build root), QEMU (to boot the lab VM), and libclang and clang (the benchmark's wasm3 crate
# generates its bindings with them). Idempotent; a no-op when all are present.
. "$(dirname "$0")/lib.sh"

[ -f /etc/kwasm-lab ] && exit 0 # the lab box builds natively and has its own QEMU
missing=()
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
command -v clang >/dev/null || missing+=(clang)
ls /usr/lib/llvm-*/lib/libclang.so* >/dev/null 2>&1 || missing+=(libclang-dev)
[ ${#missing[@]} -eq 0 ] && exit 0

command -v apt-get >/dev/null ||
    die "missing ${missing[*]}: install them with your package manager (this host has no apt-get)"
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
step "installing host packages: ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
