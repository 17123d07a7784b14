//! Decoder and validator: malformed/invalid inputs give errors, never panics.

mod common;

use common::*;
use kwasm_engine::{ErrorCategory, ErrorKind, Limits, Linker, Module, SectionKind, Store, Value};

#[allow(clippy::result_large_err)]
fn load(bytes: &[u8]) -> Result<Module, kwasm_engine::Error> {
    Module::new(bytes, &Limits::default())
}

fn kind_of(bytes: &[u8]) -> ErrorKind {
    load(bytes).err().expect("expected an error").kind()
}

/// A module touching most sections and many instructions.
fn rich_module() -> Vec<u8> {
    let mut w = Wasm::new();
    let t_ii = w.ty(&[I32], &[I32]);
    let t_v = w.ty(&[], &[]);
    let t_l = w.ty(&[I64, I64], &[I64]);
    let imp = w.import_func("env", "f", t_ii);
    w.import_global("env", "g", I32, false);
    w.table(FUNCREF, 4, Some(8));
    w.memory(1, Some(4));
    w.global(I32, true, &i32c(7));
    w.global(I64, false, &i64c(-1));
    let mut bt = vec![0x0e];
    bt.extend(uleb(1));
    bt.extend([0, 1]);
    let body = code(&[
        &[0x02, 0x40],
        &[0x02, 0x40],
        &op(0x20, 0),
        &bt,
        &[0x0b],
        &op(0x20, 0),
        &op(0x10, imp),
        &[0x1a],
        &[0x0b],
        &op(0x20, 0),
        &i32c(3),
        &[0x6a],
        &op(0x22, 1),
        &i32c(0),
        &mem(0x28, 2, 4),
        &[0x6c],
        &op(0x23, 1),
        &[0x6a],
        &[0x04, I32],
        &i32c(1),
        &[0x05],
        &i32c(2),
        &[0x0b],
    ]);
    let f = w.func(t_ii, &[(1, I32)], &body);
    let g = w.func(t_l, &[], &code(&[&op(0x20, 0), &op(0x20, 1), &[0x7e, 0x79]]));
    let loop_fn = w.func(
        t_v,
        &[(1, I32)],
        &code(&[&[0x03, 0x40], &op(0x20, 0), &i32c(1), &[0x6a], &op(0x22, 0), &i32c(100), &[0x48], &op(0x0d, 0), &[0x0b]]),
    );
    w.export_func("f", f);
    w.export_func("g", g);
    w.export_func("loop", loop_fn);
    w.export("mem", 0x02, 0);
    w.elem(0, &[f, g]);
    w.data(8, b"data!");
    w.build()
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn host_f(_: &mut kwasm_engine::Caller<'_>, p: &[Value], r: &mut [Value]) -> Result<(), kwasm_engine::Trap> {
    r[0] = p[0];
    Ok(())
}

/// Loads; if valid, instantiates with the imports the rich module expects and calls exports.
fn exercise(bytes: &[u8]) {
    let limits = Limits { max_memory_pages: 8, max_table_elements: 1000, ..Limits::default() };
    let Ok(module) = Module::new(bytes, &limits) else { return };
    let mut store = Store::new(limits);
    let mut linker = Linker::new();
    let _ = linker.define_host_func(
        &mut store,
        "env",
        "f",
        &[kwasm_engine::ValType::I32],
        &[kwasm_engine::ValType::I32],
        host_f,
        core::ptr::null_mut(),
    );
    if let Ok(g) = store.new_global(Value::I32(5), false) {
        let _ = linker.define("env", "g", kwasm_engine::Extern::Global(g));
    }
    let Ok(inst) = store.instantiate(module, &linker, 1000) else { return };
    for name in ["f", "g", "loop"] {
        let mut out = [Value::I32(0)];
        let _ = store.call(inst, name, &[Value::I32(3)], &mut out, 1000);
        let _ = store.call(inst, name, &[Value::I64(3), Value::I64(4)], &mut out, 1000);
        let _ = store.call(inst, name, &[], &mut [], 1000);
    }
}

#[test]
fn rich_module_is_valid_and_runs() {
    let bytes = rich_module();
    let module = load(&bytes).unwrap_or_else(|e| panic!("{}", e));
    assert!(module.code_len() > 10);
    exercise(&bytes);
}

#[test]
fn every_truncation_is_an_error() {
    let bytes = rich_module();
    // Section boundaries: truncating exactly there leaves a valid prefix module
    // only if no later section was required; every other cut must fail.
    let mut boundaries = vec![8usize];
    let mut pos = 8;
    while pos < bytes.len() {
        let mut p = pos + 1;
        let mut size = 0usize;
        let mut shift = 0;
        loop {
            let b = bytes[p];
            p += 1;
            size |= ((b & 0x7f) as usize) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                break;
            }
        }
        pos = p + size;
        boundaries.push(pos);
    }
    let mut errors = 0;
    for len in 0..bytes.len() {
        match load(&bytes[..len]) {
            Err(err) => {
                errors += 1;
                let _ = err.to_string();
            }
            Ok(_) => assert!(boundaries.contains(&len), "truncation to {} loaded", len),
        }
    }
    assert!(errors > bytes.len() - boundaries.len() - 1);
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for i in 0..5000 {
        let len = (rng.next() % 200) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        // Half of them get a valid header so the section decoder is reached.
        if i % 2 == 0 && bytes.len() >= 8 {
            bytes[..8].copy_from_slice(b"\0asm\x01\0\0\0");
        }
        if let Err(e) = load(&bytes) {
            let _ = e.to_string();
        }
    }
}

