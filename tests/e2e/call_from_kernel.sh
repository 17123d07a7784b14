# kwasmctl call runs an exported function in the kernel, many times, and times it; traps in
# such calls are counted.
. lib/common.bash
kwasmctl load "$programs/empty_main.wasm" --name empty > /dev/null || fail "load empty_main"
out=$(kwasmctl call empty nop --repeat 10000) || fail "kwasmctl call failed: $out"
echo "$out"
echo "$out" | grep -q "10000 call(s), fuel used 10000; per call: min [0-9]* ns, median [0-9]* ns" || fail "unexpected output: $out"
kwasmctl call empty main | grep -q "main returned 0" || fail "main did not return 0"
kwasmctl list | grep -Eq '^ *[0-9]+  empty +0 +10002 +0 ' || fail "calls not counted: $(kwasmctl list)"
expect_fail() { # TEXT ARGS...
    local text=$1 out
    shift
    if out=$(kwasmctl call "$@" 2>&1); then fail "kwasmctl call $* succeeded"; fi
    case $out in *"$text"*) ;; *) fail "kwasmctl call $*: expected '$text', got: $out" ;; esac
}
expect_fail "no program named" nothere nop
expect_fail "no program named \"empty\" with an exported function \"absent\"" empty absent
expect_fail "is not 1 to" empty nop --repeat 0
kwasmctl unload empty > /dev/null
