//! The page's server function, `POST /api/page-view`: the run view of a
//! share link, for the page after each change (on the server it runs the
//! scenario through the server's run service and draws the charts).

pub use api::{simulate, Simulate};

#[cfg(feature = "hydrate")]
pub use early::{answer, start_early, Ask};

/// A change's page-view request, sent as the change is made. The page goes
/// through the link for every change: it navigates, the router and the
/// controls catch up, and only then does the run's resource ask the server,
/// 8-10 ms after the key or the pointer (traced in Chromium). Sent at the
/// start instead, the request's run on the server overlaps that work, and the
/// resource takes the answer on its way when it asks the same question.
#[cfg(feature = "hydrate")]
mod early {
    use super::simulate;
    use crate::run_view::RunView;
    use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
    use leptos::prelude::ServerFnError;
    use std::cell::RefCell;
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Waker};

    /// What the page asks the server for (the arguments of [`simulate`]).
    #[derive(Debug, Clone, PartialEq)]
    pub struct Ask {
        /// The share link without the page's own keys.
        pub query: String,
        /// The pinned baselines' link keys, if any.
        pub baselines: Option<String>,
        /// Charts drawn for a phone screen.
        pub compact: bool,
        /// Seeds of the kept Monte Carlo whose bands are shaded, if any.
        pub bands: Option<u32>,
    }

    type Answer = Result<RunView, ServerFnError>;
    type OnItsWay = Shared<LocalBoxFuture<'static, Answer>>;

    thread_local! {
        /// The request sent early and not yet taken (the newest only).
        static EARLY: RefCell<Option<(Ask, OnItsWay)>> = const { RefCell::new(None) };
    }

    /// Sends `ask` now, for the page's run to take (see [`answer`]).
    pub fn start_early(ask: Ask) {
        let request = simulate(ask.query.clone(), ask.baselines.clone(), ask.compact, ask.bands).boxed_local().shared();
        // Polled once here, the request leaves now rather than when the task ends.
        let mut first = request.clone();
        let _ = Pin::new(&mut first).poll(&mut Context::from_waker(Waker::noop()));
        leptos::task::spawn_local(request.clone().map(|_| ()));
        EARLY.with(|early| *early.borrow_mut() = Some((ask, request)));
    }

    /// The page's run of `ask`: the request sent early for it, or a new one.
    /// (A future the resource may hold: the page has one thread.)
    pub fn answer(ask: Ask) -> impl Future<Output = Answer> + Send {
        send_wrapper::SendWrapper::new(answer_here(ask))
    }

    async fn answer_here(ask: Ask) -> Answer {
        let early = EARLY.with(|early| {
            let mut early = early.borrow_mut();
            match early.take() {
                Some((sent, request)) if sent == ask => Some(request),
                other => {
                    *early = other;
                    None
                }
            }
        });
        match early {
            Some(request) => request.await,
            None => simulate(ask.query, ask.baselines, ask.compact, ask.bands).await,
        }
    }
}

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