#[test]
fn mutated_modules_never_panic_when_loaded_or_run() {
    let base = rich_module();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..5000 {
        let mut bytes = base.clone();
        let flips = 1 + rng.next() % 4;
        for _ in 0..flips {
            let pos = 8 + (rng.next() as usize) % (bytes.len() - 8);
            match rng.next() % 3 {
                0 => bytes[pos] = rng.next() as u8,
                1 => bytes[pos] ^= 1 << (rng.next() % 8),
                _ => {
                    bytes.insert(pos, rng.next() as u8);
                }
            }
        }
        exercise(&bytes);
    }
}

#[test]
fn header_errors() {
    assert_eq!(kind_of(b""), ErrorKind::BadMagic);
    assert_eq!(kind_of(b"\0asn\x01\0\0\0"), ErrorKind::BadMagic);
    assert_eq!(kind_of(b"\0asm\x02\0\0\0"), ErrorKind::BadVersion);
    assert_eq!(kind_of(b"\0asm\x01\0\0"), ErrorKind::BadVersion);
    assert!(load(b"\0asm\x01\0\0\0").is_ok());
}

fn with_sections(sections: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"\0asm\x01\0\0\0".to_vec();
    for s in sections {
        out.extend_from_slice(s);
    }
    out
}

#[test]
fn section_framing_errors() {
    // Unknown section id.
    assert_eq!(kind_of(&with_sections(&[section(13, &[])])), ErrorKind::UnknownSection(13));
    // Out of order: memory before type... (function section after memory).
    let err = load(&with_sections(&[section(5, &[0]), section(3, &[0])])).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::SectionOutOfOrder);
    assert_eq!(err.section(), Some(SectionKind::Function));
    // Duplicate section.
    assert_eq!(kind_of(&with_sections(&[section(1, &[0]), section(1, &[0])])), ErrorKind::SectionOutOfOrder);
    // Size larger than the content.
    assert_eq!(kind_of(&with_sections(&[section(1, &[0, 0])])), ErrorKind::SectionSizeMismatch);
    // Size beyond the end of the file.
    assert_eq!(kind_of(&[b"\0asm\x01\0\0\0".as_slice(), &[1, 5, 0]].concat()), ErrorKind::UnexpectedEnd);
    // Custom sections anywhere, with a UTF-8 name.
    let custom = section(0, &[name("hi"), vec![1, 2, 3]].concat());
    assert!(load(&with_sections(&[custom.clone(), section(1, &[0]), custom])).is_ok());
    assert_eq!(kind_of(&with_sections(&[section(0, &[2, 0xc0, 0x80])])), ErrorKind::MalformedUtf8);
    // Overlong LEB in a section size.
    assert_eq!(
        kind_of(&[b"\0asm\x01\0\0\0".as_slice(), &[1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]].concat()),
        ErrorKind::IntegerTooLong
    );
    // Unused bits set in a u32.
    assert_eq!(
        kind_of(&[b"\0asm\x01\0\0\0".as_slice(), &[1, 0x81, 0x80, 0x80, 0x80, 0x70, 0]].concat()),
        ErrorKind::IntegerTooLarge
    );
}

#[test]
fn function_and_code_counts_must_agree() {
    let mut w = Wasm::new();
    let t = w.ty(&[], &[]);
    w.func(t, &[], &[]);
    let mut bytes = w.build();
    // Drop the code section (last 4 bytes: id, size, count 1, body).
    let code_start = bytes.len() - 6;
    bytes.truncate(code_start);
    assert_eq!(kind_of(&bytes), ErrorKind::FunctionCodeMismatch);
}

