# A real module cut at every eighth of its length is rejected, through ioctl and write.
. lib/common.bash
for wasm in "$samples/hello.wasm" "$programs/recurse_deep.wasm"; do
    size=$(stat -c %s "$wasm")
    for eighth in 1 2 3 4 5 6 7; do
        cut=$((size * eighth / 8))
        part=$(mktemp)
        head -c "$cut" "$wasm" > "$part"
        if kwasmctl load "$part" --name "cut$eighth" > /dev/null 2>&1; then
            fail "$wasm cut to $cut of $size bytes was loaded"
        fi
        cat "$part" > /dev/kwasm 2>/dev/null || true
    done
done
expect_log "rejected"
hello_still_works
