//! The run: one pass over days; blocks inside each day; decisions monthly.
//!
//! Each day: the market moves (price, fees, power trend); every lot of
//! machines runs or idles against that day's hashprice (with hysteresis);
//! then blocks arrive as a Poisson process at rate `H / (D * 2^32)` with the
//! hash rate constant for the day (it changes only at decision points, so the
//! process is exact), each block attributed to a pool drawn by hash share and
//! difficulty retargeted every 2016 blocks. At each month's end operators book
//! cash flow and decide (see `decisions`).

use crate::ai_hosting::AiHosting;
use crate::chain::{self, Retarget, HALVING_INTERVAL_BLOCKS, HASHES_PER_DIFFICULTY, SATS_PER_BTC};
use crate::events::{self, EventKind, RunEvent};
use crate::firms::{self, NAMED_FIRMS};
use crate::hardware::{self, Generation};
use crate::machine_orders::{Makers, Order, OrderBook};
use crate::market::{self, Fees};
use crate::metrics;
use crate::month_market::MonthMarket;
use crate::operators::{self, Lot, Operator, OperatorKind};
use crate::output::{DailyRecord, RunResult, Summary};
use crate::pools;
use crate::power_supply::PowerSupply;
use crate::rng::Draws;
use crate::rng::{self, Stream};
use crate::scenario::Scenario;
use chrono::Datelike;
use rand::Rng;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

mod candidates;
mod chain_state;
mod churn;
mod firm_view;
mod fleet;
mod market_day;
mod pool_set;
mod population_counts;
mod recorder;
mod roster;

pub(crate) use chain_state::ChainState;
pub(crate) use fleet::{Fleet, Ranked, Totals};
pub(crate) use recorder::Recorder;

/// The fewest operators that hold the named firms (`crate::firms`): with fewer
/// the model is too coarse for an agent per firm (the named firms would take
/// most of the smallest kind's agents).
const NAMED_FIRMS_MIN_OPERATORS: u32 = 200;
/// Sites of each named firm, each an agent with its own power price: a firm
/// of 5% of the network is not one switch (MARA and CleanSpark run more than
/// a dozen sites each; Riot's Rockdale and Corsicana paid 3.0 and 3.9 c/kWh in
/// July 2024, and its monthly all-in price ranged 1.6-3.8 c/kWh in 2023-24,
/// docs/CALIBRATION.md). With four sites a firm's restart after the 2032
/// halving lifted the hash rate by 15% in a day.
const SITES_PER_NAMED_FIRM: usize = 8;
/// The most draws of a starting operator's power price (see `populate`): after
/// them the last draw stands, viable or not.
const START_POWER_DRAWS: u32 = 8;
/// The most of its kind's hash the named firms hold at the start (they are
/// scaled down to it): their kind keeps a tail of other firms.
const NAMED_MOST_OF_KIND: f64 = 0.9;
/// Share of manufacturers' monthly output that was sold (the rest they mine) in the starting pipeline.
const PIPELINE_SOLD_SHARE: f64 = 0.8;
/// An idle lot restarts after this share of its switch-off delay: bringing a
/// site back takes days too (power nominations with the utility, staff, machines
/// checked after weeks off), and the firms differ. Without it, every machine
/// idled since a halving came back the day the difficulty fell (+62% of hash
/// rate in one day, then a +54% retarget: a cobweb no market shows). At half
/// the delay, a post-halving restart at a flat price (2032) still brought back
/// 18% of the hash rate in one day once used machines took time to move: a
/// site's return takes three quarters as long as its shutdown.
const RESTART_SHARE_OF_SWITCH_OFF: f64 = 0.75;
/// Days in the explorer-style block window.
pub(crate) const BLOCK_WINDOW_DAYS: usize = 30;
/// Days in the hash rate estimate from blocks.
pub(crate) const ESTIMATE_WINDOW_DAYS: usize = 7;

/// The state of one run.
pub(crate) struct Sim<'a> {
    pub sc: &'a Scenario,
    /// The chain: height, difficulty, the mempool, what blocks paid.
    pub chain: ChainState,
    /// The machines: lots, their exact totals and today's views of them.
    pub fleet: Fleet,
    /// What the run records: daily records, windows over blocks, events.
    pub out: Recorder,
    /// Days the run lasts.
    pub days: u32,
    /// The machine catalogue, every generation by index.
    pub generations: Vec<Generation>,
    /// Each generation's key for its own draws (`hardware::draw_key`), worked out once.
    pub draw_keys: Vec<u64>,
    /// The bitcoin price, USD, day by day.
    pub prices: Vec<f64>,
    /// The fee level, day by day.
    pub fees: Fees,
    /// The blocks' own stream of draws (when each is found, by whom).
    pub rng_blocks: Draws,
    /// Every other decision's stream of draws.
    pub rng: Draws,

    // Agents and markets.
    /// Every operator that has mined in the run, by index (those that sold up stay, inactive).
    pub operators: Vec<Operator>,
    /// The pools, their entities, and the weights of a month's choices.
    pub pools: pool_set::PoolSet,
    /// Used machines on offer.
    pub secondhand: crate::secondhand::SecondHandMarket,
    /// New machines on their way, by arrival day.
    pub orders: OrderBook,
    /// The day a lot created or grown now starts running: today during the day,
    /// tomorrow during the month-end step (today's spells are already booked).
    pub spell_start_day: u32,
    /// The manufacturers' month: sales, margin and their output plan.
    pub makers: Makers,
    /// The AI market's room and the conversions under way.
    pub ai_hosting: AiHosting,
    /// The operators as firms: named firms' sites together, each kind's tail in firms of its start size.
    pub firm_view: firm_view::FirmView,
    /// Power for new sites: unlimited on the grid, finite where it is stranded.
    pub power: PowerSupply,
    /// Months completed.
    pub month_index: u32,
    /// The month's hashprice per BTC of reward, observed and expected (entrants start from it).
    pub month_market: MonthMarket,
    /// Every operator's power price and index, cheapest first (then by index): see `buyers_by_power`.
    pub by_power: Vec<(f64, u32)>,
    /// Entry candidates drawn so far, their kinds' mean start size, and the population's ceiling.
    pub candidates: candidates::Candidates,
    /// The day under way: date, price, power trend, curtailment, hashprice.
    pub day: market_day::MarketDay,
    /// Active operators by kind, and MW at AI (earning, converting): they change only monthly.
    pub counts: population_counts::PopulationCounts,
    /// Entries, exits and restructurings since the start.
    pub churn: churn::Churn,
    /// The manufacturers, stranded sites and AI-eligible operators, listed as they are created.
    pub roster: roster::Roster,
}

