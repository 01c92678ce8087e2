//! The AI switch: does converting a mining site to AI hosting pay?
//!
//! A site compares two present values over the same horizon, the conversion
//! lag plus the lease (MODEL.md section 8):
//! - **AI**: from the end of the lag onward, the tenant's rent per MW of IT
//!   load (IT is `ai_it_share_of_site` of gross site MW, ~0.7) less the share
//!   spent running the hosted site, for the lease; less the conversion capex
//!   (per IT MW), paid now. Nothing is earned during the lag.
//! - **Mining**, with one fleet on both sides: the site's own fleet, sunk,
//!   for the rest of its life (on average half of `FLEET_LIFE_MONTHS`), then
//!   the best new machine, bought at the price the market asks over the
//!   years (production cost at the makers' markup without a queue:
//!   `hardware::markup`) and paid over its life; each earning the operator's
//!   expected value per BTC of reward times the reward the schedule pays
//!   (halvings included), less power (machines idle when they would not
//!   cover the variable share of it; the fixed share, `power_fixed_share`, is
//!   owed either way; a site re-fleets only if the new fleet covers its power
//!   and its price), less site costs. A higher expected hashprice never
//!   lowers it: revenue grows with it and the renewal's price does not.
//!
//! Both are discounted monthly at the operator's cost of debt. A site
//! converts when the AI value is positive and beats mining by the hurdle.
//!
//! **Financing.** The capex is project debt against the lease, not the
//! firm's: interest accrues during the lag, and from the first rent the lease
//! serves it as an annuity over its term ([`project_service_usd_per_month`]);
//! a restructuring of the mining firm does not touch it. Discounted at the
//! same rate, the service is worth exactly the capex, so the switch above
//! already prices it.
//!
//! **Demand.** Tenants take miners' sites along a demand curve: the
//! scenario's market size at the reference rent, scaled by
//! `(reference / rent)^elasticity` ([`demand_mw_per_year`]).

/// Months a mining fleet lasts before it must be replaced (wear and obsolescence).
pub const FLEET_LIFE_MONTHS: f64 = 48.0;
/// Months a site's present fleet keeps running before the site re-fleets:
/// on average half a fleet's life is left.
pub const RENEWAL_MONTH: u32 = (FLEET_LIFE_MONTHS / 2.0) as u32;
/// Years of an AI lease (the TeraWulf and Core Scientific leases run ~10-15 years: CALIBRATION.md).
pub const LEASE_YEARS: f64 = 10.0;
/// Average days in a month.
pub const DAYS_PER_MONTH: f64 = 30.436_875;
/// The rent at which the AI market takes `ai_market_mw_per_year`, USD per IT
/// MW-year: Core Scientific-CoreWeave, ~$1.45M (docs/CALIBRATION.md), the
/// scenario's default rent.
pub const REFERENCE_RENT_USD_PER_IT_MW_YEAR: f64 = 1_450_000.0;

/// MW of miners' sites AI tenants take per year at `rent_usd_per_it_mw_year`:
/// `market_mw_at_reference` at [`REFERENCE_RENT_USD_PER_IT_MW_YEAR`], times
/// `(reference / rent)^elasticity` (1: tenants spend a fixed budget on
/// hosting; 0: a fixed MW whatever the rent). No rent, no deal.
pub fn demand_mw_per_year(market_mw_at_reference: f64, rent_usd_per_it_mw_year: f64, elasticity: f64) -> f64 {
    if rent_usd_per_it_mw_year <= 0.0 {
        return 0.0;
    }
    market_mw_at_reference * crate::math::pow(REFERENCE_RENT_USD_PER_IT_MW_YEAR / rent_usd_per_it_mw_year, elasticity)
}

/// The monthly payment, from the first rent, that repays `capex_usd` borrowed
/// at the decision over `lease_months`, with interest at `rate_per_year`
/// accrued over the `lag_months` of building (an annuity on the grown balance).
pub fn project_service_usd_per_month(capex_usd: f64, rate_per_year: f64, lag_months: u32, lease_months: u32) -> f64 {
    let i = rate_per_year.max(0.0) / 12.0;
    let n = f64::from(lease_months.max(1));
    if i <= 0.0 {
        return capex_usd / n;
    }
    let grown = capex_usd * crate::math::pow(1.0 + i, f64::from(lag_months));
    grown * i / (1.0 - crate::math::pow(1.0 + i, -n))
}

/// One stretch of months with a constant block reward (between halvings).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RewardSegment {
    /// The block reward over the stretch, BTC.
    pub reward_btc: f64,
    /// The sum of monthly discount factors over the stretch.
    pub discount_sum: f64,
    /// Whether the site runs its renewed fleet over the stretch (from [`RENEWAL_MONTH`]).
    pub renewed: bool,
}

/// The machine a site re-fleets with, at the price the market asks for it
/// over the years (production cost at the makers' markup without a queue:
/// queues come and go; `hardware::markup`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NewFleet {
    /// Its efficiency, J/TH.
    pub j_per_th: f64,
    /// Its price, USD per TH/s.
    pub price_usd_per_th: f64,
}

