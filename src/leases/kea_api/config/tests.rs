//! Kea `config-get`: inheritance, defaults, reply shapes, refusals and hostile configurations.

use serde_json::json;

use super::*;

fn placeholder() {}