impl<'a> Sim<'a> {
    /// Sets up the chain, markets and the starting population.
    pub fn new(sc: &'a Scenario) -> Self {
        let days = sc.days();
        let end_date = market::day_date(sc.start_date, days);
        let generations = hardware::generations(sc, end_date);
        let prices = market::price_path_usd(sc);
        let pools = pool_set::PoolSet::new(pools::starting_pools_at(sc.start_date));
        let pool_count = pools.len();
        let makers = Makers::at_start(sc.manufacturer_production_ehs_per_month, &generations, sc.start_date, sc.asic_start_markup);
        let mut sim = Sim {
            sc,
            chain: ChainState::new(sc, pool_count),
            fleet: Fleet::new(pool_count),
            out: Recorder::new(days as usize, pool_count),
            days,
            draw_keys: (0..generations.len()).map(|index| hardware::draw_key(&generations, index)).collect(),
            generations,
            prices,
            fees: Fees::new(sc),
            rng_blocks: rng::stream(sc.seed, Stream::Blocks),
            rng: rng::stream(sc.seed, Stream::Decisions),
            operators: Vec::with_capacity(sc.operators as usize),
            pools,
            secondhand: crate::secondhand::SecondHandMarket::default(),
            orders: OrderBook::default(),
            spell_start_day: 0,
            makers,
            ai_hosting: AiHosting::default(),
            firm_view: firm_view::FirmView::default(),
            power: PowerSupply::default(),
            month_index: 0,
            month_market: MonthMarket::default(),
            candidates: candidates::Candidates::new(sc.operators),
            by_power: Vec::new(),
            day: market_day::MarketDay::before_start(sc, 0.0),
            counts: population_counts::PopulationCounts::default(),
            churn: churn::Churn::new(sc.operators),
            roster: roster::Roster::default(),
        };
        let first_reward = crate::expectations::reward_btc(sim.chain.height, sim.fees.expected_btc(0));
        sim.day.set_hashprice(chain::hashprice_usd_per_ph_day(first_reward, sim.prices[0], sim.chain.difficulty));
        sim.month_market = MonthMarket::new(sim.day.hashprice() / first_reward.max(1e-12));
        sim.populate();
        sim
    }

    /// Draws the starting operators, fleets, sites and pools.
    fn populate(&mut self) {
        let sc = self.sc;
        let mut rng = rng::stream(sc.seed, Stream::Population);
        let installed_ths = sc.start_hashrate_ehs * 1e6;
        let mix_total: f64 = OperatorKind::ALL.iter().map(|k| k.mix_weight(sc)).sum();
        // The largest firms by name, at their reported hash (at most a share of
        // their kind's), in agents of their own; the other agents share the rest.
        let named = if sc.operators >= NAMED_FIRMS_MIN_OPERATORS { firms::named_at(sc.start_date) } else { Vec::new() };
        let named: Vec<(&firms::NamedFirm, f64)> = named
            .into_iter()
            .filter(|(firm, _)| firm.kind.mix_weight(sc) > 0.0)
            .map(|(firm, ehs)| (firm, (ehs * 1e6).min(operators::MAX_OPERATOR_SHARE * installed_ths)))
            .collect();
        let counts = operators::counts_by_kind(sc, sc.operators - (named.len() * SITES_PER_NAMED_FIRM) as u32);
        // The hashprice the starting network survived: the past year's, per BTC
        // of reward, at today's reward, when the data holds that year (so that
        // a scenario starting at another price starts from the same network),
        // else its own.
        let today_reward = crate::expectations::reward_btc(self.chain.height, self.fees.expected_btc(0));
        let survived_hashprice =
            crate::history::observed::survived_value_per_reward(sc.start_date).map_or(self.day.hashprice(), |value| value * today_reward);
        let catalogue = hardware::catalogue();
        for kind in OperatorKind::ALL {
            let count = counts[kind] as usize;
            if count == 0 {
                continue;
            }
            let profile = kind.profile();
            let fleet_mix = crate::history::network::kind_fleet_mix(kind, sc.start_date, &catalogue);
            let kind_ths = installed_ths * kind.mix_weight(sc) / mix_total;
            let kind_named: Vec<&(&firms::NamedFirm, f64)> = named.iter().filter(|(firm, _)| firm.kind == kind).collect();
            let mut named_ths: Vec<f64> = kind_named.iter().map(|(_, ths)| *ths).collect();
            // Named firms hold at most this share of their kind; beyond it they are scaled down.
            let named_total: f64 = named_ths.iter().sum();
            if named_total > NAMED_MOST_OF_KIND * kind_ths {
                named_ths.iter_mut().for_each(|ths| *ths *= NAMED_MOST_OF_KIND * kind_ths / named_total);
            }
            let tail_ths = kind_ths - named_ths.iter().sum::<f64>();
            let sizes: Vec<f64> = (0..count).map(|_| operators::pareto_size(&mut rng, profile.size_pareto_alpha)).collect();
            let sizes = operators::cap_sizes(sizes, tail_ths, operators::MAX_OPERATOR_SHARE * installed_ths);
            let scale = tail_ths / sizes.iter().sum::<f64>();
            self.candidates.set_mean_start_ths(kind, tail_ths / count as f64);
            // Named firms in `SITES_PER_NAMED_FIRM` sites each, around the power price
            // they reported (else their kind's median); the others drawn from the spread.
            let kind_median = sc.power_price_median_usd_per_kwh * profile.power_multiplier;
            let mut all: Vec<(f64, Option<(f64, u8)>)> = Vec::new();
            for (ths, (firm, _)) in named_ths.iter().zip(&kind_named) {
                let number = NAMED_FIRMS.iter().position(|f| f.name == firm.name).unwrap_or(0) as u8;
                let reported = firm.power_usd_per_kwh.unwrap_or(kind_median);
                for _ in 0..SITES_PER_NAMED_FIRM {
                    // Sites' prices spread around the firm's as sites' prices do (`power_price_dispersion`).
                    let site_power = reported * operators::lognormal_factor(&mut rng, sc.power_price_dispersion);
                    all.push((ths / SITES_PER_NAMED_FIRM as f64, Some((site_power, number))));
                }
            }
            all.extend(sizes.iter().map(|size| (size * scale, None)));
            for (size_ths, named_site) in all {
                let named_power = named_site.map(|(power, _)| power);
                if let Some((_, number)) = named_site {
                    self.firm_view.note_named_site(self.operators.len() as u32, number);
                }
                let split = operators::draw_fleet_split(&mut rng, &fleet_mix);
                // The network of the start is what survived: a firm whose machines
                // could not cover their power and site at the hashprice it survived
                // would already have sold up, so its power price is drawn again (up to
                // `START_POWER_DRAWS` times) until one of its lots pays.
                let site_usd_per_mw_month = sc.opex_usd_per_mw_month * profile.site_cost_multiplier;
                let viable = |power: f64| {
                    split.iter().any(|&(generation, share)| {
                        let spec = &self.generations[generation];
                        let hash_ths = size_ths * share;
                        let margin = survived_hashprice / 1_000.0 - spec.power_cost_usd_per_th_day(power);
                        crate::exit::lot_contribution_usd_per_month(margin, hash_ths, hash_ths * spec.j_per_th, site_usd_per_mw_month) > 0.0
                    })
                };
                let mut power = named_power.unwrap_or(0.0);
                for _ in 0..if named_power.is_some() { 0 } else { START_POWER_DRAWS } {
                    power = sc.power_price_median_usd_per_kwh
                        * profile.power_multiplier
                        * operators::lognormal_factor(&mut rng, sc.power_price_dispersion);
                    if viable(power) {
                        break;
                    }
                }
                let revenue_month = size_ths / 1_000.0 * self.day.hashprice() * 30.0;
                let index = self.operators.len() as u32;
                let mut operator = Operator {
                    cash_usd: revenue_month * profile.start_cash_months,
                    debt_usd: revenue_month * 12.0 * profile.start_debt_years_of_revenue,
                    value_per_reward: self.month_market.market_value_per_reward(),
                    patience_months: crate::exit::patience_months(
                        sc.exit_loss_months,
                        rng::keyed_normal(sc.seed, u64::from(index), 0, rng::Purpose::Patience),
                    ),
                    last_month_revenue_usd: revenue_month,
                    ..Operator::fresh(kind, power)
                };
                let mut fleet_mw = 0.0;
                for (generation, share) in split {
                    debug_assert!(generation < catalogue.len());
                    let spec = &self.generations[generation];
                    let units = (crate::math::round(size_ths * share / spec.th_per_unit) as u32).max(1);
                    let mut lot = Lot::new(index, &operator, generation as u16, spec, units, sc.power_fixed_share);
                    lot.running = Lot::switches_on(lot.breakeven_usd_per_ph_day, self.day.hashprice(), 1.0);
                    fleet_mw += lot.power_w / 1e6;
                    operator.lots.push(self.fleet.lots.len() as u32);
                    self.fleet.lots.push(lot);
                }
                operator.site_mw = fleet_mw * (1.05 + 0.25 * rng.random::<f64>());
                operator.ai_eligible =
                    profile.ai_capable && operator.site_mw >= sc.ai_min_site_mw && rng.random::<f64>() < sc.ai_eligible_share;
                self.roster.note(self.operators.len() as u32, &operator);
                self.operators.push(operator);
            }
        }
        // Each kind's tail in firms of its typical size (`crate::firms::TAIL_FIRMS`).
        self.firm_view.size_tails(&self.operators, self.fleet.lots.iter().map(|lot| (lot.operator, lot.hash_ths)));
        self.fleet.settled_x = self.day.hashprice();
        self.seed_order_pipeline();
        self.power = PowerSupply::new(self.stranded_site_mw(), self.sc.stranded_power_growth_pct_per_year);
        self.assign_starting_pools(&mut rng);
        self.rebuild_lots();
    }

