//! Freed memory given back to the system after a peak. glibc's allocator
//! keeps the heap it has freed for reuse: after the red team's attacks the
//! idle server held 1.34 GB of RSS with about 80 MB live. A background task
//! asks glibc to return free pages every [`EVERY`] (`malloc_trim`, on a
//! blocking thread: it walks the free chunks, a few milliseconds with
//! hundreds of MB free and microseconds with none). The RSS cannot say when to:
//! memory freed after a trim leaves the RSS where it was, so a trim made at a
//! peak would otherwise hold the peak. Elsewhere than glibc it does nothing.

use std::time::Duration;

/// How often free memory is given back.
pub const EVERY: Duration = Duration::from_secs(5);

/// The process's resident set now, bytes (Linux; `None` elsewhere).
pub fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * page_size())
}

fn page_size() -> u64 {
    #[cfg(unix)]
    {
        // SAFETY: sysconf has no preconditions; it returns -1 on error.
        let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        if size > 0 {
            return size as u64;
        }
    }
    4096
}

/// Gives the allocator's free memory back to the system, where the allocator
/// can (glibc); says whether it could.
pub fn trim() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: malloc_trim only releases free memory of glibc's own heap.
        unsafe { libc::malloc_trim(0) };
        true
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}

/// Gives freed memory back every [`EVERY`] for as long as the runtime runs.
pub async fn watch() {
    if !cfg!(all(target_os = "linux", target_env = "gnu")) {
        return;
    }
    let mut ticks = tokio::time::interval(EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let before = rss_bytes().unwrap_or(0);
        if tokio::task::spawn_blocking(trim).await.is_err() {
            continue;
        }
        let after = rss_bytes().unwrap_or(0);
        if before > after + (16 << 20) {
            tracing::debug!(before_mb = before >> 20, after_mb = after >> 20, "freed memory given back");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn freed_small_allocations_are_given_back() {
        // 256 MB in 4 KB pieces (below glibc's mmap threshold: they live in the
        // heap and stay there when freed), touched so they are resident.
        let before = rss_bytes().expect("Linux");
        let pieces: Vec<Vec<u8>> = (0..65_536).map(|i| vec![(i % 251) as u8; 4096]).collect();
        let peak = rss_bytes().expect("Linux");
        assert!(peak > before + (200 << 20), "the pieces are resident: {} -> {} MB", before >> 20, peak >> 20);
        drop(pieces);
        assert!(trim());
        let after = rss_bytes().expect("Linux");
        assert!(after < peak - (150 << 20), "given back: peak {} MB, after the trim {} MB", peak >> 20, after >> 20);
    }
}
