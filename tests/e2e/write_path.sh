# `cat prog.wasm > /dev/kwasm` loads programs, whole or split across writes, as in the
# original proof of concept; a program rejected at close is reported in the log.
. lib/common.bash
cat "$samples/hello.wasm" > /dev/kwasm || fail "cat hello.wasm > /dev/kwasm failed"
expect_log "Hello"
expect_log "main returned 5"
dd if="$samples/hello.wasm" of=/dev/kwasm bs=16 status=none || fail "hello written in 16-byte pieces failed"
[ "$(log_since_start | grep -c ': Hello$')" -ge 2 ] || fail "split hello did not print Hello"
write_device '\0asm\1\0\0\0' || fail "the empty module was rejected"
expect_log "no main"
file=$(mktemp)
{ printf '\0asm\1\0\0\0'; head -c 1000 /dev/zero; } > "$file"
dd if="$file" of=/dev/kwasm bs=4096 status=none || fail "write of a header plus zeros failed"
expect_log "rejected: "
kwasmctl list