    /// Site MW of the active stranded operators.
    pub(crate) fn stranded_site_mw(&self) -> f64 {
        // In index order, as a scan of every operator summed them.
        self.roster.stranded().iter().map(|&i| &self.operators[i as usize]).filter(|o| o.active).map(|o| o.site_mw).sum()
    }

    /// Machines ordered before the run and still on their way: a real network
    /// always has a pipeline (hash rate grew ~30 EH/s a month through 2025).
    /// Each month of the delivery lag brings the manufacturers' monthly output,
    /// less the share they would mine themselves, to the large, public and
    /// stranded operators in proportion to their fleets, at mid-month. Their
    /// sites were built for it; the machines were paid before the start.
    fn seed_order_pipeline(&mut self) {
        let sc = self.sc;
        let months = sc.delivery_lag_months;
        let monthly_ths = sc.manufacturer_production_ehs_per_month * 1e6 * PIPELINE_SOLD_SHARE;
        if months == 0 || monthly_ths <= 0.0 {
            return;
        }
        let Some(generation_index) = hardware::most_efficient(&self.generations, |g| g.release <= sc.start_date) else {
            return;
        };
        let generation = self.generations[generation_index].clone();
        let buys = |kind: OperatorKind| matches!(kind, OperatorKind::LargePrivate | OperatorKind::PublicMiner | OperatorKind::Stranded);
        let mut seeded: Vec<Order> = Vec::new();
        let mut fleet_ths = vec![0.0; self.operators.len()];
        for lot in &self.fleet.lots {
            fleet_ths[lot.operator as usize] += lot.hash_ths;
        }
        let total: f64 = (0..self.operators.len()).filter(|i| buys(self.operators[*i].kind)).map(|i| fleet_ths[i]).sum();
        if total <= 0.0 {
            return;
        }
        for (index, operator) in self.operators.iter_mut().enumerate() {
            if !buys(operator.kind) {
                continue;
            }
            let units = (monthly_ths * fleet_ths[index] / total / generation.th_per_unit).floor() as u32;
            if units == 0 {
                continue;
            }
            operator.site_mw += f64::from(units * months) * generation.watts_per_unit() / 1e6;
            for month in 0..months {
                let arrival_day = ((f64::from(month) + 0.5) * crate::ai::DAYS_PER_MONTH) as u32;
                seeded.push(Order { operator: index as u32, generation: generation_index as u16, units, arrival_day });
            }
        }
        self.orders.place_all(seeded);
    }

    /// Assigns operators to pools so that pools start at their calibrated
    /// shares: largest operators first, each to a pool drawn in proportion to
    /// what the pool still lacks among those it fits in whole (the one that
    /// lacks most when it fits nowhere), so lumpy operators cannot overfill a pool.
    fn assign_starting_pools(&mut self, rng: &mut Draws) {
        let mut fleet_ths = vec![0.0; self.operators.len()];
        for lot in &self.fleet.lots {
            fleet_ths[lot.operator as usize] += lot.hash_ths;
        }
        let mut order: Vec<usize> = (0..self.operators.len()).collect();
        order.sort_by(|a, b| fleet_ths[*b].total_cmp(&fleet_ths[*a]).then(a.cmp(b)));
        let total: f64 = fleet_ths.iter().sum();
        let mut lacking: Vec<f64> = self.pools.list().iter().map(|p| p.start_share_pct / 100.0 * total).collect();
        for index in order {
            let size = fleet_ths[index];
            let fits: f64 = lacking.iter().filter(|l| **l >= size).sum();
            let pick = if fits > 0.0 {
                let mut target = rng.random::<f64>() * fits;
                let mut pick = None;
                for (j, l) in lacking.iter().enumerate().filter(|(_, l)| **l >= size) {
                    pick = Some(j);
                    if target < *l {
                        break;
                    }
                    target -= l;
                }
                pick.unwrap_or(0)
            } else {
                (0..lacking.len()).max_by(|a, b| lacking[*a].total_cmp(&lacking[*b]).then(b.cmp(a))).unwrap_or(0)
            };
            lacking[pick] -= size;
            self.operators[index].pool = pick as u32;
        }
        // The lots were made before their operators had pools.
        for lot in &mut self.fleet.lots {
            lot.pool = self.operators[lot.operator as usize].pool;
        }
    }

