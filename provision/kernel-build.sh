#!/usr/bin/env bash
# Configures and builds the lab kernel from the committed config fragments.
# usage: kernel-build.sh OUTDIR FRAGMENT...
#   OUTDIR     kernel build directory (make O=...); reused, so a rebuild is incremental
#   FRAGMENT   config fragments merged, in order, on top of `make tinyconfig`
# The kernel source comes from Debian's linux-source-7.2 (provision/toolchain.sh); it is
# unpacked once next to OUTDIR. Runs in the build root or on the lab box.
. "$(dirname "$0")/lib.sh"

out=${1:?usage: kernel-build.sh OUTDIR FRAGMENT...}
shift
[ $# -gt 0 ] || die "usage: kernel-build.sh OUTDIR FRAGMENT..."
fragments=()
for f in "$@"; do fragments+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"); done

tarball=$(ls /usr/src/linux-source-7.2.tar.* 2>/dev/null | head -n 1)
[ -n "$tarball" ] || die "linux-source-7.2 is not installed (run provision/toolchain.sh)"
srcver=$(dpkg-query -W -f='${Version}' linux-source-7.2)
src=$(dirname "$out")/linux-source-7.2-$srcver
if [ ! -f "$src/.kwasm-unpacked" ]; then
    step "unpacking $(basename "$tarball") ($srcver)"
    rm -rf "$src" "$src.partial"
    mkdir -p "$src.partial"
    tar -xf "$tarball" -C "$src.partial" --strip-components=1
    touch "$src.partial/.kwasm-unpacked"
    mv "$src.partial" "$src"
fi

mkdir -p "$out"
jobs=$(nproc)
kmake() { make -C "$src" O="$out" LLVM=1 -j"$jobs" "$@"; }

step "configuring: tinyconfig + $(printf '%s ' "${fragments[@]##*/}")"
kmake -s tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "${fragments[@]}" >/dev/null
kmake -s olddefconfig >/dev/null

# Every line of every fragment must hold in the final .config: a silently dropped option
# (unmet dependency, renamed symbol) would make a kernel that boots but tests nothing.
missing=0
for f in "${fragments[@]}"; do
    while IFS= read -r line; do
        case $line in
            CONFIG_*=n) sym=${line%=n} ok=absent ;;
            "# CONFIG_"*" is not set") sym=${line#\# } sym=${sym% is not set} ok=absent ;;
            CONFIG_*=*) sym=${line%%=*} ok=exact ;;
            *) continue ;;
        esac
        if [ "$ok" = absent ]; then
            grep -q "^$sym=" "$out/.config" || continue
        else
            grep -qxF "$line" "$out/.config" && continue
        fi
        note "${f##*/}: wanted '$line', got '$(grep -E "^$sym=|^# $sym is not set" "$out/.config" || echo "$sym absent")'"
        missing=1
    done < "$f"
done
[ "$missing" = 0 ] || die "kernel config does not match the fragments (see above)"

rustok=$(kmake -s rustavailable 2>&1) || die "Rust is not available for the kernel build: $rustok"

step "building the kernel in $out ($jobs jobs)"
kmake bzImage modules
step "kernel ready: $out/arch/x86/boot/bzImage ($(du -k "$out/arch/x86/boot/bzImage" | cut -f1) KiB)"
