//! The edge at the Kea control endpoints, as [`crate::dns::live::Resolve`] is at the DNS
//! servers': [`Control`] sends one command to one endpoint, [`Connect`] makes the control for a
//! run's URLs, [`Link`] makes it once per run for both readers. [`Live`] connects over HTTP(S) ([`Http`]: authentication, TLS, timeouts, a
//! bounded body, transport errors in words); `fixture::Agent` answers from tables, so that the
//! readers, the gathering and a whole run are tested without a server.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

use super::{Endpoint, KeaAccess, KeaError, MAX_REPLY_BYTES, first_object, snippet};
use crate::secret::Secret;

/// The longest wait for a connection (the request's timeout if shorter).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// One command to one endpoint.
pub(crate) trait Control: Send + Sync {
    /// Sends `body` to `endpoint`; the reply's (first) object and whether a control agent
    /// answered (an array: a Kea 3 daemon's socket answers one object).
    fn post(&self, endpoint: &Endpoint, body: &Value) -> Result<(Map<String, Value>, bool), KeaError>;
}

/// Makes the control the readers send through.
pub(crate) trait Connect: Send + Sync {
    /// The control for `endpoints` (the live one loads the trust roots when one is `https://`: the
    /// CA file is all that can fail).
    fn connect(&self, endpoints: &[Endpoint], access: &KeaAccess) -> Result<Box<dyn Control>, CaFileError>;
}

/// `--ca-file` could not be read: the one way making the control fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CaFileError {
    path: std::path::PathBuf,
    reason: String,
}

impl From<CaFileError> for KeaError {
    fn from(e: CaFileError) -> KeaError {
        KeaError::CaFile { path: e.path, reason: e.reason }
    }
}

/// A run's control, made once by whichever reader asks first (the leases' and `config-get`'s
/// read side by side): the trust roots are loaded once per run and shared.
pub(crate) struct Link {
    connect: Arc<dyn Connect>,
    made: std::sync::OnceLock<Result<Arc<dyn Control>, CaFileError>>,
}

impl Link {
    pub(crate) fn new(connect: Arc<dyn Connect>) -> Link {
        Link { connect, made: std::sync::OnceLock::new() }
    }

    /// The control for `endpoints` (the same for every call: the run's endpoints and access).
    pub(crate) fn control(&self, endpoints: &[Endpoint], access: &KeaAccess) -> Result<Arc<dyn Control>, CaFileError> {
        self.made.get_or_init(|| self.connect.connect(endpoints, access).map(Arc::from)).clone()
    }
}

/// The endpoints themselves, over HTTP(S).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Live;

impl Connect for Live {
    fn connect(&self, endpoints: &[Endpoint], access: &KeaAccess) -> Result<Box<dyn Control>, CaFileError> {
        Ok(Box::new(Http::new(access, trust_roots(endpoints, access)?)))
    }
}

/// Sends nothing: the control of a reader that only maps replies (fuzzing, tests).
pub(super) struct Offline;

impl Control for Offline {
    fn post(&self, endpoint: &Endpoint, _: &Value) -> Result<(Map<String, Value>, bool), KeaError> {
        Err(KeaError::BadReply { url: endpoint.url.clone(), detail: "nothing is sent offline".into() })
    }
}

/// HTTP(S) to every endpoint of a run: one agent (timeouts, the trust roots), HTTP basic
/// authentication with the endpoint's user (else `--kea-user`) and the password.
pub(crate) struct Http {
    agent: ureq::Agent,
    user: Option<String>,
    password: Option<Secret>,
    timeout: Duration,
}

impl Http {
    fn new(access: &KeaAccess, roots: Roots) -> Http {
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(certs) = roots {
            tls = tls.root_certs(ureq::tls::RootCerts::Specific(certs));
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(access.timeout))
            .timeout_connect(Some(access.timeout.min(CONNECT_TIMEOUT)))
            .max_redirects(0)
            .tls_config(tls.build())
            .build()
            .into();
        Http { agent, user: access.user.clone(), password: access.password.clone(), timeout: access.timeout }
    }

    /// The `Authorization` header for `endpoint`: its user (a user in the URL wins), if any.
    fn authorization(&self, endpoint: &Endpoint) -> Option<String> {
        use base64::Engine;
        let user = endpoint.user.as_ref().or(self.user.as_ref())?;
        let pair = format!("{user}:{}", self.password.as_ref().map_or("", Secret::expose));
        Some(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair)))
    }
}

