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
/// (`worker/`, loaded once the page has rested after its first paint, see
/// [`warm_model_when_idle`], or at the first drag, never with the first paint): each
/// new value of the drag asks it for the charts of the scenario the release
/// would run, and the charts on the page are redrawn with them as they come.
/// Two workers (one on a single core) run the newest requests side by side;
/// only the newest request is kept waiting, and an answer older than one
/// already drawn is dropped. Each request asks for the charts on screen
/// only, redrawn with each answer; once the hand rests (150 ms without a new
/// answer) the worker that ran the last one draws the others from the run it
/// kept. Nothing on the server.
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
    {
        follow::start_workers();
        follow::watch_charts();
    }
}

/// The page is drawn: once it has rested a second, the model is loaded into
/// the workers and run once, on the page's scenario (`query`, charts drawn for
/// a phone when `compact`), so that the first drag finds it compiled and
/// optimised. A fresh worker's first run is slow while the browser's engine
/// optimises the model's hot code as it runs: measured in Chromium on this
/// 2-core machine, the default scenario's charts took 424-530 ms in a fresh
/// worker, 92-108 ms in the runs after it, and 102-104 ms from the first run in
/// a second worker started after it (the optimised code is shared). Loaded
/// that way, the model is not part of the first load (issue 22: it may load
/// after the first paint); not at all when the reader's browser asks to save
/// data, nor while no slider is shown (the projector view, the story embed).
pub(crate) fn warm_model_when_idle(query: &str, compact: bool) {
    #[cfg(feature = "hydrate")]
    follow::warm_when_idle(query, compact);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (query, compact);
    }
}

/// The drag is over: answers still on their way are not drawn (the run of the
/// released value comes from the server, and a late preview must not cover it).
pub(crate) fn stop_following() {
    #[cfg(feature = "hydrate")]
    follow::stop();
}

#[cfg(feature = "hydrate")]
mod follow {
    use crate::catalogue::{ChartId, ChartSet, CHARTS};
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

    /// A request for the charts of one scenario: those in `charts` (the ones on
    /// screen while the hand moves; the worker draws nine charts in a fifth of its
    /// time, and the page sees one or two of them).
    struct Request {
        id: u32,
        query: String,
        compact: bool,
        charts: ChartSet,
    }

    /// The workers and what they are doing.
    #[derive(Default)]
    struct Pool {
        /// Each worker, and the request it is running.
        workers: Vec<(web_sys::Worker, Option<Request>)>,
        /// The newest request no worker has taken yet (an older one is dropped:
        /// a dragged slider never leaves a queue of stale runs behind it).
        waiting: Option<Request>,
        /// The id of the last request made, and the first id still worth drawing.
        sent: u32,
        draw_from: u32,
        /// Charts of the newest answer not drawn yet because they were off screen
        /// (chart id, SVG), and the timer that draws them when the hand rests.
        off_screen: Vec<(ChartId, JsValue)>,
        catch_up: Option<i32>,
        /// The newest answer drawn: the worker that ran it (and keeps its run),
        /// its request, and the charts it did not bring (asked for when the hand rests).
        last_drawn: Option<(usize, Request)>,
        /// The request for those charts, once made (its answer is drawn whole).
        catching_up: Option<u32>,
        /// Which charts are on screen, as an observer reports it (see [`watch_charts`]).
        on_screen: OnScreen,
        /// The model's warm-up (once a page: [`warm_when_idle`]).
        warm_up: WarmUp,
        /// When the last request was sent to a worker (the page's clock, ms), a
        /// run's time in a worker as the latest answers tell (ms, 0 before the
        /// first), and the timer holding the request waiting until its turn.
        last_start_ms: f64,
        run_ms: f64,
        pacing: Option<i32>,
    }

    /// Where the model's warm-up stands.
    #[derive(Default, Clone, Copy)]
    enum WarmUp {
        /// Not asked for yet.
        #[default]
        NotPlanned,
        /// Waiting for the page to rest (the timer's handle).
        Waiting(i32),
        /// Started, or not wanted on this page.
        Done,
    }

