//! Server-sent-event streams of the research panels (`EventSource` in the
//! browser; on the server, opening one is an error and closing a no-op). Each
//! panel has its own slot, holding at most one open stream; opening a stream
//! closes the slot's previous one, and closing it tells the server to stop.

use leptos::prelude::*;

/// Which panel's stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// The Monte Carlo and the tornado (they share one: starting one stops the other).
    Batch,
    /// The sweep.
    Sweep,
}

#[cfg(feature = "hydrate")]
mod js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        pub type EventSource;
        #[wasm_bindgen(constructor, catch)]
        pub fn new(url: &str) -> Result<EventSource, JsValue>;
        #[wasm_bindgen(method)]
        pub fn close(this: &EventSource);
        #[wasm_bindgen(method, js_name = addEventListener)]
        pub fn add_event_listener(this: &EventSource, name: &str, listener: &Closure<dyn FnMut(JsValue)>);

        pub type MessageEventLike;
        #[wasm_bindgen(method, getter)]
        pub fn data(this: &MessageEventLike) -> JsValue;

        pub type Thenable;
        #[wasm_bindgen(js_name = fetch)]
        pub fn fetch(url: &str) -> Thenable;
        #[wasm_bindgen(method)]
        pub fn then(this: &Thenable, on_ok: &JsValue, on_error: &JsValue) -> Thenable;

        pub type FetchResponse;
        #[wasm_bindgen(method, getter)]
        pub fn status(this: &FetchResponse) -> u16;
        #[wasm_bindgen(method)]
        pub fn text(this: &FetchResponse) -> Thenable;
        #[wasm_bindgen(method, getter)]
        pub fn body(this: &FetchResponse) -> Option<BodyStream>;

        pub type BodyStream;
        #[wasm_bindgen(method)]
        pub fn cancel(this: &BodyStream) -> Thenable;
    }
}

#[cfg(feature = "hydrate")]
type Open = (js::EventSource, Vec<wasm_bindgen::closure::Closure<dyn FnMut(wasm_bindgen::JsValue)>>);

#[cfg(feature = "hydrate")]
thread_local! {
    static OPEN: std::cell::RefCell<[Option<Open>; 2]> = const { std::cell::RefCell::new([None, None]) };
}

/// Opens `url` as the event stream of `slot` (closing its open one) and calls
/// `on_event(name, data)` for each event named in `events` and for `error`
/// (data empty when the connection itself failed).
pub(crate) fn open(
    slot: Slot,
    url: &str,
    events: &'static [&'static str],
    on_event: impl Fn(&str, String) + Clone + 'static,
) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::{JsCast, JsValue};
        close(slot);
        let source = js::EventSource::new(url).map_err(|e| format!("the browser could not open the stream: {e:?}"))?;
        let mut listeners = Vec::new();
        for &name in events.iter().chain(&["error"]) {
            let on_event = on_event.clone();
            let listener = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let data = event.unchecked_ref::<js::MessageEventLike>().data().as_string().unwrap_or_default();
                on_event(name, data);
            });
            source.add_event_listener(name, &listener);
            listeners.push(listener);
        }
        OPEN.with(|open| open.borrow_mut()[slot as usize] = Some((source, listeners)));
        Ok(())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (slot, url, events, on_event);
        Err("this needs the page's script".to_string())
    }
}

/// Closes the open stream of `slot`, if any (the server then stops the work).
pub(crate) fn close(slot: Slot) {
    #[cfg(feature = "hydrate")]
    {
        // Dropping the listeners inside one of them would free the running closure:
        // close now, drop them on the next turn of the event loop.
        if let Some((source, listeners)) = OPEN.with(|open| open.borrow_mut()[slot as usize].take()) {
            source.close();
            leptos::prelude::set_timeout(move || drop(listeners), std::time::Duration::from_millis(0));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = slot;
}

/// Closes the stream of `slot` and calls `reset` whenever the scenario
/// (`query`) changes, as results no longer describe it, and when the panel goes.
pub(crate) fn stop_on_new_scenario(slot: Slot, query: Memo<String>, reset: impl Fn() + 'static) {
    Effect::new(move |previous: Option<String>| {
        let current = query.get();
        if previous.is_some_and(|previous| previous != current) {
            close(slot);
            reset();
        }
        current
    });
    on_cleanup(move || close(slot));
}

/// An event stream that failed hides the response: asks `url` again and
/// calls `done(status, body)` (0 when unreachable; a 200 is cut off at once,
/// so that a sweep that would start now does not run twice).
pub(crate) fn reason(url: &str, done: impl FnOnce(u16, String) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use std::cell::RefCell;
        use std::rc::Rc;
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::{JsCast, JsValue};
        type Done = Rc<RefCell<Option<Box<dyn FnOnce(u16, String)>>>>;
        let done: Done = Rc::new(RefCell::new(Some(Box::new(done))));
        let call = |done: &Done, status: u16, body: String| {
            if let Some(f) = done.borrow_mut().take() {
                f(status, body);
            }
        };
        let answered = done.clone();
        let on_response = Closure::once_into_js(move |response: JsValue| {
            let response: js::FetchResponse = response.unchecked_into();
            let status = response.status();
            if status == 200 {
                if let Some(body) = response.body() {
                    let _ = body.cancel();
                }
                call(&answered, status, String::new());
            } else {
                let read = Closure::once_into_js(move |text: JsValue| call(&answered, status, text.as_string().unwrap_or_default()));
                let _ = response.text().then(&read, &JsValue::UNDEFINED);
            }
        });
        let on_error = Closure::once_into_js(move |_: JsValue| call(&done, 0, String::new()));
        let _ = js::fetch(url).then(&on_response, &on_error);
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (url, done);
    }
}
