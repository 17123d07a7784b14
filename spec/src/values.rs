//! Conversions between `wast` script values and engine [`Value`]s, and the
//! comparison of results against `assert_return` expectations.
//!
//! The engine carries floats as raw bits but executes no float instruction,
//! so any float argument or expected float result makes the assertion
//! "skipped" (see [`Conversion::Float`]).

use kwasm_engine::Value;
use wast::core::{AbstractHeapType, HeapType, NanPattern, WastArgCore, WastRetCore};
use wast::{WastArg, WastRet};

/// Why a script value could not be turned into an engine value.
#[derive(Debug)]
pub enum Conversion {
    /// An `f32`/`f64` value: assertions using floats are skipped.
    Float,
    /// A value of a feature outside the supported set (v128, GC references...).
    Unsupported(String),
}

fn heap_is(ty: &HeapType<'_>, want: AbstractHeapType) -> bool {
    matches!(ty, HeapType::Abstract { shared: false, ty } if *ty == want)
}

/// Converts one invocation argument.
pub fn arg(a: &WastArg<'_>) -> Result<Value, Conversion> {
    let WastArg::Core(core) = a else {
        return Err(Conversion::Unsupported("component-model argument".into()));
    };
    match core {
        WastArgCore::I32(v) => Ok(Value::I32(*v)),
        WastArgCore::I64(v) => Ok(Value::I64(*v)),
        WastArgCore::F32(_) | WastArgCore::F64(_) => Err(Conversion::Float),
        WastArgCore::RefNull(t) if heap_is(t, AbstractHeapType::Func) => Ok(Value::FuncRef(None)),
        WastArgCore::RefNull(t) if heap_is(t, AbstractHeapType::Extern) => Ok(Value::ExternRef(None)),
        WastArgCore::RefExtern(n) => Ok(Value::ExternRef(Some(*n))),
        other => Err(Conversion::Unsupported(format!("argument {other:?}"))),
    }
}

/// Converts all invocation arguments.
pub fn args(list: &[WastArg<'_>]) -> Result<Vec<Value>, Conversion> {
    list.iter().map(arg).collect()
}

/// Checks that an expectation needs no float comparison or unsupported feature.
pub fn check_expected(r: &WastRet<'_>) -> Result<(), Conversion> {
    let WastRet::Core(core) = r else {
        return Err(Conversion::Unsupported("component-model result".into()));
    };
    check_core(core)
}

fn check_core(core: &WastRetCore<'_>) -> Result<(), Conversion> {
    match core {
        WastRetCore::I32(_) | WastRetCore::I64(_) | WastRetCore::RefExtern(_) | WastRetCore::RefFunc(_) => Ok(()),
        WastRetCore::RefNull(None) => Ok(()),
        WastRetCore::RefNull(Some(t))
            if heap_is(t, AbstractHeapType::Func) || heap_is(t, AbstractHeapType::Extern) =>
        {
            Ok(())
        }
        WastRetCore::F32(_) | WastRetCore::F64(_) => Err(Conversion::Float),
        WastRetCore::Either(options) => options.iter().try_for_each(check_core),
        other => Err(Conversion::Unsupported(format!("result {other:?}"))),
    }
}

/// Whether `actual` satisfies the expectation (already checked with
/// [`check_expected`]).
pub fn matches(expected: &WastRet<'_>, actual: &Value) -> bool {
    match expected {
        WastRet::Core(core) => matches_core(core, actual),
        #[allow(unreachable_patterns)]
        _ => false,
    }
}

fn matches_core(expected: &WastRetCore<'_>, actual: &Value) -> bool {
    match (expected, actual) {
        (WastRetCore::I32(e), Value::I32(a)) => e == a,
        (WastRetCore::I64(e), Value::I64(a)) => e == a,
        // Kept for completeness: float expectations are skipped before calling.
        (WastRetCore::F32(p), Value::F32(a)) => match p {
            NanPattern::Value(e) => e.bits == *a,
            NanPattern::CanonicalNan => *a & 0x7fff_ffff == 0x7fc0_0000,
            NanPattern::ArithmeticNan => *a & 0x7fc0_0000 == 0x7fc0_0000,
        },
        (WastRetCore::F64(p), Value::F64(a)) => match p {
            NanPattern::Value(e) => e.bits == *a,
            NanPattern::CanonicalNan => *a & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
            NanPattern::ArithmeticNan => *a & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        },
        (WastRetCore::RefNull(None), Value::FuncRef(None) | Value::ExternRef(None)) => true,
        (WastRetCore::RefNull(Some(t)), Value::FuncRef(None)) => heap_is(t, AbstractHeapType::Func),
        (WastRetCore::RefNull(Some(t)), Value::ExternRef(None)) => heap_is(t, AbstractHeapType::Extern),
        (WastRetCore::RefExtern(None), Value::ExternRef(Some(_))) => true,
        (WastRetCore::RefExtern(Some(e)), Value::ExternRef(Some(a))) => e == a,
        // `(ref.func)` without an index: any non-null function reference.
        (WastRetCore::RefFunc(_), Value::FuncRef(Some(_))) => true,
        (WastRetCore::Either(options), a) => options.iter().any(|o| matches_core(o, a)),
        _ => false,
    }
}

/// A short text form of a result list for failure messages.
pub fn show(values: &[Value]) -> String {
    let parts: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    format!("[{}]", parts.join(", "))
}
