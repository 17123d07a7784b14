#!/usr/bin/env bash
# Installs the kwasm toolchain on Debian trixie: what builds the kernel with Rust, the module,
# the wasm samples, and what the lab guest runs. Idempotent. Runs inside the build root
# (chroot) on a developer machine or in CI, and directly on the lab box.
. "$(dirname "$0")/lib.sh"

. /etc/os-release
[ "${VERSION_CODENAME:-}" = trixie ] || die "toolchain.sh expects Debian trixie, found ${PRETTY_NAME:-unknown}"

step "apt sources: trixie, trixie-backports"
mirror=${KWASM_DEBIAN_MIRROR:-$(debian_mirror)}
cat > /etc/apt/sources.list.d/kwasm-backports.sources <<SRC
Types: deb
URIs: $mirror
Suites: trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
apt-get update -q

step "toolchain packages"
# Kernel build: make, flex, bison, bc, libelf, cpio; Rust for Linux: rustc, rust-src,
# bindgen, clang/lld/llvm 19. Samples: wabt, wasm32 std, wasm-ld. Guest tools: kmod, busybox
# (initramfs), util-linux (setpriv), procps, iproute2, socat.
apt_install \
    build-essential make flex bison bc kmod cpio xz-utils libelf-dev libssl-dev python3 \
    rustc cargo rust-src rustfmt bindgen libclang-dev clang lld llvm \
    wabt libstd-rust-dev-wasm32 \
    busybox-static util-linux procps iproute2 socat ca-certificates

step "linux-source-7.2 (trixie-backports)"
apt_install -t trixie-backports linux-source-7.2

note "rustc: $(rustc --version)"
note "clang: $(clang --version | head -n 1)"
note "bindgen: $(bindgen --version)"