    /// The charts on screen, kept by an `IntersectionObserver`: asking each
    /// chart's box with every answer forced a layout of the whole page (a
    /// third of the page's thread in a drag), the observer tells without one.
    #[derive(Default)]
    struct OnScreen {
        observer: Option<web_sys::IntersectionObserver>,
        /// The charts on screen; `None` until the observer's first report on
        /// the charts it watches now.
        ids: Option<Vec<ChartId>>,
    }

    impl OnScreen {
        /// The charts to ask for: those on screen, or all until the observer has told.
        fn wanted(&self) -> ChartSet {
            match &self.ids {
                Some(ids) if !ids.is_empty() => ChartSet::of(ids.iter().copied()),
                _ => ChartSet::ALL,
            }
        }
    }

    thread_local! {
        static POOL: RefCell<Pool> = RefCell::new(Pool::default());
    }

    /// The id of the warm-up run ([`warm_when_idle`]): never drawn (requests count from 1).
    const WARM_UP_ID: u32 = 0;
    /// How long the page rests after its latest redraw before the model is loaded
    /// and warmed, milliseconds (then in the browser's next idle moment).
    const WARM_AFTER_MS: i32 = 1_000;

    pub(super) fn warm_when_idle(query: &str, compact: bool) {
        let Some(window) = web_sys::window() else { return };
        let state = POOL.with(|pool| pool.borrow().warm_up);
        match state {
            WarmUp::Done => return,
            WarmUp::NotPlanned if saves_data(&window) => {
                POOL.with(|pool| pool.borrow_mut().warm_up = WarmUp::Done);
                return;
            }
            _ => {}
        }
        // The projector view and the story embed hide the controls: nothing to drag there.
        if !slider_shown(&window) {
            return;
        }
        // The page rests a while after its latest redraw first: a reader pressing keys
        // or typing values keeps the cores for the server's runs.
        if let WarmUp::Waiting(handle) = state {
            window.clear_timeout_with_handle(handle);
        }
        let request = Request { id: WARM_UP_ID, query: query.to_string(), compact, charts: ChartSet::ALL };
        let when_idle = Closure::once_into_js(move || {
            POOL.with(|pool| pool.borrow_mut().warm_up = WarmUp::Done);
            let warm = Closure::once_into_js(move || warm(request));
            let Some(window) = web_sys::window() else { return };
            // In the browser's next idle moment (within a second), where it can tell.
            let idle = js_sys::Reflect::get(&window, &JsValue::from_str("requestIdleCallback")).ok().filter(JsValue::is_function);
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &JsValue::from_str("timeout"), &JsValue::from(1_000));
            match idle {
                Some(idle) => {
                    let _ = idle.unchecked_into::<js_sys::Function>().call2(&window, &warm, &options);
                }
                None => {
                    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(warm.unchecked_ref(), 0);
                }
            }
        });
        let handle = window.set_timeout_with_callback_and_timeout_and_arguments_0(when_idle.unchecked_ref(), WARM_AFTER_MS).ok();
        POOL.with(|pool| pool.borrow_mut().warm_up = handle.map_or(WarmUp::Done, WarmUp::Waiting));
    }

    /// Whether a slider is on the page and not hidden (an element hidden by
    /// `display: none`, or inside one, has no `offsetParent`).
    fn slider_shown(window: &web_sys::Window) -> bool {
        window
            .document()
            .and_then(|document| document.query_selector("input.slider").ok().flatten())
            .and_then(|slider| js_sys::Reflect::get(&slider, &JsValue::from_str("offsetParent")).ok())
            .is_some_and(|parent| parent.is_object())
    }

    /// Whether the reader's browser asks pages to save data (`navigator.connection.saveData`).
    fn saves_data(window: &web_sys::Window) -> bool {
        js_sys::Reflect::get(&window.navigator(), &JsValue::from_str("connection"))
            .ok()
            .filter(|connection| connection.is_object())
            .and_then(|connection| js_sys::Reflect::get(&connection, &JsValue::from_str("saveData")).ok())
            .is_some_and(|save| save.is_truthy())
    }

    /// Loads the model and runs `request` in the first worker, unless a drag has
    /// already asked it for something (its runs warm the model just as well).
    fn warm(request: Request) {
        start_workers();
        POOL.with(|pool| {
            let mut pool = pool.borrow_mut();
            if pool.sent > 0 || pool.workers.is_empty() || pool.workers[0].1.is_some() {
                return;
            }
            send(&mut pool, 0, request);
        });
    }

    pub(super) fn ask(query: &str, compact: bool) {
        start_workers();
        POOL.with(|pool| {
            let mut pool = pool.borrow_mut();
            pool.sent += 1;
            let request = Request { id: pool.sent, query: query.to_string(), compact, charts: pool.on_screen.wanted() };
            pool.waiting = Some(request);
            dispatch(&mut pool);
        });
    }

    /// Sends the request waiting to a free worker, spacing the workers' starts
    /// evenly over a run: two workers that start together answer together, and
    /// the page then shows two frames a few milliseconds apart and none for a
    /// whole run (measured in Chromium on this machine, warm model: 24-26
    /// redraws in a 2-second drag, median gap 85-98 ms, fastest 2-15 ms). Held
    /// back until its turn, the request may be replaced by a newer one: the
    /// frame drawn is the newer value.
    fn dispatch(pool: &mut Pool) {
        let Some(free) = pool.workers.iter().position(|(_, running)| running.is_none()) else { return };
        if pool.waiting.is_none() {
            return;
        }
        let now = crate::browser::now_ms();
        let others_running = pool.workers.iter().any(|(_, running)| running.is_some());
        let due = pool.last_start_ms + pool.run_ms / pool.workers.len() as f64;
        if others_running && now < due {
            if pool.pacing.is_none() {
                let callback = Closure::once_into_js(|| {
                    POOL.with(|pool| {
                        let mut pool = pool.borrow_mut();
                        pool.pacing = None;
                        dispatch(&mut pool);
                    })
                });
                pool.pacing = web_sys::window().and_then(|window| {
                    window.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), (due - now).ceil() as i32).ok()
                });
            }
            return;
        }
        if let Some(request) = pool.waiting.take() {
            pool.last_start_ms = now;
            send(pool, free, request);
        }
    }

    /// How much of a new run time the estimate of a run's time takes (a moving average).
    const RUN_MS_WEIGHT: f64 = 0.3;

    pub(super) fn stop() {
        POOL.with(|pool| {
            let mut pool = pool.borrow_mut();
            pool.draw_from = pool.sent + 1;
            pool.waiting = None;
            pool.off_screen.clear();
            pool.last_drawn = None;
            cancel_catch_up(&mut pool);
            if let (Some(handle), Some(window)) = (pool.pacing.take(), web_sys::window()) {
                window.clear_timeout_with_handle(handle);
            }
        });
    }

    /// How long the hand rests before the charts off screen are drawn too, milliseconds.
    const CATCH_UP_MS: i32 = 150;

    fn cancel_catch_up(pool: &mut Pool) {
        if let (Some(handle), Some(window)) = (pool.catch_up.take(), web_sys::window()) {
            window.clear_timeout_with_handle(handle);
        }
    }

    /// The hand rested: draws the newest answer's charts that were off screen,
    /// and asks the worker that ran it for the charts it did not draw.
    fn catch_up() {
        let charts = POOL.with(|pool| {
            let mut pool = pool.borrow_mut();
            pool.catch_up = None;
            if let Some((index, last)) = pool.last_drawn.take() {
                if last.charts != ChartSet::ALL && pool.workers[index].1.is_none() {
                    let missing: Vec<ChartId> = CHARTS.iter().map(|chart| chart.id).filter(|id| !last.charts.has(*id)).collect();
                    pool.sent += 1;
                    let request = Request { id: pool.sent, charts: ChartSet::of(missing), ..last };
                    pool.catching_up = Some(request.id);
                    send(&mut pool, index, request);
                }
            }
            std::mem::take(&mut pool.off_screen)
        });
        let document = leptos::prelude::document();
        for (id, svg) in charts {
            if let Some(element) = chart_svg(&document, id) {
                set_markup(&element, &svg);
            }
        }
    }

    /// The element chart `id`'s SVG is drawn in on the page.
    fn chart_svg(document: &web_sys::Document, id: ChartId) -> Option<web_sys::Element> {
        document.query_selector(&format!("#chart-{id} .svg")).ok().flatten()
    }

    fn send(pool: &mut Pool, index: usize, request: Request) {
        let message = js_sys::Object::new();
        for (key, value) in [
            ("id", JsValue::from(request.id)),
            ("query", JsValue::from_str(&request.query)),
            ("charts", JsValue::TRUE),
            ("compact", JsValue::from_bool(request.compact)),
            ("only", JsValue::from(request.charts.0)),
        ] {
            let _ = js_sys::Reflect::set(&message, &JsValue::from_str(key), &value);
        }
        let (worker, running) = &mut pool.workers[index];
        *running = worker.post_message(&message).is_ok().then_some(request);
    }

    /// Starts the workers for the warm-up or the first drag (none if the browser cannot start
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
                pool.workers.push((worker, None));
            }
        });
    }

    /// Watches the charts now on the page (a release redraws them as new
    /// elements, so each drag watches afresh); the observer reports at once
    /// which are on screen, and again as they come and go.
    pub(super) fn watch_charts() {
        POOL.with(|pool| {
            let mut pool = pool.borrow_mut();
            if pool.on_screen.observer.is_none() {
                let report = Closure::<dyn FnMut(js_sys::Array)>::new(|entries: js_sys::Array| {
                    POOL.with(|pool| {
                        let mut pool = pool.borrow_mut();
                        let ids = pool.on_screen.ids.get_or_insert_with(Vec::new);
                        for entry in entries.iter() {
                            let entry: web_sys::IntersectionObserverEntry = entry.unchecked_into();
                            let chart = entry.target().closest(".chart").ok().flatten().and_then(|chart| chart.get_attribute("data-chart"));
                            let Some(id) = chart.and_then(|chart| crate::catalogue::chart(&chart)).map(|info| info.id) else { continue };
                            ids.retain(|known| *known != id);
                            if entry.is_intersecting() {
                                ids.push(id);
                            }
                        }
                    });
                });
                pool.on_screen.observer = web_sys::IntersectionObserver::new(report.as_ref().unchecked_ref()).ok();
                // The observer lives as long as the page.
                report.forget();
            }
            pool.on_screen.ids = None;
            let Some(observer) = pool.on_screen.observer.as_ref() else { return };
            observer.disconnect();
            if let Ok(charts) = leptos::prelude::document().query_selector_all(".chart .svg") {
                for index in 0..charts.length() {
                    if let Some(element) = charts.item(index).and_then(|node| node.dyn_into::<web_sys::Element>().ok()) {
                        observer.observe(&element);
                    }
                }
            }
        });
    }

    /// Whether chart `id`'s box (`element`) is on screen: as the observer last
    /// reported, or (before its first report) from the box itself.
    fn on_screen(element: &web_sys::Element, id: ChartId, height: f64) -> bool {
        let known = POOL.with(|pool| pool.borrow().on_screen.ids.as_ref().map(|ids| ids.contains(&id)));
        known.unwrap_or_else(|| {
            let rect = element.get_bounding_client_rect();
            rect.bottom() > 0.0 && rect.top() < height
        })
    }

    /// Worker `index` has answered: it takes the request waiting, if any, and
    /// the answer is drawn unless a newer one was drawn or the drag ended.
    fn answered(index: usize, event: web_sys::MessageEvent) {
        let data = event.data();
        let field = |key: &str| js_sys::Reflect::get(&data, &JsValue::from_str(key)).ok();
        let id = field("id").and_then(|v| v.as_f64()).map(|v| v as u32);
        let ms = field("ms").and_then(|v| v.as_f64());
        let (fresh, request) = POOL.with(|pool| {
            let mut pool = pool.borrow_mut();
            let request = pool.workers[index].1.take();
            // A drag's run (not the warm-up, not a catch-up drawn from a kept run) times the next ones.
            if let (Some(ms), Some(id)) = (ms, id) {
                if id != WARM_UP_ID && pool.catching_up != Some(id) {
                    pool.run_ms = if pool.run_ms > 0.0 { pool.run_ms + RUN_MS_WEIGHT * (ms - pool.run_ms) } else { ms };
                }
            }
            dispatch(&mut pool);
            let fresh = id.is_some_and(|id| id != WARM_UP_ID && id >= pool.draw_from);
            if let (true, Some(id)) = (fresh, id) {
                pool.draw_from = id + 1;
            }
            (fresh, request)
        });
        if id == Some(WARM_UP_ID) {
            // For tests and tools: the warm-up's time in the worker, or why it failed.
            super::set_body_attribute("data-model-warm", &ms.map_or_else(|| "failed".to_string(), |ms| format!("{ms:.0}")));
        }
        let (true, Some(id), Some(request)) = (fresh, id, request) else { return };
        // The answer to the request for the charts a drag's last answer did not bring: drawn whole.
        let catching_up = POOL.with(|pool| pool.borrow_mut().catching_up.take_if(|asked| *asked == id).is_some());
        // Each chart's SVG stays a string of the page's script, set as the chart's markup
        // as it is: reading the answer as JSON in Rust took the page's thread about ten
        // milliseconds an answer in a drag.
        let Some(charts) = field("charts").and_then(|v| v.dyn_into::<js_sys::Array>().ok()) else { return };
        let headlines: Vec<EndFigure> = field("headlines")
            .and_then(|v| v.dyn_into::<js_sys::Array>().ok())
            .map(|list| list.iter().filter_map(|figure| end_figure(&figure)).collect())
            .unwrap_or_default();
        let charts = charts.iter().filter_map(|chart| {
            let text = |key: &str| js_sys::Reflect::get(&chart, &JsValue::from_str(key)).ok();
            let id = crate::catalogue::chart(&text("id")?.as_string()?)?.id;
            Some(Drawn { id, svg: text("svg").filter(JsValue::is_string)? })
        });
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
                if catching_up || on_screen(&element, chart.id, height) {
                    Some((element, chart))
                } else {
                    off_screen.push((chart.id, chart.svg));
                    None
                }
            })
            .collect();
        for (element, chart) in placed {
            set_markup(&element, &chart.svg);
        }
        if !catching_up {
            POOL.with(|pool| {
                let mut pool = pool.borrow_mut();
                pool.off_screen = off_screen;
                pool.last_drawn = Some((index, request));
                cancel_catch_up(&mut pool);
                let callback = Closure::once_into_js(catch_up);
                pool.catch_up = web_sys::window().and_then(|window| {
                    window.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), CATCH_UP_MS).ok()
                });
            });
        }
        // What the charts now show, for tests and tools: the request and the link it drew.
        if let Some(body) = document.body() {
            let _ = body.set_attribute("data-followed", &id.to_string());
            if let Some(query) = field("query").and_then(|v| v.as_string()) {
                let _ = body.set_attribute("data-followed-query", &query);
            }
        }
    }

    /// One chart as the worker draws it: its SVG markup, a string of the page's script.
    struct Drawn {
        id: ChartId,
        svg: JsValue,
    }

    /// Sets `element`'s markup to `svg` (a string), without a copy through Rust.
    fn set_markup(element: &web_sys::Element, svg: &JsValue) {
        let _ = js_sys::Reflect::set(element, &JsValue::from_str("innerHTML"), svg);
    }

    /// A headline figure of the worker's answer (`{ id, value, change }`).
    fn end_figure(figure: &JsValue) -> Option<EndFigure> {
        let text = |key: &str| js_sys::Reflect::get(figure, &JsValue::from_str(key)).ok()?.as_string();
        Some(EndFigure { id: text("id")?, value: text("value")?, change: text("change")? })
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