impl NewFleet {
    /// Its price per MW of its draw, USD.
    pub fn price_usd_per_mw(&self) -> f64 {
        self.price_usd_per_th * 1e6 / self.j_per_th
    }
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
    /// What a site re-fleets with.
    pub new_fleet: NewFleet,
    /// Share of a site's power cost owed whether it runs or not.
    pub fixed_power_share: f64,
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
    /// The best new machine and how it is priced.
    pub new_fleet: NewFleet,
    /// Share of a site's power cost owed whether it runs or not.
    pub fixed_power_share: f64,
    /// Mining site costs per MW per month, USD.
    pub site_cost_usd_per_mw_month: f64,
}

impl AiTerms {
    /// A scenario's terms, a site re-fleeting with `renewal` at the makers'
    /// markup without a queue (`asic_markup_floor`).
    pub fn of(scenario: &crate::scenario::Scenario, renewal: &crate::hardware::Generation) -> Self {
        AiTerms {
            revenue_usd_per_it_mw_year: scenario.ai_revenue_usd_per_mw_year,
            operating_cost_share: scenario.ai_operating_cost_share,
            capex_usd_per_it_mw: scenario.ai_conversion_capex_usd_per_mw,
            it_share_of_site: scenario.ai_it_share_of_site,
            lag_months: scenario.ai_conversion_months,
            discount_rate_per_year: scenario.debt_interest_pct_per_year / 100.0,
            new_fleet: NewFleet {
                j_per_th: renewal.j_per_th,
                price_usd_per_th: crate::hardware::new_price_usd_per_th(renewal, scenario, scenario.asic_markup_floor),
            },
            fixed_power_share: scenario.power_fixed_share,
            site_cost_usd_per_mw_month: scenario.opex_usd_per_mw_month,
        }
    }
}

