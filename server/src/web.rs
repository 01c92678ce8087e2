//! `hashlab serve`: the web page, server-rendered with Leptos and hydrated
//! by the wasm bundle, plus the static files it needs.
//!
//! Routes:
//! - `/` the lab page (server-rendered: charts are in the first response);
//! - `/api/simulate` the server function the page calls after each change;
//! - `/pkg/*` the wasm bundle, its JS glue and the stylesheet, from
//!   `$HASHLAB_SITE_ROOT/pkg` (default `target/site/pkg`);
//! - `/export.csv?<share-link query>` the daily series of that run, as CSV
//!   (served by `api.rs`, on the same run pool and with the same errors as `/api/export.csv`);
//! - `/healthz` says `ok` once the server listens.
//! - `/api/*` the JSON API (see `api.rs`), and around everything the layers of
//!   `api::harden`: request ids, tracing, body limit, caught panics, security headers.
//!
//! Responses are compressed (gzip or brotli, as the browser asks). Connections
//! are accepted within limits (see `web/connections.rs`): a header-read
//! timeout that also closes idle keep-alive connections, a write timeout for
//! clients that stop reading, a cap on open connections, and a drain deadline
//! for the graceful shutdown.

#[path = "api.rs"]
pub mod api;
mod connections;
mod server_fn_errors;

use anyhow::Context;
use app::{shell, App};
use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::path::PathBuf;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Where the built site lives unless `HASHLAB_SITE_ROOT` says otherwise.
pub const DEFAULT_SITE_ROOT: &str = "target/site";

/// The name wasm-bindgen gave the bundle (`--out-name`): `/pkg/app.js`, `/pkg/app_bg.wasm`.
pub const OUTPUT_NAME: &str = "app";

/// The site root: `$HASHLAB_SITE_ROOT`, or [`DEFAULT_SITE_ROOT`].
pub fn site_root() -> PathBuf {
    std::env::var_os("HASHLAB_SITE_ROOT").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(DEFAULT_SITE_ROOT))
}

/// Serves the web page on `addr` until the process is stopped.
pub async fn serve(addr: SocketAddr) -> anyhow::Result<()> {
    let site_root = site_root();
    let bundle = site_root.join("pkg").join(format!("{OUTPUT_NAME}_bg.wasm"));
    if !bundle.exists() {
        tracing::warn!(
            "{} is missing: the page will render but not come alive (build the wasm side, see docs/web-build.md)",
            bundle.display()
        );
    }
    let limits = connections::Limits::from_env().map_err(anyhow::Error::msg)?;
    let router = router(addr, &site_root);
    tokio::spawn(app::render::warm_up());
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    tracing::info!("serving Hashlab on http://{local}/ (site root {})", site_root.display());
    println!("Hashlab is on http://{local}/");
    connections::serve(listener, router, limits, shutdown_signal()).await;
    Ok(())
}

/// The whole application as an axum router.
pub fn router(addr: SocketAddr, site_root: &std::path::Path) -> Router {
    let options = LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(site_root.to_string_lossy().as_ref())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    let routes = generate_route_list(App);
    let pkg = Router::new()
        .fallback_service(ServeDir::new(site_root.join("pkg")).precompressed_br().precompressed_gzip())
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-cache")));
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(api::router(&api::Config::from_env()))
        .leptos_routes_with_context(&options, routes, api::security::page_csp, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .nest("/pkg", pkg)
        .fallback(leptos_axum::file_and_error_handler(shell))
        .layer(axum::middleware::map_response(server_fn_errors::client_errors_as_400))
        .layer(CompressionLayer::new())
        .with_state(options);
    api::harden(app)
}

async fn shutdown_signal() {
    crate::web::api::stop_requested().await;
}
