# A well-formed header is accepted, in one write or many, by dd and by kwasmctl.
. lib/common.bash
write_device '\0asm\1\0\0\0' || fail "8-byte empty module rejected"
expect_log "kwasm: received a 8-byte wasm module"
file=$(mktemp)
{ printf '\0asm\1\0\0\0'; head -c 100000 /dev/zero; } > "$file"
dd if="$file" of=/dev/kwasm bs=4096 status=none || fail "module written in 4 KiB pieces rejected"
expect_log "kwasm: received a 100008-byte wasm module"
kwasmctl load "$file" | grep -q "100008 bytes sent" || fail "kwasmctl load of a valid header failed"
