#!/usr/bin/env bash
# Runs a command inside the build root ROOT (chroot), with the repository at /lab and the
# kwasm cache at /kwasm-cache. Mounts live in a private mount namespace and vanish with it.
# usage: in-buildroot.sh ROOT CMD [ARG...]
. "$(dirname "$0")/lib.sh"

# chroot and mounts need root: come back through sudo when run as a user.
[ "$(id -u)" = 0 ] || exec sudo --preserve-env=KWASM_CACHE,KWASM_DEBIAN_MIRROR "$0" "$@"

root=${1:?usage: in-buildroot.sh ROOT CMD...}
shift
[ $# -gt 0 ] || die "usage: in-buildroot.sh ROOT CMD..."
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${KWASM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kwasm}
mkdir -p "$cache" "$root/lab" "$root/kwasm-cache"
cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

exec unshare --mount --propagation private -- /bin/sh -euc '
    root=$1 repo=$2 cache=$3
    shift 3
    mount --rbind /dev "$root/dev"
    mount -t proc proc "$root/proc"
    mount -t sysfs sysfs "$root/sys"
    mount -t tmpfs tmpfs "$root/tmp"
    mount --bind "$repo" "$root/lab"
    mount --bind "$cache" "$root/kwasm-cache"
    exec chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 TERM=dumb KWASM_DEBIAN_MIRROR="${KWASM_DEBIAN_MIRROR:-}" "$@"
' in-buildroot "$root" "$repo" "$cache" "$@"
