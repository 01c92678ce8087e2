//! The page's server function, `POST /api/page-view`: the run view of a
//! share link, for the page after each change (on the server it runs the
//! scenario through the server's run service and draws the charts).

pub use api::{simulate, Simulate};

/// The server function (its generated argument struct has undocumented fields).
#[allow(missing_docs)]
mod api {
    use crate::run_view::RunView;

    /// Runs the scenario of a share-link `query` (and the pinned baselines of
    /// `baselines`, their link keys `base1=...&base1_name=...`, if any) and returns the page's figures and charts, drawn for a
    /// phone screen when `compact`, with the bands of the Monte Carlo of
    /// `bands` seeds of this scenario when the server holds it. (The JSON API's
    /// `/api/simulate` is another route: this one serves the page.)
    #[leptos::server(prefix = "/api", endpoint = "page-view")]
    pub async fn simulate(
        query: String,
        baselines: Option<String>,
        compact: bool,
        bands: Option<u32>,
    ) -> Result<RunView, leptos::prelude::ServerFnError> {
        let (runs, asker) = crate::runs::from_context().map_err(leptos::prelude::ServerFnError::new)?;
        crate::render::run_view(&runs, asker, query, baselines, compact, bands).await.map_err(|refusal| {
            // Busy or stopping: a 503 saying when to retry, as the API answers.
            if let (Some(secs), Some(response)) = (refusal.retry_after_secs, leptos::prelude::use_context::<leptos_axum::ResponseOptions>())
            {
                response.set_status(http::StatusCode::SERVICE_UNAVAILABLE);
                response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
            }
            leptos::prelude::ServerFnError::new(refusal.message)
        })
    }
}
