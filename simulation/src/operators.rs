//! Operators: who mines, with what, where, and how they are set up at the start.
//!
//! Each operator has a site (MW, power price, region), a fleet (lots of units
//! per ASIC generation), cash, debt, a BTC treasury, a pool and a kind. The
//! kinds differ in size, power price, fleet age, access to credit, treasury
//! policy and patience; see [`KindProfile`]. Their decisions live in
//! `decisions`; the population they start from is drawn here.

use crate::hardware::Generation;
use crate::kind::ByKind;
use crate::rng;
use crate::rng::Draws;
use crate::scenario::Scenario;
use rand::Rng;

pub use crate::kind::OperatorKind;

impl OperatorKind {
    /// The behaviour of this kind.
    pub fn profile(self) -> &'static KindProfile {
        &PROFILES[self]
    }

    /// This kind's weight in the starting hash rate, from the scenario's mix.
    pub fn mix_weight(self, scenario: &Scenario) -> f64 {
        match self {
            Self::SmallPrivate => scenario.mix_small_private,
            Self::LargePrivate => scenario.mix_large_private,
            Self::PublicMiner => scenario.mix_public_miner,
            Self::Manufacturer => scenario.mix_manufacturer,
            Self::Stranded => scenario.mix_stranded,
        }
    }
}

/// How a kind of operator behaves. These are modelling assumptions, named and
/// documented here; the scenario's mix sets how much hash each kind holds.
#[derive(Debug, Clone)]
pub struct KindProfile {
    /// Relative number of operators of this kind.
    pub count_weight: f64,
    /// Power price relative to the scenario's median.
    pub power_multiplier: f64,
    /// Pareto tail index of operator sizes (smaller: more unequal).
    pub size_pareto_alpha: f64,
    /// Starting fleet in late 2025: share of this kind's hash by catalogue
    /// generation (earlier dates: `history::network::kind_fleet_mix`).
    pub fleet_mix: &'static [(&'static str, f64)],
    /// Share of mining revenue kept in BTC.
    pub hodl_share: f64,
    /// Credit line as a multiple of yearly revenue.
    pub credit_years_of_revenue: f64,
    /// Starting debt as a multiple of yearly revenue.
    pub start_debt_years_of_revenue: f64,
    /// Starting cash, in months of revenue.
    pub start_cash_months: f64,
    /// Non-power site costs relative to the scenario's `opex_usd_per_mw_month`
    /// (home and small-farm miners pay little for idle space).
    pub site_cost_multiplier: f64,
    /// Longest payback accepted for new machines, days.
    pub payback_horizon_days: f64,
    /// Share of spare cash and credit spent on machines in a month.
    pub invest_share: f64,
    /// Most a fleet grows in one month, as a share of its hash.
    pub max_growth_per_month: f64,
    /// How long it keeps unprofitable machines running, relative to the
    /// scenario's `switch_off_days` (hedged and contracted miners wait longer).
    pub switch_off_delay_multiplier: f64,
    /// Whether its sites may convert to AI hosting.
    pub ai_capable: bool,
    /// Whether it may run its own pool once large enough.
    pub may_run_own_pool: bool,
}

