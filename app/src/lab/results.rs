//! One run on the page: headline figures, and each chart with its legend,
//! pointer and keyboard readout, and its plain-words explanation.

use super::play_bar::PlayBar;
use super::playback::Playback;
use crate::browser::pointer_fraction;
use crate::run_view::{ChartView, Headline, RunView};
use leptos::prelude::*;

/// Headline figures and charts of one run.
#[component]
pub(super) fn Results(view: RunView) -> impl IntoView {
    if let Some(error) = view.error {
        return view! {
            <p class="run-error" role="alert">
                "This scenario cannot run: " <code>{error.field}</code> ": " {error.message}
                " (allowed: " {error.allowed} ")."
            </p>
        }
        .into_any();
    }
    let query = view.query.clone();
    let baseline_note = (!view.baselines.is_empty()).then(|| {
        let keys = view
            .baselines
            .iter()
            .map(|b| {
                view! {
                    <span class="baseline-key">
                        <span class="swatch dashed" data-pattern=b.stroke.clone() style="--swatch: #555"></span>
                        " "
                        {b.name.clone()}
                    </span>
                }
            })
            .collect_view();
        view! {
            <p class="baseline-note">
                "Pinned baselines, drawn in each series' colour and named in the readouts and grey figures: " {keys}
            </p>
        }
    });
    let bands = view.bands_runs;
    let bands_note = match (bands, view.bands_missing) {
        (Some(runs), _) => Some(view! {
            <p class="bands-note" data-bands=runs.to_string()>
                {format!(
                    "Shaded around each line: where 90% (light) and 50% (darker) of {runs} seeds of this scenario fall (over stacked areas, dotted lines mark 5% and 95%); the thin line is their median, the bold line this seed's run."
                )}
            </p>
        }
        .into_any()),
        (None, true) => Some(view! {
            <p class="bands-note bands-missing" role="status">
                "The server no longer holds those seeds' bands: run the seeds again to shade them."
            </p>
        }
        .into_any()),
        (None, false) => None,
    };
    // Downloaded charts carry the pinned baselines and the bands too (the server keeps the Monte Carlo).
    let pinned = use_context::<super::PageLink>().map(|p| p.state.with_untracked(|s| s.baselines_query())).unwrap_or_default();
    let runs = bands.map(|runs| format!("runs={runs}")).unwrap_or_default();
    let chart_query =
        [query.as_str(), pinned.as_str(), runs.as_str()].into_iter().filter(|part| !part.is_empty()).collect::<Vec<_>>().join("&");
    let featured = view.story.charts.clone();
    let play_bar = view! { <PlayBar story=view.story.clone() events=view.events.clone() /> };
    let run_notes = view.run_notes.into_iter().map(|note| view! { <p class="run-note" role="alert">{note}</p> }).collect_view();
    let event_count = view.events.len();
    let events = (event_count > 0).then(|| {
        let items = view
            .events
            .into_iter()
            .map(|event| {
                view! {
                    <li data-kind=event.kind>
                        <time datetime=event.date.clone()>{event.date.clone()}</time>
                        " "
                        {event.text}
                    </li>
                }
            })
            .collect_view();
        view! {
            <details class="events" id="events">
                <summary>{format!("What happened in this run ({event_count} events)")}</summary>
                <ol class="event-list">{items}</ol>
            </details>
        }
    });
    view! {
        {run_notes}
        <section class="headlines" aria-label="Headline figures" data-query=view.query.clone()>
            <HeadlinesDate start=view.story.start_date.clone() days=view.headlines.first().map(|h| h.days.clone()).unwrap_or_default() />
            {view.headlines.into_iter().map(|h| view! { <HeadlineCard h /> }).collect_view()}
        </section>
        {baseline_note}
        {bands_note}
        {play_bar}
        <div class="charts" id="charts" tabindex="-1">
            {view
                .charts
                .into_iter()
                .map(|chart| {
                    let featured = featured.contains(&chart.id);
                    view! { <Chart chart query=chart_query.clone() bands featured /> }
                })
                .collect_view()}
        </div>
        {events}
        <p class="downloads">
            "Download the daily data of this run: "
            <a class="download" data-download="csv" href=api_link("export.csv", &view.query) download rel="external">
                "CSV"
            </a>
            " "
            <a class="download" data-download="json" href=api_link("export.json", &view.query) download rel="external">
                "JSON"
            </a>
            " (with its share link, model version and seed first), or "
            <a
                class="download"
                data-download="csv-provenance"
                href=api_link("export.csv", &figure_query(&view.query, "provenance"))
                download
                rel="external"
            >
                "CSV with them as # lines"
            </a>
        </p>
        <p class="model-version">
            "Model " {view.model_version} ". Run and drawn on the server in "
            {format!("{:.0}", view.server_ms)} " ms."
        </p>
    }
    .into_any()
}