#[test]
fn data_count_must_match_and_is_required_for_memory_init() {
    let mut w = Wasm::new();
    w.memory(1, None);
    w.passive_data(b"xy");
    let t = w.ty(&[], &[]);
    w.func(t, &[], &code(&[&i32c(0), &i32c(0), &i32c(2), &[0xfc, 0x08, 0x00, 0x00]]));
    assert_eq!(kind_of(&w.build()), ErrorKind::DataCountRequired);
    w.data_count = true;
    assert!(load(&w.build()).is_ok());
}

#[test]
fn memory_init_and_bulk_ops_run() {
    let mut w = Wasm::new();
    w.memory(1, None);
    w.passive_data(b"hello");
    w.data_count = true;
    let t = w.ty(&[], &[I32]);
    let body = code(&[
        // memory.init seg0 -> dst 10, src 1, n 4   => "ello" at 10
        &i32c(10),
        &i32c(1),
        &i32c(4),
        &[0xfc, 0x08, 0x00, 0x00],
        // memory.copy dst 20 <- src 10, n 4
        &i32c(20),
        &i32c(10),
        &i32c(4),
        &[0xfc, 0x0a, 0x00, 0x00],
        // memory.fill dst 24, val 0x21, n 1
        &i32c(24),
        &i32c(0x21),
        &i32c(1),
        &[0xfc, 0x0b, 0x00],
        // data.drop 0
        &[0xfc, 0x09, 0x00],
        &i32c(0),
        &mem(0x28, 2, 20),
        &[0x1a],
        &i32c(0),
        &mem(0x28, 2, 21),
    ]);
    let f = w.func(t, &[], &body);
    // A second function that re-inits after the drop must trap.
    let g = w.func(t, &[], &code(&[&i32c(0), &i32c(0), &i32c(1), &[0xfc, 0x08, 0x00, 0x00], &i32c(0)]));
    w.export_func("f", f);
    w.export_func("g", g);
    let (mut store, inst) = instantiate(&w.build());
    assert_eq!(call1(&mut store, inst, "f", &[]), Ok(Value::I32(i32::from_le_bytes(*b"llo!"))));
    assert_eq!(
        call1(&mut store, inst, "g", &[]).unwrap_err().kind(),
        kwasm_engine::TrapKind::MemoryOutOfBounds
    );
}

fn validation_error(params: &[u8], results: &[u8], locals: &[(u32, u8)], body: &[u8]) -> ErrorKind {
    let mut w = Wasm::new();
    let t = w.ty(params, results);
    w.memory(1, None);
    w.global(I32, false, &i32c(0));
    w.func(t, locals, body);
    let err = load(&w.build()).err().expect("expected invalid");
    assert_eq!(err.section(), Some(SectionKind::Code));
    assert_eq!(err.function(), Some(0));
    err.kind()
}

#[test]
fn validation_errors() {
    assert_eq!(validation_error(&[], &[I32], &[], &i64c(0)), ErrorKind::TypeMismatch);
    assert_eq!(validation_error(&[], &[I32], &[], &[]), ErrorKind::TypeMismatch);
    assert_eq!(validation_error(&[], &[], &[], &i32c(0)), ErrorKind::TypeMismatch);
    assert_eq!(validation_error(&[], &[], &[], &[0x6a]), ErrorKind::TypeMismatch);
    assert_eq!(validation_error(&[], &[], &[], &op(0x20, 0)), ErrorKind::UnknownLocal(0));
    assert_eq!(validation_error(&[], &[], &[], &op(0x23, 1)), ErrorKind::UnknownGlobal(1));
    assert_eq!(validation_error(&[], &[], &[], &code(&[&i32c(0), &op(0x24, 0)])), ErrorKind::ImmutableGlobal);
    assert_eq!(validation_error(&[], &[], &[], &op(0x10, 5)), ErrorKind::UnknownFunction(5));
    assert_eq!(validation_error(&[], &[], &[], &op(0x0c, 1)), ErrorKind::UnknownLabel(1));
    assert_eq!(
        validation_error(&[], &[I32], &[], &code(&[&i32c(0), &mem(0x28, 3, 0)])),
        ErrorKind::AlignmentTooLarge
    );
    assert_eq!(validation_error(&[], &[], &[], &[0xd2, 0x00, 0x1a]), ErrorKind::UndeclaredFunctionReference);
    assert_eq!(validation_error(&[], &[], &[], &[0xff]), ErrorKind::UnknownOpcode(0xff));
    assert_eq!(validation_error(&[], &[], &[(u32::MAX, I32)], &[]), ErrorKind::TooManyLocals);
    // Unreachable code is polymorphic.
    assert!(load(&{
        let mut w = Wasm::new();
        let t = w.ty(&[], &[I32]);
        w.func(t, &[], &code(&[&[0x00], &[0x6a]]));
        w.build()
    })
    .is_ok());
    // `select` on mismatched operand types.
    assert_eq!(
        validation_error(&[], &[I32], &[], &code(&[&i32c(1), &i64c(2), &i32c(0), &[0x1b]])),
        ErrorKind::TypeMismatch
    );
    // Body bytes after the final end.
    let mut w = Wasm::new();
    let t = w.ty(&[], &[]);
    w.func(t, &[], &[0x0b, 0x01]);
    assert_eq!(kind_of(&w.build()), ErrorKind::BodySizeMismatch);
}

