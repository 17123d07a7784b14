//! Import resolution: a table of `(module, field) -> Extern` definitions.

use super::buf::Buf;
use super::error::{Error, ErrorKind, Result};
use super::exec::host::HostFunc;
use super::store::{Extern, Store};
use super::types::{FuncId, InstanceId, ValType};

struct Definition {
    module: Buf<u8>,
    name: Buf<u8>,
    item: Extern,
}

/// Named definitions used to satisfy a module's imports.
#[derive(Default)]
pub struct Linker {
    definitions: Buf<Definition>,
}

impl Linker {
    /// An empty linker.
    pub const fn new() -> Linker {
        Linker { definitions: Buf::new() }
    }

    /// Defines (or redefines) `module.name` as `item`.
    pub fn define(&mut self, module: &str, name: &str, item: Extern) -> Result<()> {
        if let Some(existing) = self
            .definitions
            .iter_mut()
            .find(|d| d.module.as_slice() == module.as_bytes() && d.name.as_slice() == name.as_bytes())
        {
            existing.item = item;
            return Ok(());
        }
        self.definitions.try_push(Definition {
            module: Buf::try_from_slice(module.as_bytes())?,
            name: Buf::try_from_slice(name.as_bytes())?,
            item,
        })?;
        Ok(())
    }

    /// Creates a host function in `store` and defines it as `module.name`.
    #[allow(clippy::too_many_arguments)]
    pub fn define_host_func(
        &mut self,
        store: &mut Store,
        module: &str,
        name: &str,
        params: &[ValType],
        results: &[ValType],
        callback: HostFunc,
        data: *mut (),
    ) -> Result<FuncId> {
        let func = store.new_host_func(params, results, callback, data)?;
        self.define(module, name, Extern::Func(func))?;
        Ok(func)
    }

    /// Defines every export of `instance` under the module name `module`
    /// (the spec-test `register` command).
    pub fn define_instance(&mut self, store: &Store, module: &str, instance: InstanceId) -> Result<()> {
        let count = store.export_count(instance);
        for i in 0..count {
            let name = store.export_name(instance, i).ok_or(Error::new(ErrorKind::InvalidHandle))?;
            let item = store.export(instance, name).ok_or(Error::new(ErrorKind::InvalidHandle))?;
            self.define(module, name, item)?;
        }
        Ok(())
    }

    /// Looks up a definition.
    pub fn get(&self, module: &[u8], name: &[u8]) -> Option<Extern> {
        self.definitions
            .iter()
            .find(|d| d.module.as_slice() == module && d.name.as_slice() == name)
            .map(|d| d.item)
    }
}
