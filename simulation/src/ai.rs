//! The AI switch: does converting a mining site to AI hosting pay?
//!
//! A site compares two present values over the same horizon, the conversion
//! lag plus the lease (MODEL.md section 8):
//! - **AI**: from the end of the lag onward, the tenant's rent per MW of IT
//!   load (IT is `ai_it_share_of_site` of gross site MW, ~0.7) less the share
//!   spent running the hosted site, for the lease; less the conversion capex
//!   (per IT MW), paid now. Nothing is earned during the lag.
//! - **Mining**: from now, the site's fleet earning the operator's expected
//!   value per BTC of reward times the reward the schedule pays (halvings
//!   included), less power (machines idle when they would not cover it), less
//!   site costs, less renewing the fleet (machines wear out and fall behind:
//!   the best new machine's price per MW over `FLEET_LIFE_MONTHS`).
//!
//! Both are discounted monthly at the operator's cost of debt. A site
//! converts when the AI value is positive and beats mining by the hurdle.

/// Months a mining fleet lasts before it must be replaced (wear and obsolescence).
pub const FLEET_LIFE_MONTHS: f64 = 48.0;
/// Years of an AI lease (the TeraWulf and Core Scientific leases run ~10-15 years: CALIBRATION.md).
pub const LEASE_YEARS: f64 = 10.0;
/// Average days in a month.
pub const DAYS_PER_MONTH: f64 = 30.436_875;

/// One stretch of months with a constant block reward (between halvings).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RewardSegment {
    /// The block reward over the stretch, BTC.
    pub reward_btc: f64,
    /// The sum of monthly discount factors over the stretch.
    pub discount_sum: f64,
}

/// The market side of the comparison, the same for every site in a month.
#[derive(Debug, Clone, PartialEq)]
pub struct AiMarket {
    /// Discount factors summed over the AI earning months (lag to lag + lease).
    pub ai_discount_sum: f64,
    /// Discount factors summed over every month of the horizon.
    pub horizon_discount_sum: f64,
    /// The reward path over the horizon.
    pub segments: Vec<RewardSegment>,
    /// Net AI income per gross site MW per month, USD (rent on IT MW less running costs).
    pub ai_net_usd_per_site_mw_month: f64,
    /// Conversion capex per gross site MW, USD.
    pub capex_usd_per_site_mw: f64,
    /// Renewal of a mining fleet per MW per month, USD.
    pub renewal_usd_per_mw_month: f64,
    /// Mining site costs per MW per month, USD.
    pub site_cost_usd_per_mw_month: f64,
}

/// The inputs that set up [`AiMarket`] for one month.
#[derive(Debug, Clone, Copy)]
pub struct AiTerms {
    /// Rent per MW of IT load per year, USD.
    pub revenue_usd_per_it_mw_year: f64,
    /// Share of rent spent running the hosted site.
    pub operating_cost_share: f64,
    /// Conversion capex per MW of IT load, USD.
    pub capex_usd_per_it_mw: f64,
    /// IT MW per gross site MW.
    pub it_share_of_site: f64,
    /// Months from the decision to the first rent.
    pub lag_months: u32,
    /// Yearly discount rate (the cost of debt).
    pub discount_rate_per_year: f64,
    /// The best new machine's price, USD per MW of its draw.
    pub new_fleet_usd_per_mw: f64,
    /// Mining site costs per MW per month, USD.
    pub site_cost_usd_per_mw_month: f64,
}

impl AiMarket {
    /// The month's terms, with `reward_at_month(m)` the block reward the schedule pays in month `m` from now.
    pub fn new(terms: AiTerms, reward_at_month: impl Fn(u32) -> f64) -> Self {
        let monthly = 1.0 / (1.0 + terms.discount_rate_per_year.max(0.0) / 12.0);
        let lease_months = (LEASE_YEARS * 12.0) as u32;
        let horizon = terms.lag_months + lease_months;
        let mut discount = 1.0;
        let (mut ai_sum, mut all_sum) = (0.0, 0.0);
        let mut segments: Vec<RewardSegment> = Vec::new();
        for month in 0..horizon {
            all_sum += discount;
            if month >= terms.lag_months {
                ai_sum += discount;
            }
            let reward = reward_at_month(month);
            match segments.last_mut() {
                Some(last) if last.reward_btc == reward => last.discount_sum += discount,
                _ => segments.push(RewardSegment { reward_btc: reward, discount_sum: discount }),
            }
            discount *= monthly;
        }
        AiMarket {
            ai_discount_sum: ai_sum,
            horizon_discount_sum: all_sum,
            segments,
            ai_net_usd_per_site_mw_month: terms.revenue_usd_per_it_mw_year / 12.0
                * (1.0 - terms.operating_cost_share)
                * terms.it_share_of_site,
            capex_usd_per_site_mw: terms.capex_usd_per_it_mw * terms.it_share_of_site,
            renewal_usd_per_mw_month: terms.new_fleet_usd_per_mw / FLEET_LIFE_MONTHS,
            site_cost_usd_per_mw_month: terms.site_cost_usd_per_mw_month,
        }
    }

