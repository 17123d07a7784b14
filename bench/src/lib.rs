//! kwasm-bench: the same integer-only workloads run natively and on kwasm-engine,
//! wasmi and wasm3. Every wasm workload exports `run(i32, i32) -> i64`; inputs
//! (if any) are written into linear memory before the timed calls.

pub mod dns;
pub mod engines;
pub mod native;

use std::hint::black_box;

/// One benchmark workload at a given size.
pub struct Workload {
    /// Short name (table row).
    pub name: &'static str,
    /// Human description of the size.
    pub size: String,
    /// WebAssembly text of the module.
    pub wat: &'static str,
    /// Arguments to `run`.
    pub args: (i32, i32),
    /// Bytes to place in linear memory at the given address before calling.
    pub input: Option<(u32, Vec<u8>)>,
    /// Native Rust implementation; returns what `run` must return.
    pub native: Box<dyn Fn() -> i64>,
}

impl Workload {
    /// The module binary (same bytes for every engine).
    pub fn wasm(&self) -> Vec<u8> {
        wat::parse_str(self.wat).unwrap_or_else(|e| panic!("{}: bad WAT: {e}", self.name))
    }
}

/// Sizes: `Full` for the benchmark, `Tiny` for the quick correctness test.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Size {
    /// Benchmark size (~0.05–1 s per run on kwasm-engine).
    Full,
    /// Test size (milliseconds).
    Tiny,
}

/// Deterministic pseudo-random input bytes.
pub fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut v = vec![0u8; len];
    dns::Rng::new(seed).fill(&mut v);
    v
}

/// All workloads at the given size.
pub fn workloads(size: Size) -> Vec<Workload> {
    let full = size == Size::Full;
    let mut out = Vec::new();

    let n = if full { 30 } else { 15 };
    out.push(Workload {
        name: "fib",
        size: format!("fib({n}) recursive"),
        wat: include_str!("../workloads/fib.wat"),
        args: (n, 0),
        input: None,
        native: Box::new(move || i64::from(native::fib(black_box(n)))),
    });

    let iters: i32 = if full { 50_000_000 } else { 10_000 };
    out.push(Workload {
        name: "loop",
        size: format!("{}M iters i32 mul + i64 add", iters as f64 / 1e6),
        wat: include_str!("../workloads/loop.wat"),
        args: (iters, 12345),
        input: None,
        native: Box::new(move || native::int_loop(black_box(iters as u32), black_box(12345)) as i64),
    });

    let n: i32 = if full { 10_000_000 } else { 10_000 };
    out.push(Workload {
        name: "sieve",
        size: format!("primes below {}", n),
        wat: include_str!("../workloads/sieve.wat"),
        args: (n, 0),
        input: None,
        native: Box::new(move || {
            let mut mem = Vec::new();
            native::sieve(black_box(n as usize), &mut mem) as i64
        }),
    });

    let len = if full { 1 << 20 } else { 1000 };
    let data = random_bytes(len, 1);
    let d2 = data.clone();
    out.push(Workload {
        name: "sha256",
        size: format!("{} KiB", len / 1024),
        wat: include_str!("../workloads/sha256.wat"),
        args: (1024, len as i32),
        input: Some((1024, data)),
        native: Box::new(move || native::sha256_head(black_box(&d2)) as i64),
    });

    let len = if full { 4 << 20 } else { 1000 };
    let data = random_bytes(len, 2);
    let d2 = data.clone();
    out.push(Workload {
        name: "crc32",
        size: format!("{} KiB", len / 1024),
        wat: include_str!("../workloads/crc32.wat"),
        args: (4096, len as i32),
        input: Some((4096, data)),
        native: Box::new(move || i64::from(native::crc32(black_box(&d2)))),
    });

    let count = if full { 400 } else { 50 };
    let iters = if full { 50 } else { 2 };
    let blob = dns::blob(&dns::packets(0xD15, count));
    let b2 = blob.clone();
    out.push(Workload {
        name: "dns",
        size: format!("{count} packets ({} B) x {iters}", blob.len()),
        wat: include_str!("../workloads/dns.wat"),
        args: (0, iters),
        input: Some((0, blob)),
        native: Box::new(move || native::dns_parse(black_box(&b2), black_box(iters as u32)) as i64),
    });
    out
}
