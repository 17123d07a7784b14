//! Deterministic generator of realistic DNS packets (queries and responses with
//! compression pointers), shared by the `dns` benchmark workload and meant to be
//! reused by a future DNS sample.
//!
//! [`packets`] builds the packet set; [`blob`] lays it out for a wasm module as
//! `u32 count` then, per packet, `u16 length` (both little-endian) and the bytes.

/// Small deterministic PRNG (xorshift64*), so every run sees the same packets.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// New generator; a zero seed is replaced by a fixed constant.
    pub fn new(seed: u64) -> Rng {
        Rng(if seed == 0 { 0x9E37_79B9_7F4A_7C15 } else { seed })
    }
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform-ish value in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u32) -> u32 {
        ((self.next_u64() >> 32) % u64::from(n)) as u32
    }
    /// Fills `buf` with random bytes.
    pub fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}

/// Record types used by the generator.
pub mod rtype {
    /// IPv4 address.
    pub const A: u16 = 1;
    /// Name server.
    pub const NS: u16 = 2;
    /// Canonical name.
    pub const CNAME: u16 = 5;
    /// Reverse pointer.
    pub const PTR: u16 = 12;
    /// Mail exchanger.
    pub const MX: u16 = 15;
    /// Text.
    pub const TXT: u16 = 16;
    /// IPv6 address.
    pub const AAAA: u16 = 28;
    /// EDNS0 pseudo-record.
    pub const OPT: u16 = 41;
}

const ZONES: &[&str] = &[
    "example.com", "example.org", "kernel.org", "github.com", "rust-lang.org", "wikipedia.org",
    "cloudflare.net", "akamaiedge.net", "googleusercontent.com", "amazonaws.com", "debian.org",
    "internal.corp.example", "in-addr.arpa",
];
const HOSTS: &[&str] = &[
    "www", "mail", "api", "cdn", "static", "ns1", "ns2", "smtp", "imap", "login", "docs", "git",
    "mirror", "edge-7", "img", "us-east-1", "eu-west-2", "db", "cache", "auth",
];

/// Builds a packet with name compression: names already written are reused via
/// 0xC000|offset pointers on their longest known suffix.
struct Writer {
    buf: Vec<u8>,
    /// (lower-cased dotted suffix, offset) of every label sequence written so far.
    names: Vec<(String, u16)>,
}

impl Writer {
    fn new() -> Writer {
        Writer { buf: Vec::with_capacity(512), names: Vec::new() }
    }
    fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }
    /// Writes `name`, compressing against earlier names. `rng` randomises the case
    /// of some letters (DNS 0x20 encoding) so the parser's lower-casing is exercised.
    fn name(&mut self, name: &str, rng: &mut Rng) {
        let labels: Vec<&str> = name.split('.').filter(|l| !l.is_empty()).collect();
        for i in 0..labels.len() {
            let suffix = labels[i..].join(".").to_ascii_lowercase();
            if let Some(&(_, off)) = self.names.iter().find(|(s, _)| *s == suffix) {
                self.u16(0xC000 | off);
                return;
            }
            let off = self.buf.len();
            if off < 0x3FFF {
                self.names.push((suffix, off as u16));
            }
            let label = labels[i].as_bytes();
            self.buf.push(label.len() as u8);
            for &c in label {
                let c = if c.is_ascii_lowercase() && rng.below(4) == 0 { c.to_ascii_uppercase() } else { c };
                self.buf.push(c);
            }
        }
        self.buf.push(0);
    }
    /// Writes a resource record whose rdata is produced by `rdata`.
    fn rr(&mut self, name: &str, ty: u16, ttl: u32, rng: &mut Rng, rdata: impl FnOnce(&mut Writer, &mut Rng)) {
        self.name(name, rng);
        self.u16(ty);
        self.u16(1); // class IN
        self.u32(ttl);
        let len_at = self.buf.len();
        self.u16(0);
        rdata(self, rng);
        let rdlen = (self.buf.len() - len_at - 2) as u16;
        self.buf[len_at..len_at + 2].copy_from_slice(&rdlen.to_be_bytes());
    }
}

fn random_name(rng: &mut Rng) -> String {
    let zone = ZONES[rng.below(ZONES.len() as u32) as usize];
    if zone == "in-addr.arpa" {
        return format!("{}.{}.{}.{}.in-addr.arpa", rng.below(256), rng.below(256), rng.below(256), rng.below(256));
    }
    match rng.below(3) {
        0 => format!("{}.{}", HOSTS[rng.below(HOSTS.len() as u32) as usize], zone),
        1 => format!(
            "{}.{}.{}",
            HOSTS[rng.below(HOSTS.len() as u32) as usize],
            HOSTS[rng.below(HOSTS.len() as u32) as usize],
            zone
        ),
        _ => format!("h{:x}.{}", rng.next_u64() & 0xFFFF_FFFF, zone),
    }
}

