//! RDAP collection: a domain's answer fetched from the servers its
//! bootstrap entry names, under a rate limit per server, honouring
//! `429 Too Many Requests` and its `Retry-After`.
//!
//! - The caller gives the base URLs (from IANA's bootstrap file, HTTPS
//!   first); they are tried in order until one is allowed: plain HTTP
//!   only towards loopback, and under `NSHUNT_LOOPBACK_ONLY=1` nothing
//!   but loopback addresses (a host name other than `localhost` is
//!   refused before it is looked up).
//! - Each server (scheme, host and port) has its own rate limit. A 429
//!   holds the whole server until its `Retry-After` (seconds or an HTTP
//!   date; the backoff when absent) and the query is asked again; a
//!   hold longer than `max_wait` fails that server's queries at once
//!   as rate-limited, without sending, until it ends.
//! - Timeouts, connection failures and 5xx answers are retried with
//!   exponential backoff; up to three redirects are followed, each
//!   through the same checks.
//! - 200 gives the body (the caller parses it), 404 says the domain is
//!   not registered; everything else is a failure, which the caller
//!   stores as "unknown", never as a negative answer.
//!
//! # Limitations
//!
//! - One connection per request (`Connection: close`): the per-server
//!   rate limits make reuse pointless at the rates RDAP servers allow.
//! - TLS trusts the Mozilla root store compiled in (`webpki-roots`),
//!   not the system's.
//! - Only the first address of a host name is tried.

mod http;
mod url;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;
use tokio_rustls::TlsConnector;

pub use self::http::{MAX_RESPONSE, Response, parse_response};
pub use self::url::{Host, HttpUrl};
use crate::net::{Guard, RateLimit, Refused};

/// Redirects followed for one query.
const MAX_REDIRECTS: u32 = 3;

