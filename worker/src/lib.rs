//! The model in the browser: the scenario of a share link run in a Web
//! Worker (`worker/model-worker.js`), so the page can follow a dragged
//! slider without a round trip to the server.
//!
//! It is built for `wasm32-wasip1`, not `wasm32-unknown-unknown`: on the
//! latter plotters measures text with the browser's DOM (which a worker does
//! not have, and which would not measure as the server does); on WASI it uses
//! the same text metrics as the server, so the charts are the server's to the
//! byte. The worker script gives it the few WASI calls std makes (clock,
//! random seed, stderr) and calls the functions below through linear memory
//! ([`exports`]).
//!
//! The run is the server's to the byte: the model is deterministic (seeded
//! portable generators, `libm`), and browser tests
//! (`e2e/model_in_browser.test.mjs`) compare the CSV and the charts this
//! module makes in Chromium with the server's for the same link.

use app::catalogue::ChartSet;
use simulation::link;

/// The daily series (CSV, as `GET /api/export.csv` answers) of the run a
/// share-link query describes, read strictly: a wrong field is an error
/// naming it and its allowed values, never a silent default.
pub fn run_csv(query: &str) -> Result<String, String> {
    let parsed = link::from_query_strict(query, &[]).map_err(|error| error.to_string())?;
    let result = simulation::run(&parsed.scenario).map_err(|error| error.to_string())?;
    Ok(result.to_csv_string())
}

/// The page's charts for the run a share-link query describes, as the server
/// draws them for that link with no baselines pinned and no bands (`compact`:
/// for a phone), and its headline figures at the end of the run: a JSON
/// object `{ "charts": [{ "id", "svg" }], "headlines": [{ "id", "value",
/// "change" }] }`, each list in the page's order. The link is read as the
/// page reads it (a wrong field falls back to its default, as the page's run
/// does).
///
/// Only the charts in `charts` are drawn (a dragged slider redraws those on
/// screen, the rest once the hand rests). The last run is kept: asking again
/// for the same link (for the charts not drawn yet) draws without running.
pub fn run_charts(query: &str, compact: bool, charts: ChartSet) -> Result<String, String> {
    let parsed = link::from_query(query);
    LAST_RUN.with(|last| {
        let mut last = last.borrow_mut();
        if last.as_ref().is_none_or(|(kept, _)| kept != query) {
            *last = None;
            let run = simulation::run(&parsed.scenario).map_err(|error| error.to_string())?;
            *last = Some((query.to_string(), run));
        }
        let (_, run) = last.as_ref().expect("kept above");
        let (_, drawn) = app::render::page_charts_of(run, parsed.preset.as_deref(), &[], None, compact, |id| charts.has(id));
        let drawn: Vec<serde_json::Value> =
            drawn.into_iter().map(|chart| serde_json::json!({ "id": chart.id, "svg": chart.svg.markup })).collect();
        let headlines = app::render::headlines::end_figures(run);
        serde_json::to_string(&serde_json::json!({ "charts": drawn, "headlines": headlines })).map_err(|error| error.to_string())
    })
}

thread_local! {
    /// The last link run for its charts, and its run.
    static LAST_RUN: std::cell::RefCell<Option<(String, simulation::RunResult)>> = const { std::cell::RefCell::new(None) };
}

/// The functions the worker script calls. Strings go in and out through the
/// module's memory: the script asks for `len` bytes (`hashlab_alloc`), writes
/// the query's UTF-8 there and calls a run with (pointer, length); the answer
/// is a pointer to a 4-byte little-endian length, a status byte (0: done, 1:
/// the error's words) and that many bytes of UTF-8, freed with
/// `hashlab_free_answer`.
pub mod exports {
    /// Bytes for the script to write a query into; freed by the run it is passed to.
    #[no_mangle]
    pub extern "C" fn hashlab_alloc(len: usize) -> *mut u8 {
        let mut bytes = Vec::<u8>::with_capacity(len);
        let pointer = bytes.as_mut_ptr();
        std::mem::forget(bytes);
        pointer
    }

