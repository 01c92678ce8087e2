//! What the three research panels (Monte Carlo, sweep, sensitivity) share:
//! one state machine (idle, running, done, cancelled, failed) over a
//! server-sent-event stream of `progress` events and one final event, one
//! progress view, and one reading of the server's errors. Each panel keeps
//! only its own controls and the view of its result.
//!
//! The page marks the body with `data-<marker>` (`running`, `done`,
//! `cancelled`, `error`), `data-<marker>-progress` (`done/runs`) and
//! `data-<marker>-ms` (click to result), for the browser tests and for
//! anyone timing the page.

use super::stream::{self, Slot};
use crate::browser::{now_ms, set_body_attribute};
use crate::wire::{ErrorBody, ProgressEvent};
use leptos::prelude::*;

/// What went wrong, with the field at fault when the server named one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    /// The field the server named (empty when none, or `server`).
    pub(crate) field: String,
    /// What to show.
    pub(crate) text: String,
}

impl Failure {
    fn plain(text: impl Into<String>) -> Self {
        Self { field: String::new(), text: text.into() }
    }
}

/// A failure from an `error` event's data, or from a response's status and body.
pub(crate) fn failure(status: u16, body: &str) -> Failure {
    let Ok(ErrorBody { error, .. }) = serde_json::from_str::<ErrorBody>(body) else {
        return Failure::plain(match status {
            0 => "the server could not be reached".to_string(),
            200 => "the connection to the server was lost; run it again".to_string(),
            status => format!("the server answered {status}"),
        });
    };
    if error.field.is_empty() || error.field == "server" {
        Failure { field: error.field, text: error.message }
    } else {
        Failure { text: format!("{}: {} (allowed: {})", error.field, error.message, error.allowed), field: error.field }
    }
}

/// Where a batch stands.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum BatchState<T> {
    Idle,
    Running { done: u32, runs: u32 },
    Done(T),
    Cancelled { done: u32, runs: u32 },
    Failed(Failure),
}

/// One panel's batch: its state, and the stream it runs on.
pub(crate) struct Batch<T: Send + Sync + 'static> {
    /// Where it stands.
    pub(crate) state: RwSignal<BatchState<T>>,
    slot: Slot,
    marker: &'static str,
    started: StoredValue<f64>,
    /// Which click the stream's events belong to (a late answer to an older one is dropped).
    attempt: StoredValue<u32>,
}

impl<T: Send + Sync + 'static> Clone for Batch<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Batch<T> {}

impl<T: Clone + PartialEq + Send + Sync + 'static> Batch<T> {
    /// A batch on `slot`'s stream, marking the body with `data-<marker>`,
    /// reset (and its stream closed) whenever the scenario (`query`) changes.
    pub(crate) fn new(slot: Slot, marker: &'static str, query: Memo<String>) -> Self {
        let batch =
            Self { state: RwSignal::new(BatchState::Idle), slot, marker, started: StoredValue::new(0.0), attempt: StoredValue::new(0) };
        stream::stop_on_new_scenario(slot, query, move || {
            if batch.state.get_untracked() != BatchState::Idle {
                batch.state.set(BatchState::Idle);
            }
        });
        batch
    }

    /// Whether it is running (tracked).
    pub(crate) fn running(self) -> bool {
        matches!(self.state.get(), BatchState::Running { .. })
    }

    fn mark(self, suffix: &str, value: &str) {
        let name = if suffix.is_empty() { format!("data-{}", self.marker) } else { format!("data-{}-{suffix}", self.marker) };
        set_body_attribute(&name, value);
    }

    fn fail(self, failure: Failure) {
        self.mark("", "error");
        self.state.set(BatchState::Failed(failure));
    }

    /// Fails before starting (a check on the page), saying why.
    pub(crate) fn refuse(self, text: impl Into<String>) {
        self.fail(Failure::plain(text));
    }

    /// Opens `url` and follows it: `progress` events until `final_event`,
    /// whose data `read` turns into the result (given the milliseconds since
    /// the click), or an error. `runs` is the expected count until the server says.
    pub(crate) fn start(
        self,
        url: String,
        runs: u32,
        final_event: &'static str,
        read: impl Fn(&str, f64) -> Result<T, String> + Clone + 'static,
    ) {
        let this = self.attempt.get_value() + 1;
        self.attempt.set_value(this);
        let current = move || self.attempt.get_value() == this && matches!(self.state.get_untracked(), BatchState::Running { .. });
        self.started.set_value(now_ms());
        self.mark("", "running");
        self.mark("progress", &format!("0/{runs}"));
        self.state.set(BatchState::Running { done: 0, runs });
        let heard = StoredValue::new(false);
        let again = url.clone();
        let events: &'static [&'static str] = match final_event {
            "bands" => &["progress", "bands"],
            "sweep" => &["progress", "sweep"],
            "sensitivity" => &["progress", "sensitivity"],
            _ => &["progress"],
        };
        let opened = stream::open(self.slot, &url, events, move |name, data| {
            if !current() {
                return;
            }
            match name {
                "progress" => {
                    if let Ok(p) = serde_json::from_str::<ProgressEvent>(&data) {
                        heard.set_value(true);
                        // Runs finish on several threads: a count can arrive after a larger one.
                        let done = match self.state.get_untracked() {
                            BatchState::Running { done: shown, .. } => p.done.max(shown),
                            _ => p.done,
                        };
                        self.mark("progress", &format!("{done}/{}", p.runs));
                        self.state.set(BatchState::Running { done, runs: p.runs });
                    }
                }
                "error" => {
                    stream::close(self.slot);
                    if !data.is_empty() {
                        self.fail(failure(200, &data));
                    } else if heard.get_value() {
                        self.fail(failure(200, ""));
                    } else {
                        // Refused before it started (a 400 names the field): ask again for the reason.
                        stream::reason(&again, move |status, body| {
                            if current() {
                                self.fail(failure(status, &body));
                            }
                        });
                    }
                }
                _ => {
                    stream::close(self.slot);
                    let ms = now_ms() - self.started.get_value();
                    match read(&data, ms) {
                        Ok(result) => {
                            if let BatchState::Running { runs, .. } = self.state.get_untracked() {
                                self.mark("progress", &format!("{runs}/{runs}"));
                            }
                            self.mark("", "done");
                            self.mark("ms", &format!("{ms:.0}"));
                            self.state.set(BatchState::Done(result));
                        }
                        Err(text) => self.fail(Failure::plain(text)),
                    }
                }
            }
        });
        if let Err(text) = opened {
            self.fail(Failure::plain(text));
        }
    }

    /// Stops it (closing the stream tells the server to stop the work).
    pub(crate) fn cancel(self) {
        stream::close(self.slot);
        if let BatchState::Running { done, runs } = self.state.get_untracked() {
            self.mark("", "cancelled");
            self.state.set(BatchState::Cancelled { done, runs });
        }
    }
}

