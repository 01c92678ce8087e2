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

/// A number as typed by a person, as the field reads it: thousands separators
/// (`110,000`, `110 000`, `110_000`) dropped; anything else is left as it is.
pub(crate) fn plain_number(kind: FieldKind, raw: &str) -> String {
    let trimmed = raw.trim();
    if !matches!(kind, FieldKind::Number | FieldKind::Integer) {
        return trimmed.to_string();
    }
    let plain: String = trimmed.chars().filter(|c| !matches!(c, ',' | '_' | ' ' | '\u{a0}' | '\u{202f}')).collect();
    if plain.parse::<f64>().is_ok() {
        plain
    } else {
        trimmed.to_string()
    }
}

/// Slider positions of a log-scale slider.
const LOG_POSITIONS: f64 = 1_000.0;
/// Positions one arrow press moves a log-scale slider at least: 200 presses
/// from end to end, 2.3% a press over a 100x window. A press that would
/// round back to the same value (three significant digits on the field's
/// step) moves on to the next value that differs ([`SliderScale::next_value`]):
/// with the browser's own step of 1 position (0.46%), four presses of five
/// were lost.
const LOG_STEP: f64 = 5.0;

/// Arrow presses a linear slider takes from end to end, at most: AI revenue
/// ($0-20M in steps of $10,000) once took 2,000 presses of 0.05% each.
const MOST_PRESSES: f64 = 250.0;

/// A linear slider's step: the field's own, or a round multiple of it (1, 2
/// or 5 times a power of ten) so that its window takes at most
/// [`MOST_PRESSES`] arrow presses. The box beside it still takes any value
/// on the field's step.
fn linear_step(step: f64, lo: f64, hi: f64) -> f64 {
    let least = (hi - lo) / MOST_PRESSES;
    if step <= 0.0 || least <= step {
        return step;
    }
    let power = 10f64.powi(least.log10().floor() as i32);
    let nice = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * power).find(|&n| n >= least).unwrap_or(10.0 * power);
    ((nice / step).round().max(1.0) * step * 1e9).round() / 1e9
}

/// How a slider's position maps to a value: linearly, or (when its window
/// spans a factor of 50 or more, as price and operators do) in equal ratios,
/// so that a short drag is a small change wherever the value stands.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SliderScale {
    lo: f64,
    hi: f64,
    step: f64,
    integer: bool,
    pub(crate) log: bool,
}

impl SliderScale {
    pub(crate) fn new(spec: &FieldSpec, lo: f64, hi: f64) -> Self {
        let log = lo > 0.0 && hi / lo >= 50.0;
        // A log slider rounds its values on the field's own step; a linear one moves by a sensible one.
        let step = if log { spec.step } else { linear_step(spec.step, lo, hi) };
        Self { lo, hi, step, integer: spec.kind == FieldKind::Integer, log }
    }

    fn min(self) -> f64 {
        if self.log {
            0.0
        } else {
            self.lo
        }
    }

    fn max(self) -> f64 {
        if self.log {
            LOG_POSITIONS
        } else {
            self.hi
        }
    }

    fn step(self) -> f64 {
        if self.log {
            LOG_STEP
        } else {
            self.step
        }
    }

    /// The slider position of the field's text value.
    pub(crate) fn position(self, text: &str) -> String {
        let Ok(value) = text.parse::<f64>() else { return String::new() };
        if !self.log {
            return text.to_string();
        }
        let t = (value.max(self.lo) / self.lo).ln() / (self.hi / self.lo).ln();
        format!("{:.0}", ((t * LOG_POSITIONS / LOG_STEP).round() * LOG_STEP).clamp(0.0, LOG_POSITIONS))
    }

    /// The value `presses` arrow presses (negative: down) from `text` on a log
    /// slider: the first value at least that many steps of [`LOG_STEP`] away
    /// that differs from it, so that every press changes the value.
    pub(crate) fn next_value(self, text: &str, presses: i32) -> String {
        let Ok(position) = self.position(text).parse::<f64>() else { return text.to_string() };
        let current = self.value(&format!("{position}"));
        let direction = f64::from(presses.signum());
        let mut p = position + f64::from(presses) * LOG_STEP;
        while (0.0..=LOG_POSITIONS).contains(&p) {
            let candidate = self.value(&format!("{p}"));
            if candidate != current && candidate != text {
                return candidate;
            }
            p += direction * LOG_STEP;
        }
        self.value(&format!("{}", p.clamp(0.0, LOG_POSITIONS)))
    }

