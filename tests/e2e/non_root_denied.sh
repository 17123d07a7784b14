# A non-root user can open /dev/kwasm neither for writing nor reading.
. lib/common.bash
for how in '>' '<'; do
    if out=$(setpriv --reuid=65534 --regid=65534 --clear-groups bash -c "exec 3$how/dev/kwasm" 2>&1); then
        fail "uid 65534 opened /dev/kwasm ($how)"
    fi
    case $out in *"Permission denied"*) ;; *) fail "expected Permission denied, got: $out" ;; esac
done
echo "uid 65534: Permission denied"
