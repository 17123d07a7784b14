//! kwasmctl: load and manage WebAssembly programs in the kwasm kernel module, and run them in
//! user space on the same engine (bpftool-like; see docs/kwasmctl.md).

mod device;
mod run;
mod uapi;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use device::{Device, Target};

#[derive(Parser)]
#[command(name = "kwasmctl", version, about = "Load and manage WebAssembly programs in the kwasm kernel module")]
struct Cli {
    /// The kwasm device.
    #[arg(long, default_value = device::DEFAULT_PATH, global = true)]
    device: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load a .wasm program into the kernel; its main(0, 0) runs once.
    Load {
        /// The .wasm file.
        file: PathBuf,
        /// Program name (default: the file name without .wasm).
        #[arg(long)]
        name: Option<String>,
    },
    /// List the loaded programs with their counters.
    List,
    /// Unload a program, by name or id.
    Unload {
        /// Name or numeric id.
        program: String,
    },
    /// Module-wide counters.
    Stats,
    /// Call an exported function of a loaded program in the kernel (zero arguments), timing it.
    Call {
        /// Program name or id.
        program: String,
        /// Exported function.
        export: String,
        /// How many calls to make (timings: fastest, median, slowest).
        #[arg(long, default_value_t = 1)]
        repeat: u32,
    },
    /// Run a program in user space (same engine and host ABI as the kernel).
    Run {
        /// The .wasm file.
        file: PathBuf,
        /// Exported function to call (default: main with arguments 0, 0).
        #[arg(long)]
        invoke: Option<String>,
        /// Fuel for the call (each call and loop iteration uses one).
        #[arg(long, default_value_t = run::DEFAULT_FUEL)]
        fuel: u64,
        /// Arguments (integers) for the function.
        #[arg(allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("kwasmctl: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn execute(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Load { file, name } => {
            let wasm = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let name = match name {
                Some(n) => n,
                None => device::name_from_path(&file)?,
            };
            let id = Device::open(&cli.device)?.load(&wasm, &name).with_context(|| format!("{} was not loaded", file.display()))?;
            println!("loaded {name} (id {id})");
        }
        Command::List => {
            let programs = Device::open(&cli.device)?.list()?;
            println!("{:>4}  {:<31}  {:>5}  {:>10}  {:>6}  {:>14}", "ID", "NAME", "PAGES", "CALLS", "TRAPS", "FUEL USED");
            for p in programs {
                println!(
                    "{:>4}  {:<31}  {:>5}  {:>10}  {:>6}  {:>14}",
                    p.id,
                    uapi::name_text(&p.name),
                    p.memory_pages,
                    p.calls,
                    p.traps,
                    p.fuel_used
                );
            }
        }
        Command::Unload { program } => {
            Device::open(&cli.device)?.unload(Target::parse(&program))?;
            println!("unloaded {program}");
        }
        Command::Call { program, export, repeat } => {
            let r = Device::open(&cli.device)?.call(Target::parse(&program), &export, repeat)?;
            println!("{export} returned {}", r.result);
            println!("{repeat} call(s), fuel used {}; per call: min {} ns, median {} ns, max {} ns", r.fuel_used, r.ns_min, r.ns_median, r.ns_max);
        }
        Command::Stats => {
            let s = Device::open(&cli.device)?.stats()?;
            println!("programs loaded: {}", s.programs);
            println!("loads:           {}", s.loaded);
            println!("rejected loads:  {}", s.rejected);
            println!("unloads:         {}", s.unloaded);
            println!("traps:           {}", s.traps);
        }
        Command::Run { file, invoke, fuel, args } => run::run(&file, invoke.as_deref(), &args, fuel)?,
    }
    Ok(())
}
