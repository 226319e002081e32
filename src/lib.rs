//! ddns-audit: finds leased hosts whose DNS records are missing, wrong, or about to be scavenged.
//!
//! The pipeline, one module per stage:
//! [`leases`] (DHCP exports) → [`directory`] (AD computers) → [`dns`] (records with aging data)
//! → [`audit`] (pure rules, one finding per lease), or [`forecast`] (pure rules, one row per
//! record scavenging deletes) → [`report`] (CSV, summary).
//! [`progress`] draws the long phases' progress on a terminal.
//! [`settings`] turns the command line and the TOML config into one validated value; [`run`]
//! is the pipeline, ending in a [`run::ExitStatus`].
//!
//! Only what `main.rs`, the integration tests and the fuzz targets call is `pub`; the rest is
//! `pub(crate)`, so that the compiler reports what nothing uses.

pub(crate) mod audit;
pub mod directory;
pub mod dns;
pub(crate) mod forecast;
pub mod input;
pub mod leases;
pub(crate) mod progress;
pub(crate) mod report;
pub mod run;
pub(crate) mod secret;
pub(crate) mod slots;
pub mod settings;
#[cfg(test)]
pub(crate) mod test_support;
pub mod text;
pub mod timefmt;
pub(crate) mod tls;
pub(crate) mod vocab;
