# Unloading the module while programs are loaded frees them; it loads again afterwards.
. lib/common.bash
for n in a b c; do kwasmctl load "$samples/hello.wasm" --name "keep-$n" > /dev/null || fail "load keep-$n"; done
rmmod kwasm || fail "rmmod with programs loaded failed"
expect_log "unloaded 3 program(s)"
insmod "$KWASM_KO" || fail "insmod after rmmod failed"
[ "$(kwasmctl list | wc -l)" = 1 ] || fail "programs survived a module reload"
hello_still_works
