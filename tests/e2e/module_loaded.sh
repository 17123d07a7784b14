# kwasm is loaded at boot and /dev/kwasm is a root-only character device.
. lib/common.bash
grep -q '^kwasm ' /proc/modules || fail "kwasm not in /proc/modules"
[ -c /dev/kwasm ] || fail "/dev/kwasm is not a character device"
mode=$(stat -c %a /dev/kwasm)
[ "$mode" = 600 ] || fail "/dev/kwasm mode is $mode, expected 600"
owner=$(stat -c %u:%g /dev/kwasm)
[ "$owner" = 0:0 ] || fail "/dev/kwasm owner is $owner, expected 0:0"
uname -r | grep -q '^7\.2\.' || fail "kernel release $(uname -r) is not 7.2"
echo "kernel $(uname -r), /dev/kwasm mode $mode"
