//! kwasmctl: load and manage WebAssembly programs in the kwasm kernel module.

mod device;
mod kmsg;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

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
    /// Send a .wasm program to the kernel (what `cat FILE > /dev/kwasm` does, with clear errors).
    Load {
        /// The .wasm file.
        file: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("kwasmctl: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Load { file } => {
            let bytes = device::load(&cli.device, &file)?;
            println!("{}: {bytes} bytes sent to {}", file.display(), cli.device.display());
        }
    }
    Ok(())
}
