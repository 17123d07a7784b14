//! `cargo xtask`-style lab orchestration for kwasm, driven by the cargo-make tasks in
//! `Makefile.toml`: the Debian trixie build root, the lab kernel, the module, the samples, the
//! QEMU micro-VM and the end-to-end suite.

mod buildroot;
mod cargo_make;
mod e2e;
mod initramfs;
mod kernel;
mod kmod;
mod layout;
mod progress;
mod qemu;
mod samples;
mod selftest;
mod splat;
mod stamp;
mod tail_jumps;
mod vm;

use anyhow::Result;
use clap::{Parser, Subcommand};

use kernel::Flavour;

#[derive(Parser)]
#[command(name = "xtask", about = "kwasm lab tasks (normally run through `cargo make`)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create (or reuse) the Debian trixie build root and print its path.
    Buildroot,
    /// Build the lab kernel (incremental; skipped when its inputs are unchanged).
    Kernel {
        #[arg(long, value_enum, default_value_t = Flavour::Lab)]
        flavour: Flavour,
    },
    /// Build kwasm.ko against the lab kernel.
    Module {
        #[arg(long, value_enum, default_value_t = Flavour::Lab)]
        flavour: Flavour,
    },
    /// Build the sample programs into target/samples/NAME.wasm.
    Samples,
    /// Build everything: kernel and module (both flavours with --all), kwasmctl, samples.
    Build {
        /// Also build the debug kernel and its module (what `cargo make test` uses).
        #[arg(long)]
        all: bool,
    },
    /// Build kwasm.ko and insert it: on the lab box into the running kernel (replacing a
    /// loaded one); elsewhere into the lab VM, which then shows it loaded.
    Load,
    /// Build the samples and load NAME, printing the kernel log lines it produced (in the lab
    /// VM; on the lab box, into the running kernel).
    LoadSample {
        /// Sample name: samples/NAME/NAME.wat.
        name: String,
    },
    /// Boot the lab VM, run CMD as root inside it, exit with CMD's status.
    Vm(vm::VmArgs),
    /// Check the VM runner itself: timeouts, exit status, kernel report detection.
    Selftest,
    /// Run the end-to-end suite in the debug VM.
    E2e {
        /// Run only the tests whose name contains this text.
        #[arg(long)]
        filter: Option<String>,
    },
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let args = match args.get(1).map(String::as_str) {
        // `vm` passes its arguments on to a shell: they must arrive exactly as typed.
        Some("vm") => [&args[..2], &cargo_make::task_args(&args[2..])].concat(),
        _ => args,
    };
    let cli = Cli::parse_from(args);
    let result = run(cli.command);
    match result {
        Ok(code) => std::process::exit(code),
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::exit(1);
        }
    }
}

fn run(command: Command) -> Result<i32> {
    match command {
        Command::Buildroot => {
            let root = buildroot::ensure()?;
            println!("{}", root.dir().display());
        }
        Command::Kernel { flavour } => {
            let root = buildroot::ensure()?;
            kernel::ensure(&root, flavour)?;
        }
        Command::Module { flavour } => {
            let root = buildroot::ensure()?;
            let kernel = kernel::ensure(&root, flavour)?;
            kmod::ensure(&root, &kernel)?;
        }
        Command::Samples => {
            samples::build_all()?;
            samples::build_test_programs()?;
        }
        Command::Build { all } => {
            let root = buildroot::ensure()?;
            let flavours: &[Flavour] = if all { &[Flavour::Lab, Flavour::Debug] } else { &[Flavour::Lab] };
            for &flavour in flavours {
                let kernel = kernel::ensure(&root, flavour)?;
                kmod::ensure(&root, &kernel)?;
            }
            vm::build_kwasmctl()?;
            samples::build_all()?;
            samples::build_test_programs()?;
        }
        Command::Load => {
            if buildroot::is_lab_box() {
                let root = buildroot::ensure()?;
                let ko = kmod::ensure_for_running_kernel(&root)?;
                let script = format!("rmmod kwasm 2>/dev/null; insmod {} && lsmod | grep '^kwasm '", ko.display());
                let status = std::process::Command::new("sh").args(["-c", &script]).status()?;
                return Ok(status.code().unwrap_or(1));
            }
            let cmd = ["sh", "-c", "grep '^kwasm ' /proc/modules && ls -l /dev/kwasm && kwasmctl stats"];
            return vm::run(vm::VmArgs { debug: false, timeout: 600, kernel_log: false, cmd: cmd.map(String::from).to_vec() });
        }
        Command::LoadSample { name } => {
            samples::build_all()?;
            let script = layout::repo().join("samples/load-sample.sh");
            if buildroot::is_lab_box() {
                let status = std::process::Command::new(&script).arg(&name).status()?;
                return Ok(status.code().unwrap_or(1));
            }
            let cmd = vec!["bash".to_string(), format!("{}/samples/load-sample.sh", layout::REPO_IN_GUEST), name];
            return vm::run(vm::VmArgs { debug: false, timeout: 600, kernel_log: false, cmd });
        }
        Command::Vm(args) => return vm::run(args),
        Command::Selftest => return selftest::run(),
        Command::E2e { filter } => return e2e::run(filter.as_deref()),
    }
    Ok(0)
}
