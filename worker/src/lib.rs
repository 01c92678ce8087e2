//! The model in the browser: the scenario of a share link run in a Web
//! Worker (`worker/model-worker.js`), so the page can follow a dragged
//! slider without a round trip to the server.
//!
//! The run is the server's to the byte: the model is deterministic (seeded
//! portable generators, `libm`), and a browser test
//! (`e2e/model_in_browser.test.mjs`) compares the CSV this module makes in
//! Chromium with the server's `GET /api/export.csv` of the same link.

use simulation::link;
use wasm_bindgen::prelude::wasm_bindgen;

/// The daily series (CSV, as `GET /api/export.csv` answers) of the run a
/// share-link query describes, read strictly: a wrong field is an error
/// naming it and its allowed values, never a silent default.
pub fn run_csv(query: &str) -> Result<String, String> {
    let parsed = link::from_query_strict(query, &[]).map_err(|error| error.to_string())?;
    let result = simulation::run(&parsed.scenario).map_err(|error| error.to_string())?;
    Ok(result.to_csv_string())
}

/// [`run_csv`] for JavaScript: the CSV, or the error's words thrown.
#[wasm_bindgen(js_name = runCsv)]
pub fn run_csv_js(query: &str) -> Result<String, String> {
    run_csv(query)
}

/// The model version whose numbers this module gives (`simulation::MODEL_VERSION`).
#[wasm_bindgen(js_name = modelVersion)]
pub fn model_version() -> String {
    simulation::MODEL_VERSION.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_runs_to_the_same_csv_as_the_model_itself() {
        let query = "operators=100&years=0.25&seed=7";
        let scenario = link::from_query_strict(query, &[]).expect("a valid link").scenario;
        let expected = simulation::run(&scenario).expect("runs").to_csv_string();
        assert_eq!(run_csv(query).expect("runs"), expected);
    }

    #[test]
    fn a_wrong_field_is_named() {
        let error = run_csv("operators=-3").expect_err("operators must be positive");
        assert!(error.contains("operators"), "{error}");
    }
}
