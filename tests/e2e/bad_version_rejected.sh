# The right magic with a version other than 1 is rejected, naming the version.
. lib/common.bash
expect_einval '\0asm\2\0\0\0'
expect_log "kwasm: rejected upload: unsupported wasm version 2 at offset 4, expected 1"
