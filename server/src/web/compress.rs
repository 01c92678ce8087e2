//! Which responses are gzip- or brotli-encoded: `tower_http`'s defaults (not
//! images, not event streams, not tiny bodies), and not bodies over
//! [`MAX_COMPRESSED_BYTES`]. Compression runs on the async threads as the
//! body is sent: eight 22 MB exports being compressed at once held
//! `/healthz` up to 2.5 s (p99). A large export is sent as it is.

use axum::http::Response;
use http_body::Body;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};

/// Brotli quality 2 (and gzip level 2), not tower-http's 4 (and 6): a page-view
/// answer (about 420 KB of JSON, most of it SVG) is compressed in a third of
/// the time, and each change of the page waits for it. Measured on the default
/// page: the HTML 104.9 KB at 4, 109.0 KB at 2; a page-view answer 76.7 KB
/// at 4, 77.6 KB at 2.
pub const QUALITY: tower_http::CompressionLevel = tower_http::CompressionLevel::Precise(2);

/// The largest body that is compressed, bytes.
pub const MAX_COMPRESSED_BYTES: u64 = 1 << 20;

/// The predicate of the compression layer.
#[derive(Clone, Default)]
pub struct CompressSmall(DefaultPredicate);

impl Predicate for CompressSmall {
    fn should_compress<B: Body>(&self, response: &Response<B>) -> bool {
        response.body().size_hint().lower() <= MAX_COMPRESSED_BYTES && self.0.should_compress(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body as AxumBody;

    #[test]
    fn large_bodies_are_sent_as_they_are() {
        let predicate = CompressSmall::default();
        let response =
            |bytes: usize| Response::builder().header("content-type", "application/json").body(AxumBody::from(vec![b'1'; bytes])).unwrap();
        assert!(predicate.should_compress(&response(100_000)));
        assert!(!predicate.should_compress(&response(2_000_000)));
        assert!(!predicate.should_compress(&response(10)), "tiny bodies, as the defaults say");
    }
}
