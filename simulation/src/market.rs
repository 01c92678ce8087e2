//! Markets outside the miners' control: the BTC price, fees and power prices.
//!
//! Price on day `t` is `base(t) * noise(t) * shock(t)`:
//! - `base` is `start_price_usd` growing at `price_drift`, or, when a price
//!   path is given, that path (log-linear between its points, flat before the
//!   first, growing at `price_drift` after the last);
//! - `noise` is a driftless geometric Brownian motion with `price_volatility`
//!   (a martingale: `exp(sigma W - sigma^2 t / 2)`), one step a day;
//! - `shock` moves the price by `price_shock_pct` spread evenly in log terms
//!   over `price_shock_days` from `price_shock_start_day`, and stays.
//!
//! Fees per block are `fee_btc_per_block * (1 + growth)^years` times a daily
//! log-normal noise with mean 1. Power prices trend by
//! `power_price_trend_pct_per_year`, compounded daily.

use crate::history::observed;
use crate::math::{exp, ln, pow};
use crate::rng::Draws;
use crate::rng::{self, Stream};
use crate::scenario::Scenario;
use chrono::NaiveDate;

const DAYS_PER_YEAR: f64 = 365.25;

/// The whole price path of a run, one value per day, computed up front.
pub fn price_path_usd(scenario: &Scenario) -> Vec<f64> {
    let days = scenario.days() as usize;
    let mut rng = rng::stream(scenario.seed, Stream::Price);
    let sigma_daily = scenario.price_volatility / DAYS_PER_YEAR.sqrt();
    let mut log_noise = 0.0;
    let mut path = Vec::with_capacity(days);
    for day in 0..days {
        if day > 0 {
            log_noise += sigma_daily * rng::standard_normal(&mut rng) - 0.5 * sigma_daily * sigma_daily;
        }
        let base = base_price_usd(scenario, day as u32);
        path.push(base * exp(log_noise) * shock_factor(scenario, day as u32));
    }
    path
}

/// The deterministic part of the price on `day`.
pub fn base_price_usd(scenario: &Scenario, day: u32) -> f64 {
    let drift = |years: f64| exp(scenario.price_drift * years);
    let points = &scenario.price_path;
    let today = day_date(scenario.start_date, day);
    if scenario.replays_history() {
        if let Some(observed) = observed::on(today) {
            return observed.price_usd;
        }
        let (_, last) = observed::span();
        let last_observed_in_run = last >= scenario.start_date;
        if points.is_empty() && today > last && last_observed_in_run {
            let years = (today - last).num_days() as f64 / DAYS_PER_YEAR;
            return observed::days()[observed::days().len() - 1].price_usd * drift(years);
        }
    }
    if points.is_empty() {
        return scenario.start_price_usd * drift(f64::from(day) / DAYS_PER_YEAR);
    }
    let first = &points[0];
    let last = &points[points.len() - 1];
    if today <= first.date {
        return first.price_usd;
    }
    if today >= last.date {
        let years = (today - last.date).num_days() as f64 / DAYS_PER_YEAR;
        return last.price_usd * drift(years);
    }
    let next = points.partition_point(|p| p.date <= today);
    let (a, b) = (&points[next - 1], &points[next]);
    let span = (b.date - a.date).num_days() as f64;
    let t = (today - a.date).num_days() as f64 / span;
    exp(ln(a.price_usd) * (1.0 - t) + ln(b.price_usd) * t)
}

/// The shock's multiplier on `day`.
pub fn shock_factor(scenario: &Scenario, day: u32) -> f64 {
    if scenario.price_shock_pct == 0.0 || day < scenario.price_shock_start_day {
        return 1.0;
    }
    let elapsed = f64::from(day - scenario.price_shock_start_day).min(f64::from(scenario.price_shock_days));
    let fraction = elapsed / f64::from(scenario.price_shock_days);
    exp(ln(1.0 + scenario.price_shock_pct / 100.0) * fraction)
}

/// The calendar date of `day`.
pub fn day_date(start: NaiveDate, day: u32) -> NaiveDate {
    start.checked_add_days(chrono::Days::new(u64::from(day))).unwrap_or(NaiveDate::MAX)
}

/// Daily fee level per block, BTC.
pub struct Fees {
    rng: Draws,
    base_btc: f64,
    growth_per_year: f64,
    sigma: f64,
    /// Daily AR(1) coefficient of the log level's deviation from its trend.
    persistence: f64,
    /// Yesterday's standardised deviation (none before the first day).
    deviation: Option<f64>,
    /// When history is replayed: the observed index of day 0 (may be past
    /// the data's end or, as a negative offset, before its start).
    replay_from: Option<i64>,
}