// Fleet mixes by catalogue generation: S9, S19, S19j Pro, S19 XP, M60S, S21,
// S21 Pro, S21+, SEALMINER A2, S21 XP. Weighted by the default mix they give
// an installed mean of ~25.6 J/TH, near Cambridge's 28.2 network mean
// (CALIBRATION.md), which also counts the S9-era machines still plugged in.
static PROFILES: ByKind<KindProfile> = ByKind::new([
    KindProfile {
        count_weight: 70.0,
        power_multiplier: 1.6,
        size_pareto_alpha: 2.0,
        fleet_mix: &[
            ("Antminer S9", 0.10),
            ("Antminer S19", 0.30),
            ("Antminer S19j Pro", 0.32),
            ("Antminer S19 XP", 0.14),
            ("Whatsminer M60S", 0.04),
            ("Antminer S21", 0.06),
            ("Antminer S21 Pro", 0.02),
            ("Antminer S21+", 0.01),
            ("Antminer S21 XP", 0.01),
        ],
        hodl_share: 0.3,
        credit_years_of_revenue: 0.0,
        start_debt_years_of_revenue: 0.0,
        start_cash_months: 3.0,
        site_cost_multiplier: 0.3,
        payback_horizon_days: 600.0,
        invest_share: 0.5,
        max_growth_per_month: 0.15,
        switch_off_delay_multiplier: 0.3,
        ai_capable: false,
        may_run_own_pool: false,
    },
    KindProfile {
        count_weight: 20.0,
        power_multiplier: 0.95,
        size_pareto_alpha: 1.5,
        fleet_mix: &[
            ("Antminer S9", 0.02),
            ("Antminer S19", 0.16),
            ("Antminer S19j Pro", 0.28),
            ("Antminer S19 XP", 0.22),
            ("Whatsminer M60S", 0.08),
            ("Antminer S21", 0.12),
            ("Antminer S21 Pro", 0.05),
            ("Antminer S21+", 0.03),
            ("SEALMINER A2", 0.02),
            ("Antminer S21 XP", 0.02),
        ],
        hodl_share: 0.1,
        credit_years_of_revenue: 0.5,
        start_debt_years_of_revenue: 0.2,
        start_cash_months: 4.0,
        site_cost_multiplier: 1.0,
        payback_horizon_days: 900.0,
        invest_share: 0.6,
        max_growth_per_month: 0.1,
        switch_off_delay_multiplier: 1.0,
        ai_capable: true,
        may_run_own_pool: true,
    },
    KindProfile {
        count_weight: 3.0,
        power_multiplier: 0.9,
        size_pareto_alpha: 1.3,
        fleet_mix: &[
            ("Antminer S19", 0.08),
            ("Antminer S19j Pro", 0.20),
            ("Antminer S19 XP", 0.22),
            ("Whatsminer M60S", 0.10),
            ("Antminer S21", 0.18),
            ("Antminer S21 Pro", 0.10),
            ("Antminer S21+", 0.05),
            ("SEALMINER A2", 0.02),
            ("Antminer S21 XP", 0.05),
        ],
        hodl_share: 0.5,
        credit_years_of_revenue: 1.0,
        start_debt_years_of_revenue: 0.5,
        start_cash_months: 6.0,
        site_cost_multiplier: 1.0,
        payback_horizon_days: 1_100.0,
        invest_share: 0.7,
        max_growth_per_month: 0.1,
        switch_off_delay_multiplier: 2.0,
        ai_capable: true,
        may_run_own_pool: true,
    },
    KindProfile {
        count_weight: 0.5,
        power_multiplier: 0.85,
        size_pareto_alpha: 1.5,
        fleet_mix: &[
            ("Antminer S19", 0.04),
            ("Antminer S19j Pro", 0.12),
            ("Antminer S19 XP", 0.18),
            ("Whatsminer M60S", 0.06),
            ("Antminer S21", 0.22),
            ("Antminer S21 Pro", 0.14),
            ("Antminer S21+", 0.10),
            ("SEALMINER A2", 0.08),
            ("Antminer S21 XP", 0.06),
        ],
        hodl_share: 0.2,
        credit_years_of_revenue: 1.0,
        start_debt_years_of_revenue: 0.0,
        start_cash_months: 12.0,
        site_cost_multiplier: 1.0,
        payback_horizon_days: 1_100.0,
        invest_share: 0.0,
        max_growth_per_month: 0.0,
        switch_off_delay_multiplier: 1.5,
        ai_capable: true,
        may_run_own_pool: true,
    },
    KindProfile {
        count_weight: 6.5,
        power_multiplier: 0.4,
        size_pareto_alpha: 1.5,
        fleet_mix: &[
            ("Antminer S9", 0.08),
            ("Antminer S19", 0.30),
            ("Antminer S19j Pro", 0.34),
            ("Antminer S19 XP", 0.16),
            ("Whatsminer M60S", 0.04),
            ("Antminer S21", 0.05),
            ("Antminer S21 Pro", 0.02),
            ("Antminer S21+", 0.01),
        ],
        hodl_share: 0.3,
        credit_years_of_revenue: 0.2,
        start_debt_years_of_revenue: 0.0,
        start_cash_months: 3.0,
        site_cost_multiplier: 0.5,
        payback_horizon_days: 1_000.0,
        invest_share: 0.5,
        max_growth_per_month: 0.1,
        switch_off_delay_multiplier: 1.0,
        ai_capable: false,
        may_run_own_pool: false,
    },
]);