/// One DNS packet: a query (about a third) or a response with answers, authority
/// and an EDNS0 OPT record. A few percent are truncated to exercise error paths.
pub fn packet(rng: &mut Rng) -> Vec<u8> {
    let mut w = Writer::new();
    let qname = random_name(rng);
    let is_ptr = qname.ends_with("in-addr.arpa");
    let qtype = if is_ptr {
        rtype::PTR
    } else {
        [rtype::A, rtype::A, rtype::A, rtype::AAAA, rtype::AAAA, rtype::MX, rtype::TXT, rtype::NS]
            [rng.below(8) as usize]
    };
    let id = rng.below(0x10000) as u16;
    let response = rng.below(3) != 0;
    w.u16(id);
    w.u16(if response { 0x8180 } else { 0x0100 });
    w.u16(1); // qdcount
    let counts_at = w.buf.len();
    w.u16(0);
    w.u16(0);
    w.u16(0);
    w.name(&qname, rng);
    w.u16(qtype);
    w.u16(1);
    let (mut an, mut ns, mut ar) = (0u16, 0u16, 0u16);
    if response {
        let mut target = qname.clone();
        // optional CNAME chain
        if !is_ptr && rng.below(3) == 0 {
            let cname = format!("{}.{}", HOSTS[rng.below(HOSTS.len() as u32) as usize], "cdn.cloudflare.net");
            let ttl = 60 + rng.below(3600);
            w.rr(&target, rtype::CNAME, ttl, rng, |w, rng| w.name(&cname, rng));
            an += 1;
            target = cname;
        }
        let n = 1 + rng.below(4);
        for _ in 0..n {
            let ttl = 30 + rng.below(86400);
            match qtype {
                rtype::A => w.rr(&target, rtype::A, ttl, rng, |w, rng| {
                    let a = rng.next_u64() as u32;
                    w.u32(a)
                }),
                rtype::AAAA => w.rr(&target, rtype::AAAA, ttl, rng, |w, rng| {
                    let mut a = [0u8; 16];
                    rng.fill(&mut a);
                    a[0] = 0x20;
                    a[1] = 0x01;
                    w.buf.extend_from_slice(&a)
                }),
                rtype::MX => w.rr(&target, rtype::MX, ttl, rng, |w, rng| {
                    w.u16(10 * (1 + rng.below(5) as u16));
                    let host = format!("mx{}.{}", rng.below(4), target.split_once('.').map_or("example.com", |x| x.1));
                    w.name(&host, rng)
                }),
                rtype::TXT => w.rr(&target, rtype::TXT, ttl, rng, |w, rng| {
                    let len = 8 + rng.below(60) as usize;
                    w.buf.push(len as u8);
                    for _ in 0..len {
                        w.buf.push(b'a' + rng.below(26) as u8);
                    }
                }),
                rtype::NS => w.rr(&target, rtype::NS, ttl, rng, |w, rng| {
                    let host = format!("ns{}.{}", 1 + rng.below(4), ZONES[rng.below(ZONES.len() as u32) as usize]);
                    w.name(&host, rng)
                }),
                _ => w.rr(&target, rtype::PTR, ttl, rng, |w, rng| {
                    let host = random_name(rng);
                    w.name(&host, rng)
                }),
            }
            an += 1;
        }
        // authority section
        if rng.below(2) == 0 {
            let zone = qname.split_once('.').map_or("example.com", |x| x.1).to_string();
            for k in 0..1 + rng.below(2) {
                let ttl = 172800;
                w.rr(&zone, rtype::NS, ttl, rng, |w, rng| {
                    let host = format!("ns{}.{}", k + 1, zone);
                    w.name(&host, rng)
                });
                ns += 1;
            }
        }
    }
    // EDNS0 OPT in the additional section: root name, class = UDP payload size
    if rng.below(2) == 0 {
        w.buf.push(0);
        w.u16(rtype::OPT);
        w.u16(1232);
        w.u32(0);
        w.u16(0);
        ar += 1;
    }
    w.buf[counts_at..counts_at + 2].copy_from_slice(&an.to_be_bytes());
    w.buf[counts_at + 2..counts_at + 4].copy_from_slice(&ns.to_be_bytes());
    w.buf[counts_at + 4..counts_at + 6].copy_from_slice(&ar.to_be_bytes());
    let mut buf = w.buf;
    if rng.below(25) == 0 {
        let cut = 1 + rng.below(buf.len() as u32 - 1) as usize;
        buf.truncate(cut);
    }
    buf
}

/// `count` packets from `seed`.
pub fn packets(seed: u64, count: usize) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(seed);
    (0..count).map(|_| packet(&mut rng)).collect()
}

/// Lays packets out as the wasm workload expects: `u32 count`, then per packet
/// `u16 length` and the bytes (little-endian lengths).
pub fn blob(packets: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&(packets.len() as u32).to_le_bytes());
    for p in packets {
        out.extend_from_slice(&(p.len() as u16).to_le_bytes());
        out.extend_from_slice(p);
    }
    out
}
