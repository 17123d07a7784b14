#!/usr/bin/env bash
# Creates the Debian trixie build root at $1 on a host that is not the lab box:
# debootstrap a minimal trixie, then run toolchain.sh inside it. The directory appears only
# when complete (built as $1.partial, then renamed), so an interrupted run starts over.
. "$(dirname "$0")/lib.sh"

# chroot and mounts need root: come back through sudo when run as a user.
[ "$(id -u)" = 0 ] || exec sudo --preserve-env=KWASM_CACHE,KWASM_DEBIAN_MIRROR "$0" "$@"

root=${1:?usage: buildroot.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"

partial=$root.partial
rm -rf "$partial"
mirror=$(debian_mirror)
step "debootstrap trixie into $partial (mirror $mirror)"
debootstrap --variant=minbase --include=ca-certificates trixie "$partial" "$mirror" |
    while IFS= read -r line; do case $line in I:\ Retrieving*|I:\ Validating*) ;; *) note "$line" ;; esac; done

step "toolchain inside the build root"
KWASM_DEBIAN_MIRROR=$mirror "$here/in-buildroot.sh" "$partial" /lab/provision/toolchain.sh
mv "$partial" "$root"
step "build root ready: $root"