/// One operator's state (everything but its machines, which are [`Lot`]s).
#[derive(Debug, Clone)]
pub struct Operator {
    /// Its kind.
    pub kind: OperatorKind,
    /// Still in business.
    pub active: bool,
    /// Site power price before the scenario's trend, USD/kWh.
    pub power_usd_per_kwh: f64,
    /// Site capacity, MW (mining, converting and converted to AI).
    pub site_mw: f64,
    /// Cash, USD.
    pub cash_usd: f64,
    /// Debt, USD.
    pub debt_usd: f64,
    /// BTC held in treasury.
    pub treasury_btc: f64,
    /// Its pool (index into the run's pools).
    pub pool: u32,
    /// Adaptive estimate of hashprice per BTC of block reward (USD/PH/day per
    /// BTC): times the reward the schedule will pay, its expected hashprice
    /// (see [`crate::expectations`]).
    pub value_per_reward: f64,
    /// Months in a row with a negative operating margin (before interest).
    pub loss_months: u32,
    /// Months in a row it has expected no operating margin ahead.
    pub unviable_months: u32,
    /// Its own patience: months without a margin ahead it bears before selling up.
    pub patience_months: u32,
    /// Whether its site is fit for AI hosting.
    pub ai_eligible: bool,
    /// MW converted to AI and earning.
    pub ai_mw: f64,
    /// MW being converted (off mining, not yet earning).
    pub ai_pending_mw: f64,
    /// Project debt of its AI conversions, USD: the lease's, not the firm's
    /// (see [`crate::ai::project_service_usd_per_month`]).
    pub ai_project_debt_usd: f64,
    /// What the leases now earning pay each month towards that debt, USD.
    pub ai_debt_service_usd_per_month: f64,
    /// Revenue of the last month, USD (for credit lines).
    pub last_month_revenue_usd: f64,
    /// Indices of its lots in the run's lot list (rebuilt monthly).
    pub lots: Vec<u32>,
    /// Owns a pool of its own.
    pub owns_pool: bool,
}

impl Operator {
    /// A new operator of `kind` buying power at `power_usd_per_kwh`, in
    /// business, with nothing else yet: no site, money, debt, machines or AI,
    /// in pool 0. Callers set what they start with over it.
    pub fn fresh(kind: OperatorKind, power_usd_per_kwh: f64) -> Self {
        Operator {
            kind,
            active: true,
            power_usd_per_kwh,
            site_mw: 0.0,
            cash_usd: 0.0,
            debt_usd: 0.0,
            treasury_btc: 0.0,
            pool: 0,
            value_per_reward: 0.0,
            loss_months: 0,
            unviable_months: 0,
            patience_months: 0,
            ai_eligible: false,
            ai_mw: 0.0,
            ai_pending_mw: 0.0,
            ai_project_debt_usd: 0.0,
            ai_debt_service_usd_per_month: 0.0,
            last_month_revenue_usd: 0.0,
            lots: Vec::new(),
            owns_pool: false,
        }
    }

    /// MW available to mining machines (site less AI, converted or converting).
    pub fn mining_mw(&self) -> f64 {
        (self.site_mw - self.ai_mw - self.ai_pending_mw).max(0.0)
    }
}

#[cfg(test)]
impl Operator {
    /// An active operator of `kind` for unit tests: a 10 MW site at $0.04/kWh,
    /// no money, no debt, no AI, in pool 0, with no lots.
    pub(crate) fn for_tests(kind: OperatorKind) -> Self {
        Operator { site_mw: 10.0, value_per_reward: 10.0, patience_months: 6, ..Operator::fresh(kind, 0.04) }
    }
}

