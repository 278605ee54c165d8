//! `TCP_NODELAY` on the store's connections.
//!
//! sqlx 0.9.0 opens its TCP sockets with Nagle's algorithm on (sqlx issue #4335, fixed upstream
//! but not released). A message longer than one TCP segment, such as an ingest statement whose
//! arrays carry ~100 KB, then waits for the server's delayed acknowledgement before its last
//! segment leaves: about 40 ms on Linux, for each such statement. A 5,000-stream snapshot took
//! ~130 ms instead of ~35 ms.
//!
//! sqlx gives no access to its socket, so after connecting the store asks the server which client
//! port the connection has, finds the socket with that local port among the process's
//! descriptors, and sets `TCP_NODELAY` on a duplicate of it (`pidfd_getfd`): a socket option
//! belongs to the socket, not to the descriptor. This needs no unsafe code and only Linux 5.6 or
//! later, with the call allowed (Docker's default seccomp profile allows it only with
//! `CAP_SYS_PTRACE`). Elsewhere, behind a proxy that changes the port, or on a Unix socket (which
//! has no Nagle), it does nothing and the connection works as before. Remove it once sqlx ships
//! the fix.

use sqlx::PgConnection;

use crate::error::Result;

/// Turns Nagle's algorithm off on the TCP socket of `conn`, so that large statements leave at
/// once instead of waiting for the server's delayed acknowledgement (see the module docs).
///
/// [`PostgresStore::connect`](crate::PostgresStore::connect) does this for every connection of
/// its pool; call it from `after_connect` of a pool given to
/// [`PostgresStore::from_pool`](crate::PostgresStore::from_pool). Returns whether the option is
/// now set; `false` (not an error) where the socket cannot be found or changed.
///
/// # Errors
///
/// If asking the server for the connection's client port fails.
pub async fn disable_nagle(conn: &mut PgConnection) -> Result<bool> {
    Ok(on_connect(conn).await?)
}

/// [`disable_nagle`] with sqlx's error, for the pool's `after_connect`.
pub(crate) async fn on_connect(conn: &mut PgConnection) -> sqlx::Result<bool> {
    let Some(port) = client_port(conn).await? else {
        return Ok(false);
    };
    let done = set_on_local_port(port);
    if !done {
        tracing::debug!(
            port,
            "could not set TCP_NODELAY on the PostgreSQL connection"
        );
    }
    Ok(done)
}

/// Whether `TCP_NODELAY` is set on the TCP socket of `conn` (false where it cannot be found):
/// for tests of the pool's connections.
#[cfg(feature = "testkit")]
pub(crate) async fn is_disabled(conn: &mut PgConnection) -> sqlx::Result<bool> {
    Ok(client_port(conn).await?.is_some_and(is_set_on_local_port))
}

/// The connection's local port, as the server sees it; `None` on a Unix socket.
async fn client_port(conn: &mut PgConnection) -> sqlx::Result<Option<u16>> {
    let port: Option<i32> = sqlx::query_scalar("SELECT inet_client_port()")
        .fetch_one(conn)
        .await?;
    Ok(port.and_then(|p| u16::try_from(p).ok()))
}

/// Sets `TCP_NODELAY` on this process's TCP sockets bound to local port `port`.
fn set_on_local_port(port: u16) -> bool {
    sockets_on_local_port(port, |fd| set_nodelay(fd).is_ok())
}

/// Whether a socket of this process bound to local port `port` has `TCP_NODELAY` set.
#[cfg(any(test, feature = "testkit"))]
fn is_set_on_local_port(port: u16) -> bool {
    sockets_on_local_port(port, |fd| get_nodelay(fd).unwrap_or(false))
}

#[cfg(target_os = "linux")]
use std::os::fd::OwnedFd as Socket;

#[cfg(target_os = "linux")]
fn set_nodelay(fd: &Socket) -> std::io::Result<()> {
    Ok(rustix::net::sockopt::set_tcp_nodelay(fd, true)?)
}

#[cfg(all(target_os = "linux", any(test, feature = "testkit")))]
fn get_nodelay(fd: &Socket) -> std::io::Result<bool> {
    Ok(rustix::net::sockopt::tcp_nodelay(fd)?)
}

/// Calls `f` on a duplicate of each of this process's sockets bound to local port `port`;
/// true if any call returned true.
#[cfg(target_os = "linux")]
fn sockets_on_local_port(port: u16, mut f: impl FnMut(&Socket) -> bool) -> bool {
    use rustix::net::{SocketAddrAny, getsockname};
    use rustix::process::{PidfdFlags, PidfdGetfdFlags, getpid, pidfd_getfd, pidfd_open};

    let Ok(me) = pidfd_open(getpid(), PidfdFlags::empty()) else {
        return false;
    };
    let Ok(entries) = std::fs::read_dir("/proc/self/fd") else {
        return false;
    };
    let mut any = false;
    for entry in entries.flatten() {
        let is_socket = std::fs::read_link(entry.path())
            .is_ok_and(|target| target.to_string_lossy().starts_with("socket:"));
        let Some(raw) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        if !is_socket {
            continue;
        }
        // A descriptor closed (or reused) since the listing fails here or does not match.
        let Ok(fd) = pidfd_getfd(&me, raw, PidfdGetfdFlags::empty()) else {
            continue;
        };
        let local = getsockname(&fd)
            .ok()
            .and_then(|a: SocketAddrAny| std::net::SocketAddr::try_from(a).ok().map(|a| a.port()));
        if local == Some(port) {
            any |= f(&fd);
        }
    }
    any
}

/// Elsewhere sqlx's socket cannot be reached: connections keep Nagle's algorithm.
#[cfg(not(target_os = "linux"))]
enum Socket {}

#[cfg(not(target_os = "linux"))]
fn set_nodelay(fd: &Socket) -> std::io::Result<()> {
    match *fd {}
}

#[cfg(all(not(target_os = "linux"), any(test, feature = "testkit")))]
fn get_nodelay(fd: &Socket) -> std::io::Result<bool> {
    match *fd {}
}

#[cfg(not(target_os = "linux"))]
fn sockets_on_local_port(_port: u16, _f: impl FnMut(&Socket) -> bool) -> bool {
    false
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn sets_the_option_on_the_socket_with_that_local_port() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let client =
            std::net::TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
        let (server, _) = listener.accept().expect("accept");
        assert!(!client.nodelay().expect("nodelay"));
        let port = client.local_addr().expect("local").port();
        assert!(!is_set_on_local_port(port));
        assert!(set_on_local_port(port));
        assert!(is_set_on_local_port(port));
        assert!(client.nodelay().expect("nodelay"), "the client socket");
        assert!(!server.nodelay().expect("nodelay"), "not the other end");
    }

    #[test]
    fn a_port_nobody_has_changes_nothing() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        drop(listener);
        assert!(!set_on_local_port(port));
    }
}
