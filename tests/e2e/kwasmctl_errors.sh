# kwasmctl turns kernel rejections and missing files into clear one-line errors.
. lib/common.bash
garbage=$(mktemp)
printf 'ELF junk' > "$garbage"
chmod 644 "$garbage" # readable by the non-root user below
if out=$(kwasmctl load "$garbage" 2>&1); then fail "garbage accepted: $out"; fi
echo "$out"
case $out in *"was rejected by the kernel: not a wasm module: magic at offset 0 is 45 4c 46 20, expected 00 61 73 6d"*) ;; *) fail "unclear error: $out" ;; esac
if out=$(kwasmctl load /nonexistent.wasm 2>&1); then fail "missing file accepted"; fi
case $out in *"cannot read /nonexistent.wasm"*) ;; *) fail "unclear error: $out" ;; esac
if out=$(setpriv --reuid=65534 --regid=65534 --clear-groups kwasmctl load "$garbage" 2>&1); then fail "non-root load succeeded"; fi
case $out in *"permission denied"*) ;; *) fail "unclear error: $out" ;; esac
