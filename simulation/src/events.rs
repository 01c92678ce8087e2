//! What happened in a run, dated and in words: retargets, halvings, the
//! price shock and the curtailment, power committed and converted to AI,
//! waves of exits and entries, a pool crossing a quarter or half of the hash.
//!
//! The engine notes each event the day it happens (those it alone sees:
//! halvings on their block, AI commitments and exit waves at a month's end,
//! pools crossing a line on a recorded day); scripted events come from the
//! scenario. Charts mark them, and the page, API and CLI list them.

use crate::chain::Retarget;
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};

/// The kinds of event.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A difficulty adjustment (`value`: its change, %).
    Retarget,
    /// The subsidy halved (`value`: the new subsidy, BTC).
    Halving,
    /// The scripted price shock starts (`value`: its size, %).
    PriceShockStart,
    /// The price shock has played out.
    PriceShockEnd,
    /// The scripted curtailment starts (`value`: the share curtailed, %).
    CurtailmentStart,
    /// The curtailed machines come back.
    CurtailmentEnd,
    /// Power committed to AI hosting in a month, large enough to matter (`value`: MW).
    AiCommitted,
    /// Power finished converting to AI in a month (`value`: MW).
    AiConverted,
    /// A month in which many operators sold up (`value`: how many).
    ExitWave,
    /// A month in which many newcomers arrived (`value`: how many).
    EntryWave,
    /// A pool rose above a quarter of the hash (`value`: its share, %).
    PoolAbove25,
    /// A pool rose above half of the hash (`value`: its share, %).
    PoolAbove50,
    /// A day without a block.
    ChainStall,
}

/// One dated event.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunEvent {
    /// Day of the run.
    pub day: u32,
    /// Its date, ISO 8601.
    pub date: String,
    /// What kind of event.
    pub kind: EventKind,
    /// Its size, in the kind's unit.
    pub value: f64,
    /// What happened, in plain words.
    pub text: String,
}

/// Power committed or converted to AI in a month that counts as an event, MW.
pub const AI_EVENT_MIN_MW: f64 = 100.0;
/// Exits or entries in a month that count as a wave, as a share of active operators.
pub const WAVE_SHARE: f64 = 0.05;

/// The scripted events of a scenario within `days`: the price shock and the curtailment.
pub fn scripted(scenario: &Scenario, days: u32, date_of: impl Fn(u32) -> String) -> Vec<RunEvent> {
    let mut events = Vec::new();
    let mut push = |day: u32, kind: EventKind, value: f64, text: String| {
        if day < days {
            events.push(RunEvent { day, date: date_of(day), kind, value, text });
        }
    };
    if scenario.price_shock_pct != 0.0 {
        let start = scenario.price_shock_start_day;
        let verb = if scenario.price_shock_pct < 0.0 { "falls" } else { "rises" };
        push(
            start,
            EventKind::PriceShockStart,
            scenario.price_shock_pct,
            format!(
                "The price shock begins: the price {verb} {:.0}% over {} days.",
                scenario.price_shock_pct.abs(),
                scenario.price_shock_days
            ),
        );
        push(
            start + scenario.price_shock_days,
            EventKind::PriceShockEnd,
            scenario.price_shock_pct,
            "The price shock has played out.".into(),
        );
    }
    if scenario.curtailment_pct > 0.0 {
        let start = scenario.curtailment_start_day;
        push(
            start,
            EventKind::CurtailmentStart,
            scenario.curtailment_pct,
            format!(
                "{:.0}% of the running machines are switched off for {} days (curtailment).",
                scenario.curtailment_pct, scenario.curtailment_days
            ),
        );
        push(
            start + scenario.curtailment_days,
            EventKind::CurtailmentEnd,
            scenario.curtailment_pct,
            "The curtailed machines come back on.".into(),
        );
    }
    events
}

/// A retarget as an event, with its cause in words.
pub fn retarget(retarget: &Retarget) -> RunEvent {
    // Core measures the window's 2015 intervals (see `chain`).
    let interval = retarget.timespan_s as f64 / 2_015.0 / 60.0;
    let text = if retarget.change_pct < 0.0 {
        format!("The difficulty fell {:.1}% because blocks had slowed to {:.1} minutes.", -retarget.change_pct, interval)
    } else {
        format!("The difficulty rose {:.1}% because blocks had come every {:.1} minutes.", retarget.change_pct, interval)
    };
    RunEvent { day: retarget.day, date: retarget.date.clone(), kind: EventKind::Retarget, value: retarget.change_pct, text }
}

/// The events in day order (stable: the same day keeps the order they were noted in).
pub fn sorted(mut events: Vec<RunEvent>) -> Vec<RunEvent> {
    events.sort_by_key(|e| e.day);
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shock_and_a_curtailment_are_dated_and_said() {
        let scenario = Scenario {
            price_shock_pct: -38.0,
            price_shock_start_day: 10,
            price_shock_days: 47,
            curtailment_pct: 25.0,
            curtailment_start_day: 100,
            curtailment_days: 4,
            ..Scenario::default()
        };
        let events = scripted(&scenario, 102, |d| format!("day {d}"));
        let kinds: Vec<EventKind> = events.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![EventKind::PriceShockStart, EventKind::PriceShockEnd, EventKind::CurtailmentStart],
            "the end at 104 is past the run"
        );
        assert!(events[0].text.contains("falls 38%"), "{}", events[0].text);
        assert_eq!(events[1].day, 57);
        assert!(scripted(&Scenario::default(), 1_000, |d| d.to_string()).is_empty());
    }

    #[test]
    fn a_retarget_says_why() {
        // 2016 blocks in 15% more time than two weeks: difficulty down ~13%, blocks at 11.5 minutes.
        let slow = Retarget {
            height: 2_015,
            day: 14,
            date: "2026-02-07".into(),
            old_difficulty_t: 100.0,
            new_difficulty_t: 86.96,
            change_pct: -13.04,
            timespan_s: (1_209_600.0 * 1.15) as i64,
        };
        let event = retarget(&slow);
        assert!(event.text.starts_with("The difficulty fell 13.0% because blocks had slowed to 11.5 minutes"), "{}", event.text);
    }
}
