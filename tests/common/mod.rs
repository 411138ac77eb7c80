//! Small servers on 127.0.0.1 for the tests: an axum app for well-formed
//! answers, and raw TCP for faults no framework would produce.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use axum::Router;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What a test server saw: one entry per request.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub uri: String,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
}

#[derive(Clone, Default)]
pub struct Log(pub Arc<Mutex<Vec<Seen>>>);

impl Log {
    pub fn requests(&self) -> Vec<Seen> {
        self.0.lock().unwrap().clone()
    }
}

/// Serves `router` on a random loopback port; returns its base URL.
pub async fn serve(router: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

/// A server that answers every request with `status`, `content_type`,
/// `X-request-id: request_id` and `body`, recording what it received.
pub async fn answering(
    status: u16,
    content_type: &'static str,
    request_id: &'static str,
    reply: &'static str,
) -> (String, Log) {
    let log = Log::default();
    let seen = log.clone();
    let router = Router::new().fallback(move |req: axum::extract::Request| {
        let seen = seen.clone();
        async move {
            let (parts, body) = req.into_parts();
            let body = axum::body::to_bytes(body, 1 << 20).await.unwrap().to_vec();
            seen.0.lock().unwrap().push(Seen {
                method: parts.method.to_string(),
                uri: parts.uri.to_string(),
                headers: parts.headers,
                body,
            });
            axum::response::Response::builder()
                .status(status)
                .header("content-type", content_type)
                .header("X-request-id", request_id)
                .body(axum::body::Body::from(reply))
                .unwrap()
        }
    });
    (serve(router).await, log)
}

/// A raw TCP server: reads one request head, then calls `act` with the
/// socket (to write garbage, close, or stall).
pub async fn raw<F, Fut>(act: F) -> String
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let act = Arc::new(act);
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let act = act.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let _ = socket.read(&mut buf).await;
                act(socket).await;
            });
        }
    });
    format!("http://{addr}")
}

/// Writes `bytes` and closes.
pub async fn write_and_close(mut socket: tokio::net::TcpStream, bytes: &'static [u8]) {
    let _ = socket.write_all(bytes).await;
    let _ = socket.shutdown().await;
}
