//! Trust for the TLS clients (LDAPS/StartTLS to the DC, Kea over HTTPS): the system's trusted
//! roots plus the certificates of `--ca-file`. There is no way to turn verification off.

use std::path::Path;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

/// The system's trusted roots (certificates the platform store cannot give are skipped).
pub fn system_roots() -> Vec<CertificateDer<'static>> {
    rustls_native_certs::load_native_certs().certs
}

/// The certificates of a PEM CA file (`--ca-file`). The error is the reason, for the caller's
/// error naming the file.
pub fn ca_file_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("not a PEM certificate file ({e})"))?;
    if certs.is_empty() {
        return Err("no PEM certificate in it (no CERTIFICATE block: -----BEGIN CERTIFICATE-----)".into());
    }
    Ok(certs)
}