    /// Records only `days` (the rest are simulated alike, but their metrics are
    /// not computed): what a Monte Carlo or sweep samples.
    pub fn record_only(&mut self, days: &[u32]) {
        let mut wanted = vec![false; self.days as usize];
        for &day in days {
            if let Some(slot) = wanted.get_mut(day as usize) {
                *slot = true;
            }
        }
        self.out.recorded = Some(wanted);
    }

    /// Runs every day and returns the result.
    pub fn run(self) -> RunResult {
        self.run_until(|_| false).expect("never stopped")
    }

    /// Runs day by day until the end, or until `stop` says so (asked before
    /// each day with the run's progress).
    pub fn run_until(mut self, stop: impl Fn(&crate::output::RunProgress) -> bool) -> Option<RunResult> {
        for day in 0..self.days {
            if stop(&crate::output::RunProgress { day, days: self.days, pools: self.pools.len() }) {
                return None;
            }
            self.step_day(day);
        }
        Some(self.finish())
    }

    fn step_day(&mut self, day: u32) {
        self.day.advance(self.sc, day, self.prices[day as usize]);
        let fee_btc = self.fees.next_day_btc(day);
        self.chain.fee_level_btc = fee_btc;
        self.spell_start_day = day;
        self.deliver_due_orders();
        // Miners are paid the fees blocks collected over the last day (FPPS), not the day's flow.
        let paid_fee_btc = self.chain.paid_fee_per_block_btc().unwrap_or(fee_btc);
        let reward_btc = crate::expectations::reward_btc(self.chain.height, paid_fee_btc);
        self.day.set_hashprice(chain::hashprice_usd_per_ph_day(reward_btc, self.day.price_usd(), self.chain.difficulty));
        self.run_or_idle();
        let difficulty_before = self.chain.difficulty;
        let retargets_before = self.chain.retargets.len();
        let day_blocks = self.mine_day();
        self.record_day(day_blocks, difficulty_before, retargets_before);
        self.month_market.add_day(self.day.hashprice(), reward_btc);
        let tomorrow = market::day_date(self.sc.start_date, day + 1);
        if tomorrow.month() != self.day.date().month() || day + 1 == self.days {
            self.spell_start_day = day + 1;
            self.monthly_step();
        }
    }

    /// Every lot runs or idles at today's hashprice. Only lots whose threshold
    /// lies between yesterday's and today's effective hashprice can switch, and
    /// with lots sorted by breakeven they are one contiguous range: the rest
    /// keep their state (see `Lot::switches_on` / `switches_off`).
    fn run_or_idle(&mut self) {
        let x = self.day.hashprice() / self.day.power_trend();
        let on = 1.0 + self.sc.run_hysteresis_pct / 100.0;
        let off = 1.0 - self.sc.run_hysteresis_pct / 100.0;
        let previous = self.fleet.settled_x;
        let sorted = &self.fleet.sorted_lots;
        if x > previous {
            let low = sorted.partition_point(|r| r.breakeven_usd_per_ph_day < previous / on);
            let high = sorted.partition_point(|r| Lot::switches_on(r.breakeven_usd_per_ph_day, x, on));
            for position in low..high {
                let index = self.fleet.sorted_lots[position].lot as usize;
                self.rise_above(index);
            }
        } else if x < previous {
            let low = sorted.partition_point(|r| !Lot::switches_off(r.breakeven_usd_per_ph_day, x, off));
            let high = sorted.partition_point(|r| r.breakeven_usd_per_ph_day <= previous / off);
            for position in low..high {
                let index = self.fleet.sorted_lots[position].lot as usize;
                self.fall_below(index);
            }
        }
        // Lots added since the last rebuild are not in the sorted order: check each.
        // New machines are plugged in to run: they switch on the day they arrive.
        for index in self.fleet.sorted_until..self.fleet.lots.len() {
            let lot = &self.fleet.lots[index];
            if lot.units == 0 {
                continue;
            }
            if !lot.running && Lot::switches_on(lot.breakeven_usd_per_ph_day, x, on) {
                self.switch(index, true);
            } else if lot.running && Lot::switches_off(lot.breakeven_usd_per_ph_day, x, off) {
                self.fall_below(index);
            }
        }
        // Lots whose delay is up switch if the hashprice still crosses their point.
        // Due days differ by kind and lot: the heap hands them out in order, so a lot
        // never waits behind one due later.
        while self.fleet.pending.peek().is_some_and(|Reverse((due, _))| *due <= self.day.index()) {
            let Reverse((due, index)) = self.fleet.pending.pop().expect("checked");
            let lot = &mut self.fleet.lots[index as usize];
            if lot.pending_day != due {
                continue;
            }
            lot.pending_day = operators::NOT_PENDING;
            if lot.units == 0 {
                continue;
            }
            if lot.running && Lot::switches_off(lot.breakeven_usd_per_ph_day, x, off) {
                self.switch(index as usize, false);
            } else if !lot.running && Lot::switches_on(lot.breakeven_usd_per_ph_day, x, on) {
                self.switch(index as usize, true);
            }
        }
        self.fleet.settled_x = x;
        let hashprice_so_far = self.fleet.cumulative_hashprice[self.day.index() as usize];
        let trend_so_far = self.fleet.cumulative_trend[self.day.index() as usize];
        // Curtailed machines earn nothing and draw nothing that day.
        let working = 1.0 - self.day.curtailed_share();
        self.fleet.cumulative_hashprice.push(hashprice_so_far + self.day.hashprice() * working);
        self.fleet.cumulative_trend.push(trend_so_far + self.day.power_trend() * working);
        self.fleet.refresh_views();
    }

    /// A running lot has fallen below its switch-off point: it switches off
    /// after `switch_off_days`, if it is still below then.
    fn fall_below(&mut self, index: usize) {
        if self.fleet.lots[index].running {
            self.switch_later(index, 1.0);
        }
    }

    /// An idle lot has risen above its switch-on point: it switches on after
    /// [`RESTART_SHARE_OF_SWITCH_OFF`] of its switch-off delay, if it is still
    /// above then.
    fn rise_above(&mut self, index: usize) {
        let lot = &self.fleet.lots[index];
        if !lot.running && lot.units > 0 {
            self.switch_later(index, RESTART_SHARE_OF_SWITCH_OFF);
        }
    }

    /// Schedules a lot's switch after its delay times `share` (now if that rounds to 0).
    fn switch_later(&mut self, index: usize, share: f64) {
        let lot = &mut self.fleet.lots[index];
        if lot.pending_day != operators::NOT_PENDING {
            return;
        }
        // Each lot's contracts and hedges differ: its delay is its kind's, times a
        // factor from 0.5 to 1.5 of its own (keyed by owner and generation), so
        // machines pushed across their point by one retarget do not all switch the same day.
        let multiplier = lot.kind.profile().switch_off_delay_multiplier;
        let key = lot_key(&self.draw_keys, lot);
        let own = 0.5 + rng::keyed_unit(self.sc.seed, key, 0, rng::Purpose::SwitchOff);
        let delay = crate::math::round(f64::from(self.sc.switch_off_days) * multiplier * own * share) as u32;
        if delay == 0 {
            let on = !lot.running;
            self.switch(index, on);
        } else {
            lot.pending_day = self.day.index() + delay;
            self.fleet.pending.push(Reverse((self.day.index() + delay, index as u32)));
        }
    }

