//! The one open-addressing table the large de-duplications share (DNS records by owner name in
//! [`crate::dns::RecordIndex`], leases by address in [`crate::leases::dedupe_across_sources`]):
//! `u32` ids in a power-of-two table at most half full, linear probing from a hash of the key.
//! 4 bytes a slot and no allocation per key, where a map of keys took 24-32 bytes a bucket.

use std::hash::{BuildHasher, Hash};

/// An empty slot; never an id.
pub(crate) const EMPTY: u32 = u32::MAX;

/// Slots of ids, each the id of one distinct key (the caller's record index).
pub(crate) struct Slots {
    slots: Vec<u32>,
}

impl Slots {
    /// A table for up to `n` keys: twice as many slots (at least 16), a power of two.
    pub(crate) fn with_room_for(n: usize) -> Slots {
        let size = n.saturating_mul(2).max(16).checked_next_power_of_two().unwrap_or(usize::MAX / 2 + 1);
        Slots { slots: vec![EMPTY; size] }
    }

    /// The slot holding the id whose key is `key` (`same` tells, given an id), `Ok`; or the
    /// empty slot where it would go, `Err`.
    pub(crate) fn find<K: Hash + ?Sized>(&self, key: &K, same: impl Fn(u32) -> bool) -> Result<usize, usize> {
        // The length is a power of two and the table never full, so the probe ends.
        let mask = self.slots.len() - 1;
        let mut s = start(key, self.slots.len().trailing_zeros()) & mask;
        loop {
            match self.slots[s] {
                EMPTY => return Err(s),
                id if same(id) => return Ok(s),
                _ => s = (s + 1) & mask,
            }
        }
    }

    /// The id in slot `slot` ([`EMPTY`] when none).
    pub(crate) fn get(&self, slot: usize) -> u32 {
        self.slots[slot]
    }

    pub(crate) fn set(&mut self, slot: usize, id: u32) {
        self.slots[slot] = id;
    }

    /// Every id held, in slot order.
    pub(crate) fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        self.slots.iter().copied().filter(|&id| id != EMPTY)
    }
}

/// The slot a key starts probing at, in a table of `1 << bits` slots: the Fx hash spread by a
/// Fibonacci multiplication, its top bits taken (Fx's low bits vary little between names or
/// addresses that differ in a few digits, and linear probing would cluster on them).
fn start<K: Hash + ?Sized>(key: &K, bits: u32) -> usize {
    let h = rustc_hash::FxBuildHasher.hash_one(key).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    // `bits` is at least 4 (16 slots) and below 64; truncation keeps the top `bits` bits.
    (h >> (64 - bits)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_was_set_and_the_empty_slot_otherwise() {
        let keys = ["a", "b", "c", "a"];
        let mut t = Slots::with_room_for(keys.len());
        for (i, k) in (0u32..).zip(keys) {
            match t.find(k, |id| keys[id as usize] == k) {
                Ok(_) => {}
                Err(empty) => t.set(empty, i),
            }
        }
        assert_eq!(t.ids().count(), 3);
        let s = t.find("c", |id| keys[id as usize] == "c").unwrap();
        assert_eq!(t.get(s), 2);
        assert!(t.find("z", |id| keys[id as usize] == "z").is_err());
    }
}