/// The batch's progress bar, or why it stopped: `what` names it ("Monte
/// Carlo", "sweep"), `count` words the progress (`done`, `runs`). Classes
/// carry the body marker too (`sweep-error`, `mc-cancelled`, ...).
pub(crate) fn progress_view<T: Clone + PartialEq + Send + Sync + 'static>(
    batch: Batch<T>,
    what: &'static str,
    count: impl Fn(u32, u32) -> String + Send + Sync + 'static,
) -> impl IntoView {
    let marker = batch.marker;
    move || match batch.state.get() {
        BatchState::Running { done, runs } => view! {
            <div class="mc-progress" role="status">
                <progress max=runs.max(1).to_string() value=done.to_string() aria-label=format!("{what} progress")></progress>
                <span class=format!("mc-count {marker}-count")>{count(done, runs)}</span>
            </div>
        }
        .into_any(),
        BatchState::Cancelled { done, runs } => view! {
            <p class=format!("mc-message mc-cancelled {marker}-cancelled") role="status">
                {format!("Cancelled after {done} of {runs} runs; the server stopped the rest.")}
            </p>
        }
        .into_any(),
        BatchState::Failed(failure) => view! {
            <p class=format!("mc-message mc-error {marker}-error") role="alert" data-field=failure.field>
                {format!("The {what} did not run: {}", failure.text)}
            </p>
        }
        .into_any(),
        BatchState::Idle | BatchState::Done(_) => ().into_any(),
    }
}

/// A research panel's frame: its section, heading and introduction, around
/// its controls and results (`children`).
#[component]
pub(crate) fn Panel(
    /// The section's id and class (`montecarlo`, `sweep`, `sensitivity`).
    id: &'static str,
    /// Its heading.
    title: &'static str,
    /// What it does, in plain words.
    intro: String,
    children: Children,
) -> impl IntoView {
    let (heading, labelled_by) = (format!("{id}-title"), format!("{id}-title"));
    view! {
        <section class=id id=id aria-labelledby=labelled_by>
            <h2 id=heading>{title}</h2>
            <p class="mc-intro">{intro}</p>
            {children()}
        </section>
    }
}

/// "N of M runs".
pub(crate) fn runs_count(done: u32, runs: u32) -> String {
    format!("{done} of {runs} runs")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_error_names_its_field_and_what_is_allowed() {
        let body = r#"{"error":{"field":"runs","message":"0 is out of range","allowed":"1 to 1000"}}"#;
        assert_eq!(failure(400, body), Failure { field: "runs".into(), text: "runs: 0 is out of range (allowed: 1 to 1000)".into() });
        let busy = r#"{"error":{"field":"server","message":"the server is busy","allowed":"retry later"}}"#;
        assert_eq!(failure(503, busy), Failure { field: "server".into(), text: "the server is busy".into() });
        assert_eq!(failure(0, "").text, "the server could not be reached");
        assert_eq!(failure(200, "").text, "the connection to the server was lost; run it again");
        assert_eq!(failure(502, "<html>").text, "the server answered 502");
    }
}
