//! The closed vocabulary of the report: statuses, record statuses, kinds and risk levels.
//! Each word is used verbatim in the CSV, the summary and the README ([`crate::vocab`]).

use crate::vocab::vocabulary;

vocabulary! {
    /// A row's overall status, most severe first (the first that applies).
    pub(crate) Status {
        /// The A/AAAA or PTR record is missing.
        Missing => "missing",
        /// A record points elsewhere (`mismatch`) or there are records besides the right one (`extra`).
        Stale => "stale",
        /// The matching record is not being refreshed: scavenging risk high or medium.
        AtRisk => "at-risk",
        /// A lookup failed or no data covers the name.
        Unknown => "unknown",
        Ok => "ok",
    }
}

vocabulary! {
    /// `a_status` / `ptr_status`.
    pub(crate) RecordStatus {
        Ok => "ok",
        Extra => "extra",
        Mismatch => "mismatch",
        Missing => "missing",
        Unknown => "unknown",
        NotApplicable => "n/a",
    }
}

vocabulary! {
    /// `record_kind`.
    pub(crate) RecordKind {
        Dynamic => "dynamic",
        Static => "static",
        Unknown => "unknown",
    }
}

vocabulary! {
    /// `scavenging_risk`, declared lowest first so that `Ord` follows the README's order:
    /// `high` > `medium` > `unknown` > `low` > `none`.
    pub(crate) Risk {
        None => "none",
        Low => "low",
        Unknown => "unknown",
        Medium => "medium",
        High => "high",
    }
}

vocabulary! {
    /// `--fail-on`: exit 1 when a row at or above this level exists.
    pub(crate) FailOn {
        Missing => "missing",
        Stale => "stale",
        AtRisk => "at-risk",
        Never => "never",
    }
}

impl FailOn {
    /// Whether a row with this status trips the threshold.
    pub(crate) fn trips(self, status: Status) -> bool {
        let limit = match self {
            FailOn::Missing => Status::Missing,
            FailOn::Stale => Status::Stale,
            FailOn::AtRisk => Status::AtRisk,
            FailOn::Never => return false,
        };
        // Status is ordered most severe first.
        status <= limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risk_order_follows_spec() {
        assert!(Risk::High > Risk::Medium && Risk::Medium > Risk::Unknown);
        assert!(Risk::Unknown > Risk::Low && Risk::Low > Risk::None);
    }

    #[test]
    fn fail_on_levels() {
        assert!(FailOn::Stale.trips(Status::Missing));
        assert!(FailOn::Stale.trips(Status::Stale));
        assert!(!FailOn::Stale.trips(Status::AtRisk));
        assert!(FailOn::AtRisk.trips(Status::AtRisk));
        assert!(!FailOn::AtRisk.trips(Status::Unknown));
        assert!(!FailOn::Never.trips(Status::Missing));
    }
}
