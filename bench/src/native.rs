//! Native Rust equivalents of the wasm workloads. Each computes exactly what the
//! corresponding `workloads/*.wat` export `run(a, b)` returns.

/// Recursive Fibonacci, as in `fib.wat`.
pub fn fib(n: i32) -> i32 {
    if n < 2 {
        n
    } else {
        fib(n - 1).wrapping_add(fib(n - 2))
    }
}

/// `loop.wat`: n LCG steps, summing the states.
pub fn int_loop(mut n: u32, mut x: u32) -> u64 {
    let mut acc = 0u64;
    while n != 0 {
        x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        acc = acc.wrapping_add(u64::from(x));
        n -= 1;
    }
    acc
}

/// `sieve.wat`: number of primes below `n`, using a byte per number.
pub fn sieve(n: usize, mem: &mut Vec<u8>) -> u64 {
    mem.clear();
    mem.resize(n, 0);
    let mut count = 0u64;
    let mut i = 2usize;
    while i < n {
        if mem[i] == 0 {
            count += 1;
            if (i as u64) * (i as u64) < n as u64 {
                let mut j = i * i;
                while j < n {
                    mem[j] = 1;
                    j += i;
                }
            }
        }
        i += 1;
    }
    count
}

const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

fn sha256_block(h: &mut [u32; 8], block: &[u8]) {
    let mut w = [0u32; 64];
    for i in 0..16 {
        w[i] = u32::from_be_bytes([block[4 * i], block[4 * i + 1], block[4 * i + 2], block[4 * i + 3]]);
    }
    for i in 16..64 {
        let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
        let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = *h;
    for i in 0..64 {
        let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let ch = (e & f) ^ (!e & g);
        let t1 = hh.wrapping_add(s1).wrapping_add(ch).wrapping_add(K[i]).wrapping_add(w[i]);
        let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        let t2 = s0.wrapping_add(maj);
        hh = g;
        g = f;
        f = e;
        e = d.wrapping_add(t1);
        d = c;
        c = b;
        b = a;
        a = t1.wrapping_add(t2);
    }
    for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
        *x = x.wrapping_add(y);
    }
}

/// Full SHA-256 digest.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut h: [u32; 8] =
        [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    let mut chunks = data.chunks_exact(64);
    for block in &mut chunks {
        sha256_block(&mut h, block);
    }
    let rest = chunks.remainder();
    let mut tail = [0u8; 128];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let tail_len = if rest.len() + 9 <= 64 { 64 } else { 128 };
    tail[tail_len - 8..tail_len].copy_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in tail[..tail_len].chunks_exact(64) {
        sha256_block(&mut h, block);
    }
    let mut out = [0u8; 32];
    for (i, v) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&v.to_be_bytes());
    }
    out
}

/// What `sha256.wat` returns: the first 8 digest bytes as a big-endian u64.
pub fn sha256_head(data: &[u8]) -> u64 {
    let d = sha256(data);
    u64::from_be_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
}

/// Table-driven CRC-32 (IEEE), as in `crc32.wat` (table rebuilt every call).
pub fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (n, t) in table.iter_mut().enumerate() {
        let mut c = n as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
        *t = c;
    }
    let mut crc = u32::MAX;
    for &b in data {
        crc = table[((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

/// Mirror of `dns.wat`: parses every packet of a [`crate::dns::blob`] `iters` times.
pub fn dns_parse(blob: &[u8], iters: u32) -> u64 {
    let mut acc = 0u64;
    for _ in 0..iters {
        let n = u32::from_le_bytes([blob[0], blob[1], blob[2], blob[3]]);
        let mut q = 4usize;
        for _ in 0..n {
            let len = usize::from(u16::from_le_bytes([blob[q], blob[q + 1]]));
            dns_packet(&blob[q + 2..q + 2 + len], &mut acc);
            q += 2 + len;
        }
    }
    acc
}

fn mix(acc: &mut u64, x: u64) {
    *acc = acc.wrapping_mul(31).wrapping_add(x);
}

fn be16(p: &[u8], off: usize) -> u32 {
    (u32::from(p[off]) << 8) | u32::from(p[off + 1])
}

/// Hash of the lower-cased name at `pos` and the offset just past it in place.
/// `None` if the name is malformed (out of bounds, bad label type, > 16 pointer jumps).
pub fn dns_name(p: &[u8], mut pos: usize) -> Option<(u32, usize)> {
    let mut h = 5381u32;
    let mut end = None;
    let mut jumps = 0;
    loop {
        let l = *p.get(pos)?;
        if l & 0xC0 == 0xC0 {
            let lo = *p.get(pos + 1)?;
            end.get_or_insert(pos + 2);
            jumps += 1;
            if jumps > 16 {
                return None;
            }
            pos = (usize::from(l & 0x3F) << 8) | usize::from(lo);
            continue;
        }
        if l & 0xC0 != 0 {
            return None;
        }
        if l == 0 {
            return Some((h, *end.get_or_insert(pos + 1)));
        }
        let l = usize::from(l);
        if pos + 1 + l > p.len() {
            return None;
        }
        for &c in &p[pos + 1..pos + 1 + l] {
            let c = if c.is_ascii_uppercase() { c | 32 } else { c };
            h = h.wrapping_mul(33) ^ u32::from(c);
        }
        h = h.wrapping_mul(33) ^ u32::from(b'.');
        pos += 1 + l;
    }
}

fn dns_packet(p: &[u8], acc: &mut u64) {
    if dns_parse_packet(p, acc).is_none() {
        mix(acc, 0xBAD);
    }
}

/// Parses one packet, folding its fields into `acc`; `None` if it is malformed
/// (the caller then mixes in 0xBAD, as `dns.wat` does).
pub fn dns_parse_packet(p: &[u8], acc: &mut u64) -> Option<()> {
    let len = p.len();
    if len < 12 {
        return None;
    }
    mix(acc, u64::from(be16(p, 0)));
    mix(acc, u64::from(be16(p, 2)));
    let mut qd = be16(p, 4);
    let mut rr = be16(p, 6) + be16(p, 8) + be16(p, 10);
    let mut off = 12;
    let mut count = 0u64;
    while qd != 0 {
        let (h, end) = dns_name(p, off)?;
        off = end;
        if off + 4 > len {
            return None;
        }
        mix(acc, u64::from(h));
        mix(acc, u64::from(be16(p, off)));
        off += 4;
        count += 1;
        qd -= 1;
    }
    while rr != 0 {
        let (h, end) = dns_name(p, off)?;
        off = end;
        if off + 10 > len {
            return None;
        }
        let ty = be16(p, off);
        let rdlen = be16(p, off + 8) as usize;
        off += 10;
        if off + rdlen > len {
            return None;
        }
        mix(acc, u64::from(h));
        mix(acc, u64::from(ty));
        if ty == 1 && rdlen == 4 {
            mix(acc, u64::from(u32::from_le_bytes([p[off], p[off + 1], p[off + 2], p[off + 3]])));
        }
        if ty == 5 || ty == 2 || ty == 12 {
            let (h2, _) = dns_name(p, off)?;
            mix(acc, u64::from(h2));
        }
        off += rdlen;
        count += 1;
        rr -= 1;
    }
    mix(acc, count);
    Some(())
}
