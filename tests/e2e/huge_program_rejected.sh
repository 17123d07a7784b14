# A 64 MiB file is refused before it is copied, with a clear error, by ioctl and by write.
. lib/common.bash
big=/tmp/big.wasm
{ printf '\0asm\1\0\0\0'; head -c $((64 * 1024 * 1024 - 8)) /dev/zero; } > "$big"
expect_load_error "more than max_program_bytes" "$big"
if out=$(cat "$big" 2>&1 > /dev/kwasm); then fail "cat of 64 MiB succeeded"; fi
case $out in *"File too large"*) ;; *) fail "expected File too large, got: $out" ;; esac
expect_log "rejected upload: more than"
rm -f "$big"
hello_still_works