    /// Switches one lot on or off, closing its running spell and moving its hash in the totals.
    pub(crate) fn switch(&mut self, index: usize, on: bool) {
        let lot = &mut self.fleet.lots[index];
        lot.pending_day = operators::NOT_PENDING;
        if on {
            lot.running = true;
            lot.on_since_day = self.day.index();
        } else {
            lot.close_spell(self.day.index(), &self.fleet.cumulative_hashprice, &self.fleet.cumulative_trend);
            lot.running = false;
        }
        let sign = if on { 1 } else { -1 };
        self.fleet.totals.add(lot, sign);
    }

    /// Changes a lot's unit count now, booking its spell so far at the old
    /// count and keeping the totals exact.
    pub(crate) fn change_units(&mut self, index: usize, units: u32) {
        let generation = &self.generations[self.fleet.lots[index].generation as usize];
        let lot = &mut self.fleet.lots[index];
        lot.close_spell(self.spell_start_day, &self.fleet.cumulative_hashprice, &self.fleet.cumulative_trend);
        self.fleet.totals.installed_hash -= lot.hash_milli;
        if lot.running {
            self.fleet.totals.add(lot, -1);
        }
        lot.set_units(units, generation);
        self.fleet.totals.installed_hash += lot.hash_milli;
        if lot.running {
            self.fleet.totals.add(lot, 1);
        }
    }

    /// Machines whose order arrives today are plugged in (or resold if they do not fit).
    fn deliver_due_orders(&mut self) {
        while let Some(order) = self.orders.take_due(self.day.index()) {
            self.add_units(order.operator as usize, order.generation, order.units);
        }
    }

    /// Mines the day's blocks; returns how many came.
    fn mine_day(&mut self) -> u32 {
        let day_end_s = f64::from(self.day.index() + 1) * 86_400.0;
        self.out.pool_blocks_today.iter_mut().for_each(|b| *b = 0);
        self.chain.fees_sats_today = 0;
        let (level, capacity) = (self.chain.fee_level_btc, self.sc.fee_block_capacity_blocks);
        // Blocks are found by the hash not curtailed; each pool's share is unchanged.
        let total_hash = self.fleet.running_hash_ths;
        let mining_hash = total_hash * (1.0 - self.day.curtailed_share());
        let mut blocks = 0u32;
        let mut work = 0.0;
        let mut rate_per_s = mining_hash * 1e12 / (self.chain.difficulty * HASHES_PER_DIFFICULTY);
        while let Some(time_s) = chain::next_block_time_s(self.chain.time_s, day_end_s, rate_per_s, rng::exp1(&mut self.rng_blocks)) {
            self.chain.time_s = time_s;
            self.chain.longest_gap_s = crate::math::larger(self.chain.longest_gap_s, time_s - self.chain.last_block_s);
            self.chain.last_block_s = time_s;
            self.chain.height += 1;
            blocks += 1;
            work += self.chain.difficulty;
            let pool = self.draw_pool(total_hash);
            let subsidy = chain::subsidy_sats(self.chain.height);
            if self.chain.height % HALVING_INTERVAL_BLOCKS == 0 {
                self.note_halving(subsidy);
            }
            let fee_btc = self.chain.mempool.block_fees_btc(time_s - self.chain.fee_clock_s, level, capacity);
            self.chain.fee_clock_s = time_s;
            // A negative or NaN amount is 0 satoshis.
            let fee_sats = crate::math::round_to_u64(fee_btc * SATS_PER_BTC as f64);
            self.chain.fees_sats_today += fee_sats;
            self.chain.note_block_fees(fee_sats);
            self.chain.subsidy_sats_total += subsidy;
            self.chain.fees_sats_total += fee_sats;
            self.chain.pool_rewards_sats[pool] += subsidy + fee_sats;
            self.out.pool_blocks_today[pool] += 1;
            if let Some((difficulty, timespan_s)) = self.chain.window.on_block(self.chain.height, time_s, self.chain.difficulty) {
                self.record_retarget(difficulty, timespan_s);
                rate_per_s = mining_hash * 1e12 / (self.chain.difficulty * HASHES_PER_DIFFICULTY);
            }
        }
        self.chain.longest_gap_s = self.chain.longest_gap_s.max(day_end_s - self.chain.last_block_s);
        self.chain.mempool.accrue(day_end_s - self.chain.fee_clock_s, level);
        self.chain.fee_clock_s = day_end_s;
        self.chain.time_s = day_end_s;
        self.chain.blocks_total += u64::from(blocks);
        self.out.work_window.push_back(work);
        if self.out.work_window.len() > ESTIMATE_WINDOW_DAYS {
            self.out.work_window.pop_front();
        }
        blocks
    }

    fn note_halving(&mut self, subsidy_sats: u64) {
        let btc = subsidy_sats as f64 / SATS_PER_BTC as f64;
        let text = if subsidy_sats == 0 {
            format!("Block {} brought the last halving: from now on miners are paid by fees alone.", thousands(self.chain.height))
        } else {
            format!(
                "The subsidy halved to {btc} BTC a block at block {}: miners' income from new coins fell by half overnight.",
                self.chain.height
            )
        };
        self.note(EventKind::Halving, btc, text);
    }

    /// Notes an event today.
    /// An event of the run, dated the first day whose record shows it: today
    /// during the day (a halving), tomorrow during the month-end step, which
    /// comes after today's record (power committed to AI, a conversion done,
    /// exits and entries), so that the day's figures and the event agree.
    pub(crate) fn note(&mut self, kind: EventKind, value: f64, text: String) {
        let day = self.spell_start_day.min(self.days.saturating_sub(1)).max(self.day.index());
        let date = market::day_date(self.sc.start_date, day).to_string();
        self.out.events.push(RunEvent { day, date, kind, value, text });
    }

    fn draw_pool(&mut self, total_hash: f64) -> usize {
        let mut target = self.rng_blocks.random::<f64>() * total_hash;
        for (index, hash) in self.fleet.pool_hash_ths.iter().enumerate() {
            if target < *hash {
                return index;
            }
            target -= hash;
        }
        self.fleet.pool_hash_ths.iter().rposition(|h| *h > 0.0).unwrap_or(0)
    }

