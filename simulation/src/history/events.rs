//! The documented events a replay of history takes as inputs: what differs
//! between periods besides the observed price and fees. Each is expressed
//! with the scenario's curtailment fields (a share of running hash off,
//! ramping in, holding, and coming back) and cites its sources in
//! `docs/CALIBRATION.md` ("History events").

use super::table_date as date;
use crate::scenario::Scenario;
use chrono::NaiveDate;
use serde::Serialize;

/// One documented event.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct HistoryEvent {
    /// Stable id.
    pub id: &'static str,
    /// What happened, in a line.
    pub title: &'static str,
    /// The first day, `YYYY-MM-DD`.
    pub start: &'static str,
    /// Share of running hash switched off at its height, percent.
    pub share_pct: f64,
    /// Days to reach that share.
    pub ramp_days: u32,
    /// Days at that share.
    pub full_days: u32,
    /// Days over which the machines come back (relocated, not switched back on).
    pub return_days: u32,
    /// Where the figures come from.
    pub source: &'static str,
}

/// Every documented event. China's 2021 ban: the State Council targeted
/// mining on 21 May 2021 and provinces shut it down through June (Inner
/// Mongolia, Xinjiang and Qinghai on 9 June, Sichuan by 20 June); China held
/// 46% of the hash rate in April 2021 and 0% in July and August (CCAF); the
/// hash rate bottomed on 27 June; the machines were shipped abroad (the US
/// went to 35% by August, Kazakhstan to 18%) and reinstalled over the
/// following months, with the network back above its April level by
/// December (193.6 EH/s on 21 December, CCAF).
pub const EVENTS: &[HistoryEvent] = &[HistoryEvent {
    id: "china-ban-2021",
    title: "China's mining ban: about 46% of the hash rate shut down from 21 May 2021 and reinstalled abroad over the following months",
    start: "2021-05-21",
    share_pct: 46.0,
    ramp_days: 38,
    full_days: 30,
    return_days: 150,
    source: "CCAF mining map (China 46% in April 2021, 0% in July-August); SCMP, Reuters (ban timeline); CCAF (hash rate low 27 June 2021, 193.6 EH/s on 21 December 2021)",
}];

impl HistoryEvent {
    /// The last day it has any effect.
    pub fn end(&self) -> NaiveDate {
        date(self.start) + chrono::Days::new(u64::from(self.ramp_days + self.full_days + self.return_days))
    }
}

/// Sets `scenario`'s curtailment to the documented event that overlaps its
/// run, seen from its start date (an event under way at the start begins at
/// its current phase: the rest of its ramp, hold or return, at the share it
/// has reached). Returns the event applied, if any.
pub fn apply(scenario: &mut Scenario) -> Option<&'static HistoryEvent> {
    let from = scenario.start_date;
    let to = from + chrono::Days::new(u64::from(scenario.days()));
    let event = EVENTS.iter().find(|e| date(e.start) < to && e.end() >= from)?;
    let start = date(event.start);
    scenario.curtailment_pct = event.share_pct;
    scenario.curtailment_ramp_days = event.ramp_days;
    scenario.curtailment_days = event.full_days;
    scenario.curtailment_return_days = event.return_days;
    if start >= from {
        scenario.curtailment_start_day = (start - from).num_days() as u32;
        return Some(event);
    }
    scenario.curtailment_start_day = 0;
    let mut elapsed = (from - start).num_days() as u32;
    let ramp_left = event.ramp_days.saturating_sub(elapsed);
    elapsed = elapsed.saturating_sub(event.ramp_days);
    if ramp_left > 0 {
        scenario.curtailment_ramp_days = ramp_left;
        return Some(event);
    }
    scenario.curtailment_ramp_days = 0;
    let full_left = event.full_days.saturating_sub(elapsed);
    elapsed = elapsed.saturating_sub(event.full_days);
    if full_left > 0 {
        scenario.curtailment_days = full_left;
        return Some(event);
    }
    // Under way back: the share reached, coming back over the days left.
    let return_left = event.return_days.saturating_sub(elapsed).max(1);
    scenario.curtailment_pct = event.share_pct * f64::from(return_left) / f64::from(event.return_days + 1);
    scenario.curtailment_days = 1;
    scenario.curtailment_return_days = return_left - 1;
    Some(event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::curtailed_share;

    fn starting(d: &str, years: f64) -> Scenario {
        Scenario { start_date: date(d), years, ..Scenario::default() }
    }

    #[test]
    fn an_event_inside_the_run_starts_on_its_day() {
        let mut s = starting("2021-01-01", 1.0);
        assert_eq!(apply(&mut s).map(|e| e.id), Some("china-ban-2021"));
        assert_eq!(s.curtailment_start_day, 140);
        assert!((curtailed_share(&s, 140 + 37) - 0.46).abs() < 1e-12);
        assert_eq!(curtailed_share(&s, 139), 0.0);
        assert_eq!(curtailed_share(&s, 140 + 38 + 30 + 150), 0.0);
    }

    #[test]
    fn an_event_under_way_continues_from_its_phase() {
        // 2021-07-01 is 41 days in: past the 38-day ramp, 27 days of the hold left.
        let mut s = starting("2021-07-01", 0.5);
        apply(&mut s);
        assert_eq!((s.curtailment_start_day, s.curtailment_ramp_days, s.curtailment_days, s.curtailment_return_days), (0, 0, 27, 150));
        assert!((curtailed_share(&s, 0) - 0.46).abs() < 1e-12);
        // The same day seen from the event's own start.
        let mut whole = starting("2021-05-21", 1.0);
        apply(&mut whole);
        for day in [0u32, 26, 27, 60, 176, 177] {
            let a = curtailed_share(&s, day);
            let b = curtailed_share(&whole, day + 41);
            assert!((a - b).abs() < 1e-9, "day {day}: {a} {b}");
        }
        // Well into the return.
        let mut late = starting("2021-10-01", 0.5);
        apply(&mut late);
        let b = curtailed_share(&whole, (date("2021-10-01") - date("2021-05-21")).num_days() as u32);
        assert!((curtailed_share(&late, 0) - b).abs() < 0.01, "{} {b}", curtailed_share(&late, 0));
        // None outside.
        let mut none = starting("2023-01-01", 1.0);
        assert!(apply(&mut none).is_none());
        assert_eq!(none.curtailment_pct, 0.0);
    }
}
