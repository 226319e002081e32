//! Stage 5 (not yet written).