    fn record_retarget(&mut self, difficulty: f64, timespan_s: i64) {
        let old = self.chain.difficulty;
        self.chain.difficulty = difficulty;
        self.chain.retargets.push(Retarget {
            height: self.chain.height,
            day: self.day.index(),
            date: self.day.date().to_string(),
            old_difficulty_t: old / 1e12,
            new_difficulty_t: difficulty / 1e12,
            change_pct: (difficulty / old - 1.0) * 100.0,
            timespan_s,
        });
    }

    fn record_day(&mut self, blocks: u32, difficulty_before: f64, retargets_before: usize) {
        let sc = self.sc;
        // Explorer-style windows.
        let mut today_blocks = Vec::new();
        if self.out.pool_blocks_window.len() >= BLOCK_WINDOW_DAYS {
            if let Some(old) = self.out.pool_blocks_window.pop_front() {
                for (sum, gone) in self.out.pool_blocks_window_sum.iter_mut().zip(&old) {
                    *sum -= gone;
                }
                today_blocks = old;
            }
        }
        today_blocks.clear();
        today_blocks.extend_from_slice(&self.out.pool_blocks_today);
        for (sum, today) in self.out.pool_blocks_window_sum.iter_mut().zip(&today_blocks) {
            *sum += today;
        }
        self.out.pool_blocks_window.push_back(today_blocks);
        if blocks == 0 && !self.out.stalled_yesterday {
            self.note(
                EventKind::ChainStall,
                0.0,
                "A whole day passed without a block: the machines switched on cannot find one at this difficulty.".into(),
            );
        }
        self.out.stalled_yesterday = blocks == 0;
        // Days nobody asked for keep their windows but skip the rest.
        if self.out.recorded.as_ref().is_some_and(|wanted| !wanted.get(self.day.index() as usize).copied().unwrap_or(false)) {
            return;
        }
        let window_blocks: Vec<f64> = self.out.pool_blocks_window_sum.iter().map(|b| f64::from(*b)).collect();
        let by_blocks = metrics::Concentration::of(&window_blocks, &mut self.out.scratch);
        let estimate_hs = self.out.work_window.iter().sum::<f64>() * HASHES_PER_DIFFICULTY / (self.out.work_window.len() as f64 * 86_400.0);

        let switched_on = self.fleet.running_hash_ths;
        let total = switched_on * (1.0 - self.day.curtailed_share());
        let shares: Vec<f64> = self.fleet.pool_hash_ths.iter().map(|h| if switched_on > 0.0 { h / switched_on } else { 0.0 }).collect();
        let (entity, entity_count) = self.pools.entities();
        let entity_hash = metrics::grouped(&self.fleet.pool_hash_ths, entity, entity_count);
        let by_pool = metrics::Concentration::of(&self.fleet.pool_hash_ths, &mut self.out.scratch);
        let by_entity = metrics::Concentration::of(&entity_hash, &mut self.out.scratch);
        let nakamoto_operators = self.nakamoto_operators();
        let top = by_pool.top1;
        // A line is crossed again only after the share has fallen 2 points below it,
        // so a pool hovering at 25% is one event, not one a week.
        for (line, kind) in [(0.25, EventKind::PoolAbove25), (0.5, EventKind::PoolAbove50)] {
            let armed = self.out.armed_lines.get(&kind).copied().unwrap_or(true);
            if self.out.records.is_empty() {
                // A pool above the line on the first day did not cross it: armed once it falls below.
                self.out.armed_lines.insert(kind, top < line);
            } else if armed && top >= line {
                let leader = self.fleet.pool_hash_ths.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map_or(0, |(i, _)| i);
                let name = self.pools.list()[leader].name.clone();
                self.note(kind, top * 100.0, format!("{name} rose above {:.0}% of the hash rate ({:.1}%).", line * 100.0, top * 100.0));
                self.out.armed_lines.insert(kind, false);
            } else if !armed && top < line - 0.02 {
                self.out.armed_lines.insert(kind, true);
            }
        }

        let subsidy_btc = issued_today_btc(self.chain.height, blocks);
        let fees_btc = self.chain.fees_sats_today as f64 / SATS_PER_BTC as f64;
        let revenue_btc = subsidy_btc + fees_btc;
        let budget_usd = revenue_btc * self.day.price_usd();
        let supply_btc = chain::supply_sats(self.chain.height) as f64 / SATS_PER_BTC as f64;
        let best = self.best_generation_on_sale();
        let new_price_th = hardware::new_price_usd_per_th(best, sc, self.makers.markup());
        // The attacker needs more hash than the honest network: 51/49 of it, so
        // that it holds 51% of all hash once it joins.
        let attack_ths = total * 51.0 / 49.0;
        // What the network pays per day on average at today's reward (144 blocks), not one day's luck.
        let expected_budget_usd = crate::expectations::BLOCKS_PER_DAY
            * crate::expectations::reward_btc(self.chain.height, self.chain.fee_level_btc)
            * self.day.price_usd();
        let attack_mw = attack_ths * best.j_per_th / 1e6;
        let median_power = sc.power_price_median_usd_per_kwh * self.day.power_trend();
        let attack_buy =
            attack_ths * new_price_th + attack_mw * sc.mining_capex_usd_per_mw + attack_mw * 1_000.0 * sc.attack_hours * median_power;
        let attack_rent = attack_ths / 1_000.0 * self.day.hashprice() / 24.0 * (1.0 + sc.attack_rent_premium_pct / 100.0);
        let counts = self.counts;
        let retarget_change =
            if self.chain.retargets.len() > retargets_before { (self.chain.difficulty / difficulty_before - 1.0) * 100.0 } else { 0.0 };
        let eh = |ths: f64| ths / 1e6;
        self.out.records.push(DailyRecord {
            day: self.day.index(),
            date: iso_date(self.day.date()),
            height: self.chain.height,
            price_usd: self.day.price_usd(),
            difficulty: self.chain.difficulty,
            hashrate_ehs: eh(total),
            hashrate_7d_est_ehs: estimate_hs / 1e18,
            hashprice_usd_per_ph_day: self.day.hashprice(),
            blocks,
            subsidy_btc,
            fees_btc,
            fee_share: if revenue_btc > 0.0 { fees_btc / revenue_btc } else { 0.0 },
            security_budget_usd_per_day: budget_usd,
            security_budget_pct_mcap_yr: if supply_btc > 0.0 {
                expected_budget_usd * 365.0 / (supply_btc * self.day.price_usd()) * 100.0
            } else {
                0.0
            },
            attack_cost_rent_usd_per_hour: attack_rent,
            attack_cost_buy_usd: attack_buy,
            idle_hashrate_ehs: eh(self.fleet.idle_hash_ths),
            attack_rentable_share: if attack_ths > 0.0 { (self.fleet.idle_hash_ths / attack_ths).min(1.0) } else { 0.0 },
            curtailed_hashrate_ehs: eh(switched_on - total),
            nakamoto_pools: by_pool.nakamoto,
            nakamoto_entities: by_entity.nakamoto,
            nakamoto_operators,
            hhi_pools: by_pool.hhi,
            hhi_entities: by_entity.hhi,
            top_pool_share: by_pool.top1,
            top5_pool_share: by_pool.top5,
            nakamoto_pools_blocks_30d: by_blocks.nakamoto,
            hhi_pools_blocks_30d: by_blocks.hhi,
            ai_mw: counts.ai_mw(),
            ai_mw_pending: counts.ai_pending_mw(),
            operators_active: counts.active_total(),
            energy_gw: self.fleet.running_power_w * (1.0 - self.day.curtailed_share()) / 1e9,
            energy_twh_per_year: self.fleet.running_power_w * (1.0 - self.day.curtailed_share()) / 1e9 * 8.766,
            fleet_j_per_th: if switched_on > 0.0 { self.fleet.running_power_w / switched_on } else { 0.0 },
            mean_block_interval_s: 86_400.0 / f64::from(blocks.max(1)),
            difficulty_change_pct: retarget_change,
            supply_btc,
            power_price_trend_factor: self.day.power_trend(),
            new_machine_usd_per_th: new_price_th,
            operators_small_private: counts.active(OperatorKind::SmallPrivate),
            operators_large_private: counts.active(OperatorKind::LargePrivate),
            operators_public_miner: counts.active(OperatorKind::PublicMiner),
            operators_manufacturer: counts.active(OperatorKind::Manufacturer),
            operators_stranded: counts.active(OperatorKind::Stranded),
            hashrate_ehs_small_private: eh(self.fleet.kind_hash_ths[OperatorKind::SmallPrivate]),
            hashrate_ehs_large_private: eh(self.fleet.kind_hash_ths[OperatorKind::LargePrivate]),
            hashrate_ehs_public_miner: eh(self.fleet.kind_hash_ths[OperatorKind::PublicMiner]),
            hashrate_ehs_manufacturer: eh(self.fleet.kind_hash_ths[OperatorKind::Manufacturer]),
            hashrate_ehs_stranded: eh(self.fleet.kind_hash_ths[OperatorKind::Stranded]),
        });
        self.out.pool_shares.push(shares);
        self.out.generation_running.push(self.fleet.generation_hash_ths.iter().map(|h| h / 1e6).collect());
    }

