//! One control per scenario field, built from `simulation::scenario::FIELDS`
//! and grouped as the field table groups them.
//!
//! Numbers get a slider (over a practical window around the default when
//! the allowed range is huge) and a box for the exact value; dates, text
//! and price paths get a text box. Every change goes through
//! `Scenario::set_field`, so the page accepts exactly what links, files and
//! the command line accept.

use leptos::prelude::*;
use simulation::scenario::{FieldKind, FieldSpec, FIELDS};
use simulation::Scenario;

/// Group ids of the field table, with the headings the page shows.
const GROUPS: &[(&str, &str)] = &[
    ("market", "Market and price path"),
    ("fees", "Fees"),
    ("power", "Power"),
    ("ai", "AI hosting"),
    ("hardware", "Hardware"),
    ("operators", "Operators"),
    ("pools", "Manufacturers and pools"),
    ("security", "Attack assumptions"),
    ("chain", "Chain at the start"),
    ("run", "Run: operators, years, seed"),
];

/// Groups open when the page loads.
const OPEN_GROUPS: &[&str] = &["market", "ai", "run"];

/// Heading of a group id (the id itself for groups this list lacks).
fn group_heading(group: &str) -> String {
    GROUPS.iter().find(|(id, _)| *id == group).map(|(_, heading)| heading.to_string()).unwrap_or_else(|| group.to_string())
}

/// Group ids in page order: the known ones first, then any others in table order.
fn group_order() -> Vec<&'static str> {
    let mut order: Vec<&'static str> = GROUPS.iter().map(|(id, _)| *id).filter(|id| FIELDS.iter().any(|spec| spec.group == *id)).collect();
    for spec in FIELDS {
        if !order.contains(&spec.group) {
            order.push(spec.group);
        }
    }
    order
}

/// The slider's span: the allowed range, or when that holds too many steps
/// to drag through, a window of a tenth to ten times the default.
pub(crate) fn slider_window(spec: &FieldSpec) -> Option<(f64, f64)> {
    if !matches!(spec.kind, FieldKind::Number | FieldKind::Integer) || spec.name == "seed" {
        return None;
    }
    const MOST_STEPS: f64 = 2_000.0;
    if (spec.max - spec.min) / spec.step <= MOST_STEPS {
        return Some((spec.min, spec.max));
    }
    let default = Scenario::default().field_text(spec.name).and_then(|text| text.parse::<f64>().ok()).unwrap_or(spec.min);
    let (lo, hi) = if default > 0.0 { (default / 10.0, default * 10.0) } else { (spec.min, spec.min + MOST_STEPS * spec.step) };
    let snap = |v: f64| (v / spec.step).round() * spec.step;
    Some((snap(lo.max(spec.min)), snap(hi.min(spec.max))))
}

/// Every control, grouped.
#[component]
pub fn Controls(scenario: Memo<Scenario>, set_scenario: Callback<Scenario>) -> impl IntoView {
    let groups = group_order()
        .into_iter()
        .map(|group| {
            let specs: Vec<&'static FieldSpec> = FIELDS.iter().filter(|spec| spec.group == group).collect();
            let open = OPEN_GROUPS.contains(&group);
            view! {
                <details class="group" open=open>
                    <summary>{group_heading(group)}</summary>
                    {specs
                        .into_iter()
                        .map(|spec| view! { <Control spec scenario set_scenario /> })
                        .collect_view()}
                </details>
            }
        })
        .collect_view();
    view! {
        // Without JavaScript the form still works: it submits every value as a link.
        <form class="controls" id="scenario" method="get" action="/" on:submit=|ev| ev.prevent_default()>
            <h2 class="controls-title">"Scenario"</h2>
            {groups}
            <button type="submit" class="no-js-run">"Run with these values"</button>
        </form>
    }
}

