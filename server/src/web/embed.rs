//! `GET /embed/chart/{chart}?<share-link query>`: one chart of a run for a
//! course page or a slide deck, in an `<iframe>`. The only route any site
//! may frame (its own `frame-ancestors *`; every other response is
//! `frame-ancestors 'none'` and `X-Frame-Options: DENY`). No script runs in
//! it: the report figure (title, legend, footer with the share link) and a
//! link back to the full run, which opens outside the frame.

use crate::api::charts::{chart_info, dimension, svg, today, Figure, HEIGHT, WIDTH};
use crate::api::{scenario_of, ClientAddr};
use crate::error::ApiError;
use crate::runs::RunService;
use app::format::escape_xml;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use simulation::link;
use std::sync::Arc;

/// The embed's policy: no script, and any site may frame it.
pub const EMBED_CSP: &str = "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors *";

/// One chart of the run a share link describes, as a page to frame.
pub async fn embed_chart(
    State(service): State<Arc<RunService>>,
    ClientAddr(client): ClientAddr,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let info = chart_info(&id)?;
    let (scenario, extra) = scenario_of(query.as_deref(), &["width", "height"])?;
    let width = dimension(&extra, "width", WIDTH)?;
    let height = dimension(&extra, "height", HEIGHT)?;
    let site = service.config().site_of(&headers);
    let run = service.run(scenario.clone(), client).await??;
    let day = today();
    let figure = {
        let site = site.clone();
        service
            .off_runtime(client, false, move || svg(Figure { run: &run, baselines: &[], bands: None, info }, width, height, &site, &day))
            .await?
    };
    let full = format!("{}/?{}", site.trim_end_matches('/'), link::to_query(&scenario, None));
    let html = format!(
        r##"<!DOCTYPE html>
<html lang="en" class="embed">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}: Hashlab</title>
<link rel="stylesheet" href="/pkg/hashlab.css">
</head>
<body class="embed">
<figure class="embed-chart" data-chart="{id}">
{figure}
<figcaption><a href="{full}" target="_blank" rel="noopener">Open this run in Hashlab</a>: change its assumptions, run many seeds, download its data.</figcaption>
</figure>
</body>
</html>
"##,
        title = escape_xml(info.title),
        id = escape_xml(info.id.as_str()),
        full = escape_xml(&full),
    );
    let mut response = ([(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))], html).into_response();
    response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(EMBED_CSP));
    Ok(response)
}
