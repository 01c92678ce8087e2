//! Accepting connections, with limits a slow or idle client cannot outlast:
//! at most `max_connections` open at once (past that, new connections wait in
//! the listen backlog until one closes, instead of the server running out of
//! file descriptors), of which one client address holds at most
//! `max_connections_per_address` (a connection past its share is closed at
//! once, so one address's slow sockets cannot take every place); each closed
//! if a request head does not arrive within `header_read_timeout` (a request
//! whose body pauses for `body_read_timeout`, or has not arrived whole within
//! `body_deadline` of its first read, is answered 408:
//! [`super::body_deadline`]), or if a write to it makes no progress for
//! `write_timeout` (a client that stops reading, e.g. a server-sent event
//! stream nobody reads), and a graceful shutdown that waits at most `drain`
//! for requests in flight.
//!
//! Each request is marked with the address of its connection's client
//! ([`app::runs::Client`]), which the run pool shares its places by.
//!
//! hyper starts the header-read timer whenever an HTTP/1 connection waits
//! for a request head (hyper 1.x, `proto/h1/conn.rs`), on a new connection
//! and between keep-alive requests alike, so the same timeout closes
//! half-sent headers and idle keep-alive connections.

use app::runs::Client;
use axum::extract::Request;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_io_timeout::TimeoutStream;
use tower::ServiceExt;
use tower_http::timeout::RequestBodyTimeoutLayer;

/// How long a client may take to send a request head, and how long a
/// keep-alive connection may sit idle, unless `HASHLAB_HEADER_READ_TIMEOUT_SECS` says otherwise.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections open at once, unless `HASHLAB_MAX_CONNECTIONS` says otherwise
/// (keep it below the process's open-file limit, `ulimit -n`).
pub const MAX_CONNECTIONS: usize = 1_000;
/// How long a write to a client may make no progress before the connection
/// is closed, unless `HASHLAB_WRITE_TIMEOUT_SECS` says otherwise.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a request body may pause between its pieces before the request
/// is answered 408, unless `HASHLAB_BODY_READ_TIMEOUT_SECS` says otherwise.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole request body may take from its first read, unless
/// `HASHLAB_BODY_DEADLINE_SECS` says otherwise (the largest body, 1 MiB, at 35 KB/s).
pub const BODY_DEADLINE: Duration = Duration::from_secs(30);
/// The share of `max_connections` one client address may hold, unless
/// `HASHLAB_MAX_CONNECTIONS_PER_ADDRESS` says otherwise: an eighth (a browser
/// opens about six per site; the load test, 64).
pub const PER_ADDRESS_SHARE: usize = 8;
/// How long a graceful shutdown waits for requests in flight, unless `HASHLAB_DRAIN_SECS` says otherwise.
pub const DRAIN: Duration = Duration::from_secs(30);
/// The pause after a failed accept (e.g. out of file descriptors), so the loop does not spin.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// The connection limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Close a connection that has not sent a whole request head in this long (idle ones included).
    pub header_read_timeout: Duration,
    /// Close a connection whose client has not taken any of a response's bytes in this long.
    pub write_timeout: Duration,
    /// Answer 408 to a request whose body pauses this long.
    pub body_read_timeout: Duration,
    /// Answer 408 to a request whose body has not arrived whole this long after its first read.
    pub body_deadline: Duration,
    /// Connections open at once.
    pub max_connections: usize,
    /// Connections one client address may hold at once.
    pub max_connections_per_address: usize,
    /// How long a graceful shutdown waits for requests in flight before closing their connections.
    pub drain: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: HEADER_READ_TIMEOUT,
            write_timeout: WRITE_TIMEOUT,
            body_read_timeout: BODY_READ_TIMEOUT,
            body_deadline: BODY_DEADLINE,
            max_connections: MAX_CONNECTIONS,
            max_connections_per_address: MAX_CONNECTIONS / PER_ADDRESS_SHARE,
            drain: DRAIN,
        }
    }
}

