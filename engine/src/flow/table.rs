//! The flow table of one worker: a hash map from [`FlowKey`] to a slot in a
//! slab, with the slots on an intrusive doubly linked list in last-seen
//! order, so that finding idle flows and the least recently seen flow are
//! O(1) per flow.

use std::hash::{Hash, Hasher};

use hashbrown::HashTable;

use super::{Flow, FlowKey};

/// FxHash (rustc's hasher): a multiply-rotate per word. Flow keys come from
/// the network, but the table is bounded and only this worker's shard lands
/// here, so a collision flood costs time, not memory; SipHash cost about a
/// third of a lookup.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(FX_SEED);
    }
}

fn hash_key(key: &FlowKey) -> u64 {
    let mut h = FxHasher::default();
    key.hash(&mut h);
    h.finish()
}

const NIL: u32 = u32::MAX;

/// A table slot. The flow is boxed: the slab doubles its capacity as it
/// grows, and with the flow inline (about 250 bytes) half-empty capacity
/// dominated the probe's memory.
struct Slot {
    key: FlowKey,
    flow: Option<Box<Flow>>,
    prev: u32,
    next: u32,
}

/// Flows in least-recently-seen order.
#[derive(Default)]
pub struct FlowTable {
    /// Slot numbers, hashed by their slot's key: the key is stored once, in
    /// the slot (a key-to-slot map held a second 44-byte copy per flow,
    /// ~3 MB at the 1M-packet benchmark's 50k live flows).
    map: HashTable<u32>,
    slots: Vec<Slot>,
    free: Vec<u32>,
    /// Least recently seen.
    head: u32,
    /// Most recently seen.
    tail: u32,
}

impl FlowTable {
    pub fn new() -> FlowTable {
        FlowTable { map: HashTable::new(), slots: Vec::new(), free: Vec::new(), head: NIL, tail: NIL }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn contains(&self, key: &FlowKey) -> bool {
        self.find(key).is_some()
    }

    fn find(&self, key: &FlowKey) -> Option<u32> {
        let slots = &self.slots;
        self.map.find(hash_key(key), |&i| slots[i as usize].key == *key).copied()
    }

    /// The slot of the flow for `key` (for [`get_mut`](Self::get_mut)),
    /// moved to the most-recently-seen end: the per-packet path looks a flow
    /// up once.
    pub fn touch_index(&mut self, key: &FlowKey) -> Option<u32> {
        let idx = self.find(key)?;
        if self.tail != idx {
            self.unlink(idx);
            self.push_tail(idx);
        }
        Some(idx)
    }

    /// The flow in slot `idx` (from `touch_index` or `insert_index`).
    pub fn get_mut(&mut self, idx: u32) -> Option<&mut Flow> {
        self.slots.get_mut(idx as usize).and_then(|s| s.flow.as_deref_mut())
    }

    /// Inserts and returns the new flow's slot.
    pub fn insert_index(&mut self, key: FlowKey, flow: Flow) -> u32 {
        let idx = match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Slot { key, flow: Some(Box::new(flow)), prev: NIL, next: NIL };
                i
            }
            None => {
                self.slots.push(Slot { key, flow: Some(Box::new(flow)), prev: NIL, next: NIL });
                (self.slots.len() - 1) as u32
            }
        };
        let slots = &self.slots;
        self.map.insert_unique(hash_key(&key), idx, |&i| hash_key(&slots[i as usize].key));
        self.push_tail(idx);
        idx
    }

    pub fn remove(&mut self, key: &FlowKey) -> Option<Flow> {
        let slots = &self.slots;
        let Ok(entry) = self.map.find_entry(hash_key(key), |&i| slots[i as usize].key == *key) else { return None };
        let (idx, _) = entry.remove();
        self.unlink(idx);
        self.free.push(idx);
        self.slots[idx as usize].flow.take().map(|b| *b)
    }

    /// The least recently seen flow.
    pub fn oldest(&self) -> Option<(&FlowKey, &Flow)> {
        let s = self.slots.get(self.head as usize)?;
        Some((&s.key, s.flow.as_deref()?))
    }

    /// Removes and returns the least recently seen flow if `expired` says
    /// so. Callers loop: flows leave one at a time, so ending a large table
    /// never holds a second copy of it.
    pub fn pop_oldest_if(&mut self, expired: impl FnOnce(&Flow) -> bool) -> Option<Flow> {
        let (key, flow) = self.oldest()?;
        if !expired(flow) {
            return None;
        }
        let key = *key;
        self.remove(&key)
    }

    /// Removes every flow matching `pred` (a full scan; used for closed TCP flows, few).
    pub fn remove_where(&mut self, keys: &[FlowKey], mut pred: impl FnMut(&Flow) -> bool) -> Vec<Flow> {
        let mut out = Vec::new();
        for k in keys {
            let hit = self.find(k).and_then(|i| self.slots[i as usize].flow.as_deref()).is_some_and(&mut pred);
            if hit {
                if let Some(f) = self.remove(k) {
                    out.push(f);
                }
            }
        }
        out
    }

    fn unlink(&mut self, idx: u32) {
        let (prev, next) = {
            let s = &self.slots[idx as usize];
            (s.prev, s.next)
        };
        if prev == NIL {
            self.head = next;
        } else {
            self.slots[prev as usize].next = next;
        }
        if next == NIL {
            self.tail = prev;
        } else {
            self.slots[next as usize].prev = prev;
        }
        let s = &mut self.slots[idx as usize];
        s.prev = NIL;
        s.next = NIL;
    }

    fn push_tail(&mut self, idx: u32) {
        self.slots[idx as usize].prev = self.tail;
        self.slots[idx as usize].next = NIL;
        if self.tail == NIL {
            self.head = idx;
        } else {
            self.slots[self.tail as usize].next = idx;
        }
        self.tail = idx;
    }
}
