//! A closed standard output ends the process quietly, as it ends every Unix filter. Rust ignores `SIGPIPE`, so a
//! write to a pipe whose reader has gone (`trailhound findings … | head -3`) fails with `EPIPE`, and `println!`
//! turns that failure into a panic with a backtrace hint on standard error. Restoring `SIGPIPE` would need
//! `unsafe` and would also kill the process on a closed network socket in the AWS clients; instead a panic hook
//! recognises exactly that panic and exits with the status a shell shows for `SIGPIPE` (141) and no message.
//! Every other panic reaches the default hook unchanged. Commands that write standard output with `write!` rather
//! than `println!` go through [`write_stdout`], which ends the process the same way.

/// The exit status of a process ended by `SIGPIPE` (128 + 13), which shells and `set -o pipefail` understand.
pub const CLOSED_STDOUT_STATUS: i32 = 141;

/// Installs the hook (once, at the start of `cli::main`).
pub fn exit_quietly_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info.payload_as_str().is_some_and(is_closed_stdout) {
            std::process::exit(CLOSED_STDOUT_STATUS);
        }
        default(info);
    }));
}

/// Runs `write` on the locked standard output, buffered, and flushes it; a reader that has gone (`EPIPE`) ends the
/// process with [`CLOSED_STDOUT_STATUS`] as the print macros do under the hook, and any other failure is returned.
/// The buffer matters: standard output is line-buffered, and pretty JSON is one short line per field (a busy
/// account's `volume --json` over 1 M demo events was 8.8 million lines, each its own `write` call).
pub fn write_stdout(
    write: impl FnOnce(&mut std::io::BufWriter<std::io::StdoutLock<'static>>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(CLOSED_STDOUT_STATUS),
        r => r,
    }
}

/// The message `std`'s print macros panic with when standard output's reader is gone: "failed printing to stdout:"
/// and the `EPIPE` error, whose text is the C library's (locale-dependent) but whose code is not.
fn is_closed_stdout(message: &str) -> bool {
    message.starts_with("failed printing to stdout") && message.ends_with(&format!("(os error {})", EPIPE))
}

/// `EPIPE` on Linux and the BSDs (macOS included).
const EPIPE: i32 = 32;

#[cfg(test)]
mod tests {
    use super::is_closed_stdout;

    #[test]
    fn recognises_only_a_broken_stdout() {
        assert!(is_closed_stdout("failed printing to stdout: Broken pipe (os error 32)"));
        assert!(is_closed_stdout("failed printing to stdout: Tubo rotto (os error 32)"));
        assert!(!is_closed_stdout(
            "failed printing to stdout: No space left on device (os error 28)"
        ));
        assert!(!is_closed_stdout(
            "failed printing to stderr: Broken pipe (os error 32)"
        ));
        assert!(!is_closed_stdout("index out of bounds (os error 32)"));
    }
}
