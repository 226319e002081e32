//! Settings (not yet written).
