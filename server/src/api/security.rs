//! Layers around the whole app: request ids, tracing, a body limit, caught
//! panics, and security headers on every response.
//!
//! The Content-Security-Policy allows scripts from this origin only, plus
//! the wasm bundle (`'wasm-unsafe-eval'`) and the page's inline hydration
//! scripts, which carry the per-request nonce Leptos generates: the page's
//! policy is set by [`page_csp`] (run by Leptos for each page render), every
//! other response gets [`CSP`].

use crate::error::ApiError;
use axum::body::Body;
use axum::http::{header, HeaderName, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::any::Any;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// The policy of every response but the page: nothing inline.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The page's policy: [`CSP`] plus the inline scripts carrying `nonce`.
pub fn csp_with_nonce(nonce: &str) -> String {
    CSP.replacen("script-src 'self'", &format!("script-src 'self' 'nonce-{nonce}'"), 1)
}

/// Sets the page's Content-Security-Policy with this render's nonce. Pass it
/// as the `additional_context` of `leptos_routes_with_context`.
pub fn page_csp() {
    if let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), leptos::prelude::use_context::<leptos_axum::ResponseOptions>()) {
        // A page under the framable prefix (the story embed) may be framed by any site.
        let framable =
            leptos::prelude::use_context::<axum::http::request::Parts>().is_some_and(|parts| parts.uri.path().starts_with(FRAMABLE_PREFIX));
        let policy = csp_with_nonce(&nonce);
        let policy = if framable { policy.replace("frame-ancestors 'none'", "frame-ancestors *") } else { policy };
        if let Ok(value) = HeaderValue::from_str(&policy) {
            response.insert_header(header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The routes any site may frame (a chart or a story for a course page): every
/// other response says `X-Frame-Options: DENY` and `frame-ancestors 'none'`.
pub const FRAMABLE_PREFIX: &str = "/embed/";

/// `X-Frame-Options: DENY` on every response but the embeds'.
async fn deny_framing(request: Request<Body>, next: axum::middleware::Next) -> Response {
    let framable = request.uri().path().starts_with(FRAMABLE_PREFIX);
    let mut response = next.run(request).await;
    if !framable {
        response.headers_mut().insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    response
}

/// Wraps `router` in the layers, outermost last.
pub fn harden(router: Router) -> Router {
    router
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(RequestBodyLimitLayer::new(crate::config::MAX_BODY_BYTES))
        .layer(axum::middleware::map_response(json_413))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(axum::middleware::from_fn(deny_framing))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<Body>| {
                    let id = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", id = %id, method = %request.method(), path = %request.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(tower_http::LatencyUnit::Millis)),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// A panic in a handler: a JSON 500 with an id, logged.
fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let id = uuid::Uuid::new_v4().to_string();
    tracing::error!(panic_id = %id, panic = %crate::runs::pool::panic_text(&*panic), "a request handler panicked");
    ApiError::panicked(id).into_response()
}

/// The body limit's own 413 is plain text: make it the API's JSON error.
async fn json_413(response: Response) -> Response {
    let is_json = response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && !is_json {
        return ApiError::too_large(crate::config::MAX_BODY_BYTES).into_response();
    }
    response
}
