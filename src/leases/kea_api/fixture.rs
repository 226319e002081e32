//! A Kea control agent from tables, for the tests of the readers, the gathering and a whole
//! run without a server: `lease4-get-page`/`lease6-get-page` paged from the leases it holds (in
//! address order, `from` and `limit` as Kea reads them), `config-get` answered with the
//! configuration it holds, a family it has no socket for answered as Kea 2.x's agent does.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};

use super::http::CaFileError;
use super::{Connect, Control, Endpoint, KeaAccess, KeaError};

/// The endpoints by URL (as the `source` column shows it, `http://host:port/`); an endpoint
/// missing is unreachable. Every command sent is logged.
#[derive(Debug, Clone, Default)]
pub(crate) struct Agent {
    pub(crate) endpoints: BTreeMap<String, Served>,
    /// (URL, command, service) of every command, in the order sent.
    pub(crate) sent: Arc<Mutex<Vec<(String, String, String)>>>,
    /// How many times a control was made (a run makes one: [`super::Link`]).
    pub(crate) connects: Arc<std::sync::atomic::AtomicUsize>,
}

/// What one control agent serves, per family; `None`: it has no socket for that family.
#[derive(Debug, Clone, Default)]
pub(crate) struct Served {
    /// The `lease4-get-page` lease objects.
    pub(crate) v4: Option<Vec<Value>>,
    pub(crate) v6: Option<Vec<Value>>,
    /// The `Dhcp4` configuration `config-get` answers (`{}` when `Null`).
    pub(crate) config4: Value,
    pub(crate) config6: Value,
}

impl Connect for Agent {
    fn connect(&self, _: &[Endpoint], _: &KeaAccess) -> Result<Box<dyn Control>, CaFileError> {
        self.connects.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(Box::new(self.clone()))
    }
}

impl Control for Agent {
    fn post(&self, endpoint: &Endpoint, body: &Value) -> Result<(Map<String, Value>, bool), KeaError> {
        let command = body["command"].as_str().unwrap_or_default();
        let service = body["service"][0].as_str().unwrap_or_default();
        if let Ok(mut sent) = self.sent.lock() {
            sent.push((endpoint.url.clone(), command.to_string(), service.to_string()));
        }
        let Some(served) = self.endpoints.get(&endpoint.url) else {
            return Err(KeaError::Unreachable { url: endpoint.url.clone(), host_port: endpoint.host_port.clone(), detail: "Connection refused (os error 111)".into() });
        };
        let (leases, config) = if service == "dhcp6" { (&served.v6, &served.config6) } else { (&served.v4, &served.config4) };
        let reply = match (leases, command) {
            (None, _) => json!({"result": 1, "text": format!("forwarding socket is not configured for the server type {service}")}),
            (Some(_), "config-get") => {
                let config = if config.is_null() { json!({}) } else { config.clone() };
                json!({"result": 0, "arguments": { if service == "dhcp6" { "Dhcp6" } else { "Dhcp4" }: config }})
            }
            (Some(leases), _) => page(leases, &body["arguments"], if service == "dhcp6" { "IPv6" } else { "IPv4" }),
        };
        match reply {
            Value::Object(o) => Ok((o, true)),
            _ => Err(KeaError::BadReply { url: endpoint.url.clone(), detail: "the fixture built no object".into() }),
        }
    }
}

/// One page: the leases after `from` (by address), at most `limit`; result 3 when none is left.
fn page(leases: &[Value], args: &Value, family: &str) -> Value {
    let addr = |l: &Value| l["ip-address"].as_str().and_then(|a| a.parse::<IpAddr>().ok());
    let from = args["from"].as_str().and_then(|a| a.parse::<IpAddr>().ok());
    let limit = args["limit"].as_u64().and_then(|n| usize::try_from(n).ok()).unwrap_or(usize::MAX);
    let mut after: Vec<&Value> = leases.iter().filter(|l| from.is_none_or(|f| addr(l).is_some_and(|a| a > f))).collect();
    after.sort_by_key(|l| addr(l));
    after.truncate(limit);
    if after.is_empty() {
        return json!({"result": 3, "text": format!("0 {family} lease(s) found.")});
    }
    json!({"result": 0, "text": format!("{} {family} lease(s) found.", after.len()), "arguments": {"leases": after, "count": after.len()}})
}
