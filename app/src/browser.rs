//! The few things the page asks of the browser directly (timing, clipboard,
//! scrolling, pointer position). Each does nothing on the server, where the
//! same components are rendered to HTML.

use leptos::prelude::NodeRef;
#[cfg(feature = "hydrate")]
use leptos::prelude::{document, request_animation_frame, GetUntracked};

/// The pointer's position across the chart's plot box, 0..1.
pub(crate) fn pointer_fraction(ev: &leptos::ev::PointerEvent) -> Option<f64> {
    #[cfg(feature = "hydrate")]
    {
        // Events are delegated: find the plot box from the element under the pointer.
        use wasm_bindgen::JsCast;
        let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
        let plot = target.closest(".plot").ok()??;
        let rect = plot.get_bounding_client_rect();
        if rect.width() <= 0.0 {
            return None;
        }
        Some(((f64::from(ev.client_x()) - rect.left()) / rect.width()).clamp(0.0, 1.0))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        None
    }
}

/// The tag name of the element a key went to (`BUTTON`, `SELECT`, ...; empty on the server).
pub(crate) fn key_target_tag(ev: &leptos::ev::KeyboardEvent) -> String {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).map(|e| e.tag_name()).unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        String::new()
    }
}

/// Moves the keyboard's focus to the element with `id` (it needs a
/// `tabindex`), so that the next Tab goes on from there: what a skip link
/// promises. Nothing on the server.
pub(crate) fn focus_id(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(element) = document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = element.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
    }
}

