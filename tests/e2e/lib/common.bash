# Helpers for the e2e tests; sourced. Each test runs as root in the debug VM, in
# /lab/tests/e2e, with kwasm loaded from $KWASM_KO. A test passes by exiting 0.
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }

# Writes the bytes of printf format $1 to /dev/kwasm in one write; prints the shell's error.
write_device() {
    local file
    file=$(mktemp)
    printf "$1" > "$file"
    dd if="$file" of=/dev/kwasm bs=1M status=none 2>&1 || return 1
}

# Asserts that writing printf format $1 fails with EINVAL ("Invalid argument").
expect_einval() {
    local out
    if out=$(write_device "$1"); then
        fail "write of '$1' succeeded, expected EINVAL"
    fi
    case $out in
        *"Invalid argument"*) ;;
        *) fail "write of '$1' failed with '$out', expected Invalid argument" ;;
    esac
}

# Kernel log lines since the test started (marker written by the runner).
log_since_start() {
    dmesg | sed -n "/kwasm-e2e: begin $(basename "$0" .sh)\$/,\$p"
}

# Asserts the kernel log (since this test began) has a line containing $1.
expect_log() {
    log_since_start | grep -qF -- "$1" || { log_since_start >&2; fail "no kernel log line containing '$1'"; }
}

samples=/lab/target/samples
programs=/lab/target/test-programs

# Asserts `kwasmctl load FILE [ARGS...]` fails with an error containing TEXT.
expect_load_error() {
    local text=$1 out
    shift
    if out=$(kwasmctl load "$@" 2>&1); then
        fail "kwasmctl load $* succeeded, expected an error containing '$text'"
    fi
    case $out in
        *"$text"*) echo "  rejected as expected: $out" ;;
        *) fail "kwasmctl load $*: expected '$text', got: $out" ;;
    esac
}

# Asserts the module still works: hello loads, prints Hello, and unloads.
hello_still_works() {
    local name=hello-check-$$-$RANDOM
    kwasmctl load "$samples/hello.wasm" --name "$name" > /dev/null || fail "hello does not load any more"
    # The name is unique: search the whole log, whose start a busy test may have pushed out.
    dmesg | grep -qF "kwasm: $name: Hello" || fail "no kernel log line 'kwasm: $name: Hello'"
    kwasmctl unload "$name" > /dev/null || fail "hello does not unload"
}

# The value of one counter of `kwasmctl stats` (loads, rejected loads, unloads, traps).
stat_of() {
    kwasmctl stats | sed -n "s/^$1: *//p"
}

# Starts leak tracking: forgets what kmemleak saw so far (debug kernel only).
leaks_start() {
    [ -w /sys/kernel/debug/kmemleak ] || fail "kmemleak is not available (debug kernel?)"
    echo clear > /sys/kernel/debug/kmemleak
}

# Asserts kmemleak finds nothing new since leaks_start. It reports only objects older than
# 5 s, so wait, then scan twice to settle.
expect_no_leaks() {
    local report
    sleep 6
    echo scan > /sys/kernel/debug/kmemleak
    echo scan > /sys/kernel/debug/kmemleak
    report=$(cat /sys/kernel/debug/kmemleak)
    [ -z "$report" ] || { echo "$report" | head -60 >&2; fail "kmemleak reports leaks after $1"; }
}
