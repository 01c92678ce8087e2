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
