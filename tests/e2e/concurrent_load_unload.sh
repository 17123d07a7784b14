# 8 processes load and unload programs concurrently for 30 s; every operation either works
# or fails cleanly, and the module works afterwards.
. lib/common.bash
worker() {
    local n=$1 end=$((SECONDS + 30)) rounds=0
    while [ $SECONDS -lt $end ]; do
        kwasmctl load "$samples/hello.wasm" --name "w$n" > /dev/null || { echo "worker $n: load failed"; return 1; }
        kwasmctl list > /dev/null || { echo "worker $n: list failed"; return 1; }
        kwasmctl unload "w$n" > /dev/null || { echo "worker $n: unload failed"; return 1; }
        rounds=$((rounds + 1))
    done
    echo "worker $n: $rounds rounds"
}
pids=()
for n in 1 2 3 4 5 6 7 8; do worker "$n" & pids+=($!); done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
[ $status = 0 ] || fail "a worker failed"
[ "$(kwasmctl list | wc -l)" = 1 ] || fail "programs left: $(kwasmctl list)"
hello_still_works
