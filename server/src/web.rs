//! `hashlab serve`: the web page, server-rendered with Leptos and hydrated
//! by the wasm bundle, plus the static files it needs.
//!
//! Routes:
//! - `/` the lab page (server-rendered: charts are in the first response);
//! - `/api/simulate` the server function the page calls after each change;
//! - `/pkg/*` the wasm bundle, its JS glue and the stylesheet, from
//!   `$HASHLAB_SITE_ROOT/pkg` (default `target/site/pkg`);
//! - `/export.csv?<share-link query>` the daily series of that run, as CSV
//!   (served by `api/exports.rs`, with the same errors as `/api/export.csv`);
//! - `/healthz` says `ok` once the server listens;
//! - `/sources` where every default comes from (the field table and the calibration figures);
//! - `/embed/chart/{chart}?<share-link query>` one chart to put in an `<iframe>`
//!   (the only route other sites may frame).
//! - `/api/*` the JSON API (see `api.rs`), and around everything the layers of
//!   `api::harden`: request ids, tracing, body limit, caught panics, security headers.
//!
//! Every route that runs the model, the page's included, goes through the one
//! run service (`crate::runs`), which the page finds in Leptos context.
//!
//! Responses are compressed (gzip or brotli, as the browser asks). Connections
//! are accepted within limits (see `web/connections.rs`): a header-read
//! timeout that also closes idle keep-alive connections, a write timeout for
//! clients that stop reading, a cap on open connections, and a drain deadline
//! for the graceful shutdown.

pub mod body_deadline;
mod compress;
pub mod connections;
mod embed;
mod server_fn_errors;
mod sources;

use crate::api;
use crate::config::Config;
use crate::runs::pool::CancelOnDrop;
use crate::runs::RunService;
use anyhow::Context;
use app::runs::Hangup;
use app::{shell, App};
use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The name wasm-bindgen gave the bundle (`--out-name`): `/pkg/app.js`, `/pkg/app_bg.wasm`.
pub const OUTPUT_NAME: &str = "app";

/// Serves the web page as `config` says until the process is asked to stop.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let bundle = config.site_root.join("pkg").join(format!("{OUTPUT_NAME}_bg.wasm"));
    if !bundle.exists() {
        tracing::warn!(
            "{} is missing: the page will render but not come alive (build the wasm side, see docs/web-build.md)",
            bundle.display()
        );
    }
    let service = RunService::new(&config);
    let router = router(&config, service.clone());
    tokio::spawn(service.clone().warm_up());
    tokio::spawn(crate::trim::watch());
    let listener = tokio::net::TcpListener::bind(config.addr).await.with_context(|| format!("cannot listen on {}", config.addr))?;
    let local = listener.local_addr()?;
    tracing::info!("serving Hashlab on http://{local}/ (site root {})", config.site_root.display());
    println!("Hashlab is on http://{local}/");
    connections::serve(listener, router, config.connections, crate::shutdown::on_signal(service, config.connections.drain)).await;
    Ok(())
}

/// The whole application as an axum router, its runs on `service`.
pub fn router(config: &Config, service: Arc<RunService>) -> Router {
    let site_root = &config.site_root;
    let options = LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(site_root.to_string_lossy().as_ref())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build();
    let page_runs = crate::runs::for_page(&service);
    let routes = generate_route_list(App);
    let pkg = Router::new()
        .fallback_service(ServeDir::new(site_root.join("pkg")).precompressed_br().precompressed_gzip())
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-cache")));
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/sources", get(sources::sources))
        .merge(api::router(service.clone()))
        .merge(Router::new().route("/embed/chart/{id}", get(embed::embed_chart)).with_state(service))
        .leptos_routes_with_context(
            &options,
            routes,
            move || {
                leptos::context::provide_context(page_runs.clone());
                api::security::page_csp();
            },
            {
                let options = options.clone();
                move || shell(options.clone())
            },
        )
        .nest("/pkg", pkg)
        .fallback(leptos_axum::file_and_error_handler(shell))
        .layer(axum::middleware::map_response(server_fn_errors::client_errors_as_400))
        .layer(axum::middleware::from_fn(mark_hangup))
        .layer(CompressionLayer::new().quality(compress::QUALITY).compress_when(compress::CompressSmall::default()))
        .with_state(options);
    api::harden(app)
}

/// Gives each request a [`Hangup`] flag, set if the request is dropped before
/// its response is ready (its client went away): the page's runs, which
/// Leptos renders on tasks of their own, stop on it.
async fn mark_hangup(mut request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let gone = Arc::new(std::sync::atomic::AtomicBool::new(false));
    request.extensions_mut().insert(Hangup(gone.clone()));
    let mut on_drop = CancelOnDrop(Some(gone));
    let response = next.run(request).await;
    on_drop.disarm();
    response
}
