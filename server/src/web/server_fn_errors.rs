//! The page's server function (`POST /api/page-view`) answers every error
//! with a 500, as server_fn does for any error. Arguments that do not decode
//! (a missing field, a wrong type, garbage) or a body that cannot be read are
//! the client's mistake: this layer turns those into a 400 with the API's
//! error shape, `{"error": {"field", "message", "allowed"}}`, and leaves the
//! function's own errors (which the page decodes and shows) as they are.

use crate::error::ApiError;
use axum::body::Body;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use leptos::prelude::ServerFnError;
use leptos::server_fn::error::{ServerFnErrorEncoding, SERVER_FN_ERROR_HEADER};
use leptos::server_fn::Decodes;

/// The longest server-function error body read back (they are one line).
const MAX_ERROR_BYTES: usize = 64 * 1024;

/// The arguments `/api/page-view` takes, for the error's `allowed`.
const PAGE_VIEW_ARGUMENTS: [&str; 4] = ["query", "baselines", "compact", "bands"];

/// What `/api/page-view` accepts, in words.
const PAGE_VIEW_ALLOWED: &str = "an application/x-www-form-urlencoded body: query (a share-link query), \
compact (true or false), and optionally baselines (the link keys of up to three named baselines, base1=...&base1_name=...) and bands (a whole number of seeds)";

/// Maps a server function's argument errors to a 400 (a `map_response` layer).
pub async fn client_errors_as_400(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || !response.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BYTES).await else {
        return Response::from_parts(parts, Body::empty());
    };
    match <ServerFnErrorEncoding as Decodes<ServerFnError>>::decode(bytes.clone()) {
        Ok(ServerFnError::Args(message) | ServerFnError::MissingArg(message)) => {
            ApiError::new(StatusCode::BAD_REQUEST, argument_named(&message), short(&message), PAGE_VIEW_ALLOWED).into_response()
        }
        // On the server this is the request body failing to read or decode.
        Ok(ServerFnError::Deserialization(message)) => {
            ApiError::new(StatusCode::BAD_REQUEST, "body", short(&message), PAGE_VIEW_ALLOWED).into_response()
        }
        _ => Response::from_parts(parts, Body::from(bytes)),
    }
}

/// The argument a decoding error names (serde says "missing field `compact`"), else `body`.
fn argument_named(message: &str) -> &'static str {
    PAGE_VIEW_ARGUMENTS.into_iter().find(|name| message.contains(&format!("`{name}`"))).unwrap_or("body")
}

/// The message, cut to a readable length (it may quote the client's input).
fn short(message: &str) -> String {
    const LONGEST: usize = 200;
    match message.char_indices().nth(LONGEST) {
        Some((end, _)) => format!("{}...", &message[..end]),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_argument_is_named_when_serde_names_it() {
        assert_eq!(argument_named("missing field `compact`"), "compact");
        assert_eq!(argument_named("invalid type: string \"x\", expected u32 for `bands`"), "bands");
        assert_eq!(argument_named("something else"), "body");
    }

    #[test]
    fn long_messages_are_cut() {
        assert_eq!(short(&"a".repeat(500)).len(), 203);
        assert_eq!(short("short"), "short");
    }
}