/// Machines of one generation held by one operator.
#[derive(Debug, Clone)]
pub struct Lot {
    /// Owner (index into operators).
    pub operator: u32,
    /// The owner's pool (copied from the operator, refreshed monthly).
    pub pool: u32,
    /// The owner's kind.
    pub kind: OperatorKind,
    /// Whether the machines are switched on.
    pub running: bool,
    /// Generation (index into the run's generation list).
    pub generation: u16,
    /// How many machines.
    pub units: u32,
    /// Their hash rate, TH/s.
    pub hash_ths: f64,
    /// Their power draw when running, W.
    pub power_w: f64,
    /// Hashprice at which they just cover power at the owner's base price, USD/PH/day.
    pub breakeven_usd_per_ph_day: f64,
    /// Their hash rate in milli-TH/s, exact, for the run's integer aggregates.
    pub hash_milli: i64,
    /// Their power draw in milliwatts, exact, for the run's integer aggregates.
    pub power_milli: i64,
    /// The first day of the current running spell (meaningful while running).
    pub on_since_day: u32,
    /// The day it is due to switch state: off if it runs and has fallen below its
    /// switch-off point, on if it idles and has risen above its switch-on point
    /// ([`NOT_PENDING`] otherwise).
    pub pending_day: u32,
    /// Revenue of this month's closed running spells: hash (PH/s) times hashprice, summed over days, USD.
    pub revenue_usd: f64,
    /// Energy of this month's closed running spells, kWh, each day weighted by the power trend.
    pub energy_kwh_trend: f64,
}

impl Lot {
    /// A lot of `units` machines of `generation` for operator `index`.
    /// A lot of `units` machines of `generation` for `operator`, idle; it
    /// runs while hashprice covers the variable share of its power cost
    /// (`1 - fixed_power_share` of it: the rest is owed either way).
    pub fn new(
        index: u32,
        operator: &Operator,
        generation_index: u16,
        generation: &Generation,
        units: u32,
        fixed_power_share: f64,
    ) -> Self {
        let mut lot = Lot {
            operator: index,
            pool: operator.pool,
            kind: operator.kind,
            running: false,
            generation: generation_index,
            units: 0,
            hash_ths: 0.0,
            power_w: 0.0,
            hash_milli: 0,
            power_milli: 0,
            on_since_day: 0,
            pending_day: NOT_PENDING,
            breakeven_usd_per_ph_day: generation.breakeven_usd_per_ph_day(operator.power_usd_per_kwh * (1.0 - fixed_power_share)),
            revenue_usd: 0.0,
            energy_kwh_trend: 0.0,
        };
        lot.set_units(units, generation);
        lot
    }

    /// Changes the unit count, keeping hash and power in step.
    pub fn set_units(&mut self, units: u32, generation: &Generation) {
        self.units = units;
        self.hash_ths = f64::from(units) * generation.th_per_unit;
        self.power_w = self.hash_ths * generation.j_per_th;
        self.hash_milli = crate::math::round(self.hash_ths * 1_000.0) as i64;
        self.power_milli = crate::math::round(self.power_w * 1_000.0) as i64;
    }

    /// Books the running spell from `on_since_day` up to (not including)
    /// `upto_day`, with prefix sums over days of hashprice and power trend,
    /// and starts the next spell there.
    pub fn close_spell(&mut self, upto_day: u32, cumulative_hashprice: &[f64], cumulative_trend: &[f64]) {
        if self.running && self.on_since_day < upto_day {
            let (since, upto) = (self.on_since_day as usize, upto_day as usize);
            self.revenue_usd += self.hash_ths / 1_000.0 * (cumulative_hashprice[upto] - cumulative_hashprice[since]);
            self.energy_kwh_trend += self.power_w / 1_000.0 * 24.0 * (cumulative_trend[upto] - cumulative_trend[since]);
            self.on_since_day = upto_day;
        }
    }

    /// Whether machines with this breakeven switch on at effective hashprice
    /// `x` (hashprice over the power trend), given the switch-on factor `on`
    /// (1 + hysteresis). Written as a division so that the engine can find
    /// exactly the lots a move of `x` crosses by searching sorted breakevens.
    #[inline]
    pub fn switches_on(breakeven: f64, x: f64, on: f64) -> bool {
        breakeven < x / on
    }