impl Limits {
    /// From the environment: `HASHLAB_HEADER_READ_TIMEOUT_SECS`,
    /// `HASHLAB_WRITE_TIMEOUT_SECS`, `HASHLAB_BODY_READ_TIMEOUT_SECS`, `HASHLAB_BODY_DEADLINE_SECS`,
    /// `HASHLAB_MAX_CONNECTIONS`, `HASHLAB_MAX_CONNECTIONS_PER_ADDRESS` (default: an eighth of the
    /// connections, at least one), `HASHLAB_DRAIN_SECS` (whole numbers, at least 1);
    /// a value that is not one is an error naming the variable.
    pub fn from_env() -> Result<Self, String> {
        let defaults = Self::default();
        let max_connections = whole("HASHLAB_MAX_CONNECTIONS")?.map_or(defaults.max_connections, |n| n as usize);
        Ok(Self {
            header_read_timeout: seconds("HASHLAB_HEADER_READ_TIMEOUT_SECS")?.unwrap_or(defaults.header_read_timeout),
            write_timeout: seconds("HASHLAB_WRITE_TIMEOUT_SECS")?.unwrap_or(defaults.write_timeout),
            body_read_timeout: seconds("HASHLAB_BODY_READ_TIMEOUT_SECS")?.unwrap_or(defaults.body_read_timeout),
            body_deadline: seconds("HASHLAB_BODY_DEADLINE_SECS")?.unwrap_or(defaults.body_deadline),
            max_connections,
            max_connections_per_address: whole("HASHLAB_MAX_CONNECTIONS_PER_ADDRESS")?
                .map_or((max_connections / PER_ADDRESS_SHARE).max(1), |n| n as usize),
            drain: seconds("HASHLAB_DRAIN_SECS")?.unwrap_or(defaults.drain),
        })
    }
}

/// How many connections each client address holds, within a share.
struct PerAddress {
    share: usize,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One connection's place in its address's share, given back when dropped.
struct AddressPlace {
    counts: Arc<PerAddress>,
    address: IpAddr,
}

impl PerAddress {
    fn new(share: usize) -> Self {
        Self { share: share.max(1), open: Mutex::new(HashMap::new()) }
    }

    /// A place for one more connection from `address`, unless it holds its share.
    fn take(self: &Arc<Self>, address: IpAddr) -> Option<AddressPlace> {
        let mut open = self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = open.entry(address).or_insert(0);
        if *count >= self.share {
            return None;
        }
        *count += 1;
        Some(AddressPlace { counts: Arc::clone(self), address })
    }
}

impl Drop for AddressPlace {
    fn drop(&mut self) {
        let mut open = self.counts.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.address) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.address);
            }
        }
    }
}

fn whole(name: &str) -> Result<Option<u64>, String> {
    match std::env::var(name) {
        Err(_) => Ok(None),
        Ok(text) => match text.trim().parse::<u64>() {
            Ok(n) if n >= 1 => Ok(Some(n)),
            _ => Err(format!("{name}: `{}` is not a whole number of at least 1", text.chars().take(32).collect::<String>())),
        },
    }
}

fn seconds(name: &str) -> Result<Option<Duration>, String> {
    Ok(whole(name)?.map(Duration::from_secs))
}

/// Serves `router` on `listener` within `limits` until `shutdown` resolves,
/// then stops accepting and waits up to `limits.drain` for open connections.
pub async fn serve(listener: TcpListener, router: Router, limits: Limits, shutdown: impl Future<Output = ()>) {
    let deadline = limits.body_deadline;
    let router = router.layer(RequestBodyTimeoutLayer::new(limits.body_read_timeout)).layer(axum::middleware::map_request(
        move |request: Request| async move { super::body_deadline::with_deadline(request, deadline) },
    ));
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let per_address = Arc::new(PerAddress::new(limits.max_connections_per_address));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(ACCEPT_RETRY).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // An address past its share: closed at once, its place handed back.
        let Some(share) = per_address.take(peer.ip()) else {
            tracing::debug!(client = %peer.ip(), "connection refused: the address holds its share");
            continue;
        };
        let mut stream = TimeoutStream::new(stream);
        stream.set_write_timeout(Some(limits.write_timeout));
        let client = Client(peer.ip());
        let service = router.clone().map_request(move |mut request: Request<_>| {
            request.extensions_mut().insert(client);
            request
        });
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout)
            .serve_connection(TokioIo::new(Box::pin(stream)), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection closed with an error");
            }
            drop(share);
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("every connection closed"),
        () = tokio::time::sleep(limits.drain) => tracing::warn!(drain = ?limits.drain, "connections still open after the drain deadline; closing them"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_documented_ones() {
        let limits = Limits::default();
        assert_eq!(limits.header_read_timeout, Duration::from_secs(10));
        assert_eq!(limits.write_timeout, Duration::from_secs(30));
        assert_eq!(limits.body_read_timeout, Duration::from_secs(10));
        assert_eq!(limits.max_connections, 1_000);
        assert_eq!(limits.max_connections_per_address, 125);
        assert_eq!(limits.body_deadline, Duration::from_secs(30));
        assert_eq!(limits.drain, Duration::from_secs(30));
    }

    #[test]
    fn an_address_holds_at_most_its_share_and_gets_places_back() {
        let counts = Arc::new(PerAddress::new(2));
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let first = counts.take(a).expect("one");
        let _second = counts.take(a).expect("two");
        assert!(counts.take(a).is_none(), "a third from the same address is refused");
        assert!(counts.take(b).is_some(), "another address has its own share");
        drop(first);
        assert!(counts.take(a).is_some(), "a closed connection hands its place back");
    }
}
