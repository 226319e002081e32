//! Stage 4 (not yet written).
