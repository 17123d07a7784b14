# rmmod/insmod 100 times: every cycle works and kmemleak reports nothing afterwards.
# (busybox: a static binary starts twice as fast as kmod on the debug kernel under TCG.)
. lib/common.bash
leaks_start
for i in $(seq 100); do
    busybox rmmod kwasm || fail "rmmod failed on cycle $i"
    [ ! -e /dev/kwasm ] || fail "/dev/kwasm still exists after rmmod (cycle $i)"
    busybox insmod "$KWASM_KO" || fail "insmod failed on cycle $i"
    [ -c /dev/kwasm ] || fail "/dev/kwasm missing after insmod (cycle $i)"
done
hello_still_works
expect_no_leaks "100 reloads"
echo "100 reload cycles, kmemleak clean"
