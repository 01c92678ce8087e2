//! A whole request body must arrive within one deadline. The body-read
//! timeout (`tower_http`'s, set where connections are served) restarts with every
//! piece, so a client sending one byte every few seconds held a connection
//! (and with a thousand such sockets, every connection) for as long as it
//! liked; this deadline counts from the first read of the body and does not
//! restart. Past it, the body fails with [`BodyDeadlineExceeded`], which the
//! routes that read bodies answer 408 (as they answer a paused body).

use axum::body::{Body, Bytes};
use axum::extract::Request;
use http_body::{Frame, SizeHint};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Sleep;

/// The error of a body that did not arrive whole within its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyDeadlineExceeded;

impl std::fmt::Display for BodyDeadlineExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive whole within its deadline")
    }
}

impl std::error::Error for BodyDeadlineExceeded {}

/// A body that fails once `deadline` has passed since it was first read.
struct DeadlineBody {
    inner: Body,
    limit: Duration,
    deadline: Option<Pin<Box<Sleep>>>,
}

impl http_body::Body for DeadlineBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let limit = self.limit;
        let deadline = self.deadline.get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        if deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(axum::Error::new(BodyDeadlineExceeded))));
        }
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The request with its body bound to arrive within `limit` of its first read.
pub fn with_deadline(request: Request, limit: Duration) -> Request {
    request.map(|inner| Body::new(DeadlineBody { inner, limit, deadline: None }))
}

/// Whether `error` (or one of its sources) is a body that missed its deadline.
pub fn missed(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(error);
    while let Some(error) = source {
        if error.is::<BodyDeadlineExceeded>() {
            return true;
        }
        source = error.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[tokio::test]
    async fn a_trickling_body_fails_at_the_deadline_and_a_prompt_one_arrives() {
        // One byte every 50 ms: a per-piece timeout would never fire; the deadline does.
        let trickle = futures_util::stream::iter(0..100).then(|i| async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok::<_, std::io::Error>(Bytes::from(vec![i as u8]))
        });
        let request = Request::new(Body::from_stream(trickle));
        let started = std::time::Instant::now();
        let request = with_deadline(request, Duration::from_millis(400));
        let error = axum::body::to_bytes(request.into_body(), usize::MAX).await.expect_err("past the deadline");
        assert!(missed(&error), "{error}");
        assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
        let prompt = with_deadline(Request::new(Body::from("{\"seed\":1}")), Duration::from_secs(5));
        assert_eq!(axum::body::to_bytes(prompt.into_body(), usize::MAX).await.unwrap(), "{\"seed\":1}");
    }
}
