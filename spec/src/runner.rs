//! Executes the directives of one `.wast` script against kwasm-engine.

use std::collections::{HashMap, HashSet};

use kwasm_engine::{Error, ErrorCategory, ErrorKind, Extern, InstanceId, Limits, Linker, Module, Store, TrapKind, Value};
use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::token::Span;
use wast::{QuoteWat, QuoteWatTest, Wast, WastDirective, WastExecute, WastInvoke, Wat};

use crate::report::{FileReport, Outcome};
use crate::suite::{self, SpecFile};
use crate::{spectest, values};

/// Fuel for each invocation and each instantiation (start function).
pub const FUEL: u64 = 10_000_000_000;

/// Generous limits: the spec's deep-recursion tests need tens of thousands of
/// frames, while runaway recursion must still end in `StackExhausted`.
pub fn limits() -> Limits {
    Limits {
        max_memory_pages: 65_536,
        max_table_elements: 10_000_000,
        max_call_depth: 200_000,
        max_value_stack: 16 * 1024 * 1024,
        ..Limits::DEFAULT
    }
}

/// What the script's current or named module refers to.
#[derive(Clone, Copy, Debug)]
enum Slot {
    Instance(InstanceId),
    /// Not instantiated because it needs float execution: dependants are skipped.
    Skipped,
    /// Failed to load or instantiate (already counted): dependants fail.
    Broken,
}

/// Float instructions are the one feature the engine refuses on purpose.
fn is_float_refusal(e: &Error) -> bool {
    matches!(e.kind(), ErrorKind::FloatInstruction(_) | ErrorKind::FloatNotSupported)
}

fn describe(e: &Error) -> String {
    format!("{e} [{:?}]", e.category())
}

struct Runner<'a> {
    file: &'a SpecFile,
    store: Store,
    linker: Linker,
    current: Option<Slot>,
    named: HashMap<String, Slot>,
    definitions: HashMap<String, Vec<u8>>,
    /// Names registered from skipped modules: link errors against them skip.
    skipped_registrations: HashSet<String>,
    report: FileReport,
}

/// Runs one script and returns its counts.
pub fn run_file(file: &SpecFile) -> FileReport {
    let mut report = FileReport { name: file.name.clone(), ..FileReport::default() };
    let mut lexer = Lexer::new(file.text);
    lexer.allow_confusing_unicode(true);
    let buffer = match ParseBuffer::new_with_lexer(lexer) {
        Ok(b) => b,
        Err(e) => {
            report.record(0, Outcome::Fail(format!("cannot lex script: {e}")));
            return report;
        }
    };
    let script = match parser::parse::<Wast<'_>>(&buffer) {
        Ok(s) => s,
        Err(e) => {
            report.record(0, Outcome::Fail(format!("cannot parse script: {e}")));
            return report;
        }
    };
    let mut store = Store::new(limits());
    let mut linker = Linker::new();
    if let Err(e) = spectest::define(&mut store, &mut linker) {
        report.record(0, Outcome::Fail(format!("cannot define spectest: {e}")));
        return report;
    }
    let mut runner = Runner {
        file,
        store,
        linker,
        current: None,
        named: HashMap::new(),
        definitions: HashMap::new(),
        skipped_registrations: HashSet::new(),
        report,
    };
    for directive in script.directives {
        let line = runner.line(directive.span());
        let outcome = match suite::excluded(&file.name, line) {
            Some(why) => Outcome::Skip(format!("excluded: {why}")),
            None => runner.directive(directive),
        };
        runner.report.record(line, outcome);
    }
    runner.report
}

/// Encodes a script module to binary (text `module quote`s are parsed here).
fn encode(module: &mut QuoteWat<'_>) -> Result<Vec<u8>, String> {
    match module.to_test().map_err(|e| e.to_string())? {
        QuoteWatTest::Binary(bytes) => Ok(bytes),
        QuoteWatTest::Text(text) => {
            let text = String::from_utf8(text).map_err(|e| e.to_string())?;
            let buffer = ParseBuffer::new(&text).map_err(|e| e.to_string())?;
            let mut wat = parser::parse::<Wat<'_>>(&buffer).map_err(|e| e.to_string())?;
            wat.encode().map_err(|e| e.to_string())
        }
    }
}

