//! A domain controller from a table, for the tests of the gathering and of a whole run
//! without a DC: what [`super::read_ad`] would have read, or its error.

use std::sync::{Arc, Mutex};

use super::{AdData, LdapConfig, LdapError, ReadAd};

/// Gives its AD (the domain first, to `on_domain`) or its error, once: a run reads AD once.
#[derive(Debug, Clone)]
pub(crate) struct Ad {
    read: Arc<Mutex<Option<Result<AdData, LdapError>>>>,
}

impl Ad {
    pub(crate) fn new(read: Result<AdData, LdapError>) -> Ad {
        Ad { read: Arc::new(Mutex::new(Some(read))) }
    }
}

impl ReadAd for Ad {
    fn read_ad(&self, config: &LdapConfig, on_domain: &mut dyn FnMut(Option<&str>)) -> Result<AdData, LdapError> {
        let taken = self.read.lock().ok().and_then(|mut r| r.take());
        let read = taken.unwrap_or_else(|| Err(LdapError::Unreachable { addr: config.addr(), reason: "the fixture was read already".into() }));
        if let Ok(ad) = &read {
            on_domain(ad.domain.as_deref());
        }
        read
    }
}