    /// Present value of one gross site MW converted to AI, USD.
    pub fn ai_value_usd_per_mw(&self) -> f64 {
        self.ai_net_usd_per_site_mw_month * self.ai_discount_sum - self.capex_usd_per_site_mw
    }

    /// Present value of one MW kept mining, USD: a fleet at `j_per_th` earning
    /// `value_per_reward` (USD/PH/day per BTC of reward) at power `usd_per_kwh`.
    pub fn mining_value_usd_per_mw(&self, value_per_reward: f64, j_per_th: f64, usd_per_kwh: f64) -> f64 {
        let ph_per_mw = 1e3 / j_per_th.max(1e-9);
        let power_usd_per_mw_month = 1_000.0 * 24.0 * DAYS_PER_MONTH * usd_per_kwh;
        let running: f64 = self
            .segments
            .iter()
            .map(|s| {
                let revenue = value_per_reward * s.reward_btc * ph_per_mw * DAYS_PER_MONTH;
                (revenue - power_usd_per_mw_month).max(0.0) * s.discount_sum
            })
            .sum();
        running - (self.site_cost_usd_per_mw_month + self.renewal_usd_per_mw_month) * self.horizon_discount_sum
    }

    /// Whether a site converts: AI's value is positive and beats mining's by `hurdle_pct`.
    pub fn converts(&self, mining_value: f64, hurdle_pct: f64) -> bool {
        let ai = self.ai_value_usd_per_mw();
        ai > 0.0 && ai > mining_value + hurdle_pct / 100.0 * mining_value.abs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> AiTerms {
        AiTerms {
            revenue_usd_per_it_mw_year: 1_850_000.0,
            operating_cost_share: 0.35,
            capex_usd_per_it_mw: 4_000_000.0,
            it_share_of_site: 0.7,
            lag_months: 12,
            discount_rate_per_year: 0.10,
            new_fleet_usd_per_mw: 1_500_000.0,
            site_cost_usd_per_mw_month: 8_000.0,
        }
    }

    #[test]
    fn the_lag_is_valued_and_it_mw_is_less_than_site_mw() {
        let market = AiMarket::new(terms(), |_| 3.15);
        let longer = AiMarket::new(AiTerms { lag_months: 24, ..terms() }, |_| 3.15);
        assert!(longer.ai_value_usd_per_mw() < market.ai_value_usd_per_mw(), "a longer lag is worth less");
        let all_it = AiMarket::new(AiTerms { it_share_of_site: 1.0, ..terms() }, |_| 3.15);
        assert!((all_it.ai_net_usd_per_site_mw_month / market.ai_net_usd_per_site_mw_month - 1.0 / 0.7).abs() < 1e-12);
        // 1.85M x 0.65 x 0.7 / 12 a month for 120 months from month 12, discounted at 10%/yr.
        let monthly = 1.0f64 / (1.0 + 0.1 / 12.0);
        let sum: f64 = (12..132).map(|m| monthly.powi(m)).sum();
        let expected = 1_850_000.0 * 0.65 * 0.7 / 12.0 * sum - 4_000_000.0 * 0.7;
        assert!((market.ai_value_usd_per_mw() - expected).abs() < 1e-3);
    }

    #[test]
    fn mining_value_counts_the_halving_and_fleet_renewal() {
        // Reward halves after month 24.
        let halving = AiMarket::new(terms(), |m| if m < 24 { 3.15 } else { 1.59 });
        let flat = AiMarket::new(terms(), |_| 3.15);
        assert_eq!(halving.segments.len(), 2);
        let value_per_reward = 45.0 / 3.15;
        let with_halving = halving.mining_value_usd_per_mw(value_per_reward, 18.0, 0.045);
        let without = flat.mining_value_usd_per_mw(value_per_reward, 18.0, 0.045);
        assert!(with_halving < without);
        let cheap_renewal = AiMarket::new(AiTerms { new_fleet_usd_per_mw: 0.0, ..terms() }, |_| 3.15);
        assert!(cheap_renewal.mining_value_usd_per_mw(value_per_reward, 18.0, 0.045) > without);
        // Machines that cannot cover power idle: the loss is site costs and renewal, not power.
        let hopeless = flat.mining_value_usd_per_mw(value_per_reward, 100.0, 0.2);
        let floor = -(8_000.0 + 1_500_000.0 / FLEET_LIFE_MONTHS) * flat.horizon_discount_sum;
        assert!((hopeless - floor).abs() < 1e-6);
    }

    #[test]
    fn a_squeezed_site_converts_and_a_cheap_efficient_one_keeps_mining() {
        let market = AiMarket::new(terms(), |m| if m < 30 { 3.15 } else { 1.59 });
        let value_per_reward = 38.0 / 3.15;
        let squeezed = market.mining_value_usd_per_mw(value_per_reward, 24.0, 0.055);
        assert!(market.converts(squeezed, 25.0), "{squeezed} vs {}", market.ai_value_usd_per_mw());
        let rich = AiMarket::new(AiTerms { revenue_usd_per_it_mw_year: 600_000.0, ..terms() }, |_| 3.15);
        let strong = rich.mining_value_usd_per_mw(120.0 / 3.15, 13.5, 0.02);
        assert!(!rich.converts(strong, 25.0));
    }
}
