//! Undoing cargo-make's argument splitting. cargo-make hands task arguments over as one
//! `;`-joined list (`CARGO_MAKE_TASK_ARGS`), so `cargo make vm -- sh -c 'a; b'` reaches us as
//! `sh -c a " b"`. When we run under cargo-make, the exact arguments are still on its own
//! command line: take them from there, provided they join to the same list.

use std::fs;

/// The arguments that follow the task name on the command line of the cargo-make process
/// that started us, or `given` when there is no such process (or it does not agree).
pub fn task_args(given: &[String]) -> Vec<String> {
    let (Ok(joined), Ok(task)) = (std::env::var("CARGO_MAKE_TASK_ARGS"), std::env::var("CARGO_MAKE_TASK")) else {
        return given.to_vec();
    };
    // Only arguments that came from the task's command line (`${@}`) are to be restored; a
    // task may also pass fixed arguments of its own.
    if given.join(";") != joined {
        return given.to_vec();
    }
    let mut pid = std::os::unix::process::parent_id();
    for _ in 0..8 {
        let Some(argv) = cmdline(pid) else { break };
        if is_cargo_make(&argv) {
            return after_task(&argv, &task)
                .filter(|args| args.join(";") == joined)
                .unwrap_or_else(|| given.to_vec());
        }
        let Some(parent) = parent_of(pid) else { break };
        pid = parent;
    }
    given.to_vec()
}

fn cmdline(pid: u32) -> Option<Vec<String>> {
    let raw = fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    let mut argv: Vec<String> = raw.split(|&b| b == 0).map(|a| String::from_utf8_lossy(a).into_owned()).collect();
    if raw.last() == Some(&0) {
        argv.pop();
    }
    Some(argv)
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(1)?.parse().ok()
}

fn is_cargo_make(argv: &[String]) -> bool {
    argv.first().is_some_and(|a| a.ends_with("cargo-make") || a.ends_with("makers"))
}

/// The words after the task name (with the `--` that may separate them, as cargo-make
/// passes it on too).
fn after_task(argv: &[String], task: &str) -> Option<Vec<String>> {
    let at = argv.iter().skip(1).position(|a| a == task)? + 2;
    argv.get(at..).map(<[String]>::to_vec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn takes_words_after_the_task_and_separator() {
        let argv = v(&["/root/.cargo/bin/cargo-make", "make", "vm", "--", "sh", "-c", "uname -r; stat x"]);
        assert_eq!(after_task(&argv, "vm"), Some(v(&["--", "sh", "-c", "uname -r; stat x"])));
        let argv = v(&["cargo-make", "make", "vm", "true"]);
        assert_eq!(after_task(&argv, "vm"), Some(v(&["true"])));
        assert!(is_cargo_make(&v(&["/usr/bin/makers"])));
        assert!(!is_cargo_make(&v(&["cargo", "run"])));
    }

    #[test]
    fn own_parent_is_found() {
        assert!(parent_of(std::process::id()).is_some());
        assert!(cmdline(std::process::id()).is_some_and(|argv| !argv.is_empty()));
    }
}
