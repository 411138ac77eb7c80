//! A listener whose connections can be dropped from a handler: the
//! `reset` and `lost` faults close the socket before any answer is written.

use std::net::{Shutdown, SocketAddr};
use std::sync::Arc;

use axum::extract::connect_info::Connected;
use axum::serve::IncomingStream;
use tokio::net::{TcpListener, TcpStream};

/// Accepts like a [`TcpListener`], keeping a second handle to each socket.
pub(crate) struct Listener(pub(crate) TcpListener);

/// The connection a request came on (axum's `ConnectInfo`).
#[derive(Clone, Debug)]
pub(crate) struct Handle {
    socket: Option<Arc<std::net::TcpStream>>,
}

impl Handle {
    /// Closes the connection both ways: the client reads the end of the
    /// stream where it waits for an answer.
    pub(crate) fn drop_connection(&self) -> bool {
        self.socket
            .as_ref()
            .is_some_and(|s| s.shutdown(Shutdown::Both).is_ok())
    }
}

impl axum::serve::Listener for Listener {
    type Io = TcpStream;
    type Addr = Handle;

    async fn accept(&mut self) -> (TcpStream, Handle) {
        loop {
            let Ok((stream, _)) = self.0.accept().await else {
                // As axum's own listener: a failed accept (too many open
                // files, say) is waited out, not fatal.
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            };
            // The same socket under a second descriptor; tokio keeps the
            // first (still non-blocking, as `from_std` needs).
            let Ok(std) = stream.into_std() else { continue };
            let second = std.try_clone().ok().map(Arc::new);
            let Ok(stream) = TcpStream::from_std(std) else {
                continue;
            };
            return (stream, Handle { socket: second });
        }
    }

    fn local_addr(&self) -> std::io::Result<Handle> {
        self.0
            .local_addr()
            .map(|_: SocketAddr| Handle { socket: None })
    }
}

impl Connected<IncomingStream<'_, Listener>> for Handle {
    fn connect_info(stream: IncomingStream<'_, Listener>) -> Self {
        stream.remote_addr().clone()
    }
}