/// The date of the headline figures: the day at the playback cursor (the
/// sampled day its values are from), else the run's last day.
#[component]
fn HeadlinesDate(start: String, days: Vec<u32>) -> impl IntoView {
    let pb = use_context::<Playback>();
    let start = crate::page_state::day_number(&start);
    let last = days.last().copied();
    let shown = Memo::new(move |_| {
        let at = pb.and_then(|pb| pb.at.get());
        let day = match at {
            Some(at) => days.get(crate::run_view::row_at(&days, at)).copied(),
            None => last,
        };
        let date = start.zip(day).map(|(start, day)| crate::page_state::date_of(start + i64::from(day))).unwrap_or_default();
        (if at.is_some() { "On " } else { "At the end of the run, " }, date)
    });
    view! {
        <p class="headlines-date">
            {move || shown.with(|s| s.0)}
            <time datetime=move || shown.with(|s| s.1.clone())>{move || shown.with(|s| s.1.clone())}</time>
        </p>
    }
}

/// One headline figure: at the end of the run, or at the playback cursor.
#[component]
fn HeadlineCard(h: Headline) -> impl IntoView {
    let pb = use_context::<Playback>();
    let (id, label, unit, baselines) = (h.id.clone(), h.label.clone(), h.unit.clone(), h.baselines.clone());
    let headline = StoredValue::new(h);
    // (value, change) at the cursor, or at the end: once per move, for both spans.
    let shown = Memo::new(move |_| {
        pb.and_then(|pb| pb.at.get())
            .and_then(|at| headline.with_value(|h| h.at_row(h.row_at(at))))
            .unwrap_or_else(|| headline.with_value(|h| (h.value.clone(), h.change.clone())))
    });
    view! {
        <div class="headline" data-headline=id>
            <span class="headline-label">{label}</span>
            <span class="headline-value">
                {move || shown.with(|s| s.0.clone())} " " <span class="headline-unit">{unit}</span>
            </span>
            <span class="headline-change">{move || shown.with(|s| s.1.clone())}</span>
            {baselines
                .into_iter()
                .map(|(name, value)| view! { <span class="headline-baseline">{name} ": " {value}</span> })
                .collect_view()}
        </div>
    }
}

/// Rows of a chart's table of values (sampled evenly over the run).
const TABLE_ROWS: usize = 25;

/// The query of a download: a PNG at twice the pixels, for print; a CSV
/// with its provenance as `#` lines.
fn figure_query(query: &str, format: &str) -> String {
    let extra = match format {
        "png" => "scale=2",
        "provenance" => "provenance=comments",
        _ => return query.to_string(),
    };
    if query.is_empty() {
        extra.to_string()
    } else {
        format!("{query}&{extra}")
    }
}

/// `/api/<file>?<query>` (no `?` for the default run's empty query).
pub(crate) fn api_link(file: &str, query: &str) -> String {
    if query.is_empty() {
        format!("/api/{file}")
    } else {
        format!("/api/{file}?{query}")
    }
}

/// The style of a cursor line at `fraction` of the chart's width.
fn cursor_style(fraction: f64) -> String {
    format!("left: {:.2}%", fraction * 100.0)
}

/// The style of a readout box for a cursor at `fraction`: beside it, on the side with room.
fn readout_style(fraction: f64) -> String {
    if fraction > 0.6 {
        format!("right: {:.2}%", (1.0 - fraction) * 100.0)
    } else {
        cursor_style(fraction)
    }
}

