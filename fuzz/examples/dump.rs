//! Prints the sections and function bodies (operators) of a module, using wasmparser.
//!   cargo run --release --example dump -- FILE.wasm

fn main() {
    let path = std::env::args().nth(1).expect("FILE.wasm");
    let bytes = std::fs::read(&path).expect("read");
    let mut func = 0;
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        match payload.expect("parse") {
            wasmparser::Payload::CodeSectionEntry(body) => {
                println!("func (code index {func}):");
                func += 1;
                for l in body.get_locals_reader().expect("locals") {
                    println!("  local {:?}", l.expect("local"));
                }
                let mut ops = body.get_operators_reader().expect("ops");
                while !ops.eof() {
                    println!("  {:?}", ops.read().expect("op"));
                }
            }
            wasmparser::Payload::TypeSection(r) => {
                for t in r {
                    println!("type {:?}", t.expect("type"));
                }
            }
            wasmparser::Payload::FunctionSection(r) => {
                println!("funcs: {:?}", r.into_iter().collect::<Result<Vec<_>, _>>().expect("funcs"));
            }
            wasmparser::Payload::ExportSection(r) => {
                for e in r {
                    println!("export {:?}", e.expect("export"));
                }
            }
            other => {
                if let Some((id, range)) = other.as_section() {
                    println!("section {id} {range:?}");
                }
            }
        }
    }
}
