# kwasmctl turns kernel rejections and missing files into clear one-line errors.
. lib/common.bash
garbage=$(mktemp)
printf 'ELF junk' > "$garbage"
chmod 644 "$garbage" # readable by the non-root user below
expect_load_error "magic header not detected" "$garbage"
expect_load_error "cannot read /nonexistent.wasm" /nonexistent.wasm
expect_load_error "bad name" "$samples/hello.wasm" --name 'no spaces'
if out=$(setpriv --reuid=65534 --regid=65534 --clear-groups kwasmctl load "$garbage" 2>&1); then fail "non-root load succeeded"; fi
case $out in *"permission denied"*) ;; *) fail "unclear error: $out" ;; esac
if out=$(kwasmctl unload no-such-program 2>&1); then fail "unloading a missing program succeeded"; fi
case $out in *"no program named"*) ;; *) fail "unclear error: $out" ;; esac
hello_still_works
