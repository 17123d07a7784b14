//! Quick correctness check: every workload at a tiny size on kwasm-engine and wasmi
//! (and native) must give the same answer.

use kwasm_bench::{engines, native, workloads, Size};

#[test]
fn tiny_workloads_agree() {
    for w in workloads(Size::Tiny) {
        let wasm = w.wasm();
        let input = w.input.as_ref().map(|(a, b)| (*a, b.as_slice()));
        let expected = (w.native)();
        let k = engines::kwasm(&wasm, input, w.args, 2).unwrap_or_else(|e| panic!("{}: kwasm: {e}", w.name));
        let m = engines::wasmi(&wasm, input, w.args, 2).unwrap_or_else(|e| panic!("{}: wasmi: {e}", w.name));
        assert_eq!(k.result, expected, "{}: kwasm vs native", w.name);
        assert_eq!(m.result, expected, "{}: wasmi vs native", w.name);
    }
}

#[test]
fn native_references() {
    let d = native::sha256(b"abc");
    assert_eq!(d[..4], [0xba, 0x78, 0x16, 0xbf]);
    assert_eq!(native::sha256_head(b""), 0xe3b0c44298fc1c14);
    assert_eq!(native::crc32(b"123456789"), 0xCBF43926);
    assert_eq!(native::fib(20), 6765);
    let mut m = Vec::new();
    assert_eq!(native::sieve(100, &mut m), 25);
}

#[test]
fn sha256_wasm_padding_edges() {
    // lengths around the 55/56/64-byte padding boundaries
    let wat = include_str!("../workloads/sha256.wat");
    let wasm = wat::parse_str(wat).unwrap();
    for len in [0usize, 1, 55, 56, 63, 64, 65, 119, 120, 128] {
        let data = kwasm_bench::random_bytes(len, 7);
        let k = engines::kwasm(&wasm, Some((1024, &data)), (1024, len as i32), 1).unwrap();
        assert_eq!(k.result as u64, native::sha256_head(&data), "len {len}");
    }
}

#[test]
fn dns_packets_parse() {
    // nearly all generated packets parse; only the few deliberately truncated ones fail
    let pk = kwasm_bench::dns::packets(1, 300);
    let bad = pk.iter().filter(|p| native::dns_parse_packet(p, &mut 0).is_none()).count();
    assert!(bad > 0 && bad < 30, "malformed packets: {bad} of {}", pk.len());
    // responses use compression pointers
    assert!(pk.iter().filter(|p| p.windows(2).any(|w| w == [0xC0, 0x0C])).count() > 100);
}