/// Why an RDAP query gave no answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RdapError {
    /// The bootstrap file names no server for the domain.
    #[error("no RDAP server for {domain} in the bootstrap file")]
    NoServer {
        /// The domain.
        domain: String,
    },
    /// A server URL (from the bootstrap or a redirect) is unusable.
    #[error("bad RDAP url {url:?}: {reason}")]
    BadUrl {
        /// The URL.
        url: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The loopback guard refused the address.
    #[error(transparent)]
    Refused(#[from] Refused),
    /// The loopback guard refused to look up a host name.
    #[error(
        "refusing to look up the host of {url}: NSHUNT_LOOPBACK_ONLY=1 allows only loopback \
         addresses; give the server as 127.0.0.1 or localhost, or unset the variable"
    )]
    NameRefused {
        /// The URL.
        url: String,
    },
    /// Plain HTTP towards a server outside loopback.
    #[error("refusing plain http to {url}: only https is used outside loopback")]
    PlainHttp {
        /// The URL.
        url: String,
    },
    /// The host name did not resolve.
    #[error("cannot resolve the host of {url}: {source}")]
    Resolve {
        /// The URL.
        url: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The connection failed.
    #[error("cannot talk to {url}: {source}")]
    Connect {
        /// The URL.
        url: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The TLS handshake failed (a bad certificate included).
    #[error("tls with {url} failed: {source}")]
    Tls {
        /// The URL.
        url: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// No complete answer in time.
    #[error("no answer from {url} in time")]
    Timeout {
        /// The URL.
        url: String,
    },
    /// The answer is not HTTP, or its body is not UTF-8.
    #[error("malformed answer from {url}: {reason}")]
    Malformed {
        /// The URL.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// The answer is larger than an RDAP answer can be.
    #[error("the answer from {url} is larger than {limit} bytes")]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit.
        limit: usize,
    },
    /// Redirects went on too long.
    #[error("more than {MAX_REDIRECTS} redirects from {url}")]
    TooManyRedirects {
        /// The last URL.
        url: String,
    },
    /// A status other than 200, 404, 429 or a redirect, after retries.
    #[error("{url} answered http status {status}")]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// Still rate-limited after every retry, or held for longer than
    /// the longest wait allowed.
    #[error("{url} is rate-limiting (retry after {retry_after:?})")]
    RateLimited {
        /// The URL.
        url: String,
        /// What the server asked for last, if anything.
        retry_after: Option<Duration>,
    },
    /// The TLS settings could not be built.
    #[error("cannot set up tls: {0}")]
    TlsConfig(String),
}

impl RdapError {
    /// The outcome word stored and counted: `no_server`, `blocked`,
    /// `rate_limited`, `timeout` or `error`.
    pub fn kind(&self) -> &'static str {
        match self {
            RdapError::NoServer { .. } => "no_server",
            RdapError::Refused(_) | RdapError::NameRefused { .. } | RdapError::PlainHttp { .. } => {
                "blocked"
            }
            RdapError::RateLimited { .. } => "rate_limited",
            RdapError::Timeout { .. } => "timeout",
            _ => "error",
        }
    }

    /// Whether the next server of the bootstrap entry should be tried
    /// (this one was refused before anything was sent).
    fn try_next(&self) -> bool {
        matches!(
            self,
            RdapError::BadUrl { .. }
                | RdapError::Refused(_)
                | RdapError::NameRefused { .. }
                | RdapError::PlainHttp { .. }
        )
    }

    fn retryable(&self) -> bool {
        matches!(
            self,
            RdapError::Timeout { .. } | RdapError::Connect { .. } | RdapError::Tls { .. }
        )
    }
}

/// What an RDAP query said.
#[derive(Debug)]
pub enum RdapOutcome {
    /// 200: the answer's body (UTF-8, not yet parsed).
    Found(String),
    /// 404: the server holds no such domain.
    NotFound,
    /// No answer; the question stays unknown.
    Failed(RdapError),
}

/// One domain's RDAP query, all attempts together.
#[derive(Debug)]
pub struct RdapFetch {
    /// The URL last asked, when one was.
    pub url: Option<String>,
    /// What came of it.
    pub outcome: RdapOutcome,
    /// Requests sent (retries and redirects included).
    pub attempts: u32,
}

/// How the RDAP client behaves.
#[derive(Debug, Clone)]
pub struct RdapConfig {
    /// Which destinations are allowed.
    pub guard: Guard,
    /// How long one request may take, connection and body included.
    pub timeout: Duration,
    /// More attempts after a timeout, a connection failure, a 5xx or a
    /// 429.
    pub retries: u32,
    /// The wait before the first retry (doubled each time), and after
    /// a 429 without `Retry-After`.
    pub backoff: Duration,
    /// Requests per second to one server (0: unlimited).
    pub server_qps: u32,
    /// The longest `Retry-After` waited for; a longer one fails the
    /// server's queries as rate-limited until it ends.
    pub max_wait: Duration,
}

/// The longest hold a 429 puts on a server.
const MAX_HOLD: Duration = Duration::from_secs(366 * 86_400);

/// A server's rate limit and the hold a 429 put on it.
#[derive(Debug)]
struct Server {
    limit: RateLimit,
    hold: Mutex<Option<Instant>>,
}

/// Fetches RDAP answers; shared by every task.
pub struct RdapClient {
    config: RdapConfig,
    tls: TlsConnector,
    servers: Mutex<HashMap<String, Arc<Server>>>,
}

impl std::fmt::Debug for RdapClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RdapClient").field("config", &self.config).finish_non_exhaustive()
    }
}

impl RdapClient {
    /// A client with `config`.
    pub fn new(config: RdapConfig) -> Result<RdapClient, RdapError> {
        let tls = http::tls_connector().map_err(|e| RdapError::TlsConfig(e.to_string()))?;
        Ok(RdapClient { config, tls, servers: Mutex::new(HashMap::new()) })
    }

    /// Asks for `domain` at the first usable server of `bases` (the
    /// bootstrap's base URLs, in order).
    pub async fn domain(&self, domain: &str, bases: &[String]) -> RdapFetch {
        let mut last = None;
        for base in bases {
            let fetch = match HttpUrl::parse(base) {
                Ok(url) => self.fetch(url.domain(domain)).await,
                Err(reason) => failed(None, 0, RdapError::BadUrl { url: base.clone(), reason }),
            };
            match &fetch.outcome {
                RdapOutcome::Failed(e) if e.try_next() => last = Some(fetch),
                _ => return fetch,
            }
        }
        let none = || failed(None, 0, RdapError::NoServer { domain: domain.to_owned() });
        last.unwrap_or_else(none)
    }