/// One chart: title, legend, the SVG with a pointer readout, and its explanation.
#[component]
fn Chart(chart: ChartView, query: String, bands: Option<u32>, featured: bool) -> impl IntoView {
    let pb = use_context::<Playback>();
    let info = chart.id.info();
    let title = info.title;
    // Downloads are named for the scenario, seed, model and chart.
    let scenario = simulation::link::from_query(&query).scenario;
    let explain = info.explain;
    let api = chart.id.as_str();
    let readout = StoredValue::new(chart.readout);
    // Pointer position as a fraction of the chart width, and the row under it.
    let pointer = RwSignal::new(None::<(f64, usize)>);
    let on_move = move |ev: leptos::ev::PointerEvent| {
        let Some(fraction) = pointer_fraction(&ev) else { return };
        let hit = readout.with_value(|r| {
            if r.rows() == 0 || fraction < r.left || fraction > r.right {
                return None;
            }
            let row = r.row_at((fraction - r.left) / (r.right - r.left));
            Some((r.fraction_of(row), row))
        });
        pointer.set(hit);
    };
    // The same readout from the keyboard: arrows step through the days.
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let rows = readout.with_value(|r| r.rows());
        if rows == 0 {
            return;
        }
        let current = pointer.get_untracked().map(|(_, index)| index);
        let page = (rows / 12).max(1);
        let next = match ev.key().as_str() {
            "ArrowLeft" => current.map_or(rows - 1, |i| i.saturating_sub(1)),
            "ArrowRight" => current.map_or(0, |i| (i + 1).min(rows - 1)),
            "PageUp" => current.map_or(0, |i| i.saturating_sub(page)),
            "PageDown" => current.map_or(rows - 1, |i| (i + page).min(rows - 1)),
            "Home" => 0,
            "End" => rows - 1,
            "Escape" => {
                pointer.set(None);
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        let fraction = readout.with_value(|r| r.fraction_of(next));
        pointer.set(Some((fraction, next)));
    };
    let legend = chart
        .legend
        .into_iter()
        .map(|item| {
            let style = format!("--swatch: {}", item.color);
            view! {
                <li class="legend-item">
                    <span
                        class="swatch"
                        class:area=item.area
                        class:dashed=item.dashed
                        data-pattern=item.pattern.as_str()
                        data-mark=item.mark.as_str()
                        style=style
                    ></span>
                    {item.label}
                </li>
            }
        })
        .collect_view();
    // The chart's text alternative: a summary in words and its values, sampled, as a table.
    let table = readout.with_value(|r| {
        let header = r.columns.iter().map(|c| view! { <th scope="col">{format!("{} ({})", c.label, c.unit)}</th> }).collect_view();
        let rows = r
            .sample_rows(TABLE_ROWS)
            .into_iter()
            .map(|row| {
                let cells = r
                    .columns
                    .iter()
                    .map(|c| view! { <td>{crate::format::figure(c.values.get(row).copied().flatten().unwrap_or(f64::NAN))}</td> })
                    .collect_view();
                view! {
                    <tr>
                        <th scope="row">{r.dates.get(row).cloned().unwrap_or_default()}</th>
                        {cells}
                    </tr>
                }
            })
            .collect_view();
        view! {
            <details class="chart-table">
                <summary>"In words, and as a table"</summary>
                <p class="chart-summary" id=format!("summary-{}", chart.id)>{r.summary()}</p>
                <div class="table-scroll">
                    <table>
                        <thead>
                            <tr>
                                <th scope="col">"Date"</th>
                                {header}
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </details>
        }
    });
    view! {
        <section
            class="chart"
            class:featured=featured
            id=format!("chart-{}", chart.id)
            data-chart=chart.id.as_str()
            data-bands=bands.map(|runs| runs.to_string())
        >
            <h2>{title}</h2>
            <ul class="legend">{legend}</ul>
            <div
                class="plot"
                tabindex="0"
                aria-label=format!("{title}: values by day; use the arrow keys")
                aria-describedby=format!("summary-{}", chart.id)
                on:pointermove=on_move
                on:pointerleave=move |_| pointer.set(None)
                on:keydown=on_key
                on:blur=move |_| pointer.set(None)
            >
                <div class="svg" inner_html=chart.svg.markup></div>
                {move || {
                    pointer
                        .get()
                        .map(|(fraction, index)| {
                            let text = readout.with_value(|r| r.text(index));
                            view! {
                                <div class="cursor" style=cursor_style(fraction)></div>
                                <div class="readout" role="status" style=readout_style(fraction)>{text}</div>
                            }
                        })
                }}
                // The playback cursor, on every chart at once (the pointer's own takes over while it is on the chart).
                {move || {
                    let at = pb.and_then(|pb| pb.at.get()).filter(|_| pointer.get().is_none())?;
                    let playing = pb.is_some_and(|pb| pb.playing.get());
                    let (fraction, row) = readout.with_value(|r| {
                        let row = r.row_at(at);
                        (r.fraction_of(row), row)
                    });
                    // While playing only the line moves; paused, the values show.
                    let paused_text = (!playing).then(|| readout.with_value(|r| r.text(row)));
                    Some(view! {
                        <div class="cursor play-cursor" data-row=row.to_string() style=cursor_style(fraction)></div>
                        {paused_text
                            .map(|text| view! { <div class="readout play-readout" style=readout_style(fraction)>{text}</div> })}
                    })
                }}
            </div>
            {table}
            <p class="chart-downloads">
                "Download this chart: "
                {["svg", "png"]
                    .into_iter()
                    .enumerate()
                    .map(|(index, format)| {
                        view! {
                            {(index > 0).then_some(" ")}
                            <a
                                class="download"
                                data-download=format!("{api}.{format}")
                                href=api_link(&format!("chart/{api}.{format}"), &figure_query(&query, format))
                                download=crate::format::file_name(&scenario, api, format)
                                rel="external"
                                aria-label=format!("{title} as {}", format.to_uppercase())
                            >
                                {format.to_uppercase()}
                            </a>
                        }
                    })
                    .collect_view()}
            </p>
            <p class="explain">
                <strong>"What am I looking at? "</strong>
                {explain}
            </p>
        </section>
    }
}
