//! DNS records reader: the Get-DnsServerResourceRecord CSV (not yet written).

use std::sync::Arc;

use super::DnsData;
use crate::input::Problems;

pub fn parse(_text: &str, _source: &Arc<str>, _data: &mut DnsData, _problems: &mut Problems) {}
