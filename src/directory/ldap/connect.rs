//! Opening the connection: TCP with a timeout, TLS (LDAPS, or StartTLS) verified by LDAP's name
//! rule ([`crate::tls::ldap`]), the bind (simple or Kerberos), and the RootDSE.

use std::path::Path;
use std::sync::{Arc, Mutex};

use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, StdStream};
use rustls::{ClientConfig, RootCertStore};

use super::search::{dns_containers, search_base};
use super::{Auth, CONNECT_TIMEOUT, LdapConfig, LdapError, OPERATION_TIMEOUT, RC_INVALID_CREDENTIALS, RC_STRONGER_AUTH_REQUIRED, Scheme, diag, op_error, result_text};
use crate::tls::ldap::{LdapVerifier, Presented, describe_cert};

/// A bound connection to a domain controller, with what its RootDSE said.
pub(crate) struct AdClient {
    pub(super) ldap: Ldap,
    pub(super) addr: String,
    pub(super) source: Arc<str>,
    pub(super) base_dn: String,
    pub(super) default_nc: String,
    /// The forest root's naming context (`CN=Configuration` is under it).
    pub(super) root_nc: String,
    /// `CN=MicrosoftDNS,...` containers to read zones from.
    pub(super) dns_containers: Vec<String>,
}

impl AdClient {
    /// Opens the TLS connection, binds and reads the RootDSE.
    pub(crate) async fn connect(config: &LdapConfig) -> Result<AdClient, LdapError> {
        let addr = config.addr();
        let capture = Arc::new(Mutex::new(None));
        let tls = tls_config(config.ca_file.as_deref(), Arc::clone(&capture))?;
        let stream = tcp_connect(config).await?;
        let settings = LdapConnSettings::new()
            .set_conn_timeout(CONNECT_TIMEOUT)
            .set_config(tls)
            .set_starttls(config.scheme == Scheme::StartTls && !matches!(config.auth, Auth::Kerberos))
            .set_std_stream(StdStream::Tcp(stream));
        // Kerberos on ldap:// skips StartTLS: ldap3 then negotiates GSSAPI sealing (privacy),
        // which AD and Samba accept on port 389, while Samba refuses GSSAPI without sign/seal
        // inside TLS. No password is ever sent with Kerberos.
        // The URL's host is what ldap3 verifies the certificate against: the server name.
        let scheme = if config.scheme == Scheme::Ldaps { "ldaps" } else { "ldap" };
        let name = if config.server_name.contains(':') { format!("[{}]", config.server_name) } else { config.server_name.clone() };
        let url = format!("{scheme}://{name}:{}", config.port);
        let (conn, mut ldap) = LdapConnAsync::with_settings(settings, &url)
            .await
            .map_err(|e| connect_error(e, config, &capture))?;
        ldap3::drive!(conn);

        match &config.auth {
            Auth::Simple { bind_dn, password } => {
                let res = ldap
                    .with_timeout(OPERATION_TIMEOUT)
                    .simple_bind(bind_dn, password.expose())
                    .await
                    .map_err(|e| op_error(e, "binding", &addr))?;
                match res.rc {
                    0 => {}
                    RC_INVALID_CREDENTIALS => {
                        return Err(LdapError::InvalidCredentials { bind_dn: bind_dn.clone(), addr, diag: diag(&res.text) });
                    }
                    RC_STRONGER_AUTH_REQUIRED => return Err(LdapError::StrongerAuthRequired { addr, diag: diag(&res.text) }),
                    rc => {
                        return Err(LdapError::Operation { doing: format!("binding as '{bind_dn}'"), addr, reason: result_text(rc, &res.text) });
                    }
                }
            }
            Auth::Kerberos => kerberos_bind(&mut ldap, config).await?,
        }

        let root = search_base(&mut ldap, "", &["defaultNamingContext", "rootDomainNamingContext", "namingContexts"], &addr).await?;
        let first = |k: &str| root.get(k).and_then(|v| v.first()).map(|v| String::from_utf8_lossy(v).to_string());
        let default_nc = first("defaultnamingcontext").ok_or_else(|| LdapError::NoNamingContext { addr: addr.clone() })?;
        let root_nc = first("rootdomainnamingcontext").unwrap_or_else(|| default_nc.clone());
        let ncs: Vec<String> = root
            .get("namingcontexts")
            .map(|v| v.iter().map(|b| String::from_utf8_lossy(b).to_string()).collect())
            .unwrap_or_default();
        let dns_containers = dns_containers(&default_nc, &root_nc, &ncs);
        let base_dn = config.base_dn.clone().unwrap_or_else(|| default_nc.clone());
        Ok(AdClient { ldap, addr, source: Arc::from(config.source()), base_dn, default_nc, root_nc, dns_containers })
    }

