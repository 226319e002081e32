//! The v6 blocks of `dhcpd.leases`: `ia-na`/`ia-ta` (a lease per `iaaddr`) and `ia-pd`
//! (delegated prefixes, counted as not used).

use std::net::IpAddr;

use chrono::TimeDelta;

use super::lexer::word;
use super::{Body, End, Fields, Parser};
use crate::input::SkipReason;

impl<'a> Parser<'a, '_> {
    /// A v6 `ia-na`/`ia-ta` block: one lease per `iaaddr`. Its leases are kept only when the
    /// whole block is complete.
    pub(super) fn ia(&mut self) -> Body {
        let mut found: Vec<(Result<IpAddr, &'a str>, usize, Fields)> = Vec::new();
        let body = self.ia_blocks(|p| {
            if word(p.stmt.first()) != "iaaddr" {
                return p.skip_block();
            }
            let line = p.stmt_line;
            let addr = word(p.stmt.get(1));
            let ip = addr.parse::<IpAddr>().map_err(|_| addr);
            let mut f = Fields::default();
            let body = p.body(&mut f, false);
            if body == Body::Closed {
                found.push((ip, line, f));
            }
            body
        });
        if body != Body::Closed {
            return body;
        }
        for (ip, line, f) in found {
            match ip {
                Ok(ip) => {
                    let duration = match f.max_life {
                        Some(s) if s < 0xffff_ffff => TimeDelta::try_seconds(s as i64),
                        _ => None,
                    };
                    self.finish(ip, line, f, duration);
                }
                Err(addr) => self.problem(line, SkipReason::BadAddress, format!("iaaddr '{addr}': not an IP address")),
            }
        }
        Body::Closed
    }

    /// An `ia-pd` block: each delegated prefix is counted as an unused type.
    pub(super) fn ia_pd(&mut self, line: usize) -> Body {
        let mut prefixes = Vec::new();
        let body = self.ia_blocks(|p| {
            if word(p.stmt.first()) == "iaprefix" {
                prefixes.push((p.stmt_line, word(p.stmt.get(1))));
            }
            p.skip_block()
        });
        if body != Body::Closed {
            return body;
        }
        if prefixes.is_empty() {
            self.problem(line, SkipReason::UnusedType, "ia-pd (prefix delegation) block is not an address lease");
        }
        for (l, prefix) in prefixes {
            self.problem(l, SkipReason::UnusedType, format!("delegated prefix {prefix} (ia-pd) is not an address lease"));
        }
        Body::Closed
    }

    /// The body of an `ia-*` block: its own statements are passed over, each nested block
    /// (`iaaddr`, `iaprefix`, header in `stmt`) is read or skipped by `nested`. A new
    /// top-level block inside it means it was cut off.
    fn ia_blocks(&mut self, mut nested: impl FnMut(&mut Self) -> Body) -> Body {
        loop {
            match self.read() {
                End::Semi => {}
                End::Close => return Body::Closed,
                End::Eof => return Body::Eof,
                End::Open => {
                    if self.interrupted() {
                        return Body::Interrupted;
                    }
                    let body = nested(self);
                    if body != Body::Closed {
                        return body;
                    }
                }
            }
        }
    }
}
