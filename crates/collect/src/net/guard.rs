//! The loopback guard: with `NSHUNT_LOOPBACK_ONLY=1` every destination
//! outside 127.0.0.0/8 and ::1 is refused before a socket is made, so a
//! test that forgets a flag fails instead of reaching the internet.

use std::net::{IpAddr, SocketAddr};

/// The environment variable that turns the guard on (value `1`).
pub const LOOPBACK_ONLY_VAR: &str = "NSHUNT_LOOPBACK_ONLY";

/// A destination the guard refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "refusing to send to {addr}: NSHUNT_LOOPBACK_ONLY=1 allows only 127.0.0.0/8 and ::1; \
     point nshunt at a loopback server or unset the variable"
)]
pub struct Refused {
    /// The destination.
    pub addr: SocketAddr,
}

/// Decides which destinations may be sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guard {
    loopback_only: bool,
}

impl Guard {
    /// The guard the environment asks for.
    pub fn from_env() -> Guard {
        let value = std::env::var_os(LOOPBACK_ONLY_VAR);
        Guard { loopback_only: value.is_some_and(|v| v == "1") }
    }

    /// A guard that refuses everything outside loopback.
    pub fn loopback_only() -> Guard {
        Guard { loopback_only: true }
    }

    /// A guard that allows every destination.
    pub fn open() -> Guard {
        Guard { loopback_only: false }
    }

    /// Whether only loopback is allowed.
    pub fn is_loopback_only(self) -> bool {
        self.loopback_only
    }

    /// Allows `addr`, or refuses it when the guard is on and `addr` is
    /// not loopback (IPv4-mapped loopback counts as loopback).
    pub fn check(self, addr: SocketAddr) -> Result<(), Refused> {
        if !self.loopback_only || is_loopback(addr.ip()) {
            return Ok(());
        }
        Err(Refused { addr })
    }
}

fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[test]
    fn loopback_only_refuses_everything_else() {
        let guard = Guard::loopback_only();
        for ok in ["127.0.0.1:53", "127.255.0.9:5353", "[::1]:53", "[::ffff:127.0.0.3]:53"] {
            assert_eq!(guard.check(addr(ok)), Ok(()), "{ok}");
        }
        for bad in ["8.8.8.8:53", "10.0.0.1:53", "0.0.0.0:53", "[2001:db8::1]:53", "[::]:53"] {
            let refused = guard.check(addr(bad)).unwrap_err();
            assert_eq!(refused.addr, addr(bad));
            assert!(refused.to_string().contains("NSHUNT_LOOPBACK_ONLY"));
        }
    }

    #[test]
    fn open_guard_allows_everything() {
        assert_eq!(Guard::open().check(addr("192.0.2.1:53")), Ok(()));
    }
}