    /// Unbinds; errors here change nothing.
    pub(crate) async fn close(mut self) {
        let _ = self.ldap.unbind().await;
    }
}

#[cfg(feature = "kerberos")]
async fn kerberos_bind(ldap: &mut Ldap, config: &LdapConfig) -> Result<(), LdapError> {
    let fail = |reason: String| LdapError::Kerberos { addr: config.addr(), server_name: config.server_name.clone(), reason };
    let res = ldap.with_timeout(OPERATION_TIMEOUT).sasl_gssapi_bind(&config.server_name).await.map_err(|e| fail(e.to_string()))?;
    if res.rc != 0 {
        return Err(fail(result_text(res.rc, &res.text)));
    }
    Ok(())
}

#[cfg(not(feature = "kerberos"))]
async fn kerberos_bind(_ldap: &mut Ldap, _config: &LdapConfig) -> Result<(), LdapError> {
    Err(LdapError::KerberosUnavailable)
}

/// TCP to the URL's host and port, with the connect timeout. Done here (not by ldap3) so that
/// the TLS name can differ from the address (`--ldap-server-name`).
async fn tcp_connect(config: &LdapConfig) -> Result<std::net::TcpStream, LdapError> {
    let addr = config.addr();
    let target = (config.host.as_str(), config.port);
    let stream = match tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::TcpStream::connect(target)).await {
        Err(_) => return Err(LdapError::Timeout { doing: "connecting", addr, secs: CONNECT_TIMEOUT.as_secs() }),
        Ok(Err(e)) => return Err(LdapError::Unreachable { addr, reason: e.to_string() }),
        Ok(Ok(s)) => s,
    };
    stream.into_std().map_err(|e| LdapError::Unreachable { addr, reason: e.to_string() })
}

/// Maps a failure while opening the connection (TLS handshake, StartTLS).
fn connect_error(e: ldap3::LdapError, config: &LdapConfig, capture: &Arc<Mutex<Option<Presented>>>) -> LdapError {
    let addr = config.addr();
    let presented = capture.lock().ok().and_then(|mut c| c.take());
    match e {
        ldap3::LdapError::Io { source } => {
            if let Some(tls) = source.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                return tls_error(tls, &addr, &config.server_name, presented);
            }
            LdapError::Unreachable { addr, reason: source.to_string() }
        }
        ldap3::LdapError::Timeout { .. } => LdapError::Timeout { doing: "opening the TLS session", addr, secs: CONNECT_TIMEOUT.as_secs() },
        ldap3::LdapError::DNSName { source } => {
            LdapError::Tls { addr, reason: format!("'{}' cannot be a TLS server name ({source}); give --ldap-server-name", config.server_name) }
        }
        ldap3::LdapError::LdapResult { result } => LdapError::StartTls { addr, reason: result_text(result.rc, &result.text) },
        other => LdapError::Tls { addr, reason: other.to_string() },
    }
}

/// A TLS failure in a sentence, the name judged by LDAP's rule: [`crate::tls::ldap::describe`].
fn tls_error(e: &rustls::Error, addr: &str, server_name: &str, presented: Option<Presented>) -> LdapError {
    LdapError::Tls { addr: addr.to_string(), reason: crate::tls::ldap::describe(e, server_name, presented) }
}