impl AiMarket {
    /// The month's terms at chain height `height`, the reward in each month
    /// ahead the schedule's mean subsidy then plus fees of `fee_btc` a block,
    /// counted from the next halving on at `halving_response` times (what the
    /// machines that stop then give back: `expectations::mean_reward_btc`).
    pub fn on_schedule(terms: AiTerms, height: u64, fee_btc: f64, halving_response: f64) -> Self {
        let next_halving = ((height + 1) / crate::chain::HALVING_INTERVAL_BLOCKS + 1) * crate::chain::HALVING_INTERVAL_BLOCKS;
        AiMarket::new(terms, |month| {
            let ahead = (f64::from(month) * DAYS_PER_MONTH * crate::expectations::BLOCKS_PER_DAY) as u64;
            let start = height + ahead;
            if start + 1 >= next_halving {
                halving_response * (crate::expectations::mean_subsidy_btc(start, DAYS_PER_MONTH) + fee_btc)
            } else {
                crate::expectations::mean_reward_btc(start, DAYS_PER_MONTH, fee_btc, halving_response)
            }
        })
    }

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
            let renewed = month >= RENEWAL_MONTH;
            match segments.last_mut() {
                Some(last) if last.reward_btc == reward && last.renewed == renewed => last.discount_sum += discount,
                _ => segments.push(RewardSegment { reward_btc: reward, discount_sum: discount, renewed }),
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
            new_fleet: terms.new_fleet,
            fixed_power_share: terms.fixed_power_share.clamp(0.0, 1.0),
            site_cost_usd_per_mw_month: terms.site_cost_usd_per_mw_month,
        }
    }

    /// Present value of one gross site MW converted to AI, USD.
    pub fn ai_value_usd_per_mw(&self) -> f64 {
        self.ai_net_usd_per_site_mw_month * self.ai_discount_sum - self.capex_usd_per_site_mw
    }

    /// Renewing a site's fleet, USD per MW per month.
    pub fn renewal_usd_per_mw_month(&self) -> f64 {
        self.new_fleet.price_usd_per_mw() / FLEET_LIFE_MONTHS
    }

    /// Present value of one MW kept mining, USD: the site's fleet at
    /// `j_per_th`, then the renewed one, earning `value_per_reward`
    /// (USD/PH/day per BTC of reward) at power `usd_per_kwh`.
    pub fn mining_value_usd_per_mw(&self, value_per_reward: f64, j_per_th: f64, usd_per_kwh: f64) -> f64 {
        let power_usd_per_mw_month = 1_000.0 * 24.0 * DAYS_PER_MONTH * usd_per_kwh;
        let running: f64 = self
            .segments
            .iter()
            .map(|s| {
                let hashprice = value_per_reward * s.reward_btc;
                let fleet_j = if s.renewed { self.new_fleet.j_per_th } else { j_per_th };
                let revenue = hashprice * 1e3 / fleet_j.max(1e-9) * DAYS_PER_MONTH;
                let renewal = if s.renewed { self.renewal_usd_per_mw_month() } else { 0.0 };
                (revenue - (1.0 - self.fixed_power_share) * power_usd_per_mw_month - renewal).max(0.0) * s.discount_sum
            })
            .sum();
        running - (self.site_cost_usd_per_mw_month + self.fixed_power_share * power_usd_per_mw_month) * self.horizon_discount_sum
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
            new_fleet: NewFleet { j_per_th: 13.5, price_usd_per_th: 10.7 },
            fixed_power_share: 0.0,
            site_cost_usd_per_mw_month: 8_000.0,
        }
    }

    #[test]
    fn demand_follows_the_rent() {
        assert_eq!(demand_mw_per_year(2_000.0, REFERENCE_RENT_USD_PER_IT_MW_YEAR, 1.0), 2_000.0);
        assert!((demand_mw_per_year(2_000.0, 3.0 * REFERENCE_RENT_USD_PER_IT_MW_YEAR, 1.0) - 2_000.0 / 3.0).abs() < 1e-9);
        assert_eq!(demand_mw_per_year(2_000.0, 3.0 * REFERENCE_RENT_USD_PER_IT_MW_YEAR, 0.0), 2_000.0, "inelastic");
        assert!(demand_mw_per_year(2_000.0, 0.5 * REFERENCE_RENT_USD_PER_IT_MW_YEAR, 1.0) > 2_000.0, "cheaper hosting, more taken");
        assert_eq!(demand_mw_per_year(2_000.0, 0.0, 1.0), 0.0);
    }

    #[test]
    fn the_lease_repays_the_project_debt_with_its_interest() {
        // Borrow 2.8M, 18 months of building at 10%/yr, then 120 payments: the balance ends at zero.
        let (capex, rate, lag, lease) = (2_800_000.0, 0.10, 18, 120);
        let payment = project_service_usd_per_month(capex, rate, lag, lease);
        let mut balance = capex;
        for month in 0..lag + lease {
            balance *= 1.0 + rate / 12.0;
            if month >= lag {
                balance -= payment;
            }
        }
        assert!(balance.abs() < 1e-3, "{balance}");
        // Discounted at the same rate, the payments are worth the capex.
        let monthly = 1.0 / (1.0 + rate / 12.0);
        let value: f64 = (lag + 1..=lag + lease).map(|m| payment * crate::math::pow(monthly, f64::from(m))).sum();
        assert!((value - capex).abs() < 1e-3, "{value}");
        assert!((project_service_usd_per_month(1_200.0, 0.0, 18, 120) - 10.0).abs() < 1e-12);
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
        // Reward halves after month 30.
        let halving = AiMarket::new(terms(), |m| if m < 30 { 3.15 } else { 1.59 });
        let flat = AiMarket::new(terms(), |_| 3.15);
        assert_eq!(halving.segments.len(), 3, "before the renewal, renewed, after the halving");
        let value_per_reward = 45.0 / 3.15;
        let with_halving = halving.mining_value_usd_per_mw(value_per_reward, 18.0, 0.045);
        let without = flat.mining_value_usd_per_mw(value_per_reward, 18.0, 0.045);
        assert!(with_halving < without);
        let free = NewFleet { price_usd_per_th: 0.0, ..terms().new_fleet };
        let cheap_renewal = AiMarket::new(AiTerms { new_fleet: free, ..terms() }, |_| 3.15);
        assert!(cheap_renewal.mining_value_usd_per_mw(value_per_reward, 18.0, 0.045) > without);
        // Machines that cannot cover power idle and the site does not re-fleet: the loss is site costs.
        let hopeless = flat.mining_value_usd_per_mw(value_per_reward, 100.0, 0.2);
        let floor = -8_000.0 * flat.horizon_discount_sum;
        assert!((hopeless - floor).abs() < 1e-6);
    }

    #[test]
    fn a_higher_hashprice_never_lowers_mining_value() {
        // The issue this guards: counting an old fleet's revenue against a new fleet's
        // price at today's hashprice made a 22 J/TH site worth less at $300 than at $30.
        let market = AiMarket::new(terms(), |m| {
            if m < 30 {
                3.15
            } else if m < 78 {
                1.59
            } else {
                0.8
            }
        });
        for (j_per_th, power) in [(22.0, 0.045), (13.5, 0.03), (34.5, 0.06), (98.0, 0.05)] {
            let mut last = f64::NEG_INFINITY;
            for hashprice in [5.0, 15.0, 30.0, 45.0, 60.0, 100.0, 200.0, 300.0, 600.0] {
                let value = market.mining_value_usd_per_mw(hashprice / 3.15, j_per_th, power);
                assert!(value >= last - 1e-6, "{j_per_th} J/TH at ${power}: {last} -> {value} at ${hashprice}");
                last = value;
            }
        }
        // And a far higher hashprice is worth more than AI.
        assert!(!market.converts(market.mining_value_usd_per_mw(300.0 / 3.15, 22.0, 0.045), 25.0));
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