    /// The most efficient generation sold new today (the catalogue's last before any release).
    pub fn best_generation_on_sale(&self) -> &Generation {
        let index = hardware::most_efficient(&self.generations, |g| g.release <= self.day.date()).unwrap_or(self.generations.len() - 1);
        &self.generations[index]
    }

    /// Drops empty lots, re-indexes operators' lots, refreshes lot pools,
    /// merges new lots into the breakeven order, recomputes the exact totals,
    /// ranks operators for the Nakamoto count, and sizes per-pool arrays.
    pub fn rebuild_lots(&mut self) {
        // Compact in place (a fresh vector each month would cost page faults).
        let mut new_index = vec![u32::MAX; self.fleet.lots.len()];
        let mut kept_count = 0;
        for (old, slot) in new_index.iter_mut().enumerate() {
            if self.fleet.lots[old].units > 0 {
                *slot = kept_count as u32;
                if kept_count != old {
                    // A copy over the dropped (truncated below), not a swap: half the memory traffic.
                    let lot = self.fleet.lots[old].clone();
                    self.fleet.lots[kept_count] = lot;
                }
                kept_count += 1;
            }
        }
        self.fleet.lots.truncate(kept_count);
        // The breakeven order: survivors keep theirs, newcomers are sorted and merged in.
        let lots = &self.fleet.lots;
        let mut kept = std::mem::take(&mut self.fleet.sorted_lots);
        kept.retain_mut(|r| {
            r.lot = new_index[r.lot as usize];
            r.lot != u32::MAX
        });
        let mut fresh: Vec<Ranked> = new_index[self.fleet.sorted_until.min(new_index.len())..]
            .iter()
            .filter(|&&i| i != u32::MAX)
            .map(|&lot| Ranked { breakeven_usd_per_ph_day: lots[lot as usize].breakeven_usd_per_ph_day, lot })
            .collect();
        fresh.sort_unstable_by(|a, b| crate::math::key_order(a.key(), b.key()));
        self.fleet.sorted_lots = crate::math::merge_by_key(&kept, &fresh, Ranked::key);
        self.fleet.sorted_until = self.fleet.lots.len();
        // Entries no longer due (their lot was emptied, or switched and rescheduled) are
        // dropped here rather than popped and skipped later: the same switches follow.
        let mut pending = std::mem::take(&mut self.fleet.pending).into_vec();
        pending.retain_mut(|Reverse((due, lot))| {
            let new = new_index.get(*lot as usize).copied().unwrap_or(u32::MAX);
            *lot = new;
            new != u32::MAX && lots[new as usize].pending_day == *due
        });
        self.fleet.pending = BinaryHeap::from(pending);

        // Each operator's list holds all its lots in index order, and the compaction
        // keeps the order: dropping the emptied and renumbering the rest gives the
        // list afresh, operator by operator rather than a cache miss per lot.
        for operator in &mut self.operators {
            operator.lots.retain_mut(|lot| {
                let new = new_index.get(*lot as usize).copied().unwrap_or(u32::MAX);
                *lot = new;
                new != u32::MAX
            });
        }
        // A lot's pool is its operator's: set as it is made (`Lot::new`), at the start
        // (`assign_starting_pools`) and as its operator moves (`move_to_pool`), not by a
        // pass over every lot here (checked against the operators in debug builds below).
        let pool_count = self.pools.len();
        // The totals are kept exact as lots change; counted afresh only at the start
        // (and checked against a fresh count in debug builds).
        if self.fleet.totals_need_count {
            self.fleet.totals = self.count_totals();
            self.fleet.totals_need_count = false;
        }
        self.fleet.totals.operator.resize(self.operators.len(), 0);
        #[cfg(debug_assertions)]
        {
            let kept = &self.fleet.totals;
            let counted = self.count_totals();
            debug_assert!(kept.pool == counted.pool && kept.kind == counted.kind && kept.generation == counted.generation);
            debug_assert!(kept.operator == counted.operator && kept.running_hash == counted.running_hash);
            debug_assert_eq!(kept.running_power, counted.running_power);
            debug_assert_eq!(kept.installed_hash, counted.installed_hash);
            let listed: usize = self.operators.iter().map(|o| o.lots.len()).sum();
            debug_assert_eq!(listed, self.fleet.lots.len(), "every lot is in its operator's list");
            for (index, operator) in self.operators.iter().enumerate() {
                debug_assert!(operator.lots.windows(2).all(|w| w[0] < w[1]), "an operator's lots are in index order");
                debug_assert!(operator.lots.iter().all(|&l| self.fleet.lots[l as usize].operator as usize == index));
            }
        }
        self.out.pool_blocks_today.resize(pool_count, 0);
        self.out.pool_blocks_window_sum.resize(pool_count, 0);
        for day in &mut self.out.pool_blocks_window {
            day.resize(pool_count, 0);
        }
        self.chain.pool_rewards_sats.resize(pool_count, 0);
        self.fleet.refresh_views();
        self.counts = population_counts::PopulationCounts::count(&self.operators);
    }

