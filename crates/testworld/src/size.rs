//! Choosing a domain count that gives a zone of about a wanted size.

use std::io::{self, Write};

use crate::{Style, World, WorldConfig, WorldError};

/// Sample sizes for the linear fit of bytes against domains.
const SAMPLES: (u64, u64) = (20_000, 80_000);

/// Worlds up to this many domains are measured once more to correct
/// the fit, which is least accurate for small zones.
const REFINE_UP_TO: u64 = 200_000;

/// The number of domains whose zone, written in `style`, takes about
/// `target_bytes` (within a few per cent). `make` builds the world's
/// configuration for a domain count, so that everything else (seed,
/// TLD, rates, a fixed or a derived `ns_domains`) stays as the caller
/// wants it. Works by writing two sample worlds to a byte counter and
/// fitting a line through them.
pub fn domains_for_size(
    target_bytes: u64,
    style: Style,
    make: impl Fn(u64) -> WorldConfig,
) -> Result<u64, WorldError> {
    let (s1, s2) = SAMPLES;
    let (b1, b2) = (measure(make(s1), style)?, measure(make(s2), style)?);
    let slope = (b2 - b1) as f64 / (s2 - s1) as f64;
    let intercept = b1 as f64 - slope * s1 as f64;

    let estimate = ((target_bytes as f64 - intercept) / slope).round();
    if estimate < 1.0 {
        return Err(WorldError::SizeTooSmall(target_bytes));
    }
    let domains = estimate as u64;
    if domains > REFINE_UP_TO {
        return Ok(domains);
    }

    let bytes =
        measure(make(domains), style).map_err(|_| WorldError::SizeTooSmall(target_bytes))?;
    let corrected = (domains as f64 * target_bytes as f64 / bytes as f64).round() as u64;
    Ok(corrected.max(1))
}

/// Bytes of the zone of `config` in `style`.
fn measure(config: WorldConfig, style: Style) -> Result<u64, WorldError> {
    let world = World::new(config)?;
    let bytes = world.write_zone(Discard, style).expect("writing to a counter cannot fail");
    Ok(bytes)
}

/// A writer that throws its bytes away.
struct Discard;

impl Write for Discard {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
