//! The windows the back-test replays, one per regime since 2019, and the
//! scenario that replays any span of the observed history.

use super::{events, network, observed, table_date as date};
use crate::error::ScenarioError;
use crate::scenario::Scenario;
use chrono::NaiveDate;
use serde::Serialize;

/// A named span of history.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Window {
    /// Its name: `--window`, the API's `window=`, the preset `history-<id>`.
    pub id: &'static str,
    /// A title.
    pub title: &'static str,
    /// The first day, `YYYY-MM-DD`.
    pub from: &'static str,
    /// The last day, `YYYY-MM-DD`.
    pub to: &'static str,
    /// What the real network did, in a sentence (from the data).
    pub observed: &'static str,
}

/// Every named window, in date order.
pub const WINDOWS: &[Window] = &[
    Window {
        id: "2019",
        title: "2019: the recovery",
        from: "2019-01-01",
        to: "2019-12-31",
        observed: "The price rose from under $4,000 to $13,000 in June and ended near $7,200; the hash rate went from about 42 to about 100 EH/s as the S17 and M20 machines arrived.",
    },
    Window {
        id: "2020",
        title: "2020: the March crash and the May halving",
        from: "2020-01-01",
        to: "2020-12-31",
        observed: "The price halved in March, the subsidy halved on 11 May, and the hash rate stayed roughly flat from February to June (about 110 EH/s) before new S19 machines took it to about 140 by December.",
    },
    Window {
        id: "2021h2",
        title: "2021, second half: after China's ban",
        from: "2021-07-01",
        to: "2021-12-31",
        observed: "China's ban had switched off about half the hash rate (about 170 EH/s in mid-April, under 100 in early July); the machines were shipped abroad and reinstalled, and the hash rate was back near 170 EH/s by December.",
    },
    Window {
        id: "2022",
        title: "2022: the bear market",
        from: "2022-01-01",
        to: "2022-12-31",
        observed: "Hashprice fell by three quarters (about $250 to about $60 per PH/s a day) while the hash rate rose by about 40%, as machines ordered in the 2021 boom were delivered and plugged in.",
    },
    Window {
        id: "2023",
        title: "2023: the recovery",
        from: "2023-01-01",
        to: "2023-12-31",
        observed: "The price rose about 2.5 times and the hash rate about doubled (about 255 to about 500 EH/s).",
    },
    Window {
        id: "2024",
        title: "2024: the April halving",
        from: "2024-01-01",
        to: "2024-12-31",
        observed: "Hashprice halved within days of the halving on 20 April (about $107 to about $55); the 30-day mean hash rate dipped a few percent by June and was about 30% higher by December.",
    },
    Window {
        id: "2025",
        title: "2025: 1 ZH/s and the squeeze",
        from: "2025-01-01",
        to: "2025-12-29",
        observed: "The hash rate grew from about 780 to about 1,070 EH/s; in the autumn hashprice fell about 25%, and the monthly hash rate stayed roughly flat into December.",
    },
];

impl Window {
    /// Its first and last days.
    pub fn dates(&self) -> (NaiveDate, NaiveDate) {
        (date(self.from), date(self.to))
    }

    /// The scenario that replays it.
    pub fn scenario(&self) -> Scenario {
        let (from, to) = self.dates();
        let mut scenario = replay(from, to).expect("named windows lie in the data");
        scenario.title = format!("History {}", self.id);
        scenario
    }
}

/// The first lease of a mining site's power to an AI tenant: Core Scientific
/// and CoreWeave, 200 MW at ~$290M a year, June 2024 (docs/CALIBRATION.md,
/// AI/HPC alternative). A documented event: before it, no AI market.
pub const AI_HOSTING_OPENS: &str = "2024-06-03";

/// The window called `id`.
pub fn find(id: &str) -> Option<&'static Window> {
    WINDOWS.iter().find(|w| w.id == id)
}

/// Every window id, for error messages.
pub fn ids() -> Vec<&'static str> {
    WINDOWS.iter().map(|w| w.id).collect()
}

/// The scenario that replays `from` to `to` (both inside the data): the
/// network as it stood on `from` ([`network::network_at`]), the observed
/// price and fees each day, no price noise, and the documented events
/// ([`events::EVENTS`]) that fall in it. The installed hash covers the
/// machines an event has switched off on the first day, so that what runs
/// equals the observed hash rate.
pub fn replay(from: NaiveDate, to: NaiveDate) -> Result<Scenario, ScenarioError> {
    let (first, last) = observed::span();
    let allowed = format!("dates from {first} to {last}, `to` after `from`");
    if observed::index_of(to).is_none() {
        return Err(ScenarioError::new("to", format!("{to} is outside the observed history"), allowed));
    }
    if to <= from {
        return Err(ScenarioError::new("to", format!("{to} is not after {from}"), allowed));
    }
    let mut scenario = network::network_at(from).map_err(|e| ScenarioError::new("from", e.message, allowed.clone()))?;
    let days = (to - from).num_days() + 1;
    scenario.years = days as f64 / 365.25;
    scenario.history_replay = "observed".into();
    // No miner sold its power to an AI tenant before the first such lease
    // (Core Scientific and CoreWeave, June 2024): a window that ends before it
    // has no AI market. (One that spans it keeps the market from its start: the
    // scenario's AI market is not dated.)
    if to < date(AI_HOSTING_OPENS) {
        scenario.ai_market_mw_per_year = 0.0;
    }
    scenario.price_volatility = 0.0;
    scenario.title = format!("History {from} to {to}");
    if events::apply(&mut scenario).is_some() {
        let off = crate::market::curtailed_share(&scenario, 0);
        scenario.start_hashrate_ehs /= 1.0 - off;
    }
    Ok(scenario)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_window_replays_the_data_and_is_valid() {
        for window in WINDOWS {
            let scenario = window.scenario();
            scenario.validate().unwrap_or_else(|e| panic!("{}: {e}", window.id));
            let (from, to) = window.dates();
            assert_eq!(scenario.days() as i64, (to - from).num_days() + 1, "{}", window.id);
            assert!(scenario.replays_history());
        }
        assert_eq!(find("2021h2").unwrap().scenario().curtailment_days, 27);
        assert!(find("2022").unwrap().scenario().curtailment_pct == 0.0);
        // No AI tenants before June 2024; the 2024 and 2025 windows have the market.
        assert_eq!(find("2023").unwrap().scenario().ai_market_mw_per_year, 0.0);
        assert!(find("2024").unwrap().scenario().ai_market_mw_per_year > 0.0);
    }

    #[test]
    fn ranges_outside_the_data_name_the_field() {
        assert_eq!(replay(date("2018-06-01"), date("2019-06-01")).unwrap_err().field, "from");
        assert_eq!(replay(date("2025-06-01"), date("2026-06-01")).unwrap_err().field, "to");
        assert_eq!(replay(date("2025-06-01"), date("2025-05-01")).unwrap_err().field, "to");
    }
}