    /// The totals counted afresh from every lot.
    fn count_totals(&self) -> Totals {
        let mut totals = Totals::new(self.pools.len(), self.generations.len(), self.operators.len());
        for lot in &self.fleet.lots {
            debug_assert_eq!(lot.pool, self.operators[lot.operator as usize].pool, "a lot follows its operator's pool");
            totals.installed_hash += lot.hash_milli;
            if lot.running {
                totals.add(lot, 1);
            }
        }
        totals
    }

    /// The Nakamoto coefficient of operators at the resolution of real firms:
    /// the named firms one by one, each kind's tail in firms of its size
    /// ([`firms::nakamoto_resolved`]), whatever `operators` is.
    fn nakamoto_operators(&self) -> u32 {
        let milli = |h: i64| h as f64 / 1_000.0;
        let totals = &self.fleet.totals;
        let operator_ths = |index: usize| milli(totals.operator.get(index).copied().unwrap_or(0));
        self.firm_view.nakamoto(&self.operators, operator_ths, self.fleet.kind_hash_ths, milli(totals.running_hash))
    }

    fn finish(self) -> RunResult {
        let records = self.out.records;
        let first = records.first().cloned().unwrap_or_default();
        let last = records.last().cloned().unwrap_or_default();
        let mean_budget =
            |slice: &[DailyRecord]| slice.iter().map(|r| r.security_budget_usd_per_day).sum::<f64>() / slice.len().max(1) as f64;
        let week = records.len().min(7);
        let elapsed_s = f64::from(self.days) * 86_400.0;
        let end_ai: f64 = self.operators.iter().map(|o| o.ai_mw + o.ai_pending_mw).sum();
        let summary = Summary {
            days: self.days,
            blocks: self.chain.blocks_total,
            final_height: self.chain.height,
            retargets: self.chain.retargets.len() as u32,
            mean_block_interval_s: if self.chain.blocks_total > 0 { elapsed_s / self.chain.blocks_total as f64 } else { elapsed_s },
            start_hashrate_ehs: first.hashrate_ehs,
            end_hashrate_ehs: last.hashrate_ehs,
            min_hashrate_ehs: records.iter().map(|r| r.hashrate_ehs).fold(f64::INFINITY, f64::min),
            start_hashprice_usd_per_ph_day: first.hashprice_usd_per_ph_day,
            end_hashprice_usd_per_ph_day: last.hashprice_usd_per_ph_day,
            min_hashprice_usd_per_ph_day: records.iter().map(|r| r.hashprice_usd_per_ph_day).fold(f64::INFINITY, f64::min),
            start_security_budget_usd_per_day: mean_budget(&records[..week]),
            end_security_budget_usd_per_day: mean_budget(&records[records.len() - week..]),
            start_nakamoto_pools: first.nakamoto_pools,
            end_nakamoto_pools: last.nakamoto_pools,
            end_nakamoto_entities: last.nakamoto_entities,
            end_nakamoto_operators: last.nakamoto_operators,
            end_ai_mw_total: end_ai,
            subsidy_issued_sats: self.chain.subsidy_sats_total,
            fees_paid_sats: self.chain.fees_sats_total,
            start_operators: self.churn.start_operators(),
            end_operators: last.operators_active,
            entries: self.churn.entries(),
            exits: self.churn.exits(),
            restructurings: self.churn.restructurings(),
            longest_block_gap_hours: self.chain.longest_gap_s / 3_600.0,
            warnings: Vec::new(),
        };
        let mut summary = summary;
        summary.warnings = run_warnings(&summary, &records);
        let date_of = |day: u32| market::day_date(self.sc.start_date, day).to_string();
        let mut all_events = events::scripted(self.sc, self.days, date_of);
        all_events.extend(self.chain.retargets.iter().map(events::retarget));
        all_events.extend(self.out.events);
        let events = events::sorted(all_events);
        let pool_count = self.pools.len();
        let pool_shares = self
            .out
            .pool_shares
            .into_iter()
            .map(|mut day| {
                day.resize(pool_count, 0.0);
                day
            })
            .collect();
        RunResult {
            model_version: crate::MODEL_VERSION.to_string(),
            scenario: self.sc.clone(),
            summary,
            days: records,
            pools: self.pools.into_list(),
            pool_shares,
            generation_running_ehs: self.out.generation_running,
            retargets: self.chain.retargets,
            generations: self.generations,
            pool_rewards_sats: self.chain.pool_rewards_sats,
            events,
            observed: if self.sc.replays_history() { crate::history::observed::series(self.sc.start_date, self.days) } else { Vec::new() },
        }
    }
}

/// A whole number with thousands separated: 1,050,000.
/// `date` as `YYYY-MM-DD`, written into a string of its size (a record a day:
/// `to_string` grows its string several times on the way).
fn iso_date(date: chrono::NaiveDate) -> String {
    use std::fmt::Write;
    let mut text = String::with_capacity(10);
    let _ = write!(text, "{date}");
    text
}

fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A day without blocks, or blocks an hour apart on average for a month, is a
/// chain that has all but stopped: the reader is told so in words.
const STALL_GAP_HOURS: f64 = 24.0;

/// What a reader must be told about a run, in words (MODEL.md: "if a scenario
/// does stall the chain, the page and the API say so in words").
fn run_warnings(summary: &Summary, records: &[DailyRecord]) -> Vec<String> {
    let mut warnings = Vec::new();
    let gap_hours = summary.longest_block_gap_hours;
    if summary.blocks == 0 {
        warnings.push(format!("The chain stalled: no block was found in {} days. The hash rate switched on could not pay for itself at this difficulty, and difficulty can only fall after 2,016 more blocks.", summary.days));
    } else if gap_hours >= STALL_GAP_HOURS {
        let worst = records.iter().filter(|r| r.blocks == 0).count();
        warnings.push(format!(
            "The chain nearly stalled: the longest wait for a block was {gap_hours:.0} hours, and {worst} days passed without a block."
        ));
    }
    warnings
}

/// Subsidy paid by the `blocks` blocks ending at `height`, BTC.
fn issued_today_btc(height: u64, blocks: u32) -> f64 {
    if blocks == 0 {
        return 0.0;
    }
    chain::issued_between_sats(height + 1 - u64::from(blocks), height) as f64 / SATS_PER_BTC as f64
}

/// A lot's key for its own draws (switch-off delay, wear): its owner and its
/// generation's key (`draw_keys`, see `Sim::draw_keys`), so an operator's lot
/// of a generation keeps its draws when the fleet is renumbered.
pub(crate) fn lot_key(draw_keys: &[u64], lot: &Lot) -> u64 {
    u64::from(lot.operator) << 16 | draw_keys[usize::from(lot.generation)]
}
