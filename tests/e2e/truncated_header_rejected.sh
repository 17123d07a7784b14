# A header shorter than 8 bytes is rejected with EINVAL and a log line saying how long it was.
. lib/common.bash
expect_einval '\0as'
expect_log "kwasm: rejected upload: truncated header: 3 byte(s)"
expect_einval '\0asm\1\0'
expect_log "truncated header: 6 byte(s)"
