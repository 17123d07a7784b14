# The samples print from the kernel: the seed's hello world (WAT) and the Rust one.
. lib/common.bash
kwasmctl load "$samples/hello.wasm" > /dev/null || fail "hello did not load"
expect_log "kwasm: hello: Hello"
kwasmctl load "$samples/hello-rust.wasm" > /dev/null || fail "hello-rust did not load"
expect_log "kwasm: hello-rust: Hello from Rust"
expect_log "kwasm: hello-rust: 1 + 2 + ... + 10 = 55, computed in the kernel"
expect_log "loaded hello-rust (id "
kwasmctl list
kwasmctl unload hello > /dev/null && kwasmctl unload hello-rust > /dev/null || fail "unload"
bash /lab/samples/load-sample.sh hello | grep -q "kwasm: hello: Hello" || fail "load-sample.sh hello printed no Hello"
kwasmctl unload hello > /dev/null