    /// Whether running machines with this breakeven switch off at `x`, given
    /// the switch-off factor `off` (1 - hysteresis).
    #[inline]
    pub fn switches_off(breakeven: f64, x: f64, off: f64) -> bool {
        breakeven > x / off
    }
}

/// `Lot::pending_day` when no switch is pending.
pub const NOT_PENDING: u32 = u32::MAX;

/// A draw from a log-normal with median 1 and log-sd `sigma`.
pub fn lognormal_factor(rng: &mut Draws, sigma: f64) -> f64 {
    crate::math::exp(sigma * rng::standard_normal(rng))
}

/// A Pareto draw with minimum 1 and tail index `alpha`, truncated at 1,000
/// times the minimum so that one draw cannot hold the whole network.
pub fn pareto_size(rng: &mut Draws, alpha: f64) -> f64 {
    let u = rng::open_unit(rng);
    crate::math::pow(u, -1.0 / alpha).min(1_000.0)
}

/// The largest share of the network one operator holds: the largest listed
/// miners held 4-6% of the hash rate in 2025 (MARA ~55 EH/s of ~1,100;
/// Bitdeer's own mining ~6%, CALIBRATION.md). Power, grid connections and
/// financing limit any one firm; without a cap, a Pareto draw (or years of
/// buying failed fleets) can hand one operator a sixth of the network, whose
/// single power price then switches a sixth of the hash on or off in a day.
pub const MAX_OPERATOR_SHARE: f64 = 0.06;

/// The largest share of the network a newcomer starts with: a first site of a
/// few hundred MW, about 1% of the hash rate (the largest 2024-25 entrants
/// energised 5-15 EH/s of ~1,000). Its machines arrive on one day, so without
/// this cap the Pareto tail of entrant sizes (up to 1,000 times the minimum)
/// once plugged in 510 EH/s, a third of the network, overnight.
pub const MAX_ENTRANT_SHARE: f64 = 0.01;

/// Scales `sizes` so they sum to `total` with none above `cap`: the largest
/// are set to the cap and the rest scaled to make up the total (water
/// filling). When even that cannot reach the total (too few operators for the
/// cap), sizes are only scaled: the total wins.
pub fn cap_sizes(sizes: Vec<f64>, total: f64, cap: f64) -> Vec<f64> {
    let sum: f64 = sizes.iter().sum();
    if sum <= 0.0 {
        return sizes;
    }
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by(|a, b| sizes[*b].total_cmp(&sizes[*a]).then(a.cmp(b)));
    let mut rest = sum;
    for (capped, &index) in order.iter().enumerate() {
        let scale = (total - capped as f64 * cap) / rest;
        if scale > 0.0 && sizes[index] * scale <= cap {
            let top: std::collections::HashSet<usize> = order[..capped].iter().copied().collect();
            return sizes.iter().enumerate().map(|(i, s)| if top.contains(&i) { cap } else { s * scale }).collect();
        }
        rest -= sizes[index];
    }
    sizes.iter().map(|s| s * total / sum).collect()
}

/// Operator counts per kind for a population of `total`: in proportion to
/// the kinds' count weights among kinds with hash in the mix, at least one
/// each where there is room.
pub fn counts_by_kind(scenario: &Scenario, total: u32) -> ByKind<u32> {
    let weights = ByKind::from_fn(|k| if k.mix_weight(scenario) > 0.0 { k.profile().count_weight } else { 0.0 });
    let sum: f64 = weights.values().sum();
    let mut counts = ByKind::from_fn(|k| if weights[k] > 0.0 { ((f64::from(total) * weights[k] / sum) as u32).max(1) } else { 0 });
    // Give any remainder to the most numerous kind; take any excess from it.
    let assigned: u32 = counts.values().sum();
    let largest = OperatorKind::ALL.into_iter().max_by(|a, b| weights[*a].total_cmp(&weights[*b])).unwrap_or(OperatorKind::SmallPrivate);
    if assigned < total {
        counts[largest] += total - assigned;
    } else if assigned > total {
        counts[largest] = counts[largest].saturating_sub(assigned - total).max(1);
    }
    counts
}

