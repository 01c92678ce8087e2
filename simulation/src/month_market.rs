//! What the market paid over a month, and what it is expected to pay.
//!
//! Hashprice moves with the price, the difficulty and the reward. Its value
//! per BTC of block reward moves only with the first two, so it is what
//! operators learn and expect ([`crate::expectations`]): each day's hashprice
//! and reward are summed over the month; at its end the month's value per
//! BTC of reward is observed, and the market's adaptive value moves towards
//! it by `expectation_weight` (entrants start from it).

use crate::expectations;

/// A month just closed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ClosedMonth {
    /// Its days (at least 1).
    pub days: u32,
    /// Its mean hashprice per BTC of its mean reward (0 without reward), USD/PH/day per BTC.
    pub value_per_reward: f64,
}

/// The month under way and the last month's verdict.
#[derive(Debug, Clone, Default)]
pub(crate) struct MonthMarket {
    hashprice_sum: f64,
    reward_sum_btc: f64,
    days: u32,
    observed_value_per_reward: f64,
    market_value_per_reward: f64,
}

impl MonthMarket {
    /// A market that starts out valuing hashprice at `value_per_reward` per BTC of reward.
    pub fn new(value_per_reward: f64) -> Self {
        MonthMarket { market_value_per_reward: value_per_reward, ..MonthMarket::default() }
    }

    /// A day's hashprice (USD/PH/day) and block reward (BTC).
    pub fn add_day(&mut self, hashprice_usd_per_ph_day: f64, reward_btc: f64) {
        self.reward_sum_btc += reward_btc;
        self.hashprice_sum += hashprice_usd_per_ph_day;
        self.days += 1;
    }

    /// Closes the month: observes its mean hashprice per BTC of mean reward
    /// (0 for a month without reward), moves the market's value towards it
    /// by `expectation_weight`, and starts a new month.
    pub fn close(&mut self, expectation_weight: f64) -> ClosedMonth {
        let days = self.days.max(1);
        let hashprice = self.hashprice_sum / f64::from(days);
        let reward = self.reward_sum_btc / f64::from(days);
        *self = MonthMarket { market_value_per_reward: self.market_value_per_reward, ..MonthMarket::default() };
        let observed = if reward > 0.0 { hashprice / reward } else { 0.0 };
        self.observed_value_per_reward = observed;
        self.market_value_per_reward = expectations::adapt(self.market_value_per_reward, observed, expectation_weight);
        ClosedMonth { days, value_per_reward: observed }
    }

    /// What the last month paid per BTC of reward, USD/PH/day per BTC.
    pub fn observed_value_per_reward(&self) -> f64 {
        self.observed_value_per_reward
    }

    /// The market's adaptive value per BTC of reward, USD/PH/day per BTC.
    pub fn market_value_per_reward(&self) -> f64 {
        self.market_value_per_reward
    }

    /// What a firm counts on when it commits capital: the lower of its own
    /// value (`value_per_reward`) and what the market paid last month.
    /// Running decisions use the expectation; capital waits for the market to
    /// confirm it, so a crash stops orders the month it happens.
    pub fn prudent_value(&self, value_per_reward: f64) -> f64 {
        value_per_reward.min(self.observed_value_per_reward)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_observed_and_the_market_moves_towards_it() {
        let mut market = MonthMarket::new(10_000.0);
        // Ten days of hashprice 40 on a reward of 3.2 BTC, then twenty of 30 on 3.0.
        for _ in 0..10 {
            market.add_day(40.0, 3.2);
        }
        for _ in 0..20 {
            market.add_day(30.0, 3.0);
        }
        let closed = market.close(0.25);
        assert_eq!(closed.days, 30);
        let observed = closed.value_per_reward;
        let expected = (400.0 + 600.0) / 30.0 / ((32.0 + 60.0) / 30.0);
        assert!((observed - expected).abs() < 1e-12, "{observed}");
        assert_eq!(market.observed_value_per_reward(), observed);
        assert!((market.market_value_per_reward() - (10_000.0 + 0.25 * (observed - 10_000.0))).abs() < 1e-9);
        // Capital counts on the lower of its own value and the month's.
        assert_eq!(market.prudent_value(5.0), 5.0);
        assert_eq!(market.prudent_value(1e9), observed);
    }

    #[test]
    fn a_month_without_reward_observes_nothing_and_a_new_month_starts_empty() {
        let mut market = MonthMarket::new(100.0);
        assert_eq!(market.close(0.5), ClosedMonth { days: 1, value_per_reward: 0.0 });
        assert_eq!(market.market_value_per_reward(), 50.0);
        market.add_day(20.0, 2.0);
        assert_eq!(market.close(0.0).value_per_reward, 10.0);
        assert_eq!(market.market_value_per_reward(), 50.0, "weight 0: the market keeps its value");
    }
}