    /// GETs `url` (such as IANA's bootstrap file) as text, under the
    /// same rules as RDAP queries; only a 200 is an answer.
    pub async fn text(&self, url: &str) -> Result<String, RdapError> {
        let bad = |reason| RdapError::BadUrl { url: url.to_owned(), reason };
        let fetch = self.fetch(HttpUrl::parse(url).map_err(bad)?).await;
        match fetch.outcome {
            RdapOutcome::Found(body) => Ok(body),
            RdapOutcome::NotFound => Err(RdapError::Status { url: url.to_owned(), status: 404 }),
            RdapOutcome::Failed(error) => Err(error),
        }
    }

    /// One URL, with retries, 429 holds and redirects.
    async fn fetch(&self, mut url: HttpUrl) -> RdapFetch {
        let (mut attempts, mut redirects, mut failures) = (0, 0, 0);
        loop {
            let server = self.server(&url);
            let shown = url.to_string();
            if let Err(retry_after) = self.acquire(&server).await {
                let error = RdapError::RateLimited { url: shown.clone(), retry_after };
                return failed(Some(shown), attempts, error);
            }

            attempts += 1;
            let answer = tokio::time::timeout(
                self.config.timeout,
                http::get(self.config.guard, &self.tls, &url),
            )
            .await
            .unwrap_or_else(|_| Err(RdapError::Timeout { url: shown.clone() }));

            let response = match answer {
                Ok(response) => response,
                Err(error) if error.retryable() && failures < self.config.retries => {
                    failures += 1;
                    self.back_off(failures).await;
                    continue;
                }
                Err(error) => {
                    // Refused before anything was sent: not a request.
                    let sent = attempts - u32::from(error.try_next());
                    return failed(Some(shown), sent, error);
                }
            };

            match response.status {
                200 => return found(shown, attempts, response),
                404 => {
                    return RdapFetch {
                        url: Some(shown),
                        outcome: RdapOutcome::NotFound,
                        attempts,
                    };
                }
                429 => {
                    let retry_after = retry_after(&response);
                    let wait = retry_after.unwrap_or_else(|| self.backoff(failures + 1));
                    self.hold(&server, wait);
                    tracing::debug!(url = %shown, ?wait, "rate-limited");
                    if failures >= self.config.retries {
                        let error = RdapError::RateLimited { url: shown.clone(), retry_after };
                        return failed(Some(shown), attempts, error);
                    }
                    failures += 1;
                }
                301 | 302 | 303 | 307 | 308 => {
                    redirects += 1;
                    if redirects > MAX_REDIRECTS {
                        return failed(
                            Some(shown.clone()),
                            attempts,
                            RdapError::TooManyRedirects { url: shown },
                        );
                    }
                    let location = response.header("location").unwrap_or("");
                    url = match url.join(location) {
                        Ok(next) => next,
                        Err(reason) => {
                            let error = RdapError::BadUrl { url: location.to_owned(), reason };
                            return failed(Some(shown), attempts, error);
                        }
                    };
                }
                status if status >= 500 && failures < self.config.retries => {
                    failures += 1;
                    self.back_off(failures).await;
                }
                status => {
                    return failed(
                        Some(shown.clone()),
                        attempts,
                        RdapError::Status { url: shown, status },
                    );
                }
            }
        }
    }

    /// The state of `url`'s server, made on first use.
    fn server(&self, url: &HttpUrl) -> Arc<Server> {
        let key = format!("{}://{}", if url.https { "https" } else { "http" }, url.authority());
        let mut servers = self.servers.lock().unwrap_or_else(|e| e.into_inner());
        let qps = self.config.server_qps;
        let make = || Arc::new(Server { limit: RateLimit::new(qps, 1), hold: Mutex::new(None) });
        servers.entry(key).or_insert_with(make).clone()
    }

    /// Waits for the server's hold and rate limit; a hold longer than
    /// `max_wait` is an error carrying what is left of it.
    async fn acquire(&self, server: &Server) -> Result<(), Option<Duration>> {
        let hold = *server.hold.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(until) = hold {
            let left = until.saturating_duration_since(Instant::now());
            if left > self.config.max_wait {
                return Err(Some(left));
            }
            tokio::time::sleep_until(until).await;
        }
        server.limit.acquire().await;
        Ok(())
    }

