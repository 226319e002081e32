//! Trust for the TLS clients (LDAPS/StartTLS to the DC, Kea over HTTPS): the system's trusted
//! roots plus the certificates of `--ca-file`. There is no way to turn verification off.
//! LDAP's own name rule (the CN of a certificate without DNS name) is in [`ldap`].

pub(crate) mod ldap;

use std::path::Path;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

/// The system's trusted roots (certificates the platform store cannot give are skipped).
pub(crate) fn system_roots() -> Vec<CertificateDer<'static>> {
    rustls_native_certs::load_native_certs().certs
}

/// The certificates of a PEM CA file (`--ca-file`). The error is the reason, for the caller's
/// error naming the file.
pub(crate) fn ca_file_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("not a PEM certificate file ({e})"))?;
    if certs.is_empty() {
        return Err("no PEM certificate in it (no CERTIFICATE block: -----BEGIN CERTIFICATE-----)".into());
    }
    Ok(certs)
}

/// A TLS failure in a sentence for an administrator, instead of rustls's and webpki's
/// identifiers (`UnknownIssuer`, `CaUsedAsEndEntity`...); each says what fixes it, and
/// `--ca-file` only where a CA file is the fix. Used by the Kea and LDAP clients.
pub(crate) fn describe(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    let date = |t: rustls::pki_types::UnixTime| {
        i64::try_from(t.as_secs())
            .ok()
            .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
            .map_or_else(|| format!("{} (Unix time)", t.as_secs()), |d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string())
    };
    let cert = match e {
        rustls::Error::InvalidCertificate(c) => c,
        rustls::Error::NoCertificatesPresented => return "the server presented no certificate".into(),
        rustls::Error::AlertReceived(a) => return format!("the server ended the TLS handshake ({a:?} alert): it may require a client certificate, or refuse this tool's TLS versions"),
        rustls::Error::PeerIncompatible(_) => return "the server and this tool have no TLS version or cipher suite in common (TLS 1.2 or 1.3 is needed)".into(),
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } | rustls::Error::InappropriateHandshakeMessage { .. } => {
            return "the server does not speak TLS on this port (plain HTTP or LDAP there? then use http:// or ldap://)".into();
        }
        other => return format!("TLS error: {other}"),
    };
    match cert {
        C::NotValidForNameContext { expected, presented } => {
            // rustls gives the names as `DnsName("kea.corp")`, `IpAddress(10.0.0.1)`: the value only.
            let names: Vec<&str> = presented
                .iter()
                .map(|p| p.split_once('(').and_then(|(_, v)| v.strip_suffix(')')).map_or(p.as_str(), |v| v.trim_matches('"')))
                .collect();
            let valid_for = match names.as_slice() {
                [] => "no name (it has no subjectAltName)".to_string(),
                [one] => (*one).to_string(),
                [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
            };
            format!(
                "the certificate does not match the name {}: it is valid for {valid_for}; connect with a name the certificate holds (a CA file does not change this)",
                expected.to_str()
            )
        }
        C::NotValidForName => "the certificate does not match the name connected to; connect with a name the certificate holds (a CA file does not change this)".into(),
        C::UnknownIssuer => "the certificate is issued by a CA that is not trusted here: give that CA's certificate (PEM) with --ca-file".into(),
        C::ExpiredContext { not_after, .. } => format!("the certificate expired on {}: the server needs a renewed certificate", date(*not_after)),
        C::Expired => "the certificate has expired: the server needs a renewed certificate".into(),
        C::NotValidYetContext { not_before, .. } => format!("the certificate is not valid before {}: check this computer's clock and the server's", date(*not_before)),
        C::NotValidYet => "the certificate is not valid yet: check this computer's clock and the server's".into(),
        C::Revoked => "the certificate is revoked".into(),
        C::BadSignature => "the certificate's signature does not verify (a corrupted or forged certificate, or the wrong CA in --ca-file)".into(),
        C::BadEncoding => "the certificate is not a valid X.509 certificate".into(),
        C::InvalidPurpose | C::InvalidPurposeContext { .. } => "the certificate is not for TLS servers (its extended key usage lacks serverAuth)".into(),
        C::Other(o) if o.to_string().contains("CaUsedAsEndEntity") => {
            "the server presents a CA certificate as its own: it needs a server certificate issued by that CA (a CA file does not change this)".into()
        }
        C::Other(o) if o.to_string().contains("UnsupportedCertVersion") => "the certificate is not an X.509 v3 certificate".into(),
        other => format!("the certificate is refused: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::describe;
    use rustls::CertificateError as C;
    use rustls::pki_types::{ServerName, UnixTime};
    use std::time::Duration;

    #[test]
    fn certificate_errors_read_as_sentences() {
        let at = |s: u64| UnixTime::since_unix_epoch(Duration::from_secs(s));
        let e = rustls::Error::InvalidCertificate(C::ExpiredContext { time: at(1_800_000_000), not_after: at(1_700_000_000) });
        assert_eq!(describe(&e), "the certificate expired on 2023-11-14 22:13:20 UTC: the server needs a renewed certificate");
        let e = rustls::Error::InvalidCertificate(C::NotValidYetContext { time: at(1_700_000_000), not_before: at(1_800_000_000) });
        assert_eq!(describe(&e), "the certificate is not valid before 2027-01-15 08:00:00 UTC: check this computer's clock and the server's");
        let name = ServerName::try_from("dc1.corp.test").unwrap().to_owned();
        let e = rustls::Error::InvalidCertificate(C::NotValidForNameContext { expected: name.clone(), presented: vec![] });
        assert_eq!(
            describe(&e),
            "the certificate does not match the name dc1.corp.test: it is valid for no name (it has no subjectAltName); connect with a name the certificate holds (a CA file does not change this)"
        );
        let e = rustls::Error::InvalidCertificate(C::NotValidForNameContext { expected: name, presented: vec!["DnsName(\"a.t\")".into(), "IpAddress(10.0.0.1)".into(), "DnsName(\"b.t\")".into()] });
        assert!(describe(&e).contains("it is valid for a.t, 10.0.0.1 or b.t;"), "{}", describe(&e));
        assert_eq!(describe(&rustls::Error::InvalidCertificate(C::UnknownIssuer)), "the certificate is issued by a CA that is not trusted here: give that CA's certificate (PEM) with --ca-file");
        assert_eq!(describe(&rustls::Error::NoCertificatesPresented), "the server presented no certificate");
    }
}
