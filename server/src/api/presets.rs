//! `GET /api/presets`: the presets, with their share links and scenarios.

use axum::Json;
use serde::Serialize;
use simulation::link;
use utoipa::ToSchema;

/// A preset as the API lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PresetOut {
    /// Stable id (`preset=` in a share link).
    pub id: String,
    /// A short title.
    pub title: String,
    /// What it shows, in plain words.
    pub teacher_text: String,
    /// Its share-link query (for `GET /api/run?...`).
    pub query: String,
    /// The scenario it runs (every field; see `hashlab fields`).
    #[schema(value_type = Object)]
    pub scenario: serde_json::Value,
    /// Its beats (each waits for an event of the run within a window of days) and the two charts a projector shows.
    pub script: simulation::story::Script,
}

/// Every preset.
#[utoipa::path(get, path = "/api/presets", tag = "hashlab", responses((status = 200, description = "The presets, default first", body = [PresetOut])))]
pub(super) async fn presets() -> Json<Vec<PresetOut>> {
    Json(
        simulation::presets::all()
            .into_iter()
            .map(|preset| PresetOut {
                id: preset.id.to_string(),
                title: preset.title.to_string(),
                teacher_text: preset.teacher_text.to_string(),
                query: link::to_query(&preset.scenario, Some(preset.id)),
                scenario: serde_json::to_value(&preset.scenario).unwrap_or_default(),
                script: preset.script,
            })
            .collect(),
    )
}
