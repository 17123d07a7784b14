# rmmod/insmod 100 times: every cycle works and kmemleak reports nothing afterwards.
# (busybox: a static binary starts twice as fast as kmod on the debug kernel under TCG.)
. lib/common.bash
leaks=/sys/kernel/debug/kmemleak
[ -w "$leaks" ] || fail "kmemleak is not available (debug kernel?)"
echo clear > "$leaks"
for i in $(seq 100); do
    busybox rmmod kwasm || fail "rmmod failed on cycle $i"
    [ ! -e /dev/kwasm ] || fail "/dev/kwasm still exists after rmmod (cycle $i)"
    busybox insmod "$KWASM_KO" || fail "insmod failed on cycle $i"
    [ -c /dev/kwasm ] || fail "/dev/kwasm missing after insmod (cycle $i)"
done
hello_still_works
# kmemleak only reports objects older than 5 s; scan twice to settle.
sleep 6
echo scan > "$leaks"
echo scan > "$leaks"
report=$(cat "$leaks")
[ -z "$report" ] || { echo "$report" | head -60 >&2; fail "kmemleak reports leaks after 100 reloads"; }
echo "100 reload cycles, kmemleak clean"
