//! Stage timings, for profiling builds (see BENCHMARKS.md).

/// Runs `f`, printing how long it took to stderr when `BRIEF_TIMINGS` is set.
pub fn timed<T>(stage: &str, f: impl FnOnce() -> T) -> T {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if !*ON.get_or_init(|| std::env::var_os("BRIEF_TIMINGS").is_some()) {
        return f();
    }
    let started = std::time::Instant::now();
    let value = f();
    // Resident memory when the stage ends, from /proc where there is one.
    let resident = std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096 / 1_000_000);
    let ms = started.elapsed().as_secs_f64() * 1e3;
    eprintln!("{stage:>16} {ms:8.1} ms {resident:>6} MB resident");
    value
}
