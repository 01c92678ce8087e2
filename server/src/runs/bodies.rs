//! A memory budget for large response bodies in flight. An export is built
//! whole (a 13,333-operator, 30-year run's JSON is 22.7 MB) and held until
//! the client has taken it; a client that never reads held it until the
//! write timeout, and a hundred such sockets held 2.5 GB. Each body over
//! [`SMALL_BODY_BYTES`] now takes its size from a budget (`HASHLAB_RESPONSE_MB`,
//! one client address at most a quarter of it) and gives it back when the
//! connection has taken the last of it or is closed; past the budget the
//! answer is a 503 with `Retry-After`, not more memory.

use crate::error::ApiError;
use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use http_body::{Frame, SizeHint};
use std::collections::HashMap;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// Bodies up to this size are sent without taking from the budget.
pub const SMALL_BODY_BYTES: usize = 256 * 1024;
/// The pieces a held body is handed to the connection in: the budget is
/// given back only after the connection has asked for the last one.
const PIECE_BYTES: usize = 64 * 1024;
/// The share of the budget one client address may hold.
const CLIENT_SHARE: usize = 4;

/// The budget, in bytes, and what each client address holds of it.
#[derive(Debug)]
pub struct BodyBudget {
    total: usize,
    held: Mutex<(usize, HashMap<Option<IpAddr>, usize>)>,
}

impl BodyBudget {
    /// A budget of `total` bytes.
    pub fn new(total: usize) -> Arc<Self> {
        Arc::new(Self { total, held: Mutex::new((0, HashMap::new())) })
    }

    /// Bytes held now.
    pub fn held_bytes(&self) -> usize {
        self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner).0
    }

    /// A place for a body of about `estimate` bytes for `client`, taken
    /// before the body is built (so a refused one costs nothing), or a 503.
    pub fn reserve(self: &Arc<Self>, client: Option<IpAddr>, estimate: usize) -> Result<Reservation, ApiError> {
        if estimate <= SMALL_BODY_BYTES {
            return Ok(Reservation { place: None });
        }
        let mut held = self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mine = held.1.get(&client).copied().unwrap_or(0);
        if held.0 + estimate > self.total || mine + estimate > self.total / CLIENT_SHARE {
            let mb = |b: usize| b as f64 / 1e6;
            return Err(ApiError {
                retry_after: Some(5),
                ..ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "server",
                    format!(
                        "responses in flight hold {:.0} MB of this server's {:.0} MB ({:.0} MB of them yours); this one is about {:.1} MB",
                        mb(held.0),
                        mb(self.total),
                        mb(mine),
                        mb(estimate)
                    ),
                    "retry once earlier downloads have been read",
                )
            });
        }
        held.0 += estimate;
        *held.1.entry(client).or_insert(0) += estimate;
        Ok(Reservation { place: Some(Held { budget: Arc::clone(self), client, size: estimate }) })
    }

    /// `bytes` as a response body for `client` (a reservation of its exact size).
    pub fn body(self: &Arc<Self>, client: Option<IpAddr>, bytes: Vec<u8>) -> Result<Body, ApiError> {
        Ok(self.reserve(client, bytes.len())?.body(bytes))
    }
}

/// A place in the budget taken before its body is built.
pub struct Reservation {
    place: Option<Held>,
}

impl Reservation {
    /// The body, holding its actual size (the estimate corrected) until sent or dropped.
    pub fn body(self, bytes: Vec<u8>) -> Body {
        let Some(mut place) = self.place else { return Body::from(bytes) };
        place.resize(bytes.len());
        Body::new(HeldBody { data: Bytes::from(bytes), sent: 0, _place: place })
    }
}

/// A body's share of the budget, given back when dropped.
struct Held {
    budget: Arc<BodyBudget>,
    client: Option<IpAddr>,
    size: usize,
}

impl Held {
    /// Charges `size` instead of what was reserved.
    fn resize(&mut self, size: usize) {
        let mut held = self.budget.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        held.0 = held.0 + size - self.size;
        if let Some(mine) = held.1.get_mut(&self.client) {
            *mine = *mine + size - self.size;
        }
        self.size = size;
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut held = self.budget.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        held.0 -= self.size;
        if let Some(mine) = held.1.get_mut(&self.client) {
            *mine -= self.size;
            if *mine == 0 {
                held.1.remove(&self.client);
            }
        }
    }
}

/// A whole body handed out in pieces, holding its place in the budget.
struct HeldBody {
    data: Bytes,
    sent: usize,
    _place: Held,
}

impl http_body::Body for HeldBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.sent >= self.data.len() {
            return Poll::Ready(None);
        }
        let end = (self.sent + PIECE_BYTES).min(self.data.len());
        let piece = self.data.slice(self.sent..end);
        self.sent = end;
        Poll::Ready(Some(Ok(Frame::data(piece))))
    }

    fn is_end_stream(&self) -> bool {
        self.sent >= self.data.len()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact((self.data.len() - self.sent) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn large_bodies_hold_their_size_until_dropped_and_the_budget_refuses_past_it() {
        let budget = BodyBudget::new(4_000_000);
        let (a, b): (Option<IpAddr>, Option<IpAddr>) = (Some("10.0.0.1".parse().unwrap()), Some("10.0.0.2".parse().unwrap()));
        let small = budget.body(a, vec![b'x'; 1_000]).expect("small bodies pass");
        assert_eq!(budget.held_bytes(), 0);
        let first = budget.body(a, vec![b'x'; 900_000]).expect("within a's quarter");
        assert_eq!(budget.held_bytes(), 900_000);
        assert!(budget.body(a, vec![b'x'; 900_000]).is_err(), "a's quarter (1 MB) is full");
        let other = budget.body(b, vec![b'y'; 900_000]).expect("b has its own quarter");
        // The whole body arrives, in pieces; the place is given back when the body is gone.
        let bytes = axum::body::to_bytes(first, usize::MAX).await.unwrap();
        assert_eq!(bytes.len(), 900_000);
        assert_eq!(budget.held_bytes(), 900_000, "only b's body is held now");
        drop(other);
        drop(small);
        assert_eq!(budget.held_bytes(), 0);
        let again = budget.body(a, vec![b'x'; 900_000]).expect("a's place came back");
        drop(again);
        // A reservation refuses before anything is built, and charges the actual size once built.
        let reserved = budget.reserve(b, 2_000_000);
        assert!(reserved.is_err(), "past b's quarter");
        let reserved = budget.reserve(b, 800_000).expect("within it");
        assert_eq!(budget.held_bytes(), 800_000);
        let body = reserved.body(vec![b'z'; 300_000]);
        assert_eq!(budget.held_bytes(), 300_000);
        drop(body);
        assert_eq!(budget.held_bytes(), 0);
    }
}
