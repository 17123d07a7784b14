# A program cannot flood the kernel log: of 1000 lines printed at once, at most 200 appear.
. lib/common.bash
sleep 6 # start with a fresh rate limit window
kwasmctl load "$programs/print_flood.wasm" > /dev/null || fail "print_flood did not load"
expect_log "main returned 1000"
lines=$(log_since_start | grep -c "kwasm: print_flood: flood$" || true)
echo "  $lines of 1000 lines logged"
[ "$lines" -ge 1 ] && [ "$lines" -le 200 ] || fail "$lines lines logged, expected 1 to 200"
sleep 6 # the next window: programs print again
hello_still_works
kwasmctl unload print_flood > /dev/null
