//! Hashlab's server: the web page (server-rendered with Leptos, hydrated by
//! the wasm bundle), the JSON API, and the command line, over the pure
//! `simulation` crate.
//!
//! ```text
//!  main.rs ──> cli ──> web::serve ──> app(Config) ──> Router
//!                                      ├─ runs      the one run service: pool, caches, budget
//!                                      ├─ api/      the JSON API, one file per route family
//!                                      ├─ page      Leptos routes, with the run service in context
//!                                      └─ harden    request ids, tracing, limits, security headers
//! ```
//!
//! [`app`] builds a whole server from a [`Config`], so tests can build
//! several in one process; `hashlab serve` calls [`web::serve`].

pub mod api;
pub mod cli;
pub mod config;
pub mod error;
pub mod runs;
pub mod shutdown;
pub mod trim;
pub mod web;

pub use config::Config;

/// The whole application for `config` as an axum router: the page, the JSON
/// API, the static files and the hardening layers, over one run service.
pub fn app(config: &Config) -> axum::Router {
    web::router(config, runs::RunService::new(config))
}