    /// The daily series of the run of the query at (`pointer`, `len`): see [`crate::run_csv`].
    ///
    /// # Safety
    /// `pointer` must come from `hashlab_alloc(len)`, with `len` bytes written.
    #[no_mangle]
    pub unsafe extern "C" fn hashlab_run_csv(pointer: *mut u8, len: usize) -> *mut u8 {
        // SAFETY: the caller's promise above.
        let query = unsafe { take_query(pointer, len) };
        answer(query.and_then(|query| crate::run_csv(&query)))
    }

    /// The page's charts of the run of the query at (`pointer`, `len`), those in
    /// the set `charts` ([`crate::ChartSet`]; 0: every chart): see [`crate::run_charts`].
    ///
    /// # Safety
    /// `pointer` must come from `hashlab_alloc(len)`, with `len` bytes written.
    #[no_mangle]
    pub unsafe extern "C" fn hashlab_run_charts(pointer: *mut u8, len: usize, compact: u32, charts: u32) -> *mut u8 {
        // SAFETY: the caller's promise above.
        let query = unsafe { take_query(pointer, len) };
        answer(query.and_then(|query| crate::run_charts(&query, compact != 0, crate::ChartSet(charts))))
    }

    /// Frees an answer.
    ///
    /// # Safety
    /// `answer` must come from a run above, freed once.
    #[no_mangle]
    pub unsafe extern "C" fn hashlab_free_answer(answer: *mut u8) {
        // SAFETY: an answer is a boxed slice of its header and bytes (see `answer`).
        unsafe {
            let len = u32::from_le_bytes(*(answer as *const [u8; 4])) as usize;
            drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(answer, HEADER + len)));
        }
    }

    const HEADER: usize = 5;

    /// Takes back the query's bytes from the script.
    unsafe fn take_query(pointer: *mut u8, len: usize) -> Result<String, String> {
        // SAFETY: allocated by `hashlab_alloc(len)` and written in full.
        let bytes = unsafe { Vec::from_raw_parts(pointer, len, len) };
        String::from_utf8(bytes).map_err(|_| "the link is not UTF-8".to_string())
    }

    /// An answer laid out for the script: length, status, bytes.
    fn answer(result: Result<String, String>) -> *mut u8 {
        let (status, text) = match result {
            Ok(text) => (0u8, text),
            Err(text) => (1u8, text),
        };
        let mut bytes = Vec::with_capacity(HEADER + text.len());
        bytes.extend_from_slice(&(text.len() as u32).to_le_bytes());
        bytes.push(status);
        bytes.extend_from_slice(text.as_bytes());
        Box::into_raw(bytes.into_boxed_slice()) as *mut u8
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn call(query: &str, run: unsafe extern "C" fn(*mut u8, usize) -> *mut u8) -> (u8, String) {
            let pointer = hashlab_alloc(query.len());
            // SAFETY: `len` bytes were allocated; the run takes them back; the answer is freed once.
            unsafe {
                std::ptr::copy_nonoverlapping(query.as_ptr(), pointer, query.len());
                let answer = run(pointer, query.len());
                let len = u32::from_le_bytes(*(answer as *const [u8; 4])) as usize;
                let status = *answer.add(4);
                let text = String::from_utf8(std::slice::from_raw_parts(answer.add(HEADER), len).to_vec()).expect("UTF-8");
                hashlab_free_answer(answer);
                (status, text)
            }
        }

        #[test]
        fn answers_cross_memory_as_the_script_reads_them() {
            let (status, csv) = call("operators=100&years=0.25&seed=7", hashlab_run_csv);
            assert_eq!(status, 0);
            assert_eq!(csv, crate::run_csv("operators=100&years=0.25&seed=7").expect("runs"));
            let (status, error) = call("operators=-3", hashlab_run_csv);
            assert_eq!(status, 1);
            assert!(error.contains("operators"), "{error}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::catalogue::ChartId;

    #[test]
    fn a_link_runs_to_the_same_csv_as_the_model_itself() {
        let query = "operators=100&years=0.25&seed=7";
        let scenario = link::from_query_strict(query, &[]).expect("a valid link").scenario;
        let expected = simulation::run(&scenario).expect("runs").to_csv_string();
        assert_eq!(run_csv(query).expect("runs"), expected);
    }

    #[test]
    fn the_charts_are_the_pages_charts_of_the_same_run() {
        let query = "operators=100&years=0.25&seed=7";
        let run = simulation::run(&link::from_query(query).scenario).expect("runs");
        let (_, expected) = app::render::page_charts(&run, None, &[], None, false);
        let answer: serde_json::Value = serde_json::from_str(&run_charts(query, false, ChartSet::ALL).expect("runs")).expect("JSON");
        let drawn = answer["charts"].as_array().expect("a list of charts");
        assert_eq!(drawn.len(), expected.len());
        for (drawn, expected) in drawn.iter().zip(&expected) {
            assert_eq!(drawn["id"], expected.id.as_str());
            assert_eq!(drawn["svg"], expected.svg.markup.as_str());
            assert!(expected.svg.markup.starts_with("<svg"), "{}", expected.id);
        }
        // The headline figures the page shows at the end of the same run.
        let headlines: Vec<app::run_view::EndFigure> = serde_json::from_value(answer["headlines"].clone()).expect("headline figures");
        assert_eq!(headlines, app::render::headlines::end_figures(&run));
        assert_eq!(headlines.first().map(|h| h.id.as_str()), Some("hashrate"));
    }

    #[test]
    fn a_set_of_charts_draws_those_charts_as_the_page_draws_them_and_the_rest_from_the_run_kept() {
        let query = "operators=100&years=0.25&seed=8";
        let run = simulation::run(&link::from_query(query).scenario).expect("runs");
        let (_, every) = app::render::page_charts(&run, None, &[], None, false);
        let drawn = |set: ChartSet| -> Vec<(String, String)> {
            let answer: serde_json::Value = serde_json::from_str(&run_charts(query, false, set).expect("runs")).expect("JSON");
            let charts = answer["charts"].as_array().expect("a list of charts").iter();
            charts.map(|c| (c["id"].as_str().expect("id").to_string(), c["svg"].as_str().expect("svg").to_string())).collect()
        };
        let on_screen = ChartSet::of([ChartId::Hashrate, ChartId::Price]);
        let first = drawn(on_screen);
        assert_eq!(first.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["hashrate", "price"]);
        // The others, asked for next: drawn from the run kept, the same as a full drawing.
        let rest = drawn(ChartSet::of(every.iter().map(|c| c.id).filter(|id| !on_screen.has(*id))));
        assert_eq!(first.len() + rest.len(), every.len());
        for (id, svg) in first.iter().chain(&rest) {
            let expected = every.iter().find(|c| c.id.as_str() == id).expect("a chart of the page");
            assert_eq!(*svg, expected.svg.markup, "{id}");
        }
        // Another link is run afresh.
        let other = "operators=100&years=0.25&seed=9";
        let answer: serde_json::Value = serde_json::from_str(&run_charts(other, false, on_screen).expect("runs")).expect("JSON");
        let run = simulation::run(&link::from_query(other).scenario).expect("runs");
        let (_, expected) = app::render::page_charts(&run, None, &[], None, false);
        assert_eq!(answer["charts"][0]["svg"], expected[0].svg.markup.as_str());
    }

    #[test]
    fn a_wrong_field_is_named() {
        let error = run_csv("operators=-3").expect_err("operators must be positive");
        assert!(error.contains("operators"), "{error}");
    }
}
