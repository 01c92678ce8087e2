//! The market of the day a run is on: its index and date, the bitcoin price,
//! the power price's trend, the share of hash curtailed, and the hashprice
//! once the day's reward is known.

use crate::market;
use crate::scenario::Scenario;
use chrono::NaiveDate;

/// The day under way, as every step of a run reads it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MarketDay {
    index: u32,
    date: NaiveDate,
    price_usd: f64,
    hashprice_usd_per_ph_day: f64,
    power_trend: f64,
    curtailed_share: f64,
}

impl MarketDay {
    /// Before the first day: the scenario's start date and price, no curtailment,
    /// power at its starting price, and the hashprice `hashprice_usd_per_ph_day`
    /// the starting population is drawn at.
    pub fn before_start(sc: &Scenario, hashprice_usd_per_ph_day: f64) -> Self {
        MarketDay {
            index: 0,
            date: sc.start_date,
            price_usd: sc.start_price_usd,
            hashprice_usd_per_ph_day,
            power_trend: 1.0,
            curtailed_share: 0.0,
        }
    }

    /// Moves to day `index` of `sc` at price `price_usd`. The hashprice stays
    /// the day before's until the day's reward is known ([`MarketDay::set_hashprice`]):
    /// machines delivered first thing are judged at it.
    pub fn advance(&mut self, sc: &Scenario, index: u32, price_usd: f64) {
        self.index = index;
        self.date = market::day_date(sc.start_date, index);
        self.price_usd = price_usd;
        self.power_trend = market::power_trend_factor(sc, index);
        self.curtailed_share = market::curtailed_share(sc, index);
    }

    /// Sets the day's hashprice, USD per PH/s per day.
    pub fn set_hashprice(&mut self, hashprice_usd_per_ph_day: f64) {
        self.hashprice_usd_per_ph_day = hashprice_usd_per_ph_day;
    }

    /// The day's index from the run's start.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// The day's date.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The bitcoin price, USD.
    pub fn price_usd(&self) -> f64 {
        self.price_usd
    }

    /// The hashprice, USD per PH/s per day (the day before's until set).
    pub fn hashprice(&self) -> f64 {
        self.hashprice_usd_per_ph_day
    }

    /// The power price's trend factor (1 at the start).
    pub fn power_trend(&self) -> f64 {
        self.power_trend
    }

    /// The share of running hash curtailed.
    pub fn curtailed_share(&self) -> f64 {
        self.curtailed_share
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_reads_the_scenario_and_keeps_the_hashprice_until_it_is_set() {
        let sc = Scenario {
            power_price_trend_pct_per_year: 10.0,
            curtailment_pct: 20.0,
            curtailment_start_day: 30,
            curtailment_days: 5,
            ..Scenario::default()
        };
        let mut day = MarketDay::before_start(&sc, 40.0);
        assert_eq!((day.index(), day.date(), day.price_usd()), (0, sc.start_date, sc.start_price_usd));
        assert_eq!((day.power_trend(), day.curtailed_share(), day.hashprice()), (1.0, 0.0, 40.0));
        day.advance(&sc, 31, 90_000.0);
        assert_eq!(day.index(), 31);
        assert_eq!(day.date(), sc.start_date + chrono::Days::new(31));
        assert_eq!(day.price_usd(), 90_000.0);
        assert_eq!(day.power_trend(), market::power_trend_factor(&sc, 31));
        assert!(day.power_trend() > 1.0, "power costs more a month on at +10% a year");
        assert_eq!(day.curtailed_share(), market::curtailed_share(&sc, 31));
        assert!(day.curtailed_share() > 0.0, "day 31 is in the curtailment");
        assert_eq!(day.hashprice(), 40.0, "yesterday's until the day's reward is known");
        day.set_hashprice(35.5);
        assert_eq!(day.hashprice(), 35.5);
        day.advance(&sc, 60, 90_000.0);
        assert_eq!(day.curtailed_share(), market::curtailed_share(&sc, 60));
    }
}
