//! Summaries of timings.

use std::time::Duration;

/// The median, 95th and 99th percentiles and mean of some timings.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
    pub mean: Duration,
}

impl Sample {
    /// Summarises `times` (empty gives zeros).
    pub fn of(mut times: Vec<Duration>) -> Sample {
        if times.is_empty() {
            return Sample {
                p50: Duration::ZERO,
                p95: Duration::ZERO,
                p99: Duration::ZERO,
                mean: Duration::ZERO,
            };
        }
        times.sort();
        let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        let total: Duration = times.iter().sum();
        Sample {
            p50: at(0.5),
            p95: at(0.95),
            p99: at(0.99),
            mean: total / times.len() as u32,
        }
    }
}