impl Fees {
    /// The fee process of `scenario`.
    pub fn new(scenario: &Scenario) -> Self {
        let first = observed::span().0;
        Self {
            rng: rng::stream(scenario.seed, Stream::Fees),
            base_btc: scenario.fee_btc_per_block,
            growth_per_year: 1.0 + scenario.fee_growth_pct_per_year / 100.0,
            sigma: scenario.fee_volatility,
            persistence: scenario.fee_persistence.clamp(0.0, 0.99),
            deviation: None,
            replay_from: scenario.replays_history().then(|| (scenario.start_date - first).num_days()),
        }
    }

    /// The observed fee level on `day` of a replay, if that day is in the data.
    fn observed_btc(&self, day: u32) -> Option<f64> {
        let index = usize::try_from(self.replay_from? + i64::from(day)).ok()?;
        (index < observed::days().len()).then(|| observed::fee_level_btc(index))
    }

    /// The mean fee per block expected on `day` (no noise), BTC: the
    /// observed level on a replayed day.
    pub fn expected_btc(&self, day: u32) -> f64 {
        if let Some(level) = self.observed_btc(day) {
            return level;
        }
        if self.growth_per_year <= 0.0 {
            return if day == 0 { self.base_btc } else { 0.0 };
        }
        self.base_btc * pow(self.growth_per_year, f64::from(day) / DAYS_PER_YEAR)
    }

    /// The fee per block on `day`, with that day's noise, BTC. Call once per day, in order.
    /// The noise persists: each day's standardised deviation from the trend is
    /// `persistence` times yesterday's plus fresh noise scaled to keep its spread
    /// at one (with no persistence, each day's own draw, as before).
    pub fn next_day_btc(&mut self, day: u32) -> f64 {
        let noise = rng::standard_normal(&mut self.rng);
        let deviation = match self.deviation {
            None => noise,
            Some(yesterday) => self.persistence * yesterday + (1.0 - self.persistence * self.persistence).sqrt() * noise,
        };
        self.deviation = Some(deviation);
        if let Some(level) = self.observed_btc(day) {
            // The observed day already carries its own noise.
            return level;
        }
        self.expected_btc(day) * exp(self.sigma * deviation - 0.5 * self.sigma * self.sigma)
    }
}

/// Seconds a transaction waits in the mempool before nodes drop it (Bitcoin
/// Core's `-mempoolexpiry` default, 336 hours).
pub const MEMPOOL_EXPIRY_S: f64 = 336.0 * 3_600.0;

/// Fees waiting for a block. Fees arrive with time, at the day's level per
/// 10 minutes; each block collects what has arrived since the last one, up
/// to `capacity_blocks` times a 10-minute flow (a block's weight limit); the
/// rest waits for the next block, and what waited longer than the mempool's
/// expiry is dropped. So slow blocks pay more, and a chain whose hash rate
/// falls keeps its miners' income per day while difficulty adjusts
/// (MODEL.md section 8: "Fees accrue with time").
#[derive(Debug, Clone, Default)]
pub struct Mempool {
    waiting_btc: f64,
}

impl Mempool {
    /// Fees arrive for `elapsed_s` seconds at `level_btc` per 10 minutes; the
    /// next block takes its share. Returns the block's fees, BTC.
    pub fn block_fees_btc(&mut self, elapsed_s: f64, level_btc: f64, capacity_blocks: f64) -> f64 {
        self.accrue(elapsed_s, level_btc);
        let taken = crate::math::smaller(self.waiting_btc, level_btc * capacity_blocks);
        self.waiting_btc -= taken;
        taken
    }

    /// Fees arrive for `elapsed_s` seconds at `level_btc` per 10 minutes.
    pub fn accrue(&mut self, elapsed_s: f64, level_btc: f64) {
        let per_s = level_btc / crate::chain::TARGET_BLOCK_INTERVAL_S;
        let arrived = self.waiting_btc + per_s * crate::math::larger(elapsed_s, 0.0);
        self.waiting_btc = crate::math::smaller(arrived, per_s * MEMPOOL_EXPIRY_S);
    }

    /// Fees waiting now, BTC.
    pub fn waiting_btc(&self) -> f64 {
        self.waiting_btc
    }
}