#[test]
fn module_level_validation_errors() {
    let mut w = Wasm::new();
    w.memory(2, Some(1));
    assert_eq!(kind_of(&w.build()), ErrorKind::SizeMinimumGreaterThanMaximum);
    let mut w = Wasm::new();
    w.memory(65_537, None);
    assert_eq!(kind_of(&w.build()), ErrorKind::MemorySizeTooLarge);
    let mut w = Wasm::new();
    w.memory(1, None);
    w.memory(1, None);
    assert_eq!(kind_of(&w.build()), ErrorKind::MultipleMemories);
    let mut w = Wasm::new();
    let t = w.ty(&[], &[]);
    let f = w.func(t, &[], &[]);
    w.export_func("a", f);
    w.export_func("a", f);
    assert_eq!(kind_of(&w.build()), ErrorKind::DuplicateExport);
    let mut w = Wasm::new();
    let t = w.ty(&[I32], &[]);
    let f = w.func(t, &[], &[]);
    w.start(f);
    assert_eq!(kind_of(&w.build()), ErrorKind::StartFunctionType);
    let mut w = Wasm::new();
    w.global(I32, false, &i64c(0));
    assert_eq!(kind_of(&w.build()), ErrorKind::TypeMismatch);
    let mut w = Wasm::new();
    w.global(F32, false, &[0x43, 0, 0, 0, 0]);
    let err = load(&w.build()).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::FloatInstruction("f32.const"));
    assert_eq!(err.category(), ErrorCategory::Unsupported);
    assert_eq!(err.section(), Some(SectionKind::Global));
}

#[test]
fn all_element_segment_encodings_decode() {
    let mut w = Wasm::new();
    let t = w.ty(&[], &[]);
    w.table(FUNCREF, 10, None);
    let f = w.func(t, &[], &[]);
    let refc = |f: u32| [vec![0xd2], uleb(f as u64), vec![0x0b]].concat();
    let off = |v: i32| [i32c(v), vec![0x0b]].concat();
    w.raw_elem(&[vec![0x00], off(0), vec_of(&[uleb(f as u64)])].concat());
    w.raw_elem(&[vec![0x01, 0x00], vec_of(&[uleb(f as u64)])].concat());
    w.raw_elem(&[vec![0x02, 0x00], off(1), vec![0x00], vec_of(&[uleb(f as u64)])].concat());
    w.raw_elem(&[vec![0x03, 0x00], vec_of(&[uleb(f as u64)])].concat());
    w.raw_elem(&[vec![0x04], off(2), vec_of(&[refc(f), vec![0xd0, FUNCREF, 0x0b]])].concat());
    w.raw_elem(&[vec![0x05, FUNCREF], vec_of(&[refc(f)])].concat());
    w.raw_elem(&[vec![0x06, 0x00], off(4), vec![FUNCREF], vec_of(&[refc(f)])].concat());
    w.raw_elem(&[vec![0x07, FUNCREF], vec_of(&[refc(f)])].concat());
    let bytes = w.build();
    let (store, inst) = instantiate(&bytes);
    let _ = (store, inst);
    w.raw_elem(&[vec![0x08]].concat());
    assert_eq!(kind_of(&w.build()), ErrorKind::MalformedElementKind(8));
}

#[test]
fn error_display_is_one_line_with_context() {
    let mut w = Wasm::new();
    let t = w.ty(&[], &[]);
    w.func(t, &[], &[]);
    w.func(t, &[], &[0xfe]);
    let err = load(&w.build()).err().unwrap();
    let msg = err.to_string();
    assert!(msg.starts_with("code section, function 1, offset 0x"), "{}", msg);
    assert!(msg.ends_with("illegal opcode 0xfe"), "{}", msg);
    assert!(!msg.contains('\n'));
}