/// Whether the window is phone-narrow (browser only; never on the server).
pub(crate) fn narrow_screen() -> bool {
    #[cfg(feature = "hydrate")]
    {
        const NARROWEST_WIDE_PX: f64 = 640.0;
        web_sys::window().and_then(|w| w.inner_width().ok()).and_then(|w| w.as_f64()).is_some_and(|width| width < NARROWEST_WIDE_PX)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

/// Milliseconds on the browser's clock (0 on the server).
pub(crate) fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

/// Runs `f` after the browser has laid out the current DOM (next animation frame).
pub(crate) fn after_paint(f: impl FnOnce() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        request_animation_frame(f);
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = f;
    }
}

/// Sets an attribute on `<body>` (browser only), for tests and timing.
pub(crate) fn set_body_attribute(name: &str, value: &str) {
    #[cfg(feature = "hydrate")]
    {
        if let Some(body) = document().body() {
            let _ = body.set_attribute(name, value);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (name, value);
    }
}

/// Scrolls the element with `id` into view (browser only).
pub(crate) fn scroll_to(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        if let Some(element) = document().get_element_by_id(id) {
            element.scroll_into_view();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
    }
}

/// The page's origin, e.g. `http://127.0.0.1:3000` (browser only).
pub(crate) fn page_origin() -> String {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

/// Selects the text of `input`, so that it can be copied by hand.
pub(crate) fn select_text(input: NodeRef<leptos::html::Input>) {
    #[cfg(feature = "hydrate")]
    {
        if let Some(input) = input.get_untracked() {
            input.select();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = input;
    }
}

/// Puts `text` on the clipboard; false where the page may not (no clipboard
/// API outside secure contexts).
pub(crate) fn copy_text(text: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsValue;
        let Some(window) = web_sys::window() else { return false };
        let clipboard = window.navigator().clipboard();
        let value: &JsValue = clipboard.as_ref();
        if value.is_undefined() || value.is_null() {
            return false;
        }
        let _ = clipboard.write_text(text);
        true
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = text;
        false
    }
}

/// The page follows a dragged slider by running the model in a Web Worker
/// (`worker/`, loaded at the first drag, never with the first paint): each
/// new value of the drag asks it for the charts of the scenario the release
/// would run, and the charts on the page are redrawn with them as they come.
/// Two workers (one on a single core) run the newest requests side by side;
/// only the newest request is kept waiting, and an answer older than one
/// already drawn is dropped. The charts on screen are redrawn with each
/// answer, the others once the hand rests (150 ms without a new one).
/// Nothing on the server.
pub(crate) fn follow_in_worker(query: &str, compact: bool) {
    #[cfg(feature = "hydrate")]
    follow::ask(query, compact);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (query, compact);
    }
}

/// A pointer is on a slider: the workers start loading the model now (once),
/// so that the drag's first value does not wait for it.
pub(crate) fn prepare_following() {
    #[cfg(feature = "hydrate")]
    follow::start_workers();
}

/// The drag is over: answers still on their way are not drawn (the run of the
/// released value comes from the server, and a late preview must not cover it).
pub(crate) fn stop_following() {
    #[cfg(feature = "hydrate")]
    follow::stop();
}

#[cfg(feature = "hydrate")]
mod follow {
    use crate::catalogue::ChartId;
    use crate::run_view::EndFigure;
    use std::cell::RefCell;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};

    /// The model's worker script (`make site` puts it beside the page's bundle).
    const WORKER_URL: &str = "/pkg/model-worker.js";
    /// The most workers the page runs at once: two runs in flight draw a new
    /// frame about twice as often while a slider moves (each run is serial),
    /// and more would only take the cores the page itself draws with.
    const MOST_WORKERS: usize = 2;

    /// A request for the charts of one scenario.
    struct Request {
        id: u32,
        query: String,
        compact: bool,
    }

    /// The workers and what they are doing.
    #[derive(Default)]
    struct Pool {
        /// Each worker, and whether it is running a request.
        workers: Vec<(web_sys::Worker, bool)>,
        /// The newest request no worker has taken yet (an older one is dropped:
        /// a dragged slider never leaves a queue of stale runs behind it).
        waiting: Option<Request>,
        /// The id of the last request made, and the first id still worth drawing.
        sent: u32,
        draw_from: u32,
        /// Charts of the newest answer not drawn yet because they were off screen
        /// (chart id, SVG), and the timer that draws them when the hand rests.
        off_screen: Vec<(ChartId, String)>,
        catch_up: Option<i32>,
    }

    thread_local! {
        static POOL: RefCell<Pool> = RefCell::new(Pool::default());
    }

    pub(super) fn ask(query: &str, compact: bool) {
        start_workers();
        POOL.with(|pool| {
            let mut pool = pool.borrow_mut();
            pool.sent += 1;
            let request = Request { id: pool.sent, query: query.to_string(), compact };
            match pool.workers.iter().position(|(_, busy)| !busy) {
                Some(index) => send(&mut pool, index, &request),
                None => pool.waiting = Some(request),
            }
        });
    }

    pub(super) fn stop() {
        POOL.with(|pool| {
            let mut pool = pool.borrow_mut();
            pool.draw_from = pool.sent + 1;
            pool.waiting = None;
            pool.off_screen.clear();
            cancel_catch_up(&mut pool);
        });
    }

    /// How long the hand rests before the charts off screen are drawn too, milliseconds.
    const CATCH_UP_MS: i32 = 150;

    fn cancel_catch_up(pool: &mut Pool) {
        if let (Some(handle), Some(window)) = (pool.catch_up.take(), web_sys::window()) {
            window.clear_timeout_with_handle(handle);
        }
    }

    /// Draws the newest answer's charts that were off screen (the hand rested).
    fn catch_up() {
        let charts = POOL.with(|pool| {
            let mut pool = pool.borrow_mut();
            pool.catch_up = None;
            std::mem::take(&mut pool.off_screen)
        });
        let document = leptos::prelude::document();
        for (id, svg) in charts {
            if let Some(element) = chart_svg(&document, id) {
                element.set_inner_html(&svg);
            }
        }
    }

    /// The element chart `id`'s SVG is drawn in on the page.
    fn chart_svg(document: &web_sys::Document, id: ChartId) -> Option<web_sys::Element> {
        document.query_selector(&format!("#chart-{id} .svg")).ok().flatten()
    }

    fn send(pool: &mut Pool, index: usize, request: &Request) {
        let message = js_sys::Object::new();
        for (key, value) in [
            ("id", JsValue::from(request.id)),
            ("query", JsValue::from_str(&request.query)),
            ("charts", JsValue::TRUE),
            ("compact", JsValue::from_bool(request.compact)),
        ] {
            let _ = js_sys::Reflect::set(&message, &JsValue::from_str(key), &value);
        }
        let (worker, busy) = &mut pool.workers[index];
        *busy = worker.post_message(&message).is_ok();
    }

    /// Starts the workers at the first drag (none if the browser cannot start
    /// one: then the page simply waits for the release, as without JavaScript's help).
    pub(super) fn start_workers() {
        POOL.with(|pool| {
            let mut pool = pool.borrow_mut();
            if !pool.workers.is_empty() {
                return;
            }
            let cores = web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency());
            let count = (cores as usize).clamp(1, MOST_WORKERS);
            for index in 0..count {
                let options = web_sys::WorkerOptions::new();
                options.set_type(web_sys::WorkerType::Module);
                let Ok(worker) = web_sys::Worker::new_with_options(WORKER_URL, &options) else { break };
                let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event| answered(index, event));
                worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
                // The handler lives as long as the page.
                on_message.forget();
                pool.workers.push((worker, false));
            }
        });
    }

    /// Worker `index` has answered: it takes the request waiting, if any, and
    /// the answer is drawn unless a newer one was drawn or the drag ended.
    fn answered(index: usize, event: web_sys::MessageEvent) {
        let data = event.data();
        let field = |key: &str| js_sys::Reflect::get(&data, &JsValue::from_str(key)).ok();
        let id = field("id").and_then(|v| v.as_f64()).map(|v| v as u32);
        let fresh = POOL.with(|pool| {
            let mut pool = pool.borrow_mut();
            pool.workers[index].1 = false;
            if let Some(request) = pool.waiting.take() {
                send(&mut pool, index, &request);
            }
            let fresh = id.is_some_and(|id| id >= pool.draw_from);
            if let (true, Some(id)) = (fresh, id) {
                pool.draw_from = id + 1;
            }
            fresh
        });
        let (true, Some(id)) = (fresh, id) else { return };
        let Some(answer) = field("view").and_then(|v| v.as_string()) else { return };
        let Ok(Answer { charts, headlines }) = serde_json::from_str::<Answer>(&answer) else { return };
        let document = leptos::prelude::document();
        write_headlines(&document, &headlines);
        // The charts on screen are drawn now; the others when the hand rests. Parsing
        // and laying out nine charts' SVG took the page's thread 92% of a drag, and
        // the workers' answers waited for it.
        let height = web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()).unwrap_or(f64::INFINITY);
        let mut off_screen = Vec::new();
        let placed: Vec<(web_sys::Element, Drawn)> = charts
            .into_iter()
            .filter_map(|chart| {
                let element = chart_svg(&document, chart.id)?;
                let rect = element.get_bounding_client_rect();
                if rect.bottom() > 0.0 && rect.top() < height {
                    Some((element, chart))
                } else {
                    off_screen.push((chart.id, chart.svg));
                    None
                }
            })
            .collect();
        for (element, chart) in placed {
            element.set_inner_html(&chart.svg);
        }
        POOL.with(|pool| {
            let mut pool = pool.borrow_mut();
            pool.off_screen = off_screen;
            cancel_catch_up(&mut pool);
            let callback = Closure::once_into_js(catch_up);
            pool.catch_up = web_sys::window().and_then(|window| {
                window.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), CATCH_UP_MS).ok()
            });
        });
        // What the charts now show, for tests and tools: the request and the link it drew.
        if let Some(body) = document.body() {
            let _ = body.set_attribute("data-followed", &id.to_string());
            if let Some(query) = field("query").and_then(|v| v.as_string()) {
                let _ = body.set_attribute("data-followed-query", &query);
            }
        }
    }

    /// The worker's answer: the page's charts and its headline figures.
    #[derive(serde::Deserialize)]
    struct Answer {
        charts: Vec<Drawn>,
        headlines: Vec<EndFigure>,
    }

    /// One chart as the worker draws it.
    #[derive(serde::Deserialize)]
    struct Drawn {
        id: ChartId,
        svg: String,
    }

    /// Writes each headline card's value and change as the worker's run ends.
    /// Only the text the page's own code writes there changes (the card's
    /// first text node in each), so the page goes on updating it (the
    /// playback cursor, the released run's view) as before.
    fn write_headlines(document: &web_sys::Document, headlines: &[EndFigure]) {
        for figure in headlines {
            let card = format!("[data-headline=\"{}\"]", figure.id);
            for (part, text) in [("headline-value", &figure.value), ("headline-change", &figure.change)] {
                let Some(element) = document.query_selector(&format!("{card} .{part}")).ok().flatten() else { continue };
                let nodes = element.child_nodes();
                let text_node = (0..nodes.length()).filter_map(|i| nodes.item(i)).find(|node| {
                    node.node_type() == web_sys::Node::TEXT_NODE && !node.text_content().unwrap_or_default().trim().is_empty()
                });
                if let Some(node) = text_node {
                    node.set_node_value(Some(text));
                }
            }
        }
    }
}