    /// The field's text value at slider position `position`: three
    /// significant digits on the field's step.
    pub(crate) fn value(self, position: &str) -> String {
        if !self.log {
            return position.to_string();
        }
        let Ok(p) = position.parse::<f64>() else { return position.to_string() };
        let raw = self.lo * (self.hi / self.lo).powf(p.clamp(0.0, LOG_POSITIONS) / LOG_POSITIONS);
        let magnitude = 10f64.powi(raw.log10().floor() as i32 - 2);
        let nice = ((raw / magnitude).round() * magnitude / self.step).round() * self.step;
        let nice = nice.clamp(self.lo, self.hi);
        if self.integer {
            format!("{nice:.0}")
        } else {
            format!("{}", (nice * 1e6).round() / 1e6)
        }
    }
}

/// What the page does with each new value while a slider is dragged: the
/// scenario the release would run, to follow with the charts (the lab runs it
/// in the browser's Web Worker: `crate::browser::follow_in_worker`).
#[derive(Clone, Copy)]
pub(crate) struct Follow(pub Callback<Scenario>);

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
    // What was typed and refused: kept in the box, so the typo can be corrected.
    let refused = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let shown = move || dragging.get().or_else(|| refused.get()).unwrap_or_else(|| text.get());
    // The scenario changed another way (a preset, another control): the refused text is stale.
    Effect::new(move |previous: Option<String>| {
        let current = text.get();
        if previous.is_some_and(|previous| previous != current) {
            refused.set(None);
            error.set(None);
        }
        current
    });

    let follow = use_context::<Follow>();
    // The slider is held by a pointer (a drag may be under way).
    let held = StoredValue::new(false);
    let commit = move |raw: String| {
        held.set_value(false);
        crate::browser::stop_following();
        dragging.set(None);
        let mut next = scenario.get_untracked();
        match next.set_field(spec.name, &plain_number(spec.kind, &raw)) {
            Ok(()) => {
                error.set(None);
                refused.set(None);
                if next != scenario.get_untracked() {
                    set_scenario.run(next);
                }
            }
            Err(e) => {
                refused.set(Some(raw));
                error.set(Some(format!("{} (allowed: {})", e.message, e.allowed)));
            }
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
        let scale = SliderScale::new(spec, lo, hi);
        let position = move || scale.position(&text.get());
        view! {
            <input
                type="range"
                class="slider"
                data-field=spec.name
                data-scale=if scale.log { "log" } else { "linear" }
                min=scale.min()
                max=scale.max()
                step=scale.step()
                aria-label=label
                aria-describedby=help_id.clone()
                aria-valuetext=move || text.get()
                value=position
                prop:value=position
                on:pointerdown=move |_| {
                    held.set_value(true);
                    // The model loads while the pointer is down, before the first move asks it.
                    if follow.is_some() {
                        crate::browser::prepare_following();
                    }
                }
                on:pointerup=move |_| held.set_value(false)
                on:input=move |ev| {
                    let value = scale.value(&event_target_value(&ev));
                    dragging.set(Some(value.clone()));
                    // The charts follow the hand: the scenario the release would run, drawn as it
                    // comes (a value set at once, by a key or a click, goes straight to the run).
                    if let (Some(Follow(follow)), true) = (follow, held.get_value()) {
                        let mut next = scenario.get_untracked();
                        if next.set_field(spec.name, &plain_number(spec.kind, &value)).is_ok() && next != scenario.get_untracked() {
                            follow.run(next);
                        }
                    }
                }
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    // A log slider's arrow keys move by a step of the log, always to a new value.
                    let presses = match ev.key().as_str() {
                        "ArrowUp" | "ArrowRight" => 1,
                        "ArrowDown" | "ArrowLeft" => -1,
                        "PageUp" => 10,
                        "PageDown" => -10,
                        _ => return,
                    };
                    if scale.log {
                        ev.prevent_default();
                        commit(scale.next_value(&text.get_untracked(), presses));
                    }
                }
                on:change=move |ev| commit(scale.value(&event_target_value(&ev)))
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
                    " Default: " {spec.source} ". " <a href=format!("/sources#{}", spec.name) rel="external" tabindex="-1">"Sources"</a>
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

    #[test]
    fn thousands_separators_are_read_as_people_type_them() {
        assert_eq!(plain_number(FieldKind::Number, " 110,000 "), "110000");
        assert_eq!(plain_number(FieldKind::Integer, "2 000"), "2000");
        assert_eq!(plain_number(FieldKind::Number, "1_500.5"), "1500.5");
        assert_eq!(plain_number(FieldKind::Number, "12,5,x"), "12,5,x", "not a number: left for the field to refuse");
        assert_eq!(plain_number(FieldKind::Text, "a, b"), "a, b");
    }

    #[test]
    fn price_and_operators_slide_in_equal_ratios_and_stop_on_round_values() {
        let price = FieldSpec::find("start_price_usd").unwrap();
        let (lo, hi) = slider_window(price).unwrap();
        let scale = SliderScale::new(price, lo, hi);
        assert!(scale.log, "{lo}..{hi}");
        // The default sits mid-slider; one arrow press (a step) is under 4%.
        assert_eq!(scale.position("110000"), "500");
        assert_eq!(scale.step(), LOG_STEP);
        let (a, b): (f64, f64) = (scale.value("500").parse().unwrap(), scale.value("505").parse().unwrap());
        assert_eq!(a, 110_000.0);
        assert!(b / a - 1.0 < 0.04, "{a} -> {b}");
        assert_eq!(scale.value("650"), "219000");
        assert_eq!(scale.value("350"), "55100");
        // Every arrow press from the bottom to the top lands on a new, larger value the
        // field accepts, by a few percent (or one step of the field, $1,000, at the bottom).
        let mut value = scale.value("0");
        let mut presses = 0;
        while value != scale.value("1000") {
            let next = scale.next_value(&value, 1);
            let (a, b): (f64, f64) = (value.parse().unwrap(), next.parse().unwrap());
            assert!(b > a, "{value} -> {next}");
            assert!(b / a - 1.0 <= 0.05 || b - a <= price.step + 1e-9, "{value} -> {next}");
            assert!(Scenario::default().set_field("start_price_usd", &next).is_ok(), "{next}");
            assert!(scale.next_value(&next, -1).parse::<f64>().unwrap() < b, "down from {next}");
            value = next;
            presses += 1;
            assert!(presses <= 250, "{presses} presses");
        }
        assert!(presses >= 150, "{presses} presses end to end");
        let operators = FieldSpec::find("operators").unwrap();
        let (lo, hi) = slider_window(operators).unwrap();
        let scale = SliderScale::new(operators, lo, hi);
        assert!(scale.log);
        assert!(scale.value("733").parse::<u32>().is_ok_and(|n| n % 10 == 0), "{}", scale.value("733"));
        // A narrow window stays linear.
        let shock = FieldSpec::find("price_shock_pct").unwrap();
        let (lo, hi) = slider_window(shock).unwrap();
        assert!(!SliderScale::new(shock, lo, hi).log);
    }

    #[test]
    fn an_arrow_press_moves_a_linear_slider_a_sensible_step() {
        // AI revenue, $0-20M: $100,000 a press (was $10,000: 2,000 presses end to end).
        let revenue = FieldSpec::find("ai_revenue_usd_per_mw_year").unwrap();
        let (lo, hi) = slider_window(revenue).unwrap();
        assert_eq!(SliderScale::new(revenue, lo, hi).step(), 100_000.0);
        assert_eq!(linear_step(1.0, -95.0, 1_000.0), 5.0);
        assert_eq!(linear_step(1.0, 1.0, 60.0), 1.0, "a short window keeps the field's step");
        assert_eq!(linear_step(0.1, 0.1, 30.0), 0.2);
        // Every slider: a step on the field's own grid, at most 200 presses end to end.
        for spec in FIELDS {
            let Some((lo, hi)) = slider_window(spec) else { continue };
            let scale = SliderScale::new(spec, lo, hi);
            let presses = (scale.max() - scale.min()) / scale.step();
            assert!(presses <= MOST_PRESSES + 1e-6, "{}: {presses} presses", spec.name);
            if !scale.log {
                let multiple = scale.step() / spec.step;
                assert!((multiple - multiple.round()).abs() < 1e-6, "{}: {} on a grid of {}", spec.name, scale.step(), spec.step);
            }
        }
    }
}
