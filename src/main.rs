//! `ddns-audit`: parse the command line, run, print the summary or the error chain, and
//! return the exit code ([`ExitStatus`]: 0 done, 1 findings at or above `--fail-on`, 2 could
//! not complete).

use std::process::ExitCode;

use clap::Parser;
use ddns_audit::run::ExitStatus;
use ddns_audit::settings::{self, Cli, Command};

fn main() -> ExitCode {
    // cmd and PowerShell hand `--leases exports\*.csv` over as written: on Windows the program
    // expands its arguments' wildcards (a pattern that matches nothing stays as written and is
    // named by the input's check, crate::input::paths). On Unix the shell did, and a `*` left
    // in an argument is a name's character.
    #[cfg(windows)]
    let cli = Cli::parse_from(wild::args_os());
    #[cfg(not(windows))]
    let cli = Cli::parse();
    let result: anyhow::Result<ddns_audit::run::Outcome> = match cli.command {
        Command::Audit(args) => ddns_audit::run::audit(args, chrono::Utc::now()).map_err(Into::into),
        Command::Forecast(args) => ddns_audit::run::forecast(args, chrono::Utc::now()).map_err(Into::into),
        Command::Completions { shell } => {
            settings::write_completions(shell, &mut std::io::stdout());
            return ExitCode::SUCCESS;
        }
        Command::Man => {
            return match settings::write_man(&mut std::io::stdout()) {
                // A pager or `head` that stopped reading is no failure.
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("ddns-audit: error: cannot write the man page: {e}");
                    ExitStatus::Failed.into()
                }
            };
        }
    };
    match result {
        Ok(outcome) => {
            eprint!("{}", outcome.summary);
            outcome.status().into()
        }
        Err(e) => {
            eprintln!("ddns-audit: error: {e:#}");
            ExitStatus::Failed.into()
        }
    }
}