/// The most generations a starting fleet is drawn from (the catalogue's length, with room).
pub const MAX_CATALOGUE: usize = 16;

/// Picks up to three generations for a new fleet, by the kind's fleet mix
/// with noise; returns (catalogue index, share of the fleet's hash).
pub fn draw_fleet_split(rng: &mut Draws, mix: &[f64]) -> Vec<(usize, f64)> {
    // Fixed-size buffers: this runs once per operator, before every run.
    let mut weights = [(0usize, 0.0f64); MAX_CATALOGUE];
    debug_assert!(mix.len() <= MAX_CATALOGUE);
    let mut len = 0;
    for (i, w) in mix.iter().enumerate().filter(|(_, w)| **w > 0.0) {
        weights[len] = (i, w * (0.25 + 1.5 * rng.random::<f64>()));
        len += 1;
    }
    let mut chosen = Vec::with_capacity(3);
    for _ in 0..3 {
        let total: f64 = weights[..len].iter().map(|w| w.1).sum();
        if total <= 0.0 {
            break;
        }
        let mut target = rng.random::<f64>() * total;
        let pick = weights[..len].iter().position(|w| {
            target -= w.1;
            target < 0.0
        });
        let pick = pick.unwrap_or(len - 1);
        // Vec::swap_remove on the buffer: the last entry takes the picked one's place.
        chosen.push(weights[pick]);
        weights[pick] = weights[len - 1];
        len -= 1;
    }
    let total: f64 = chosen.iter().map(|c| c.1).sum();
    for entry in &mut chosen {
        entry.1 /= total;
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::catalogue;

    #[test]
    fn counts_add_up_and_every_kind_in_the_mix_is_present() {
        let scenario = Scenario::default();
        for total in [10u32, 100, 2_000, 100_000] {
            let counts = counts_by_kind(&scenario, total);
            assert_eq!(counts.values().sum::<u32>(), total);
            assert!(counts.values().all(|c| *c >= 1), "{counts:?}");
        }
        let no_manufacturers = Scenario { mix_manufacturer: 0.0, ..Scenario::default() };
        assert_eq!(counts_by_kind(&no_manufacturers, 1_000)[OperatorKind::Manufacturer], 0);
    }

    #[test]
    fn starting_fleet_efficiency_is_near_the_calibrated_mean() {
        // CALIBRATION.md: network mean ~28.2 J/TH (Cambridge 2025). The
        // hash-weighted mean of the kinds' fleet mixes, weighted by the
        // default mix, should land within a few J/TH of it.
        let scenario = Scenario::default();
        let generations = catalogue();
        let mut weighted = 0.0;
        let mut total = 0.0;
        for kind in OperatorKind::ALL {
            let w = kind.mix_weight(&scenario);
            for (name, share) in kind.profile().fleet_mix {
                let g = generations.iter().find(|g| g.name == *name).expect("a catalogue generation");
                weighted += w * share * g.j_per_th;
                total += w * share;
            }
        }
        let mean = weighted / total;
        assert!((24.0..=32.0).contains(&mean), "{mean}");
    }

    #[test]
    fn no_operator_starts_above_the_cap() {
        let sizes = cap_sizes(vec![1.0, 1.0, 1.0, 97.0], 100.0, 40.0);
        assert!(sizes.iter().all(|s| *s <= 40.0 + 1e-9), "{sizes:?}");
        let sum: f64 = sizes.iter().sum();
        assert!((sum - 100.0).abs() < 1e-6, "the total is kept: {sum}");
        // Nothing to cap: only scaled.
        assert_eq!(cap_sizes(vec![1.0, 3.0], 8.0, 100.0), vec![2.0, 6.0]);
    }

    #[test]
    fn fleet_mixes_sum_to_one() {
        for kind in OperatorKind::ALL {
            let sum: f64 = kind.profile().fleet_mix.iter().map(|m| m.1).sum();
            assert!((sum - 1.0).abs() < 1e-9, "{kind:?}: {sum}");
        }
    }
}
