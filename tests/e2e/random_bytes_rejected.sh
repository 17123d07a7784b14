# Random bytes are rejected with EINVAL and one log line naming the bad magic.
. lib/common.bash
for size in 8 100 4096 200000; do
    file=$(mktemp)
    { printf '\xff'; head -c $((size - 1)) /dev/urandom; } > "$file"
    if out=$(dd if="$file" of=/dev/kwasm bs=1M status=none 2>&1); then
        fail "$size random bytes were accepted"
    fi
    case $out in *"Invalid argument"*) ;; *) fail "expected Invalid argument, got: $out" ;; esac
done
expect_log "kwasm: rejected upload: not a wasm module: magic at offset 0 is ff"
# The module still accepts a valid header afterwards.
write_device '\0asm\1\0\0\0' || fail "valid header rejected after garbage"
