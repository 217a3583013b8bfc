//! Locking shared state across the build's threads.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks `mutex`, taking its value even when a thread panicked holding it:
/// a panic fails the build anyway, and what the lock guards stays usable
/// for reporting that.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
