# 8 processes load, list and unload programs concurrently for 30 s (7 through the ioctl ABI
# from Python, thousands of operations; 1 through kwasmctl); every operation works, nothing
# is left behind, and the module works afterwards.
. lib/common.bash
python_worker() {
    python3 - "$1" "$samples/hello.wasm" <<'PY'
import sys, time
sys.path.insert(0, "lib")
from kwasm_abi import Device

n, wasm = sys.argv[1], open(sys.argv[2], "rb").read()
dev, rounds, end = Device(), 0, time.monotonic() + 30
while time.monotonic() < end:
    name = f"w{n}"
    dev.load(wasm, name)
    assert name in dev.list(), f"{name} not listed"
    dev.unload(name)
    rounds += 1
print(f"python worker {n}: {rounds} rounds")
PY
}
kwasmctl_worker() {
    local end=$((SECONDS + 30)) rounds=0
    while [ $SECONDS -lt $end ]; do
        kwasmctl load "$samples/hello.wasm" --name wk > /dev/null || { echo "kwasmctl worker: load failed"; return 1; }
        kwasmctl list | grep -q ' wk ' || { echo "kwasmctl worker: wk not listed"; return 1; }
        kwasmctl unload wk > /dev/null || { echo "kwasmctl worker: unload failed"; return 1; }
        rounds=$((rounds + 1))
    done
    echo "kwasmctl worker: $rounds rounds"
}
pids=()
for n in 1 2 3 4 5 6 7; do python_worker "$n" & pids+=($!); done
kwasmctl_worker & pids+=($!)
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
[ $status = 0 ] || fail "a worker failed"
[ "$(kwasmctl list | wc -l)" = 1 ] || fail "programs left: $(kwasmctl list)"
sleep 6 # programs' lines are rate limited (200 per 5 s): let the window pass
hello_still_works
