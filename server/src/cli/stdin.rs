//! Reading a password from standard input: one line, without echo when it is a
//! terminal (a prompt then goes to standard error).

use std::io::{BufRead, IsTerminal, Write};

use crate::access::AccessError;

/// The first line of standard input, without its line ending.
pub fn password(prompt: &str) -> Result<String, AccessError> {
    let stdin = std::io::stdin();
    let terminal = stdin.is_terminal();
    if terminal {
        let mut err = std::io::stderr();
        let _ = write!(err, "{prompt}");
        let _ = err.flush();
    }
    let echo = terminal.then(hide_echo).flatten();
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    if let Some(saved) = echo {
        restore(&saved);
        eprintln!();
    }
    read.map_err(|e| AccessError::Invalid(format!("cannot read the password from standard input: {e}")))?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    Ok(password.to_owned())
}

fn hide_echo() -> Option<libc::termios> {
    // SAFETY: tcgetattr/tcsetattr on fd 0 with a zeroed termios they fill in.
    unsafe {
        let mut saved: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(0, &mut saved) != 0 {
            return None;
        }
        let mut quiet = saved;
        quiet.c_lflag &= !libc::ECHO;
        (libc::tcsetattr(0, libc::TCSANOW, &quiet) == 0).then_some(saved)
    }
}

fn restore(saved: &libc::termios) {
    // SAFETY: restores the settings tcgetattr returned.
    unsafe {
        libc::tcsetattr(0, libc::TCSANOW, saved);
    }
}
