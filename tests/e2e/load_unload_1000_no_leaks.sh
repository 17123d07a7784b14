# 1000 load/unload cycles (through the ioctl ABI, from Python: one process) leave no
# kmemleak report.
. lib/common.bash
leaks_start
python3 - "$samples/hello.wasm" <<'PY' || fail "load/unload cycles failed"
import sys
sys.path.insert(0, "lib")
from kwasm_abi import Device

dev = Device()
wasm = open(sys.argv[1], "rb").read()
before = dev.stats()
for i in range(1000):
    dev.load(wasm, "cycle")
    dev.unload("cycle")
after = dev.stats()
assert after["loaded"] - before["loaded"] == 1000, (before, after)
assert after["unloaded"] - before["unloaded"] == 1000, (before, after)
assert after["programs"] == before["programs"], (before, after)
print("1000 load/unload cycles:", after)
PY
expect_no_leaks "1000 load/unload cycles"
echo "kmemleak clean"
