//! The `--config` TOML file: parsed, then validated into settings as a run does (no file
//! is read: paths are only joined, never opened).
use ddns_audit::settings;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Ok(text) = std::str::from_utf8(data) else { return };
        if let Ok(args) = settings::parse_config(text) {
            let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
            let _ = args.into_settings(now);
        }
    });
}