/// The share of running hash curtailed on `day` (the scenario's curtailment event).
/// It grows evenly to its full share over `curtailment_ramp_days`, holds for
/// `curtailment_days`, then comes back evenly over `curtailment_return_days`.
pub fn curtailed_share(scenario: &Scenario, day: u32) -> f64 {
    let start = scenario.curtailment_start_day;
    let full = scenario.curtailment_pct / 100.0;
    if full <= 0.0 || day < start {
        return 0.0;
    }
    let elapsed = day - start;
    let ramp = scenario.curtailment_ramp_days;
    let held = ramp.saturating_add(scenario.curtailment_days);
    let back = held.saturating_add(scenario.curtailment_return_days);
    if elapsed < ramp {
        full * f64::from(elapsed + 1) / f64::from(ramp)
    } else if elapsed < held {
        full
    } else if elapsed < back {
        full * (1.0 - f64::from(elapsed - held + 1) / f64::from(scenario.curtailment_return_days + 1))
    } else {
        0.0
    }
}

/// Every site's power price multiplier on `day` (the scenario's trend).
pub fn power_trend_factor(scenario: &Scenario, day: u32) -> f64 {
    pow(1.0 + scenario.power_price_trend_pct_per_year / 100.0, f64::from(day) / DAYS_PER_YEAR)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::PricePoint;

    #[test]
    fn fee_noise_persists_with_its_spread() {
        let lag_one = |persistence: f64| {
            let scenario = Scenario { fee_persistence: persistence, fee_growth_pct_per_year: 0.0, ..Scenario::default() };
            let mut fees = Fees::new(&scenario);
            let logs: Vec<f64> = (0..20_000).map(|day| ln(fees.next_day_btc(day) / fees.expected_btc(day))).collect();
            let mean = logs.iter().sum::<f64>() / logs.len() as f64;
            let variance = logs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / logs.len() as f64;
            let covariance = logs.windows(2).map(|w| (w[0] - mean) * (w[1] - mean)).sum::<f64>() / (logs.len() - 1) as f64;
            (covariance / variance, variance.sqrt())
        };
        let (rho, sd) = lag_one(0.73);
        assert!((rho - 0.73).abs() < 0.03, "{rho}");
        assert!((sd - 0.3).abs() < 0.03, "{sd}");
        let (rho, sd) = lag_one(0.0);
        assert!(rho.abs() < 0.03, "{rho}");
        assert!((sd - 0.3).abs() < 0.02, "{sd}");
    }

    #[test]
    fn a_replay_takes_each_days_price_and_fees_from_the_data() {
        let start = NaiveDate::from_ymd_opt(2025, 12, 27).unwrap();
        let scenario = Scenario {
            start_date: start,
            history_replay: "observed".into(),
            price_volatility: 0.0,
            price_drift: 0.1,
            years: 0.1,
            ..Scenario::default()
        };
        let path = price_path_usd(&scenario);
        assert_eq!(path[..3], [observed::on(start).unwrap().price_usd, 87_748.0, 87_134.0]);
        // After the data: the last observed price with the drift.
        assert!((path[4] / 87_134.0 - exp(0.1 * 2.0 / DAYS_PER_YEAR)).abs() < 1e-12);
        let mut fees = Fees::new(&scenario);
        assert_eq!(fees.next_day_btc(1), 2.16 / 144.0);
        assert_eq!(fees.expected_btc(2), 2.81 / 144.0);
        // Past the data, the fee settings apply.
        assert_eq!(fees.expected_btc(10), scenario.fee_btc_per_block);
    }

    #[test]
    fn a_curtailment_ramps_holds_and_returns() {
        let scenario = Scenario {
            curtailment_pct: 40.0,
            curtailment_start_day: 10,
            curtailment_ramp_days: 4,
            curtailment_days: 2,
            curtailment_return_days: 3,
            ..Scenario::default()
        };
        let shares: Vec<f64> = (9..=20).map(|d| curtailed_share(&scenario, d)).collect();
        let expect = [0.0, 0.1, 0.2, 0.3, 0.4, 0.4, 0.4, 0.3, 0.2, 0.1, 0.0, 0.0];
        for (got, want) in shares.iter().zip(expect) {
            assert!((got - want).abs() < 1e-12, "{shares:?}");
        }
        // Without ramp or return: all at once, as before.
        let plain = Scenario { curtailment_ramp_days: 0, curtailment_return_days: 0, ..scenario };
        assert_eq!((9..=13).map(|d| curtailed_share(&plain, d)).collect::<Vec<_>>(), [0.0, 0.4, 0.4, 0.0, 0.0]);
    }

    #[test]
    fn shock_moves_the_price_by_its_percent_over_its_days() {
        let scenario = Scenario {
            price_volatility: 0.0,
            price_shock_pct: -38.0,
            price_shock_start_day: 10,
            price_shock_days: 47,
            years: 0.5,
            ..Scenario::default()
        };
        let path = price_path_usd(&scenario);
        assert_eq!(path[5], scenario.start_price_usd);
        assert!((path[57] / path[0] - 0.62).abs() < 1e-12);
        assert!((path[100] / path[0] - 0.62).abs() < 1e-12);
        assert!(path[30] < path[20] && path[20] < path[10]);
    }

    #[test]
    fn a_price_path_is_followed_log_linearly() {
        let date = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let scenario = Scenario {
            start_date: date("2025-10-01"),
            price_path: vec![
                PricePoint { date: date("2025-10-06"), price_usd: 124_824.0 },
                PricePoint { date: date("2025-10-16"), price_usd: 100_000.0 },
            ],
            ..Scenario::default()
        };
        assert_eq!(base_price_usd(&scenario, 0), 124_824.0);
        assert_eq!(base_price_usd(&scenario, 5), 124_824.0);
        let mid = base_price_usd(&scenario, 10);
        assert!((mid - (124_824.0f64 * 100_000.0).sqrt()).abs() < 1e-6);
        assert_eq!(base_price_usd(&scenario, 40), 100_000.0);
    }

    #[test]
    fn gbm_noise_is_a_martingale() {
        // Across seeds, the mean of price after a year stays at the start price.
        let runs = 400;
        let mut sum = 0.0;
        for seed in 0..runs {
            let scenario = Scenario { seed, years: 1.0, ..Scenario::default() };
            sum += *price_path_usd(&scenario).last().unwrap() / scenario.start_price_usd;
        }
        let mean = sum / runs as f64;
        // Std of one ratio at sigma 0.45 is ~0.47; the mean's standard error ~0.024; allow 4 of them.
        assert!((mean - 1.0).abs() < 0.1, "{mean}");
    }

    #[test]
    fn blocks_collect_the_fees_that_arrived_since_the_last_one() {
        let mut mempool = Mempool::default();
        // On time: one 10-minute flow.
        assert!((mempool.block_fees_btc(600.0, 0.02, 3.0) - 0.02).abs() < 1e-15);
        // Twice as slow: twice the fees.
        assert!((mempool.block_fees_btc(1_200.0, 0.02, 3.0) - 0.04).abs() < 1e-15);
        // Five times as slow: the block is full at 3 flows, 2 wait for the next block.
        assert!((mempool.block_fees_btc(3_000.0, 0.02, 3.0) - 0.06).abs() < 1e-15);
        assert!((mempool.waiting_btc() - 0.04).abs() < 1e-15);
        assert!((mempool.block_fees_btc(0.0, 0.02, 3.0) - 0.04).abs() < 1e-15);
        // Fees per day do not depend on how many blocks share them (below capacity).
        let (mut fast, mut slow) = (Mempool::default(), Mempool::default());
        let fast_day: f64 = (0..288).map(|_| fast.block_fees_btc(300.0, 0.02, 3.0)).sum();
        let slow_day: f64 = (0..72).map(|_| slow.block_fees_btc(1_200.0, 0.02, 3.0)).sum();
        assert!((fast_day - slow_day).abs() < 1e-12 && (fast_day - 2.88).abs() < 1e-12);
        // A backlog never holds more than the expiry's worth of fees.
        let mut stalled = Mempool::default();
        stalled.block_fees_btc(1e9, 0.02, 0.0);
        assert!((stalled.waiting_btc() - 0.02 / 600.0 * MEMPOOL_EXPIRY_S).abs() < 1e-9);
    }

    #[test]
    fn fees_grow_on_trend() {
        let scenario = Scenario { fee_growth_pct_per_year: 100.0, ..Scenario::default() };
        let fees = Fees::new(&scenario);
        assert!((fees.expected_btc(365) / fees.expected_btc(0) - 2.0).abs() < 0.01);
        let zero = Fees::new(&Scenario { fee_growth_pct_per_year: -100.0, ..Scenario::default() });
        assert_eq!(zero.expected_btc(10), 0.0);
    }
}