impl Runner<'_> {
    fn line(&self, span: Span) -> usize {
        span.linecol_in(self.file.text).0 + 1
    }

    fn directive(&mut self, directive: WastDirective<'_>) -> Outcome {
        match directive {
            WastDirective::Module(mut module) => {
                let name = module.name().map(|id| id.name().to_string());
                let (slot, outcome) = match encode(&mut module) {
                    Ok(bytes) => self.instantiate(&bytes),
                    Err(e) => (Slot::Broken, Outcome::Fail(format!("cannot encode module: {e}"))),
                };
                self.current = Some(slot);
                if let Some(name) = name {
                    self.named.insert(name, slot);
                }
                outcome
            }
            WastDirective::ModuleDefinition(mut module) => {
                let name = module.name().map(|id| id.name().to_string());
                match encode(&mut module) {
                    Ok(bytes) => {
                        if let Some(name) = name {
                            self.definitions.insert(name, bytes);
                        }
                        Outcome::Pass
                    }
                    Err(e) => Outcome::Fail(format!("cannot encode module definition: {e}")),
                }
            }
            WastDirective::ModuleInstance { instance, module, .. } => {
                let Some(bytes) = module.and_then(|m| self.definitions.get(m.name())).cloned() else {
                    return Outcome::Fail("module instance of an unknown definition".into());
                };
                let (slot, outcome) = self.instantiate(&bytes);
                self.current = Some(slot);
                if let Some(name) = instance {
                    self.named.insert(name.name().to_string(), slot);
                }
                outcome
            }
            WastDirective::Register { name, module, .. } => match self.slot(module.map(|m| m.name())) {
                Some(Slot::Instance(inst)) => match self.linker.define_instance(&self.store, name, inst) {
                    Ok(()) => Outcome::Pass,
                    Err(e) => Outcome::Fail(format!("register failed: {e}")),
                },
                Some(Slot::Skipped) => {
                    self.skipped_registrations.insert(name.to_string());
                    Outcome::Skip("registers a module that needs floats".into())
                }
                Some(Slot::Broken) => Outcome::Fail("registers a module that failed earlier".into()),
                None => Outcome::Fail("register: no such module".into()),
            },
            WastDirective::Invoke(invoke) => match self.invoke(&invoke) {
                Ok(Ok(_)) => Outcome::Pass,
                Ok(Err(trap)) => Outcome::Fail(format!("invoke {:?} trapped: {trap}", invoke.name)),
                Err(outcome) => outcome,
            },
            WastDirective::AssertReturn { exec, results, .. } => self.assert_return(exec, &results),
            WastDirective::AssertTrap { exec, message, .. } => self.assert_trap(exec, message),
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Ok(Err(TrapKind::StackExhausted)) => Outcome::Pass,
                Ok(Err(other)) => Outcome::Fail(format!("expected {message:?}, got trap {other}")),
                Ok(Ok(values)) => {
                    Outcome::Fail(format!("expected {message:?}, got {}", values::show(&values)))
                }
                Err(outcome) => outcome,
            },
            WastDirective::AssertInvalid { module, message, .. } => self.assert_invalid(module, message),
            WastDirective::AssertMalformed { span, module, message } => {
                let line = self.line(span);
                self.assert_malformed(module, message, line)
            }
            WastDirective::AssertUnlinkable { module, message, .. } => {
                let mut quote = QuoteWat::Wat(module);
                let bytes = match encode(&mut quote) {
                    Ok(b) => b,
                    Err(e) => return Outcome::Fail(format!("cannot encode module: {e}")),
                };
                match self.load(&bytes) {
                    Err(outcome) => outcome,
                    Ok(module) => match self.store.instantiate(module, &self.linker, FUEL) {
                        Ok(_) => Outcome::Fail(format!("instantiated; expected unlinkable {message:?}")),
                        Err(e) if e.category() == ErrorCategory::Link => Outcome::Pass,
                        Err(e) => Outcome::Fail(format!("expected unlinkable {message:?}, got {}", describe(&e))),
                    },
                }
            }
            WastDirective::AssertException { .. } => Outcome::Skip("excluded: exception handling".into()),
            WastDirective::AssertSuspension { .. } => Outcome::Skip("excluded: stack switching".into()),
            WastDirective::Thread(_) | WastDirective::Wait { .. } => Outcome::Skip("excluded: threads".into()),
        }
    }

    fn slot(&self, name: Option<&str>) -> Option<Slot> {
        match name {
            Some(n) => self.named.get(n).copied(),
            None => self.current,
        }
    }

    /// Loads a module; a float refusal becomes a skip, anything else a failure.
    fn load(&self, bytes: &[u8]) -> Result<Module, Outcome> {
        Module::new(bytes, self.store.limits()).map_err(|e| {
            if is_float_refusal(&e) {
                Outcome::Skip("module uses float instructions".into())
            } else {
                Outcome::Fail(format!("module failed to load: {}", describe(&e)))
            }
        })
    }

    /// Whether `bytes` imports from a module registered while skipped.
    fn imports_skipped(&self, bytes: &[u8]) -> bool {
        let Ok(module) = Module::new(bytes, self.store.limits()) else { return false };
        (0..module.import_count())
            .filter_map(|i| module.import(i))
            .any(|(m, _, _)| self.skipped_registrations.contains(m))
    }

    fn instantiate(&mut self, bytes: &[u8]) -> (Slot, Outcome) {
        let module = match self.load(bytes) {
            Ok(m) => m,
            Err(outcome @ Outcome::Skip(_)) => return (Slot::Skipped, outcome),
            Err(outcome) => return (Slot::Broken, outcome),
        };
        match self.store.instantiate(module, &self.linker, FUEL) {
            Ok(inst) => (Slot::Instance(inst), Outcome::Pass),
            Err(e) if e.category() == ErrorCategory::Link && self.imports_skipped(bytes) => {
                (Slot::Skipped, Outcome::Skip("imports from a module that needs floats".into()))
            }
            Err(e) => (Slot::Broken, Outcome::Fail(format!("instantiation failed: {}", describe(&e)))),
        }
    }

    /// Runs an invocation. `Err` carries a skip or harness failure.
    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Result<Vec<Value>, TrapKind>, Outcome> {
        let args = values::args(&invoke.args).map_err(|c| match c {
            values::Conversion::Float => Outcome::Skip("float arguments".into()),
            values::Conversion::Unsupported(what) => Outcome::Skip(format!("excluded: unsupported {what}")),
        })?;
        let inst = match self.slot(invoke.module.map(|m| m.name())) {
            Some(Slot::Instance(inst)) => inst,
            Some(Slot::Skipped) => return Err(Outcome::Skip("module needs floats".into())),
            Some(Slot::Broken) => return Err(Outcome::Fail("module failed earlier".into())),
            None => return Err(Outcome::Fail("no module to invoke".into())),
        };
        let func = match self.store.export(inst, invoke.name) {
            Some(Extern::Func(f)) => f,
            _ => return Err(Outcome::Fail(format!("no exported function {:?}", invoke.name))),
        };
        let results = match self.store.func_type(func) {
            Some(ty) => ty.results().iter().map(|t| Value::default_of(*t)).collect::<Vec<_>>(),
            None => return Err(Outcome::Fail("no function type".into())),
        };
        let mut results = results;
        match self.store.call(inst, invoke.name, &args, &mut results, FUEL) {
            Ok(_) => Ok(Ok(results)),
            Err(trap) => Ok(Err(trap.kind())),
        }
    }

    fn assert_return(&mut self, exec: WastExecute<'_>, expected: &[wast::WastRet<'_>]) -> Outcome {
        for e in expected {
            match values::check_expected(e) {
                Ok(()) => {}
                Err(values::Conversion::Float) => return Outcome::Skip("float results".into()),
                Err(values::Conversion::Unsupported(what)) => {
                    return Outcome::Skip(format!("excluded: unsupported {what}"))
                }
            }
        }
        let actual = match exec {
            WastExecute::Invoke(invoke) => match self.invoke(&invoke) {
                Ok(Ok(values)) => values,
                Ok(Err(trap)) => return Outcome::Fail(format!("{:?} trapped: {trap}", invoke.name)),
                Err(outcome) => return outcome,
            },
            WastExecute::Get { module, global, .. } => match self.slot(module.map(|m| m.name())) {
                Some(Slot::Instance(inst)) => match self.store.export(inst, global) {
                    Some(Extern::Global(g)) => match self.store.global_get(g) {
                        Some(v) => vec![v],
                        None => return Outcome::Fail("bad global handle".into()),
                    },
                    _ => return Outcome::Fail(format!("no exported global {global:?}")),
                },
                Some(Slot::Skipped) => return Outcome::Skip("module needs floats".into()),
                Some(Slot::Broken) => return Outcome::Fail("module failed earlier".into()),
                None => return Outcome::Fail("no module".into()),
            },
            WastExecute::Wat(wat) => {
                let (slot, outcome) = self.instantiate_wat(wat);
                return match slot {
                    Slot::Instance(_) if expected.is_empty() => Outcome::Pass,
                    Slot::Instance(_) => Outcome::Fail("module assertion with results".into()),
                    _ => outcome,
                };
            }
        };
        if actual.len() == expected.len() && expected.iter().zip(&actual).all(|(e, a)| values::matches(e, a)) {
            Outcome::Pass
        } else {
            Outcome::Fail(format!("expected {expected:?}, got {}", values::show(&actual)))
        }
    }

    fn instantiate_wat(&mut self, wat: Wat<'_>) -> (Slot, Outcome) {
        let mut quote = QuoteWat::Wat(wat);
        match encode(&mut quote) {
            Ok(bytes) => self.instantiate(&bytes),
            Err(e) => (Slot::Broken, Outcome::Fail(format!("cannot encode module: {e}"))),
        }
    }

    fn assert_trap(&mut self, exec: WastExecute<'_>, message: &str) -> Outcome {
        let trap_matches = |kind: TrapKind| {
            let actual = kind.message();
            actual.starts_with(message) || message.starts_with(actual)
        };
        match exec {
            WastExecute::Invoke(invoke) => match self.invoke(&invoke) {
                Ok(Err(kind)) if trap_matches(kind) => Outcome::Pass,
                Ok(Err(kind)) => Outcome::Fail(format!("expected trap {message:?}, got {kind}")),
                Ok(Ok(values)) => Outcome::Fail(format!("expected trap {message:?}, got {}", values::show(&values))),
                Err(outcome) => outcome,
            },
            WastExecute::Wat(wat) => {
                // assert_uninstantiable: loading must work, instantiation must trap.
                let mut quote = QuoteWat::Wat(wat);
                let bytes = match encode(&mut quote) {
                    Ok(b) => b,
                    Err(e) => return Outcome::Fail(format!("cannot encode module: {e}")),
                };
                let module = match self.load(&bytes) {
                    Ok(m) => m,
                    Err(outcome) => return outcome,
                };
                match self.store.instantiate(module, &self.linker, FUEL) {
                    Ok(_) => Outcome::Fail(format!("instantiated; expected trap {message:?}")),
                    Err(e) => match e.trap() {
                        Some(kind) if trap_matches(kind) => Outcome::Pass,
                        _ => Outcome::Fail(format!("expected trap {message:?}, got {}", describe(&e))),
                    },
                }
            }
            WastExecute::Get { .. } => Outcome::Fail("assert_trap on a global get".into()),
        }
    }

    fn assert_invalid(&mut self, mut module: QuoteWat<'_>, message: &str) -> Outcome {
        let bytes = match encode(&mut module) {
            Ok(b) => b,
            Err(e) => return Outcome::Fail(format!("cannot encode module: {e}")),
        };
        match Module::new(&bytes, self.store.limits()) {
            Ok(_) => Outcome::Fail(format!("module loaded; expected invalid {message:?}")),
            Err(e) if e.category() == ErrorCategory::Validation => Outcome::Pass,
            // wasm 2.0 allows one memory; the engine names the extra one as unsupported.
            Err(e) if e.kind() == ErrorKind::MultipleMemories && message == "multiple memories" => Outcome::Pass,
            Err(e) if is_float_refusal(&e) => Outcome::Skip("module uses float instructions".into()),
            Err(e) => Outcome::Fail(format!("expected invalid {message:?}, got {}", describe(&e))),
        }
    }

    fn assert_malformed(&mut self, mut module: QuoteWat<'_>, message: &str, line: usize) -> Outcome {
        // Text-format malformedness is the text parser's business: a quoted
        // module that `wast` refuses passes, and if `wast` is more lenient than
        // the reference parser (e.g. `(func (type 2))` with no type 2), the
        // engine must at least reject the binary it produced, as malformed or
        // invalid.
        let quoted = matches!(module, QuoteWat::QuoteModule(..));
        let bytes = match encode(&mut module) {
            Ok(b) => b,
            Err(_) => return Outcome::Pass,
        };
        let invalid_ok = quoted || suite::malformed_seen_as_invalid(&self.file.name, line);
        match Module::new(&bytes, self.store.limits()) {
            Ok(_) => Outcome::Fail(format!("module loaded; expected malformed {message:?}")),
            Err(e) if e.category() == ErrorCategory::Decode => Outcome::Pass,
            Err(e) if invalid_ok && e.category() == ErrorCategory::Validation => Outcome::Pass,
            Err(e) if is_float_refusal(&e) => Outcome::Skip("module uses float instructions".into()),
            Err(e) => Outcome::Fail(format!("expected malformed {message:?}, got {}", describe(&e))),
        }
    }
}
