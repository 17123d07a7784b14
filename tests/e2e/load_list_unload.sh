# kwasmctl load/list/unload: names, ids, counters; a name cannot be taken twice.
. lib/common.bash
kwasmctl load "$samples/hello.wasm" | grep -q "loaded hello (id " || fail "kwasmctl load hello"
expect_log "kwasm: hello: Hello"
expect_log "loaded hello (id "
kwasmctl load "$samples/hello.wasm" --name greeter > /dev/null || fail "load as greeter"
expect_load_error "already loaded" "$samples/hello.wasm"
list=$(kwasmctl list)
echo "$list"
echo "$list" | grep -Eq '^ *[0-9]+  hello +1 +1 +0 +2$' || fail "hello not listed with 1 page, 1 call, 0 traps, 2 fuel"
echo "$list" | grep -q ' greeter ' || fail "greeter not listed"
kwasmctl unload hello > /dev/null || fail "unload by name"
id=$(kwasmctl list | awk '$2 == "greeter" {print $1}')
kwasmctl unload "$id" > /dev/null || fail "unload by id $id"
[ "$(kwasmctl list | wc -l)" = 1 ] || fail "programs left after unloading: $(kwasmctl list)"
kwasmctl stats
