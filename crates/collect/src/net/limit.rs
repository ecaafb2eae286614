//! Rate limits: a global one and one per server, as a generic cell rate
//! (GCRA): each permit reserves the next free slot, so waiters are
//! served in order without a background task, and a short burst is
//! allowed after a quiet spell.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Per-server limiters kept before the idle ones are dropped.
const MAX_IDLE_SERVERS: usize = 10_000;

/// A queries-per-second limit.
#[derive(Debug)]
pub struct RateLimit {
    interval: Duration,
    burst: Duration,
    /// The next free slot (the "theoretical arrival time").
    next: Mutex<Instant>,
}

impl RateLimit {
    /// At most `per_second` permits a second (0: unlimited), with bursts
    /// of up to `burst` permits.
    pub fn new(per_second: u32, burst: u32) -> RateLimit {
        let interval = match per_second {
            0 => Duration::ZERO,
            n => Duration::from_secs(1) / n,
        };
        let burst = interval * burst.saturating_sub(1);
        RateLimit { interval, burst, next: Mutex::new(Instant::now()) }
    }

    /// Waits for a permit.
    pub async fn acquire(&self) {
        if self.interval.is_zero() {
            return;
        }
        let at = self.reserve(Instant::now());
        tokio::time::sleep_until(at).await;
    }

    /// Reserves the next slot and returns when it starts.
    fn reserve(&self, now: Instant) -> Instant {
        let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
        let earliest = now.checked_sub(self.burst).unwrap_or(now);
        let slot = (*next).max(earliest);
        *next = slot + self.interval;
        slot.max(now)
    }

    /// Whether nothing is reserved ahead of `now`.
    fn idle(&self, now: Instant) -> bool {
        *self.next.lock().unwrap_or_else(|e| e.into_inner()) <= now
    }
}

/// One [`RateLimit`] per server address, made on first use.
#[derive(Debug)]
pub(crate) struct PerServer {
    per_second: u32,
    burst: u32,
    limits: Mutex<HashMap<IpAddr, std::sync::Arc<RateLimit>>>,
}

impl PerServer {
    pub(crate) fn new(per_second: u32, burst: u32) -> PerServer {
        PerServer { per_second, burst, limits: Mutex::new(HashMap::new()) }
    }

    /// Waits for a permit to send to `server`.
    pub(crate) async fn acquire(&self, server: IpAddr) {
        if self.per_second == 0 {
            return;
        }
        let limit = self.limit(server);
        limit.acquire().await;
    }

    /// The server's limiter. Idle limiters are dropped when there are
    /// many, so memory stays flat over millions of domains.
    fn limit(&self, server: IpAddr) -> std::sync::Arc<RateLimit> {
        let mut limits = self.limits.lock().unwrap_or_else(|e| e.into_inner());
        if limits.len() >= MAX_IDLE_SERVERS {
            let now = Instant::now();
            limits.retain(|_, l| !l.idle(now));
        }
        let make = || std::sync::Arc::new(RateLimit::new(self.per_second, self.burst));
        limits.entry(server).or_insert_with(make).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_spaced_after_the_burst() {
        let limit = RateLimit::new(10, 2);
        let now = Instant::now() + Duration::from_secs(10);
        let slots: Vec<Duration> = (0..4).map(|_| limit.reserve(now) - now).collect();
        assert_eq!(slots[0], Duration::ZERO);
        assert_eq!(slots[1], Duration::ZERO);
        assert_eq!(slots[2], Duration::from_millis(100));
        assert_eq!(slots[3], Duration::from_millis(200));
    }

    #[tokio::test]
    async fn unlimited_never_waits() {
        let limit = RateLimit::new(0, 1);
        let start = Instant::now();
        for _ in 0..100_000 {
            limit.acquire().await;
        }
        assert!(start.elapsed() < Duration::from_millis(500));
    }
}