/// The client TLS configuration: the system's trusted roots plus `--ca-file`, verified
/// strictly (no way to turn verification off), the name by LDAP's rule (SAN, or the CN of a
/// certificate without DNS SAN: [`crate::tls::ldap`]). On a failed verification, `capture`
/// receives the presented certificate's subject and issuer for the error message.
pub(crate) fn tls_config(ca_file: Option<&Path>, capture: Arc<Mutex<Option<Presented>>>) -> Result<Arc<ClientConfig>, LdapError> {
    let mut roots = RootCertStore::empty();
    for cert in crate::tls::system_roots() {
        let _ = roots.add(cert);
    }
    if let Some(path) = ca_file {
        let ca_err = |reason: String| LdapError::CaFile { path: path.to_path_buf(), reason };
        for cert in crate::tls::ca_file_certificates(path).map_err(ca_err)? {
            roots.add(cert).map_err(|e| ca_err(format!("certificate not usable as a trust anchor ({e})")))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls_err = |e: rustls::Error| LdapError::Tls { addr: String::new(), reason: e.to_string() };
    let verifier = LdapVerifier::new(Arc::new(roots), &provider, capture, describe_cert)
        .map_err(|e| LdapError::Tls { addr: String::new(), reason: format!("no trusted certificates: give --ca-file ({e})") })?;
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_err)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{pw, settings};
    use super::super::LdapSettings;
    use super::*;
    use rustls::pki_types::CertificateDer;

    #[test]
    fn ca_file_must_hold_a_certificate() {
        let none = Arc::new(Mutex::new(None));
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ca.pem");
        std::fs::write(&p, "not a certificate\n").unwrap();
        let e = tls_config(Some(&p), Arc::clone(&none)).unwrap_err().to_string();
        assert!(e.contains("no PEM certificate"), "{e}");
        let e = tls_config(Some(&dir.path().join("absent.pem")), none).unwrap_err().to_string();
        assert!(e.starts_with("--ca-file"), "{e}");
    }

    #[test]
    fn closed_port_is_unreachable_naming_host_and_port() {
        // A port on loopback that nothing listens on: bind, note the port, close.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let s = LdapSettings { url: format!("ldaps://127.0.0.1:{port}"), ..settings() };
        let c = LdapConfig::from_settings(&s, pw("x")).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let e = rt.block_on(AdClient::connect(&c)).err().unwrap().to_string();
        assert!(e.contains(&format!("cannot reach the domain controller at 127.0.0.1:{port}")), "{e}");
    }

    #[test]
    fn a_server_that_is_not_tls_fails_cleanly() {
        // Accepts, reads a little, answers garbage: the TLS handshake must fail with an error.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let t = std::thread::spawn(move || {
            use std::io::{Read, Write};
            if let Ok((mut s, _)) = listener.accept() {
                let mut b = [0u8; 512];
                let _ = s.read(&mut b);
                let _ = s.write_all(b"HTTP/1.0 400 Bad Request\r\n\r\n");
            }
        });
        let s = LdapSettings { url: format!("ldaps://127.0.0.1:{port}"), ..settings() };
        let c = LdapConfig::from_settings(&s, pw("x")).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let e = rt.block_on(AdClient::connect(&c)).err().unwrap().to_string();
        assert!(e.contains("127.0.0.1") && e.contains("TLS"), "{e}");
        let _ = t.join();
    }

    /// A certificate signed by a throwaway CA "Lab CA": subject CN(s), these SANs.
    fn cert(cns: &[&str], sans: Vec<rcgen::SanType>) -> CertificateDer<'static> {
        crate::tls::ldap::tests::server(&crate::tls::ldap::tests::ca("Lab CA"), cns, sans, false)
    }

    fn name_error() -> rustls::Error {
        rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForName)
    }

    #[test]
    fn a_name_error_says_what_the_certificate_is_valid_for_by_ldaps_rule() {
        use rcgen::SanType;
        // Samba's own certificate: CN only, which LDAP accepts.
        let samba = describe_cert(&cert(&["DC1.corp.example.test"], vec![]));
        assert_eq!(samba.summary, "subject 'O=Samba Administration, CN=DC1.corp.example.test', issuer 'CN=Lab CA'");
        assert_eq!(
            tls_error(&name_error(), "10.77.0.2:636", "10.77.0.2", Some(samba.clone())).to_string(),
            "TLS with 10.77.0.2:636 failed: the certificate does not match the name 10.77.0.2 (an address matches only an address in the subjectAltName, \
             never the Common Name): it is valid for DC1.corp.example.test (its Common Name: it has no DNS name in its subjectAltName, so LDAP reads the CN); \
             connect with a name the certificate holds (in --ldap-url, or --ldap-server-name FQDN when connecting by address; a CA file does not change this); \
             the domain controller presented subject 'O=Samba Administration, CN=DC1.corp.example.test', issuer 'CN=Lab CA'"
        );
        // With DNS SANs the CN does not count; address SANs are listed too.
        let sans = vec![SanType::DnsName("ldap.corp.example.test".try_into().unwrap()), SanType::DnsName("dc2.corp.example.test".try_into().unwrap()), SanType::IpAddress("10.77.0.3".parse().unwrap())];
        let p = describe_cert(&cert(&["DC1.corp.example.test"], sans));
        assert_eq!(p.valid_for, "ldap.corp.example.test, dc2.corp.example.test or 10.77.0.3");
        assert_eq!(
            tls_error(&name_error(), "dc1.corp.example.test:636", "dc1.corp.example.test", Some(p)).to_string(),
            "TLS with dc1.corp.example.test:636 failed: the certificate does not match the name dc1.corp.example.test: \
             it is valid for ldap.corp.example.test, dc2.corp.example.test or 10.77.0.3; connect with a name the certificate holds \
             (in --ldap-url, or --ldap-server-name FQDN when connecting by address; a CA file does not change this); \
             the domain controller presented subject 'O=Samba Administration, CN=DC1.corp.example.test', issuer 'CN=Lab CA'"
        );
        // A CN-only certificate with an address SAN; one with no name at all; one that does not parse.
        let p = describe_cert(&cert(&["a.t", "dc1.t"], vec![SanType::IpAddress("10.77.0.2".parse().unwrap())]));
        assert_eq!(p.valid_for, "dc1.t (its Common Name: it has no DNS name in its subjectAltName, so LDAP reads the CN) or 10.77.0.2");
        assert_eq!(describe_cert(&cert(&[], vec![])).valid_for, "no name (it has neither a subjectAltName nor a Common Name)");
        assert_eq!(
            describe_cert(&CertificateDer::from(b"junk".to_vec())),
            Presented { summary: "a certificate that does not parse".into(), valid_for: "no name this tool can read (the certificate does not parse)".into() }
        );
    }

    #[test]
    fn other_tls_errors_are_sentences_not_rustls_names() {
        use rustls::CertificateError as C;
        let presented = || Some(Presented { summary: "subject 'CN=dc1.t', issuer 'CN=Other CA'".into(), valid_for: "dc1.t".into() });
        let text = |e: rustls::Error, p: Option<Presented>| tls_error(&e, "dc1.t:636", "dc1.t", p).to_string();
        assert_eq!(
            text(rustls::Error::InvalidCertificate(C::UnknownIssuer), presented()),
            "TLS with dc1.t:636 failed: the certificate is issued by a CA that is not trusted here: give that CA's certificate (PEM) with --ca-file; \
             the domain controller presented subject 'CN=dc1.t', issuer 'CN=Other CA'"
        );
        assert_eq!(
            text(rustls::Error::InvalidCertificate(C::BadSignature), presented()),
            "TLS with dc1.t:636 failed: the certificate's signature does not verify (a corrupted or forged certificate, or the wrong CA in --ca-file); \
             the domain controller presented subject 'CN=dc1.t', issuer 'CN=Other CA'"
        );
        assert_eq!(
            text(rustls::Error::InvalidCertificate(C::InvalidPurpose), presented()),
            "TLS with dc1.t:636 failed: the certificate is not for TLS servers (its extended key usage lacks serverAuth); \
             the domain controller presented subject 'CN=dc1.t', issuer 'CN=Other CA'"
        );
        assert_eq!(
            text(rustls::Error::InvalidCertificate(C::Expired), presented()),
            "TLS with dc1.t:636 failed: the certificate has expired: the server needs a renewed certificate; \
             the domain controller presented subject 'CN=dc1.t', issuer 'CN=Other CA'"
        );
        assert_eq!(
            text(rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType), None),
            "TLS with dc1.t:636 failed: the server does not speak TLS on this port (plain HTTP or LDAP there? then use http:// or ldap://)"
        );
        // Without the certificate (not captured), a name error still says what to do.
        assert_eq!(
            text(name_error(), None),
            "TLS with dc1.t:636 failed: the certificate does not match the name connected to; connect with a name the certificate holds (a CA file does not change this)"
        );
    }
}
