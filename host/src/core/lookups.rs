//! The guest's quota of name lookups in progress: each lookup holds a
//! thread of the host's blocking pool, so their number is bounded.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The name lookups that may be in progress at once. Clones share the
/// count.
#[derive(Debug, Clone)]
pub struct LookupSlots(Arc<Semaphore>);

/// One lookup's place in a [`LookupSlots`], given back when dropped.
#[derive(Debug)]
pub struct LookupSlot {
    _permit: OwnedSemaphorePermit,
}

impl LookupSlots {
    /// Room for `count` lookups at once.
    pub fn new(count: usize) -> Self {
        LookupSlots(Arc::new(Semaphore::new(count.min(Semaphore::MAX_PERMITS))))
    }

    /// A place for one lookup, or `None` when every place is taken.
    pub fn try_take(&self) -> Option<LookupSlot> {
        let permit = self.0.clone().try_acquire_owned().ok()?;
        Some(LookupSlot { _permit: permit })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_bounded_shared_by_clones_and_given_back() {
        let slots = LookupSlots::new(2);
        let clone = slots.clone();
        let first = slots.try_take().expect("a first place");
        let _second = clone.try_take().expect("a second place");
        assert!(slots.try_take().is_none(), "two places at most");
        assert!(clone.try_take().is_none(), "clones share the count");
        drop(first);
        assert!(
            slots.try_take().is_some(),
            "a finished lookup gives its place back"
        );
        assert!(LookupSlots::new(0).try_take().is_none());
    }
}