    /// Holds the server for `wait` from now (a later hold wins). A wait
    /// past [`MAX_HOLD`] (a `Retry-After` of any size may come) is
    /// held for `MAX_HOLD`, still far beyond any `max_wait`.
    fn hold(&self, server: &Server, wait: Duration) {
        let now = Instant::now();
        let until = now.checked_add(wait.min(MAX_HOLD)).unwrap_or(now);
        let mut hold = server.hold.lock().unwrap_or_else(|e| e.into_inner());
        *hold = Some(hold.map_or(until, |h| h.max(until)));
    }

    fn backoff(&self, failures: u32) -> Duration {
        let factor = 2u32.saturating_pow(failures.saturating_sub(1));
        self.config.backoff.saturating_mul(factor).min(MAX_HOLD)
    }

    async fn back_off(&self, failures: u32) {
        tokio::time::sleep(self.backoff(failures)).await;
    }
}

fn failed(url: Option<String>, attempts: u32, error: RdapError) -> RdapFetch {
    RdapFetch { url, outcome: RdapOutcome::Failed(error), attempts }
}

fn found(url: String, attempts: u32, response: Response) -> RdapFetch {
    let outcome = match String::from_utf8(response.body) {
        Ok(body) => RdapOutcome::Found(body),
        Err(e) => RdapOutcome::Failed(RdapError::Malformed {
            url: url.clone(),
            reason: format!("the body is not UTF-8 at byte {}", e.utf8_error().valid_up_to()),
        }),
    };
    RdapFetch { url: Some(url), outcome, attempts }
}

/// `Retry-After` as a wait from now: delay seconds or an HTTP date.
fn retry_after(response: &Response) -> Option<Duration> {
    let text = response.header("retry-after")?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = parse_http_date(text)?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(at.saturating_sub(now)))
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) as unix seconds.
fn parse_http_date(text: &str) -> Option<u64> {
    let (_, rest) = text.split_once(", ")?;
    let fields: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = fields.as_slice() else { return None };
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = MONTHS.iter().position(|m| m == month)? as u64 + 1;
    let (day, year): (u64, u64) = (day.parse().ok()?, year.parse().ok()?);
    let hms: Vec<u64> = time.split(':').map(|t| t.parse().ok()).collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else { return None };
    if !(1..=31).contains(&day) || year < 1970 || *h > 23 || *m > 59 || *s > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + h * 3_600 + m * 60 + s)
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar
/// (year at least 1970).
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates() {
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(parse_http_date("Tue, 29 Feb 2028 12:00:00 GMT"), Some(1_835_438_400));
        for bad in ["Sunday, 06-Nov-94 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 CET", "x", ""] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
    }

    /// `Retry-After: u64::MAX` used to panic adding it to an instant.
    #[tokio::test]
    async fn a_huge_retry_after_is_rate_limited_not_a_panic() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut buf = vec![0; 4096];
                let _ = stream.read(&mut buf).await;
                let reply = "HTTP/1.1 429 Too Many Requests\r\nRetry-After: \
                             18446744073709551615\r\nContent-Length: 0\r\n\
                             Connection: close\r\n\r\n";
                let _ = stream.write_all(reply.as_bytes()).await;
            }
        });

        let client = RdapClient::new(RdapConfig {
            guard: Guard::loopback_only(),
            timeout: Duration::from_secs(2),
            retries: 2,
            backoff: Duration::from_millis(10),
            server_qps: 0,
            max_wait: Duration::from_secs(60),
        })
        .unwrap();
        let base = format!("http://127.0.0.1:{port}/");
        let fetch = client.domain("example.test", &[base]).await;
        assert!(
            matches!(fetch.outcome, RdapOutcome::Failed(RdapError::RateLimited { .. })),
            "{:?}",
            fetch.outcome
        );
    }

    #[test]
    fn retry_after_in_seconds_or_a_past_date() {
        let response = |value: &str| Response {
            status: 429,
            headers: vec![("retry-after".into(), value.into())],
            body: Vec::new(),
        };
        assert_eq!(retry_after(&response("7")), Some(Duration::from_secs(7)));
        let past = "Thu, 01 Jan 1970 00:00:00 GMT";
        assert_eq!(retry_after(&response(past)), Some(Duration::ZERO));
        assert_eq!(retry_after(&response("soon")), None);
    }
}