impl Control for Http {
    fn post(&self, endpoint: &Endpoint, body: &Value) -> Result<(Map<String, Value>, bool), KeaError> {
        let url = &endpoint.url;
        let mut req = self.agent.post(url.as_str()).header("Content-Type", "application/json");
        let authorization = self.authorization(endpoint);
        if let Some(a) = &authorization {
            req = req.header("Authorization", a.as_str());
        }
        let mut resp = req.send(body.to_string()).map_err(|e| self.transport_error(endpoint, e))?;
        let status = resp.status().as_u16();
        let text = resp.body_mut().with_config().limit(MAX_REPLY_BYTES).read_to_string().map_err(|e| self.transport_error(endpoint, e))?;
        if status == 401 || status == 403 {
            let hint = if authorization.is_some() {
                " (check the user and the password in DDNS_AUDIT_KEA_PASSWORD or --kea-password-file)"
            } else {
                " (it wants HTTP basic authentication: give a user in the URL or --kea-user, the password in DDNS_AUDIT_KEA_PASSWORD or --kea-password-file)"
            };
            return Err(KeaError::Auth { url: url.clone(), status, hint });
        }
        let parsed: Result<Value, _> = serde_json::from_str(&text);
        if !(200..300).contains(&status) {
            // Kea answers some errors with a JSON body ({"result": 1, "text": ...}); show its text.
            let detail = parsed
                .ok()
                .and_then(|v| first_object(v).ok().map(|o| o.0))
                .and_then(|o| o.get("text").and_then(Value::as_str).map(snippet))
                .unwrap_or_else(|| snippet(&text));
            return Err(KeaError::Status { url: url.clone(), status, detail });
        }
        let bad_reply = |detail: String| KeaError::BadReply { url: url.clone(), detail };
        let value = parsed.map_err(|e| bad_reply(format!("not JSON ({e}): {}", if text.trim().is_empty() { "an empty body".to_string() } else { snippet(&text) })))?;
        first_object(value).map_err(bad_reply)
    }
}

impl Http {
    /// A transport error in words: no connection ("cannot reach"), connected but too slow
    /// ("timed out"), an answer that is not HTTP or too big ("answered garbage"), TLS.
    fn transport_error(&self, endpoint: &Endpoint, e: ureq::Error) -> KeaError {
        use std::io::ErrorKind as K;
        let url = endpoint.url.clone();
        let host_port = endpoint.host_port.clone();
        let tls = |detail: String| KeaError::Tls { url: url.clone(), host_port: host_port.clone(), detail };
        let unreachable = |detail: String| KeaError::Unreachable { url: url.clone(), host_port: host_port.clone(), detail };
        match e {
            ureq::Error::Rustls(ref r) => tls(crate::tls::describe(r)),
            ureq::Error::Tls(_) | ureq::Error::Pem(_) => tls(e.to_string()),
            ureq::Error::Io(ref io) => {
                // rustls reports a failed handshake as an I/O error carrying its error.
                if let Some(r) = io.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
                    return tls(crate::tls::describe(r));
                }
                match io.kind() {
                    K::TimedOut | K::WouldBlock => KeaError::TimedOut { url, host_port, secs: self.timeout.as_secs().max(1) },
                    // What a connected peer does: close, reset, cut off the reply.
                    K::UnexpectedEof | K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => KeaError::Closed { url, host_port, detail: io.to_string() },
                    K::InvalidData => KeaError::BadReply { url, detail: format!("an unreadable reply ({io})") },
                    // Refused, unreachable, the name does not resolve (an uncategorized error).
                    _ => unreachable(io.to_string()),
                }
            }
            ureq::Error::HostNotFound => unreachable("the host name does not resolve".into()),
            ureq::Error::ConnectionFailed => unreachable("no connection could be made".into()),
            ureq::Error::Timeout(ureq::Timeout::Resolve | ureq::Timeout::Connect) => {
                unreachable(format!("no connection within {} s", self.timeout.min(CONNECT_TIMEOUT).as_secs().max(1)))
            }
            ureq::Error::Timeout(_) => KeaError::TimedOut { url, host_port, secs: self.timeout.as_secs().max(1) },
            ureq::Error::BodyExceedsLimit(_) => KeaError::BadReply { url, detail: format!("a reply larger than {} MiB", MAX_REPLY_BYTES / (1024 * 1024)) },
            ureq::Error::Protocol(_) | ureq::Error::Http(_) | ureq::Error::LargeResponseHeader(..) => {
                KeaError::BadReply { url, detail: format!("not an HTTP reply ({e})") }
            }
            other => KeaError::Closed { url, host_port, detail: other.to_string() },
        }
    }

}

/// Certificates trusted for `https://` (none asked for plain `http://` URLs): the system's
/// store plus `--ca-file`, as for LDAPS; `None` lets ureq use the bundled web PKI roots.
type Roots = Option<Arc<Vec<ureq::tls::Certificate<'static>>>>;

fn trust_roots(endpoints: &[Endpoint], access: &KeaAccess) -> Result<Roots, CaFileError> {
    if !endpoints.iter().any(|e| e.https) {
        return Ok(None);
    }
    let mut ders = crate::tls::system_roots();
    if let Some(path) = &access.ca_file {
        ders.extend(crate::tls::ca_file_certificates(path).map_err(|reason| CaFileError { path: path.clone(), reason })?);
    }
    let certs: Vec<ureq::tls::Certificate<'static>> = ders.iter().map(|c| ureq::tls::Certificate::from_der(c.as_ref()).to_owned()).collect();
    Ok(if certs.is_empty() { None } else { Some(Arc::new(certs)) })
}

