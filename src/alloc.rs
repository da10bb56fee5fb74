//! The process's allocator and its memory settings.
//!
//! mimalloc is the global allocator: flow records are built on the flow
//! workers and freed on the exporter thread, and glibc's arena lock made
//! `--threads 2` no faster than 1 (BENCHMARKS.md). Its defaults favour speed
//! over footprint; a probe holds tens of thousands of small flows for a whole
//! idle timeout, so `tune` trades a little of one for the other (each choice
//! measured on the 1M-packet benchmark, BENCHMARKS.md, memory).

#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Applies the memory settings; call first thing in `main`.
pub fn tune() {
    no_huge_pages();
    #[cfg(feature = "mimalloc")]
    mimalloc_options();
}

/// Turns transparent huge pages off for this process (Linux; elsewhere a
/// no-op). With THP "always" (Debian's default) every fresh 2 MiB region the
/// allocator touches is faulted in and zeroed whole: that zeroing was 15 % of
/// the profile and RSS grew by a quarter. Flow state is small objects, so
/// 4 KiB pages serve it.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and only sets a flag
    // on this process's memory descriptor.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// mimalloc v3's option numbers (`mi_option_e` in its `mimalloc.h`; the
/// `mimalloc` crate only exports them with its `extended` feature).
#[cfg(feature = "mimalloc")]
mod mi {
    pub const ARENA_EAGER_COMMIT: i32 = 4;
    pub const ARENA_EAGER_COMMIT_DEFAULT: i64 = 2;
    pub const PURGE_DELAY: i32 = 15;
    pub const PURGE_DELAY_DEFAULT: i64 = 1000;
    extern "C" {
        pub fn mi_option_get(option: i32) -> std::ffi::c_long;
        pub fn mi_option_set(option: i32, value: std::ffi::c_long);
    }
}

/// Freed pages go back to the OS at once (purge delay 0; v3's default is 1 s) and arena
/// memory is committed as it is used, not up front: peak RSS on the 1M-packet
/// benchmark 62 -> 55 MB of heap. An option still at its documented default
/// is the check that the numbers above name the right options; if the user
/// set one (MIMALLOC_* in the environment) or mimalloc changed, it is left.
#[cfg(feature = "mimalloc")]
fn mimalloc_options() {
    // SAFETY: mimalloc's option calls take and return plain integers and
    // are safe to call at any time, from any thread.
    unsafe {
        if mi::mi_option_get(mi::PURGE_DELAY) as i64 == mi::PURGE_DELAY_DEFAULT {
            mi::mi_option_set(mi::PURGE_DELAY, 0);
        }
        if mi::mi_option_get(mi::ARENA_EAGER_COMMIT) as i64 == mi::ARENA_EAGER_COMMIT_DEFAULT {
            mi::mi_option_set(mi::ARENA_EAGER_COMMIT, 0);
        }
    }
}
