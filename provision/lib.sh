# shellcheck shell=bash
# Shared helpers for the provision steps. Sourced, never run.
# Every step prints what it is doing on stderr, prefixed so it stands out in long logs.

set -euo pipefail

step() { printf '==> %s\n' "$*" >&2; }
note() { printf '    %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The Debian mirror to use: $KWASM_DEBIAN_MIRROR, else the first Debian archive this
# machine's apt is already configured with (deb822 .sources or one-line .list files).
debian_mirror() {
    if [ -n "${KWASM_DEBIAN_MIRROR:-}" ]; then
        printf '%s\n' "$KWASM_DEBIAN_MIRROR"
        return
    fi
    local url
    url=$(
        {
            grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{for (i = 2; i <= NF; i++) print $i}'
            grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
                sed -E 's/\[[^]]*\]//' | awk '{print $2}'
        } | grep -E '/debian/?$' | head -n 1
    )
    [ -n "$url" ] || die "no Debian mirror found in /etc/apt; set KWASM_DEBIAN_MIRROR=<url of a Debian archive>"
    printf '%s\n' "${url%/}"
}

# apt-get with the settings every step wants: no prompts, no recommends, quiet.
apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}