/// One field's control: label, unit, value, slider, range and help.
#[component]
fn Control(spec: &'static FieldSpec, scenario: Memo<Scenario>, set_scenario: Callback<Scenario>) -> impl IntoView {
    let id = format!("f-{}", spec.name);
    let help_id = format!("help-{}", spec.name);
    let text = Memo::new(move |_| scenario.with(|scenario| scenario.field_text(spec.name).unwrap_or_default()));
    // What the slider shows while it is being dragged, before the run.
    let dragging = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let shown = move || dragging.get().unwrap_or_else(|| text.get());

    let commit = move |raw: String| {
        dragging.set(None);
        let mut next = scenario.get_untracked();
        match next.set_field(spec.name, raw.trim()) {
            Ok(()) => {
                error.set(None);
                if next != scenario.get_untracked() {
                    set_scenario.run(next);
                }
            }
            Err(e) => error.set(Some(format!("{} (allowed: {})", e.message, e.allowed))),
        }
    };

    let unit = (!spec.unit.is_empty()).then(|| view! { <span class="unit">{spec.unit}</span> });
    let range_text = match spec.kind {
        FieldKind::Number | FieldKind::Integer => {
            format!("{} to {} {}", number_text(spec.min), number_text(spec.max), spec.unit)
        }
        FieldKind::Date => "YYYY-MM-DD".to_string(),
        FieldKind::Text => format!("up to {} characters", spec.max),
        FieldKind::PricePath => "YYYY-MM-DD:price, comma-separated".to_string(),
    };
    let slider = slider_window(spec).map(|(lo, hi)| {
        let label = format!("{} slider", spec.label);
        view! {
            <input
                type="range"
                class="slider"
                data-field=spec.name
                min=lo
                max=hi
                step=spec.step
                aria-label=label
                aria-describedby=help_id.clone()
                value=move || text.get()
                prop:value=move || text.get()
                on:input=move |ev| dragging.set(Some(event_target_value(&ev)))
                on:change=move |ev| commit(event_target_value(&ev))
            />
        }
    });
    let input_type = match spec.kind {
        FieldKind::Date => "date",
        FieldKind::Number | FieldKind::Integer => "text",
        _ => "text",
    };
    let input_mode = match spec.kind {
        FieldKind::Integer => "numeric",
        FieldKind::Number => "decimal",
        _ => "text",
    };
    let wide = matches!(spec.kind, FieldKind::Text | FieldKind::PricePath | FieldKind::Date);
    view! {
        <div class="control" class:wide=wide>
            <div class="control-head">
                <label for=id.clone()>{spec.label} {unit}</label>
                <input
                    id=id
                    class="value"
                    type=input_type
                    inputmode=input_mode
                    name=spec.name
                    data-value=spec.name
                    aria-describedby=help_id.clone()
                    value=shown
                    prop:value=shown
                    on:change=move |ev| commit(event_target_value(&ev))
                />
            </div>
            {slider}
            <p class="help" id=help_id>
                {spec.help}
                <span class="range">" Range: " {range_text} "."</span>
                <span class="source">
                    " Default: " {spec.source} ". " <a href=format!("/sources#{}", spec.name) rel="external">"Sources"</a>
                </span>
            </p>
            {move || error.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
        </div>
    }
}

/// A number for people: thousands separated, no needless decimals.
pub(crate) fn number_text(value: f64) -> String {
    if value.abs() >= 1e15 {
        return format!("{value:.3e}");
    }
    let rounded = (value * 1e6).round() / 1e6;
    let whole = rounded.trunc();
    let fraction = rounded - whole;
    let mut digits = format!("{}", whole.abs() as u64);
    let mut grouped = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        grouped = format!(",{tail}{grouped}");
    }
    grouped = format!("{digits}{grouped}");
    let sign = if rounded < 0.0 { "-" } else { "" };
    if fraction.abs() > 0.0 {
        let decimals = format!("{:.6}", fraction.abs());
        let decimals = decimals.trim_start_matches('0').trim_end_matches('0');
        format!("{sign}{grouped}{decimals}")
    } else {
        format!("{sign}{grouped}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_numbers() {
        assert_eq!(number_text(1_150.0), "1,150");
        assert_eq!(number_text(0.045), "0.045");
        assert_eq!(number_text(-95.0), "-95");
        assert_eq!(number_text(110_000.5), "110,000.5");
    }

    #[test]
    fn every_number_field_gets_a_usable_slider_around_its_default() {
        let defaults = Scenario::default();
        for spec in FIELDS {
            let Some((lo, hi)) = slider_window(spec) else { continue };
            assert!(lo < hi, "{}: {lo}..{hi}", spec.name);
            assert!(lo >= spec.min && hi <= spec.max, "{}", spec.name);
            let value: f64 = defaults.field_text(spec.name).unwrap().parse().unwrap();
            assert!((lo..=hi).contains(&value), "{}: default {value} outside {lo}..{hi}", spec.name);
        }
    }
}
