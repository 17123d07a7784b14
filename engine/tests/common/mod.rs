//! Tiny hand-written wasm binary builder for the integration tests.
#![allow(dead_code)]

pub const I32: u8 = 0x7f;
pub const I64: u8 = 0x7e;
pub const F32: u8 = 0x7d;
pub const F64: u8 = 0x7c;
pub const FUNCREF: u8 = 0x70;
pub const EXTERNREF: u8 = 0x6f;

pub fn uleb(mut v: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

pub fn sleb(mut v: i64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        let done = (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0);
        if done {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

pub fn name(s: &str) -> Vec<u8> {
    let mut out = uleb(s.len() as u64);
    out.extend_from_slice(s.as_bytes());
    out
}

pub fn vec_of(items: &[Vec<u8>]) -> Vec<u8> {
    let mut out = uleb(items.len() as u64);
    for i in items {
        out.extend_from_slice(i);
    }
    out
}

pub fn section(id: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![id];
    out.extend(uleb(contents.len() as u64));
    out.extend_from_slice(contents);
    out
}

/// `i32.const v`
pub fn i32c(v: i32) -> Vec<u8> {
    let mut out = vec![0x41];
    out.extend(sleb(v as i64));
    out
}

/// `i64.const v`
pub fn i64c(v: i64) -> Vec<u8> {
    let mut out = vec![0x42];
    out.extend(sleb(v));
    out
}

/// Instruction with one u32 immediate (local.get, call, br, ...).
pub fn op(opcode: u8, imm: u32) -> Vec<u8> {
    let mut out = vec![opcode];
    out.extend(uleb(imm as u64));
    out
}

/// Memory instruction with align and offset.
pub fn mem(opcode: u8, align: u32, offset: u32) -> Vec<u8> {
    let mut out = vec![opcode];
    out.extend(uleb(align as u64));
    out.extend(uleb(offset as u64));
    out
}

pub fn code(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

#[derive(Default)]
pub struct Wasm {
    types: Vec<Vec<u8>>,
    imports: Vec<Vec<u8>>,
    imported_funcs: u32,
    funcs: Vec<u32>,
    tables: Vec<Vec<u8>>,
    memories: Vec<Vec<u8>>,
    globals: Vec<Vec<u8>>,
    exports: Vec<Vec<u8>>,
    start: Option<u32>,
    elems: Vec<Vec<u8>>,
    codes: Vec<Vec<u8>>,
    datas: Vec<Vec<u8>>,
    pub data_count: bool,
}

fn limits(min: u32, max: Option<u32>) -> Vec<u8> {
    match max {
        None => [vec![0], uleb(min as u64)].concat(),
        Some(m) => [vec![1], uleb(min as u64), uleb(m as u64)].concat(),
    }
}

impl Wasm {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn ty(&mut self, params: &[u8], results: &[u8]) -> u32 {
        let mut t = vec![0x60];
        t.extend(uleb(params.len() as u64));
        t.extend_from_slice(params);
        t.extend(uleb(results.len() as u64));
        t.extend_from_slice(results);
        self.types.push(t);
        (self.types.len() - 1) as u32
    }

    pub fn import_func(&mut self, module: &str, field: &str, ty: u32) -> u32 {
        self.imports.push([name(module), name(field), vec![0x00], uleb(ty as u64)].concat());
        self.imported_funcs += 1;
        self.imported_funcs - 1
    }

    pub fn import_memory(&mut self, module: &str, field: &str, min: u32, max: Option<u32>) {
        self.imports.push([name(module), name(field), vec![0x02], limits(min, max)].concat());
    }

    pub fn import_table(&mut self, module: &str, field: &str, elem: u8, min: u32, max: Option<u32>) {
        self.imports.push([name(module), name(field), vec![0x01, elem], limits(min, max)].concat());
    }

    pub fn import_global(&mut self, module: &str, field: &str, ty: u8, mutable: bool) {
        self.imports.push([name(module), name(field), vec![0x03, ty, mutable as u8]].concat());
    }

    /// Adds a function; returns its index (imports included).
    pub fn func(&mut self, ty: u32, locals: &[(u32, u8)], body: &[u8]) -> u32 {
        self.funcs.push(ty);
        let mut b = uleb(locals.len() as u64);
        for (n, t) in locals {
            b.extend(uleb(*n as u64));
            b.push(*t);
        }
        b.extend_from_slice(body);
        b.push(0x0b);
        let mut entry = uleb(b.len() as u64);
        entry.extend(b);
        self.codes.push(entry);
        self.imported_funcs + self.funcs.len() as u32 - 1
    }

    pub fn memory(&mut self, min: u32, max: Option<u32>) {
        self.memories.push(limits(min, max));
    }

    pub fn table(&mut self, elem: u8, min: u32, max: Option<u32>) {
        self.tables.push([vec![elem], limits(min, max)].concat());
    }

    pub fn global(&mut self, ty: u8, mutable: bool, init: &[u8]) {
        self.globals.push([vec![ty, mutable as u8], init.to_vec(), vec![0x0b]].concat());
    }

    pub fn export(&mut self, field: &str, kind: u8, index: u32) {
        self.exports.push([name(field), vec![kind], uleb(index as u64)].concat());
    }

    pub fn export_func(&mut self, field: &str, index: u32) {
        self.export(field, 0x00, index);
    }

    pub fn start(&mut self, f: u32) {
        self.start = Some(f);
    }

    pub fn data(&mut self, offset: i32, bytes: &[u8]) {
        self.datas.push([vec![0x00], i32c(offset), vec![0x0b], uleb(bytes.len() as u64), bytes.to_vec()].concat());
    }

    pub fn passive_data(&mut self, bytes: &[u8]) {
        self.datas.push([vec![0x01], uleb(bytes.len() as u64), bytes.to_vec()].concat());
    }

    /// Active element segment for table 0 (encoding 0).
    pub fn elem(&mut self, offset: i32, funcs: &[u32]) {
        let items: Vec<Vec<u8>> = funcs.iter().map(|f| uleb(*f as u64)).collect();
        self.elems.push([vec![0x00], i32c(offset), vec![0x0b], vec_of(&items)].concat());
    }

    /// Raw element segment bytes (any encoding).
    pub fn raw_elem(&mut self, bytes: &[u8]) {
        self.elems.push(bytes.to_vec());
    }

    pub fn build(&self) -> Vec<u8> {
        let mut out = b"\0asm\x01\0\0\0".to_vec();
        if !self.types.is_empty() {
            out.extend(section(1, &vec_of(&self.types)));
        }
        if !self.imports.is_empty() {
            out.extend(section(2, &vec_of(&self.imports)));
        }
        if !self.funcs.is_empty() {
            let f: Vec<Vec<u8>> = self.funcs.iter().map(|t| uleb(*t as u64)).collect();
            out.extend(section(3, &vec_of(&f)));
        }
        if !self.tables.is_empty() {
            out.extend(section(4, &vec_of(&self.tables)));
        }
        if !self.memories.is_empty() {
            out.extend(section(5, &vec_of(&self.memories)));
        }
        if !self.globals.is_empty() {
            out.extend(section(6, &vec_of(&self.globals)));
        }
        if !self.exports.is_empty() {
            out.extend(section(7, &vec_of(&self.exports)));
        }
        if let Some(s) = self.start {
            out.extend(section(8, &uleb(s as u64)));
        }
        if !self.elems.is_empty() {
            out.extend(section(9, &vec_of(&self.elems)));
        }
        if self.data_count {
            out.extend(section(12, &uleb(self.datas.len() as u64)));
        }
        if !self.codes.is_empty() {
            out.extend(section(10, &vec_of(&self.codes)));
        }
        if !self.datas.is_empty() {
            out.extend(section(11, &vec_of(&self.datas)));
        }
        out
    }
}

use kwasm_engine::{InstanceId, Limits, Linker, Module, Store, Value};

/// Loads and instantiates with no imports.
pub fn instantiate(bytes: &[u8]) -> (Store, InstanceId) {
    let limits = Limits::default();
    let module = Module::new(bytes, &limits).unwrap_or_else(|e| panic!("load failed: {}", e));
    let mut store = Store::new(limits);
    let linker = Linker::new();
    let inst = store.instantiate(module, &linker, 1_000_000).unwrap_or_else(|e| panic!("instantiate failed: {}", e));
    (store, inst)
}

/// Calls an export returning one value.
pub fn call1(store: &mut Store, inst: InstanceId, name: &str, args: &[Value]) -> Result<Value, kwasm_engine::Trap> {
    let mut out = [Value::I32(0)];
    store.call(inst, name, args, &mut out, 10_000_000)?;
    Ok(out[0])
}
