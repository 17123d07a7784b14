# Each bad program gets a clear error or trap, is counted, and leaves the module working.
. lib/common.bash
check() { # FILE EXPECTED-TEXT
    local before
    before=$(stat_of "rejected loads")
    expect_load_error "$2" "$1"
    [ "$(stat_of "rejected loads")" -gt "$before" ] || fail "$1 was not counted as rejected"
    hello_still_works
}
traps=$(stat_of traps)
check "$programs/loop_forever.wasm" "main trapped: out of fuel"
check "$programs/loop_eqz_forever.wasm" "main trapped: out of fuel"
check "$programs/recurse_deep.wasm" "main trapped: call stack exhausted"
check "$programs/grow_past_limit.wasm" "main trapped: unreachable"
check "$programs/data_out_of_bounds.wasm" "data section: out of bounds memory access: segment 0 (8 bytes at offset 65534) does not fit in 65536 bytes"
check "$programs/import_missing.wasm" "unknown import: env.open_the_pod_bay_doors"
check "$programs/import_wrong_signature.wasm" "incompatible import type: env._debug"
[ "$(stat_of traps)" -ge $((traps + 3)) ] || fail "traps in main were not counted"
garbage=$(mktemp)
{ printf '\0asm\1\0\0\0'; head -c 5000 /dev/urandom; } > "$garbage"
check "$garbage" "section"
