//! Operators' monthly decisions.
//!
//! At each month's end, in this order (the rules themselves are pure
//! functions with their tests beside them: [`crate::expectations`],
//! [`crate::exit`], [`crate::ai`], [`crate::purchase`], [`crate::pools`]):
//! 1. **Accounts.** Revenue is what the machines earned at each day's
//!    hashprice while running (pools pay expected value, less their fee);
//!    costs are power while running and site costs: their difference is the
//!    operating margin. Interest comes after it. A share of revenue goes to
//!    the BTC treasury; shortfalls sell BTC, then draw on credit.
//! 2. **Expectations** adapt: each operator's value of hashprice per BTC of
//!    block reward moves towards the month's; times the reward the schedule
//!    pays (halvings included) it gives the hashprice it expects.
//! 3. **Fate** ([`crate::exit`]): an insolvent operator that still expects a
//!    positive operating margin is restructured (debt written down, machines
//!    keep running); one without, or one whose operating margin has been
//!    negative for longer than its own patience with none expected, is
//!    liquidated: its fleet is sold as a going concern to the bidders with
//!    the cheapest power, who keep it running; what nobody buys is listed
//!    second-hand. Machines idle all month that would need a hashprice 25%
//!    above expectation are sold second-hand (the seller is paid on sale).
//! 4. **AI switch** ([`crate::ai`]): a fit site converts up to half of its MW
//!    when the present value of AI hosting beats mining's by the hurdle,
//!    within what the AI market absorbs (a twelfth of its yearly cap is
//!    released each month; best advantages first). Its machines come off the
//!    day it commits (MW "committed"); rent starts after the lag ("converted").
//! 5. **Expansion.** Operators, cheapest power first, buy the machines (new, at
//!    the makers' list price, arriving after the factories' queue and the
//!    delivery lag; or second-hand at a discount, after relocation) with the
//!    shortest payback, the wait included, at the hashprice they expect over
//!    their horizon, if that payback is within it. Only an operator with a
//!    positive operating margin last month borrows to expand.
//! 6. **Manufacturers** ([`crate::machine_orders`]) serve the queue from the
//!    month's output, book the margin on machines sold, move capacity towards
//!    orders and the list price towards the queue's markup, and plug into
//!    their own sites, at production cost, the unsold output that pays back
//!    there (`manufacturer_self_mining`).
//! 7. **Entry** follows the payback of a new machine at a good site (a
//!    quarter of sites have cheaper power), not the number of operators.
//! 8. **Pools.** A few operators re-choose their pool each month, more from a
//!    pool nearing half the hash rate; the largest may start their own.
//!
//! Every random draw of a decision is keyed by operator, month and purpose
//! ([`crate::rng::keyed_unit`]), so common random numbers hold decision by
//! decision when two scenarios are compared.

use crate::accounts;
use crate::ai::{self, AiMarket, AiTerms, DAYS_PER_MONTH};
use crate::ai_hosting::Conversion;
use crate::engine::Sim;
use crate::entry;
use crate::events::{self, EventKind};
use crate::exit::{self, Fate, Standing};
use crate::expectations;
use crate::hardware::{self, Generation};
use crate::kind::ByKind;
use crate::machine_orders::{MonthOfSales, Order};
use crate::math;
use crate::month_market::ClosedMonth;
use crate::operators::{self, Lot, OperatorKind};
use crate::pools::{self, PoolMove};
use crate::prefetch;
use crate::purchase::{
    self, best_offer, expansion_budget_usd, going_concern_budget_usd, pay, within_horizon, BuyerTerms, Limits, OnSale, PaybackScreen,
};
use crate::rng::{self, Purpose};
use crate::secondhand;
use crate::wear;

/// Share of a site that can start converting in one decision.
const AI_STEP_SHARE: f64 = 0.5;
/// Months unsold second-hand machines stay listed before they are scrapped.
const OFFER_MONTHS: f64 = 12.0;
/// Idle machines whose breakeven exceeds expected hashprice by this factor are sold.
const SALVAGE_BREAKEVEN_RATIO: f64 = 1.25;

/// What an operator expects its lots to earn and pay for power, per unit, over the month ahead.
#[derive(Clone, Copy)]
struct LotOutlook {
    expected_usd_per_ph_day: f64,
    power_usd_per_kwh: f64,
}

/// Per-operator sums over its lots.
#[derive(Default, Clone, Copy)]
struct Book {
    revenue_usd: f64,
    energy_usd: f64,
    fleet_ths: f64,
    fleet_w: f64,
    /// Installed watts that would not pay their way over the owner's horizon (`book_fleets`).
    retirable_w: f64,
}

/// The block reward an operator counts on, BTC (fees at this month's level).
struct RewardOutlook {
    /// Today's (running decisions).
    near_btc: f64,
    /// Over each kind's payback horizon.
    horizon_btc: ByKind<f64>,
    /// How much more a BTC of reward is worth after the next halving than today (`supply_curve.rs`).
    halving_response: f64,
}

impl Sim<'_> {
    /// Everything that happens at a month's end.
    pub(crate) fn monthly_step(&mut self) {
        self.power.set_day(self.day.index());
        let ClosedMonth { days, value_per_reward: observed_value } = self.month_market.close(self.sc.expectation_weight);
        let churn_before = self.churn;
        let active_before = self.operators.iter().filter(|o| o.active).count() as f64;
        let (mut books, idle_all_month) = self.book_lots(days);
        let outlook = self.reward_outlook();
        let buyers = self.buyers_by_power();
        self.settle_accounts(&books, &idle_all_month, observed_value, &outlook, &buyers);
        self.complete_conversions();
        self.decide_ai(&books, &outlook);
        self.power.recount(self.stranded_site_mw());
        books = self.book_fleets(&outlook);
        self.expand(&books, &outlook, &buyers);
        self.manufacture(&books, &outlook);
        self.enter(&outlook);
        self.choose_pools(&books);
        let today = self.day.index();
        self.secondhand.expire(today, OFFER_MONTHS * DAYS_PER_MONTH);
        let (exited, entered) = self.churn.since(&churn_before);
        if f64::from(exited) >= events::WAVE_SHARE * active_before && exited > 0 {
            self.note(
                EventKind::ExitWave,
                f64::from(exited),
                format!("{exited} operators sold up this month: their machines went to cheaper power or to the second-hand market."),
            );
        }
        if f64::from(entered) >= events::WAVE_SHARE * active_before && entered > 0 {
            self.note(EventKind::EntryWave, f64::from(entered), format!("{entered} newcomers started mining this month."));
        }
        self.wear_out();
        self.month_index += 1;
        self.rebuild_lots();
    }

    /// The rewards operators count on. Past the next halving each BTC of reward
    /// is worth more than today by what the fleet's supply curve says the
    /// machines that stop give back (`supply_curve.rs`): the installed fleet,
    /// at this month's hashprice, with no machine added.
    fn reward_outlook(&self) -> RewardOutlook {
        let fee = self.fees.expected_btc(self.day.index());
        let height = self.chain.height;
        let today_reward = expectations::reward_btc(height, fee);
        let x0 = self.month_market.observed_value_per_reward() * today_reward / self.day.power_trend();
        let response = self.fleet.supply_curve.response_to_revenue_cut(x0, expectations::halving_cut_ratio(height, fee));
        let mut horizon_btc: ByKind<f64> = ByKind::default();
        for kind in OperatorKind::ALL {
            horizon_btc[kind] = expectations::mean_reward_btc(height, kind.profile().payback_horizon_days, fee, response);
        }
        // Running decisions (salvage, whether a firm is viable) look at today's reward: a firm
        // whose machines pay until the halving keeps them running until then, and after it
        // its own patience decides when it gives up. Judging them on the reward a month
        // ahead made every such firm sell up on the same month-end before a halving.
        RewardOutlook { near_btc: today_reward, horizon_btc, halving_response: response }
    }

    /// Active operators that buy machines, cheapest power first (then by index).
    /// Power prices never change, so the order is kept between months and
    /// only newcomers are merged in (sorting every operator each month cost
    /// a tenth of a run).
    fn buyers_by_power(&mut self) -> Vec<u32> {
        let known = self.by_power.len();
        if known < self.operators.len() {
            let mut fresh: Vec<(f64, u32)> =
                self.operators[known..].iter().zip(known as u32..).map(|(o, i)| (o.power_usd_per_kwh, i)).collect();
            fresh.sort_by(|a, b| math::key_order(*a, *b));
            self.by_power = crate::math::merge_by_key(&self.by_power, &fresh, |pair| pair);
        }
        // Who may buy, found in memory order: the power order would miss the cache at every operator.
        let may_buy: Vec<bool> = self.operators.iter().map(|o| o.active && o.kind != OperatorKind::Manufacturer).collect();
        self.by_power.iter().map(|&(_, i)| i).filter(|&i| may_buy[i as usize]).collect()
    }

    /// Sums each operator's month from its lots, notes the lots that never
    /// ran, and resets the lots' counters.
    /// Books the month of `month_days` days: each lot's revenue and power,
    /// the variable share of power for the energy it used running and the
    /// fixed share (`power_fixed_share`) for its full draw, running or not.
    fn book_lots(&mut self, month_days: u32) -> (Vec<Book>, Vec<bool>) {
        let mut books = vec![Book::default(); self.operators.len()];
        // Close every running spell at today's end; the next one starts tomorrow.
        let tomorrow = self.day.index() + 1;
        for lot in self.fleet.lots.iter_mut() {
            lot.close_spell(tomorrow, &self.fleet.cumulative_hashprice, &self.fleet.cumulative_trend);
        }
        let fixed = self.sc.power_fixed_share;
        let trend_days = {
            let cumulative = &self.fleet.cumulative_trend;
            let end = (tomorrow as usize).min(cumulative.len() - 1);
            cumulative[end] - cumulative[end.saturating_sub(month_days as usize)]
        };
        let idle_all_month = self.fleet.lots.iter().map(|lot| lot.energy_kwh_trend == 0.0).collect();
        // Power prices side by side: read for every lot, in no operator order.
        let power_usd_per_kwh: Vec<f64> = self.operators.iter().map(|operator| operator.power_usd_per_kwh).collect();
        self.fleet.supply_curve.clear();
        for lot in &mut self.fleet.lots {
            self.fleet.supply_curve.add(lot.breakeven_usd_per_ph_day, lot.hash_ths);
            let book = &mut books[lot.operator as usize];
            book.revenue_usd += lot.revenue_usd;
            let full_draw_kwh_trend = lot.power_w / 1_000.0 * 24.0 * trend_days;
            book.energy_usd +=
                ((1.0 - fixed) * lot.energy_kwh_trend + fixed * full_draw_kwh_trend) * power_usd_per_kwh[lot.operator as usize];
            book.fleet_ths += lot.hash_ths;
            book.fleet_w += lot.power_w;
            lot.revenue_usd = 0.0;
            lot.energy_kwh_trend = 0.0;
        }
        (books, idle_all_month)
    }

    /// Installed fleet per operator (after deliveries), with orders on the way
    /// counted as fleet, and the watts of its machines that would not cover
    /// their power and site costs at what a buyer expects over its horizon
    /// (only buyers' machines: active, not a maker): a firm renewing its fleet
    /// puts new machines in their place rather than building a site.
    fn book_fleets(&mut self, outlook: &RewardOutlook) -> Vec<Book> {
        let mut books = vec![Book::default(); self.operators.len()];
        let terms: Vec<Option<(f64, f64)>> = self
            .operators
            .iter()
            .map(|operator| {
                (operator.active && operator.kind != OperatorKind::Manufacturer)
                    .then(|| (self.buyer_expected_per_th(operator, outlook), operator.power_usd_per_kwh * self.day.power_trend()))
            })
            .collect();
        // Per generation: energy (kWh) and site costs (USD) per TH/s-day.
        let costs: Vec<(f64, f64)> =
            self.generations.iter().map(|g| (g.power_cost_usd_per_th_day(1.0), self.site_cost_usd_per_th_day(g))).collect();
        for lot in &self.fleet.lots {
            let book = &mut books[lot.operator as usize];
            book.fleet_ths += lot.hash_ths;
            book.fleet_w += lot.power_w;
            if let Some((expected_per_th, power)) = terms[lot.operator as usize] {
                let (kwh_per_th_day, site_usd_per_th_day) = costs[lot.generation as usize];
                if expected_per_th - kwh_per_th_day * power - site_usd_per_th_day <= 0.0 {
                    book.retirable_w += lot.power_w;
                }
            }
        }
        for order in self.orders.iter() {
            let generation = &self.generations[order.generation as usize];
            let book = &mut books[order.operator as usize];
            book.fleet_ths += f64::from(order.units) * generation.th_per_unit;
            book.fleet_w += f64::from(order.units) * generation.watts_per_unit();
        }
        books
    }

    /// AI rent net of running costs, per gross site MW per month, USD.
    fn ai_net_usd_per_site_mw_month(&self) -> f64 {
        let sc = self.sc;
        sc.ai_revenue_usd_per_mw_year / 12.0 * (1.0 - sc.ai_operating_cost_share) * sc.ai_it_share_of_site
    }

    fn settle_accounts(&mut self, books: &[Book], idle_all_month: &[bool], observed_value: f64, outlook: &RewardOutlook, buyers: &[u32]) {
        let sc = self.sc;
        let price = self.day.price_usd();
        let trend = self.day.power_trend();
        let ai_net_per_mw_month = self.ai_net_usd_per_site_mw_month();
        let weight = sc.expectation_weight;
        // Three passes, so that the lots are read in their own order rather than
        // through each operator's list (which scatters over the fleet at scale):
        // the accounts, operator by operator; then every lot, its salvage or its
        // margin ahead; then each operator's fate. Each operator's lots are summed
        // in the same order as its list (both by lot index) and sales are listed
        // operator by operator, so the passes give what one loop gave.
        let mut ahead: Vec<Option<LotOutlook>> = vec![None; books.len()];
        let mut forward_operating = vec![0.0; books.len()];
        for (index, &book) in books.iter().enumerate() {
            let operator = &mut self.operators[index];
            if !operator.active {
                continue;
            }
            let profile = operator.kind.profile();
            let pool_fee = self.pools.fee_share(operator.pool);
            let flows = accounts::MonthFlows {
                revenue_usd: book.revenue_usd * (1.0 - pool_fee),
                energy_usd: book.energy_usd,
                site_costs_usd: book.fleet_w / 1e6 * sc.opex_usd_per_mw_month * profile.site_cost_multiplier,
                ai_net_per_mw_month_usd: ai_net_per_mw_month,
            };
            let terms = accounts::MonthTerms {
                debt_interest_pct_per_year: sc.debt_interest_pct_per_year,
                price_usd: price,
                hodl_share: profile.hodl_share,
                credit_years_of_revenue: profile.credit_years_of_revenue,
            };
            let ai_net = accounts::settle(operator, &flows, &terms).ai_net_usd;
            operator.value_per_reward = expectations::adapt(operator.value_per_reward, observed_value, weight);
            ahead[index] = Some(LotOutlook {
                expected_usd_per_ph_day: operator.value_per_reward * outlook.near_btc,
                power_usd_per_kwh: operator.power_usd_per_kwh * trend,
            });
            forward_operating[index] = ai_net;
        }
        // Salvage: machines idle all month that would need a much higher
        // hashprice than expected are sold second-hand (to cheaper power).
        let mut salvaged: Vec<(u32, u16, u32)> = Vec::new();
        for (lot_index, lot) in self.fleet.lots.iter_mut().enumerate() {
            if lot.units == 0 {
                continue;
            }
            let Some(LotOutlook { expected_usd_per_ph_day: expected, power_usd_per_kwh: power }) =
                ahead.get(lot.operator as usize).copied().flatten()
            else {
                continue;
            };
            if idle_all_month[lot_index] && lot.breakeven_usd_per_ph_day * trend > SALVAGE_BREAKEVEN_RATIO * expected {
                salvaged.push((lot.operator, lot.generation, lot.units));
                self.fleet.totals.remove_lot(lot);
                lot.units = 0;
                lot.hash_ths = 0.0;
                lot.power_w = 0.0;
                continue;
            }
            let generation = &self.generations[lot.generation as usize];
            let margin_per_th_day = expected / 1_000.0 - generation.power_cost_usd_per_th_day(power);
            forward_operating[lot.operator as usize] += exit::lot_contribution_usd_per_month(
                margin_per_th_day,
                lot.hash_ths,
                lot.power_w,
                sc.opex_usd_per_mw_month * lot.kind.profile().site_cost_multiplier,
            );
        }
        // Listed operator by operator, each operator's lots in order (the sort is stable).
        salvaged.sort_by_key(|&(seller, _, _)| seller);
        for (seller, generation, units) in salvaged {
            self.secondhand.list(seller, generation, units, self.day.index());
        }
        let mut fates = Vec::new();
        for (index, operator) in self.operators.iter_mut().enumerate() {
            if ahead[index].is_none() {
                continue;
            }
            let forward_operating = forward_operating[index];
            let mut standing = Standing {
                cash_usd: operator.cash_usd,
                unviable_months: operator.unviable_months + 1,
                patience_months: operator.patience_months,
                forward_operating_margin_usd: forward_operating,
                converting_to_ai: operator.ai_pending_mw > 0.0,
            };
            if exit::viable(&standing) {
                standing.unviable_months = 0;
            }
            operator.unviable_months = standing.unviable_months;
            match exit::fate(standing) {
                Fate::Continue => {}
                Fate::Restructure => {
                    // Creditors take the firm: the unpaid bills and the debt the
                    // margin cannot carry are written off; the machines keep running.
                    operator.debt_usd = exit::restructured_debt_usd(operator.debt_usd, forward_operating);
                    operator.cash_usd = 0.0;
                    operator.treasury_btc = 0.0;
                    self.churn.note_restructuring();
                }
                Fate::Liquidate => fates.push(index),
            }
        }
        if fates.is_empty() {
            return;
        }
        // Only buyers with money to spend can take a going concern, and during
        // the sales a buyer's budget only shrinks (it pays; the sellers are gone):
        // those with none are left out once, not passed over for every lot sold.
        // (Who has money is found in memory order: in power order every operator is a cache miss.)
        let has_money: Vec<bool> = self.operators.iter().map(|operator| going_concern_budget_usd(operator) > 0.0).collect();
        let able: Vec<u32> = buyers.iter().copied().filter(|&buyer| has_money[buyer as usize]).collect();
        let mut bidders = Bidders { able, by_generation: vec![Found::default(); self.generations.len()] };
        for index in fates {
            self.liquidate(index, outlook, &mut bidders);
        }
    }

    /// The operator sells up: its fleet goes as a going concern to the bidders
    /// with the cheapest power that it pays, the rest to the second-hand market.
    fn liquidate(&mut self, index: usize, outlook: &RewardOutlook, bidders: &mut Bidders) {
        let today = self.day.index();
        let lots: Vec<(u16, u32)> = self.operators[index]
            .lots
            .iter()
            .map(|&l| &self.fleet.lots[l as usize])
            .filter(|lot| lot.units > 0)
            .map(|lot| (lot.generation, lot.units))
            .collect();
        {
            let operator = &mut self.operators[index];
            operator.active = false;
            operator.site_mw = operator.ai_mw + operator.ai_pending_mw;
            for &lot_index in &operator.lots {
                let lot = &mut self.fleet.lots[lot_index as usize];
                if lot.units > 0 {
                    self.fleet.totals.remove_lot(lot);
                    lot.units = 0;
                }
            }
        }
        for (generation, units) in lots {
            let unsold = self.sell_going_concern(index as u32, generation, units, outlook, bidders);
            self.secondhand.list(index as u32, generation, unsold, today);
        }
        // Its orders still on the way are resold when they arrive (see `deliver_due_orders`).
        self.churn.note_exit();
    }

    /// Sells `units` of a failed operator's machines to the buyers with the
    /// cheapest power for whom they pay back within their horizon at the
    /// second-hand price, within their cash and credit; the seller is paid.
    /// Returns the units nobody bought.
    fn sell_going_concern(
        &mut self,
        seller: u32,
        generation_index: u16,
        units: u32,
        outlook: &RewardOutlook,
        bidders: &mut Bidders,
    ) -> u32 {
        let sc = self.sc;
        let generation = self.generations[generation_index as usize].clone();
        let discount = 1.0 - sc.secondhand_discount_pct / 100.0;
        let price_per_th = hardware::market_value_usd_per_th(&generation, self.day.hashprice(), sc.asic_price_payback_days) * discount;
        let unit_price = price_per_th * generation.th_per_unit;
        let unit_mw = generation.watts_per_unit() / 1e6;
        let site_cost = self.site_cost_usd_per_th_day(&generation);
        // No buyer counts on more than this month's value times the longest horizon's reward:
        // past the power price where that leaves no margin, no buyer (they are sorted by power) can pay.
        let best_reward = outlook.horizon_btc.values().copied().fold(0.0, f64::max);
        let best_expected_per_th = self.month_market.observed_value_per_reward() * best_reward / 1_000.0;
        let max_power = (best_expected_per_th - site_cost) / generation.power_cost_usd_per_th_day(1.0);
        let largest_ths = operators::MAX_OPERATOR_SHARE * self.fleet.totals.installed_hash as f64 / 1_000.0;
        let with_site = purchase::with_site_usd_per_th(price_per_th, &generation, sc.mining_capex_usd_per_mw);
        // Whether a machine of this generation pays a buyer back within its horizon
        // (the same all through the month's sales: prices, values and power are the month's).
        let pays = |sim: &Sim, operator: &operators::Operator| {
            let expected = sim.month_market.prudent_value(operator.value_per_reward) * outlook.horizon_btc[operator.kind];
            let margin =
                expected / 1_000.0 - generation.power_cost_usd_per_th_day(operator.power_usd_per_kwh * sim.day.power_trend()) - site_cost;
            !(margin <= 0.0 || with_site / margin > operator.kind.profile().payback_horizon_days)
        };
        let mut found = std::mem::take(&mut bidders.by_generation[generation_index as usize]);
        let mut left = units;
        let mut position = 0;
        loop {
            if left == 0 {
                break;
            }
            // The next bidder it pays back, from those found at earlier sales, then further down the list.
            let buyer = match found.bidders.get(position) {
                Some(&buyer) => buyer,
                None => match found.scan(&bidders.able, |buyer| {
                    let operator = &self.operators[buyer as usize];
                    if operator.power_usd_per_kwh * self.day.power_trend() >= max_power {
                        None
                    } else {
                        Some(pays(self, operator))
                    }
                }) {
                    Some(buyer) => buyer,
                    None => break,
                },
            };
            let operator = &self.operators[buyer as usize];
            if buyer == seller {
                position += 1;
                continue;
            }
            // A bidder gone, or without the money for one machine, stays so this month (money
            // only shrinks as the sales go on, and the price is the month's): it leaves the
            // list rather than being asked again at every later sale of the generation.
            if !operator.active {
                found.bidders.remove(position);
                continue;
            }
            let budget = going_concern_budget_usd(operator);
            let affordable = (budget / (unit_price + unit_mw * sc.mining_capex_usd_per_mw)).floor();
            if affordable < 1.0 {
                found.bidders.remove(position);
                continue;
            }
            let fleet_ths: f64 = operator.lots.iter().map(|l| self.fleet.lots[*l as usize].hash_ths).sum();
            let room_ths = (largest_ths - fleet_ths).max(0.0);
            let fleet_w: f64 = operator.lots.iter().map(|l| self.fleet.lots[*l as usize].power_w).sum();
            let free_mw = (operator.mining_mw() - fleet_w / 1e6).max(0.0);
            // Cheap power is finite: no more than the sites its growth allows.
            let by_power = ((free_mw + self.power.room_mw(operator.kind)) / unit_mw).floor().min(f64::from(u32::MAX)) as u32;
            let bought = (affordable.max(0.0) as u32).min(left).min((room_ths / generation.th_per_unit) as u32).min(by_power);
            // (The largest fleet allowed follows the installed hash, which the month's sales move both ways.)
            position += 1;
            if bought == 0 {
                continue;
            }
            let extra_mw = (f64::from(bought) * unit_mw - free_mw).max(0.0);
            self.power.build(operator.kind, extra_mw);
            let cost = f64::from(bought) * unit_price + extra_mw * sc.mining_capex_usd_per_mw;
            let operator = &mut self.operators[buyer as usize];
            operator.site_mw += extra_mw;
            pay(operator, cost);
            self.operators[seller as usize].cash_usd += f64::from(bought) * unit_price;
            self.add_units(buyer as usize, generation_index, bought);
            left -= bought;
        }
        bidders.by_generation[generation_index as usize] = found;
        left
    }

    fn complete_conversions(&mut self) {
        let today = self.day.index();
        let operators = &mut self.operators;
        let mut converted_mw = 0.0;
        self.ai_hosting.complete_ready(today, |conversion| {
            let operator = &mut operators[conversion.operator as usize];
            operator.ai_pending_mw = (operator.ai_pending_mw - conversion.mw).max(0.0);
            operator.ai_mw += conversion.mw;
            operator.ai_debt_service_usd_per_month += conversion.service_usd_per_month;
            converted_mw += conversion.mw;
        });
        if converted_mw >= events::AI_EVENT_MIN_MW {
            self.note(
                EventKind::AiConverted,
                converted_mw,
                format!("{converted_mw:.0} MW finished converting to AI hosting and began earning rent."),
            );
        }
    }

    /// The month's AI market: rent, capex and the reward path over the lease.
    fn ai_market(&self, outlook: &RewardOutlook) -> AiMarket {
        let terms = AiTerms::of(self.sc, self.best_generation_on_sale());
        AiMarket::on_schedule(terms, self.chain.height, self.fees.expected_btc(self.day.index()), outlook.halving_response)
    }

    fn decide_ai(&mut self, books: &[Book], outlook: &RewardOutlook) {
        let sc = self.sc;
        // Tenants take a twelfth of a year's demand at the rent each month; unused
        // room carries over up to a year's.
        let demand = ai::demand_mw_per_year(sc.ai_market_mw_per_year, sc.ai_revenue_usd_per_mw_year, sc.ai_demand_elasticity);
        self.ai_hosting.open_month(demand);
        if self.ai_hosting.room_mw() <= 0.0 || sc.ai_revenue_usd_per_mw_year <= 0.0 {
            return;
        }
        let market = self.ai_market(outlook);
        if market.ai_value_usd_per_mw() <= 0.0 {
            return;
        }
        let best_j_per_th = self.best_generation_on_sale().j_per_th;
        let mut candidates: Vec<(f64, usize)> = Vec::new();
        for &index in self.roster.ai_eligible() {
            let (index, operator) = (index as usize, &self.operators[index as usize]);
            if !operator.active || operator.mining_mw() < 1.0 {
                continue;
            }
            let book = books[index];
            let j_per_th = if book.fleet_ths > 0.0 { book.fleet_w / book.fleet_ths } else { best_j_per_th };
            let power = operator.power_usd_per_kwh * self.day.power_trend();
            let mining = market.mining_value_usd_per_mw(operator.value_per_reward, j_per_th, power);
            if market.converts(mining, sc.ai_hurdle_pct) {
                candidates.push((market.ai_value_usd_per_mw() - mining, index));
            }
        }
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let room_before = self.ai_hosting.room_mw();
        let ready_day = self.day.index() + (f64::from(sc.ai_conversion_months) * DAYS_PER_MONTH) as u32;
        for (_, index) in candidates {
            if self.ai_hosting.room_mw() <= 0.0 {
                break;
            }
            let operator = &self.operators[index];
            let mw = operator.mining_mw().min((operator.site_mw * AI_STEP_SHARE).max(1.0)).min(self.ai_hosting.room_mw());
            if mw <= 0.0 {
                continue;
            }
            let operator = &mut self.operators[index];
            operator.ai_pending_mw += mw;
            // Project debt against the lease, served by its rent (ai.rs).
            let capex = mw * market.capex_usd_per_site_mw;
            operator.ai_project_debt_usd += capex;
            let service_usd_per_month = ai::project_service_usd_per_month(
                capex,
                sc.debt_interest_pct_per_year / 100.0,
                sc.ai_conversion_months,
                (ai::LEASE_YEARS * 12.0) as u32,
            );
            self.ai_hosting.commit(Conversion { operator: index as u32, mw, ready_day, service_usd_per_month });
            let capacity_w = self.operators[index].mining_mw() * 1e6;
            self.shrink_fleet_to(index, capacity_w);
        }
        let committed = room_before - self.ai_hosting.room_mw();
        if committed >= events::AI_EVENT_MIN_MW {
            let months = sc.ai_conversion_months;
            self.note(
                EventKind::AiCommitted,
                committed,
                format!("{committed:.0} MW of mining sites were committed to AI hosting: their machines came off the network today; rent starts in {months} months."),
            );
        }
    }

    /// Takes the least efficient machines off until the fleet draws at most `capacity_w`.
    fn shrink_fleet_to(&mut self, index: usize, capacity_w: f64) {
        self.shrink_fleet_less_efficient_than(index, capacity_w, 0.0);
    }

    /// Takes the least efficient machines above `j_per_th` off (sold second-hand)
    /// until the fleet draws at most `capacity_w` or none are left.
    fn shrink_fleet_less_efficient_than(&mut self, index: usize, capacity_w: f64, j_per_th: f64) {
        let today = self.day.index();
        let mut fleet_w: f64 = self.operators[index].lots.iter().map(|l| self.fleet.lots[*l as usize].power_w).sum();
        if fleet_w <= capacity_w {
            // Nothing to take off (most arrivals fit), and no list to make.
            return;
        }
        let mut lots: Vec<u32> = self.operators[index]
            .lots
            .iter()
            .copied()
            .filter(|&l| self.generations[self.fleet.lots[l as usize].generation as usize].j_per_th > j_per_th)
            .collect();
        lots.sort_by(|a, b| {
            let ga = self.generations[self.fleet.lots[*a as usize].generation as usize].j_per_th;
            let gb = self.generations[self.fleet.lots[*b as usize].generation as usize].j_per_th;
            gb.total_cmp(&ga).then(a.cmp(b))
        });
        for lot_index in lots {
            if fleet_w <= capacity_w {
                break;
            }
            let lot = &self.fleet.lots[lot_index as usize];
            let (generation_index, units) = (lot.generation, lot.units);
            let generation = &self.generations[generation_index as usize];
            let excess_units = ((fleet_w - capacity_w) / generation.watts_per_unit()).ceil() as u32;
            let removed = excess_units.min(units);
            fleet_w -= f64::from(removed) * generation.watts_per_unit();
            self.change_units(lot_index as usize, units - removed);
            if removed > 0 {
                self.secondhand.list(index as u32, generation_index, removed, today);
            }
        }
        // Orders that no longer fit are resold on arrival.
    }

    /// Adds machines to an operator's fleet (merging into its lot of that generation);
    /// those that do not fit its mining MW go to the second-hand market.
    pub(crate) fn add_units(&mut self, index: usize, generation_index: u16, units: u32) {
        if units == 0 {
            return;
        }
        let generation = &self.generations[generation_index as usize];
        let operator = &self.operators[index];
        if !operator.active {
            self.secondhand.list(index as u32, generation_index, units, self.day.index());
            return;
        }
        // One pass over the operator's lots: its draw, and its lot of this generation.
        let fleet_and_lot = |sim: &Sim| {
            let mut fleet_w = 0.0;
            let mut existing = None;
            for &l in &sim.operators[index].lots {
                let lot = &sim.fleet.lots[l as usize];
                fleet_w += lot.power_w;
                if existing.is_none() && lot.generation == generation_index && lot.units > 0 {
                    existing = Some(l);
                }
            }
            (fleet_w, existing)
        };
        let (mut fleet_w, mut existing) = fleet_and_lot(self);
        let capacity_w = operator.mining_mw() * 1e6;
        let arriving_w = f64::from(units) * generation.watts_per_unit();
        // Arrivals take the place of less efficient machines (sold second-hand) before they are turned away.
        if fleet_w + arriving_w > capacity_w {
            let j_per_th = generation.j_per_th;
            self.shrink_fleet_less_efficient_than(index, (capacity_w - arriving_w).max(0.0), j_per_th);
            (fleet_w, existing) = fleet_and_lot(self);
        }
        let generation = &self.generations[generation_index as usize];
        let operator = &self.operators[index];
        let room_w = (capacity_w - fleet_w).max(0.0);
        let fitting = units.min((room_w / generation.watts_per_unit() + 1e-9).floor() as u32);
        if fitting < units {
            self.secondhand.list(index as u32, generation_index, units - fitting, self.day.index());
        }
        if fitting == 0 {
            return;
        }
        match existing {
            Some(lot_index) => {
                let units = self.fleet.lots[lot_index as usize].units + fitting;
                self.change_units(lot_index as usize, units);
            }
            None => {
                let mut lot = Lot::new(index as u32, operator, generation_index, generation, fitting, self.sc.power_fixed_share);
                lot.running = Lot::switches_on(lot.breakeven_usd_per_ph_day, self.fleet.settled_x, 1.0);
                lot.on_since_day = self.spell_start_day;
                self.fleet.totals.installed_hash += lot.hash_milli;
                if lot.running {
                    self.fleet.totals.add(&lot, 1);
                }
                self.operators[index].lots.push(self.fleet.lots.len() as u32);
                self.fleet.lots.push(lot);
            }
        }
    }

    /// Days within the delivery month an operator's order ships: spread over
    /// the month (keyed by operator and month), as manufacturers ship batches
    /// through it, so a month's orders do not all switch on the same day.
    fn shipping_days(&self, operator: u32) -> u32 {
        (rng::keyed_unit(self.sc.seed, u64::from(operator), self.month_index, Purpose::Shipping) * DAYS_PER_MONTH) as u32
    }

    /// `spec` (generation `generation`) on sale at `price_usd_per_th`, new or used.
    fn on_sale(&self, generation: u16, spec: &Generation, price_usd_per_th: f64, new: bool) -> OnSale {
        OnSale::new(generation, spec, price_usd_per_th, new, self.sc.mining_capex_usd_per_mw, self.site_cost_usd_per_th_day(spec))
    }

    /// Site costs per TH/s per day of a generation, USD.
    fn site_cost_usd_per_th_day(&self, generation: &Generation) -> f64 {
        self.sc.opex_usd_per_mw_month * 12.0 / 365.0 * generation.j_per_th / 1e6
    }

    /// New machines are ordered: they join the makers' queue, whose margin
    /// over production cost the makers book. They arrive at
    /// `operator`'s site after the orders queued ahead, then the delivery lag.
    fn order_new(&mut self, operator: u32, generation_index: u16, units: u32, price_usd_per_th: f64) {
        let generation = &self.generations[generation_index as usize];
        let ths = f64::from(units) * generation.th_per_unit;
        let queued_months =
            self.makers.order(ths, generation.j_per_th, price_usd_per_th, hardware::production_cost_usd_per_th(generation, self.sc));
        let wait_days = (f64::from(self.sc.delivery_lag_months) + queued_months) * DAYS_PER_MONTH;
        let arrival_day = self.day.index() + wait_days as u32 + self.shipping_days(operator);
        self.orders.place(Order { operator, generation: generation_index, units, arrival_day });
    }

    /// Days a new order placed now waits before it hashes (the queue, then the delivery lag).
    fn new_machine_wait_days(&self) -> f64 {
        (f64::from(self.sc.delivery_lag_months) + self.makers.queue_months()) * DAYS_PER_MONTH
    }

    fn expand(&mut self, books: &[Book], outlook: &RewardOutlook, buyers: &[u32]) {
        let sc = self.sc;
        let discount = 1.0 - sc.secondhand_discount_pct / 100.0;
        // New machines are quoted for the month at the makers' list price.
        let markup = self.makers.markup();
        // What is on sale this month: new generations, and second-hand stock by generation.
        let mut on_sale: Vec<OnSale> = self
            .generations
            .iter()
            .enumerate()
            .filter(|(_, g)| hardware::on_sale_new(g, self.day.date()))
            .map(|(i, g)| self.on_sale(i as u16, g, hardware::new_price_usd_per_th(g, sc, markup), true))
            .collect();
        let mut used_stock = self.secondhand.stock_by_generation(self.generations.len());
        let used_wait_days = f64::from(sc.secondhand_relocation_days);
        for (index, stock) in used_stock.iter().enumerate() {
            if *stock > 0 {
                let generation = &self.generations[index];
                let price = self.used_price_usd_per_th(generation, *stock, books, outlook, buyers, used_wait_days) * discount;
                on_sale.push(self.on_sale(index as u16, generation, price, false));
            }
        }
        // Who might buy: with money to spend, and a machine on sale that pays back
        // within its horizon. Through the month the queue only lengthens, used stock
        // only shrinks and a buyer's money only shrinks, unless it sells used machines
        // (then `take_offers` marks it again): whoever is left out now would be passed
        // over when its turn comes. One pass in memory order, not a cache miss per
        // operator in power order; in a population that fits in the cache the full
        // check of each buyer in turn costs less than the pass.
        let mut might_buy: Vec<bool> = if self.operators.len() < purchase::SCREEN_FROM_OPERATORS {
            vec![true; self.operators.len()]
        } else {
            let new_wait_days = self.new_machine_wait_days();
            let screen = PaybackScreen::new(&on_sale, &used_stock, new_wait_days, used_wait_days);
            // The screen's bound first, then the very check the turn makes (the best offer
            // pays back within the horizon), at the month's best terms: only those who
            // would buy are then visited in power order.
            self.operators
                .iter()
                .zip(books)
                .map(|(operator, book)| {
                    if !operator.active || expansion_budget_usd(operator) <= 0.0 {
                        return false;
                    }
                    let terms = self.buyer_terms(operator, book, outlook);
                    screen.might_pay(operator.kind, &terms)
                        && purchase::pays_back_within(
                            &on_sale,
                            &used_stock,
                            &terms,
                            new_wait_days,
                            used_wait_days,
                            operator.kind.profile().payback_horizon_days,
                        )
                })
                .collect()
        };
        // Power order scatters over memory: the buyer some turns ahead is fetched now.
        let turns_ahead = prefetch::turns_ahead(self.operators.len());
        for (turn, &buyer) in buyers.iter().enumerate() {
            if let Some(&ahead) = turns_ahead.and_then(|turns| buyers.get(turn + turns)) {
                if might_buy[ahead as usize] {
                    prefetch::prefetch(&self.operators[ahead as usize]);
                    prefetch::prefetch(&books[ahead as usize]);
                }
            }
            let index = buyer as usize;
            if !might_buy[index] {
                continue;
            }
            let book = books[index];
            let operator = &self.operators[index];
            if !operator.active {
                continue;
            }
            let profile = operator.kind.profile();
            let budget = expansion_budget_usd(operator);
            if budget <= 0.0 {
                continue;
            }
            let largest_ths = operators::MAX_OPERATOR_SHARE * self.fleet.totals.installed_hash as f64 / 1_000.0;
            if book.fleet_ths >= largest_ths {
                continue;
            }
            let terms = self.buyer_terms(operator, &book, outlook);
            let free_w = terms.free_w;
            // Paid now, hashing only after the wait: the wait counts in the payback.
            let best = best_offer(&on_sale, &used_stock, &terms, self.new_machine_wait_days(), used_wait_days);
            let best = best.map(|(payback, item)| (payback, item.generation, item.price_usd_per_th, item.new));
            let Some((payback, generation_index, price_per_th, new)) = best else {
                continue;
            };
            if !within_horizon(payback, profile.payback_horizon_days) {
                continue;
            }
            let limits = Limits {
                budget_usd: budget,
                fleet_ths: book.fleet_ths,
                largest_ths,
                max_growth_per_month: profile.max_growth_per_month,
                free_w,
                room_mw: self.power.room_mw(operator.kind),
                capex_usd_per_mw: sc.mining_capex_usd_per_mw,
                stock_units: (!new).then(|| used_stock[generation_index as usize]),
            };
            let Some(purchase::Purchase { units, unit_price_usd: unit_price, extra_mw, cost_usd: cost }) =
                purchase::units_to_buy(&limits, &self.generations[generation_index as usize], price_per_th)
            else {
                continue;
            };
            self.power.build(self.operators[index].kind, extra_mw);
            let operator = &mut self.operators[index];
            operator.site_mw += extra_mw;
            pay(operator, cost);
            if new {
                self.order_new(index as u32, generation_index, units, price_per_th);
            } else {
                used_stock[generation_index as usize] -= u64::from(units);
                self.take_offers(generation_index, units, unit_price, &mut might_buy);
                // Used machines are moved and installed before they hash (spread over a month).
                if sc.secondhand_relocation_days == 0 {
                    self.add_units(index, generation_index, units);
                } else {
                    let arrival_day = self.day.index() + sc.secondhand_relocation_days + self.shipping_days(index as u32);
                    self.orders.place(Order { operator: index as u32, generation: generation_index, units, arrival_day });
                }
            }
        }
    }

    /// The month's price of a used machine of `generation` with `stock` units
    /// listed, USD per TH/s, before the second-hand discount: set by the
    /// marginal buyer (`secondhand::clearing_price`). Buyers come cheapest
    /// power first, each with the machines its free power and its money hold,
    /// and each pays at most what the machine earns over the market's payback
    /// period for machines (`asic_price_payback_days`) after the move, at what
    /// it expects; scrap when no buyer would pay more.
    fn used_price_usd_per_th(
        &self,
        generation: &Generation,
        stock: u64,
        books: &[Book],
        outlook: &RewardOutlook,
        buyers: &[u32],
        wait_days: f64,
    ) -> f64 {
        let kwh_per_th_day = generation.power_cost_usd_per_th_day(1.0);
        let site_usd_per_th_day = self.site_cost_usd_per_th_day(generation);
        let unit_w = generation.watts_per_unit();
        let earning_days = self.sc.asic_price_payback_days - wait_days;
        // No buyer expects more than this month's value times the longest horizon's reward, and
        // buyers come cheapest power first: past the power where that leaves no margin, no later
        // buyer bids (their bids would be passed over), so the walk stops there.
        let best_reward = outlook.horizon_btc.values().copied().fold(0.0, f64::max);
        let best_expected_per_th = self.month_market.observed_value_per_reward() * best_reward / 1_000.0;
        let max_power = (best_expected_per_th - site_usd_per_th_day) / kwh_per_th_day;
        let bidding =
            |buyer: &&u32| earning_days <= 0.0 || self.operators[**buyer as usize].power_usd_per_kwh * self.day.power_trend() < max_power;
        let turns_ahead = prefetch::turns_ahead(self.operators.len());
        let bids = buyers.iter().enumerate().take_while(|(_, buyer)| bidding(buyer)).map(|(turn, &buyer)| {
            if let Some(&ahead) = turns_ahead.and_then(|turns| buyers.get(turn + turns)) {
                prefetch::prefetch(&self.operators[ahead as usize]);
                prefetch::prefetch(&books[ahead as usize]);
            }
            let operator = &self.operators[buyer as usize];
            let terms = self.buyer_terms(operator, &books[buyer as usize], outlook);
            let reservation = (terms.expected_per_th - kwh_per_th_day * terms.power - site_usd_per_th_day) * earning_days;
            let by_power = (terms.free_w / unit_w).floor();
            let by_money =
                if reservation > 0.0 { (expansion_budget_usd(operator) / (reservation * generation.th_per_unit)).floor() } else { 0.0 };
            secondhand::Bid { reservation_usd_per_th: reservation, units: by_power.min(by_money).max(0.0) as u64 }
        });
        secondhand::clearing_price(stock, bids).unwrap_or(0.0).max(hardware::SCRAP_USD_PER_TH)
    }

    /// What a buyer's sums start from: its expected revenue per TH/s-day, its
    /// power price, its spare site watts (with those of its machines that would
    /// not pay their power and site over its horizon: new machines take their
    /// place when they arrive, see `add_units`).
    fn buyer_terms(&self, operator: &operators::Operator, book: &Book, outlook: &RewardOutlook) -> BuyerTerms {
        BuyerTerms {
            expected_per_th: self.buyer_expected_per_th(operator, outlook),
            power: operator.power_usd_per_kwh * self.day.power_trend(),
            free_w: (operator.mining_mw() * 1e6 - book.fleet_w + book.retirable_w).max(0.0),
        }
    }

    /// The revenue a buyer expects per TH/s-day over its horizon, USD.
    fn buyer_expected_per_th(&self, operator: &operators::Operator, outlook: &RewardOutlook) -> f64 {
        self.month_market.prudent_value(operator.value_per_reward) * outlook.horizon_btc[operator.kind] / 1_000.0
    }

    /// Removes `units` of a generation from the second-hand market, oldest
    /// listings first, paying each seller `unit_price` a unit.
    /// The sellers paid are marked in `might_buy` (their money grew).
    fn take_offers(&mut self, generation: u16, units: u32, unit_price: f64, might_buy: &mut [bool]) {
        let operators = &mut self.operators;
        self.secondhand.take(generation, units, |seller, taken| {
            if let Some(operator) = operators.get_mut(seller as usize) {
                operator.cash_usd += f64::from(taken) * unit_price;
                might_buy[seller as usize] = true;
            }
        });
    }

    /// Manufacturers close their month (the queue served, capacity and list
    /// price moved: `machine_orders::Makers::close_month`), book the margin on
    /// its sales, and self-mine at production cost the unsold output that
    /// pays back at their own sites within their horizon.
    fn manufacture(&mut self, books: &[Book], outlook: &RewardOutlook) {
        let sc = self.sc;
        let MonthOfSales { unsold_w, margin_usd: sales_margin } =
            self.makers.close_month(f64::from(sc.asic_capacity_lag_months), |queue| hardware::markup(sc, queue));
        let makers: Vec<usize> = self.roster.manufacturers().iter().map(|&i| i as usize).filter(|&i| self.operators[i].active).collect();
        if makers.is_empty() {
            return;
        }
        let total_fleet: f64 = makers.iter().map(|i| books[*i].fleet_ths + 1.0).sum();
        for &index in &makers {
            self.operators[index].cash_usd += sales_margin * (books[index].fleet_ths + 1.0) / total_fleet;
        }
        let self_mined_w = unsold_w * sc.manufacturer_self_mining;
        if self_mined_w <= 0.0 {
            return;
        }
        let Some(best_index) = hardware::most_efficient(&self.generations, |g| g.release <= self.day.date()).map(|i| i as u16) else {
            return;
        };
        let generation = self.generations[best_index as usize].clone();
        // What the unsold output hashes as the best machine of the day.
        let self_mined_ths = self_mined_w / generation.j_per_th;
        let production_cost = hardware::production_cost_usd_per_th(&generation, sc);
        let site_cost = self.site_cost_usd_per_th_day(&generation);
        let trend = self.day.power_trend();
        for index in makers {
            let operator = &self.operators[index];
            let expected =
                self.month_market.prudent_value(operator.value_per_reward) * outlook.horizon_btc[OperatorKind::Manufacturer] / 1_000.0;
            let margin = expected - generation.power_cost_usd_per_th_day(operator.power_usd_per_kwh * trend) - site_cost;
            let with_site = purchase::with_site_usd_per_th(production_cost, &generation, sc.mining_capex_usd_per_mw);
            // Worth plugging in only if it pays back its making and its site within the horizon.
            if margin <= 0.0 || with_site / margin > operator.kind.profile().payback_horizon_days {
                continue;
            }
            let share = (books[index].fleet_ths + 1.0) / total_fleet;
            let units = (self_mined_ths * share / generation.th_per_unit).floor() as u32;
            if units == 0 {
                continue;
            }
            let free_w = (operator.mining_mw() * 1e6 - books[index].fleet_w).max(0.0);
            let extra_mw = (f64::from(units) * generation.watts_per_unit() - free_w).max(0.0) / 1e6;
            let operator = &mut self.operators[index];
            operator.site_mw += extra_mw;
            // Self-mined machines cost what it cost to make them, and the site.
            pay(operator, f64::from(units) * generation.th_per_unit * production_cost + extra_mw * sc.mining_capex_usd_per_mw);
            self.add_units(index, best_index, units);
        }
    }

    /// New operators arrive at a rate that follows the payback of a new
    /// machine at a good site (not the number of operators already there);
    /// each enters if the machine pays back at its own site within its horizon.
    fn enter(&mut self, outlook: &RewardOutlook) {
        let sc = self.sc;
        if self.candidates.room(self.operators.len()) == 0 || sc.entry_pct_per_month <= 0.0 {
            return;
        }
        let best_index = hardware::most_efficient(&self.generations, |g| hardware::on_sale_new(g, self.day.date()));
        let Some(best_index) = best_index else { return };
        let generation = self.generations[best_index].clone();
        let machine_price = hardware::new_price_usd_per_th(&generation, sc, self.makers.markup());
        let wait_days = self.new_machine_wait_days();
        let price = purchase::with_site_usd_per_th(machine_price, &generation, sc.mining_capex_usd_per_mw);
        let site_cost = self.site_cost_usd_per_th_day(&generation);
        // Entrants judge on the market's expectation over a large miner's horizon.
        let horizon_reward = outlook.horizon_btc[OperatorKind::LargePrivate];
        let expected_per_th = self.month_market.prudent_value(self.month_market.market_value_per_reward()) * horizon_reward / 1_000.0;
        let good_power =
            entry::good_site_power_usd_per_kwh(sc.power_price_median_usd_per_kwh, sc.power_price_dispersion, self.day.power_trend());
        let good_margin = expected_per_th - generation.power_cost_usd_per_th_day(good_power) - site_cost;
        if good_margin <= 0.0 {
            return;
        }
        let lambda = entry::arrivals_per_month(sc.entry_pct_per_month, f64::from(sc.operators), price, good_margin, wait_days);
        let arrivals = rng::poisson(&mut self.rng, lambda).min(self.candidates.room(self.operators.len()) as u64);
        let kinds: Vec<OperatorKind> =
            OperatorKind::ALL.iter().copied().filter(|k| *k != OperatorKind::Manufacturer && k.mix_weight(sc) > 0.0).collect();
        if kinds.is_empty() {
            return;
        }
        // Newcomers come from the scenario's mix of hash (MODEL.md: "their kind and power price
        // drawn from the scenario's mix"): a newcomer with a site worth building is more often
        // an industrial firm than a hobbyist.
        let weights: Vec<f64> = kinds.iter().map(|k| k.mix_weight(sc)).collect();
        let weight_total: f64 = weights.iter().sum();
        let largest_entrant_ths = operators::MAX_ENTRANT_SHARE * self.fleet.totals.installed_hash as f64 / 1_000.0;
        let shares = self.current_pool_shares();
        // The weights of the month's shares, once for all entrants (see `PoolSet::weigh`).
        let mut weights_total = None;
        let month = self.month_index;
        for _ in 0..arrivals {
            // Each candidate's draws are keyed by its number among all candidates.
            let key = self.candidates.next_key();
            let draw = |purpose| rng::keyed_unit(sc.seed ^ 0x656e_7472_616e_7473, key, 0, purpose);
            let kind = entry::pick_kind(&kinds, &weights, weight_total, draw(Purpose::EntrantKind));
            let profile = kind.profile();
            let z = rng::keyed_normal(sc.seed ^ 0x656e_7472_616e_7473, key, 0, Purpose::EntrantPower);
            let power = sc.power_price_median_usd_per_kwh * profile.power_multiplier * crate::math::exp(sc.power_price_dispersion * z);
            let own_margin = expected_per_th - generation.power_cost_usd_per_th_day(power * self.day.power_trend()) - site_cost;
            let alpha = profile.size_pareto_alpha;
            let minimum = self.candidates.mean_start_ths(kind) * (alpha - 1.0) / alpha;
            let size_ths =
                (minimum * crate::math::pow(1.0 - draw(Purpose::EntrantSize), -1.0 / alpha).min(1_000.0)).min(largest_entrant_ths);
            if !entry::enters(own_margin, price, wait_days, profile.payback_horizon_days) {
                continue;
            }
            let units = ((size_ths / generation.th_per_unit).floor() as u32).max(1);
            let fleet_mw = f64::from(units) * generation.watts_per_unit() / 1e6;
            // A newcomer on cheap power needs a site within its growth.
            if fleet_mw * 1.1 > self.power.room_mw(kind) {
                continue;
            }
            self.power.build(kind, fleet_mw * 1.1);
            let total =
                *weights_total.get_or_insert_with(|| self.pools.weigh(&shares, sc.pool_preference_strength, sc.pool_majority_aversion));
            let pool = self.pools.pick(total, draw(Purpose::EntrantPool));
            let cost = f64::from(units) * generation.th_per_unit * price;
            let index = self.operators.len() as u32;
            self.operators.push(operators::Operator {
                site_mw: fleet_mw * 1.1,
                cash_usd: cost * 0.25,
                pool,
                value_per_reward: self.month_market.market_value_per_reward(),
                patience_months: exit::patience_months(
                    sc.exit_loss_months,
                    rng::keyed_normal(sc.seed, u64::from(index), month, Purpose::Patience),
                ),
                ai_eligible: profile.ai_capable && fleet_mw * 1.1 >= sc.ai_min_site_mw && draw(Purpose::EntrantAi) < sc.ai_eligible_share,
                ..operators::Operator::fresh(kind, power)
            });
            self.roster.note(index, &self.operators[index as usize]);
            self.order_new(index, best_index as u16, units, machine_price);
            self.churn.note_entry();
        }
    }

    /// A month's wear: each lot loses `machine_wear_pct_per_year` of its
    /// machines, running or idle, once a year in a month of its own (so that
    /// a twelfth of the fleet wears each month and the network's hash moves
    /// smoothly, at a twelfth of the cost of wearing every lot every month);
    /// the fraction of a machine is rounded by a draw of the lot's own (owner,
    /// generation and month), so small lots wear too, on average at the same rate.
    fn wear_out(&mut self) {
        let yearly = self.sc.machine_wear_pct_per_year / 100.0;
        if yearly <= 0.0 {
            return;
        }
        let month = self.month_index;
        for index in 0..self.fleet.lots.len() {
            let lot = &self.fleet.lots[index];
            if lot.units == 0 {
                continue;
            }
            let key = crate::engine::lot_key(&self.draw_keys, lot);
            if wear::month_of_year(key) != month % 12 {
                continue;
            }
            let u = rng::keyed_unit(self.sc.seed, key, month, Purpose::Wear);
            let worn = wear::worn_units(lot.units, yearly, u);
            if worn > 0 {
                let left = lot.units - worn;
                self.change_units(index, left);
            }
        }
    }

    /// Today's hash share of each pool.
    fn current_pool_shares(&self) -> Vec<f64> {
        let total: f64 = self.fleet.pool_hash_ths.iter().sum();
        self.fleet
            .pool_hash_ths
            .iter()
            .map(|h| if total > 0.0 { h / total } else { 0.0 })
            .chain(std::iter::repeat(0.0))
            .take(self.pools.len())
            .collect()
    }

    fn choose_pools(&mut self, books: &[Book]) {
        let sc = self.sc;
        let shares = self.current_pool_shares();
        let switch = sc.pool_switch_pct_per_month / 100.0;
        let own_pool_ths = sc.own_pool_min_ehs * 1e6;
        let month = self.month_index;
        // The weights of the month's shares, once (see `PoolSet::weigh`).
        let mut weights_total = None;
        for index in 0..self.operators.len() {
            if !self.operators[index].active {
                continue;
            }
            let u_switch = rng::keyed_unit(sc.seed, index as u64, month, Purpose::PoolSwitch);
            let operator = &self.operators[index];
            let decided = pools::pool_move(
                operator.kind.profile().may_run_own_pool,
                operator.owns_pool,
                books.get(index).map_or(0.0, |b| b.fleet_ths),
                own_pool_ths,
                shares.get(operator.pool as usize).copied().unwrap_or(0.0),
                switch,
                sc.pool_majority_aversion,
                u_switch,
            );
            match decided {
                PoolMove::OpenOwn => {
                    let pool = self.pools.open_own_pool(index as u32, operator.kind);
                    self.fleet.totals.pool.push(0);
                    self.operators[index].owns_pool = true;
                    self.move_to_pool(index, pool);
                }
                PoolMove::Leave => {
                    let total = *weights_total
                        .get_or_insert_with(|| self.pools.weigh(&shares, sc.pool_preference_strength, sc.pool_majority_aversion));
                    // A keyed draw is the same whenever it is taken: only a leaver needs its choice.
                    let u_choice = rng::keyed_unit(sc.seed, index as u64, month, Purpose::PoolChoice);
                    let pool = self.pools.pick(total, u_choice);
                    self.move_to_pool(index, pool);
                }
                PoolMove::Stay => {}
            }
        }
    }

    /// An operator points its machines at another pool (their running hash moves with them).
    fn move_to_pool(&mut self, index: usize, pool: u32) {
        let operator = &mut self.operators[index];
        operator.pool = pool;
        for &lot_index in &operator.lots {
            self.fleet.totals.move_lot(&mut self.fleet.lots[lot_index as usize], pool);
        }
    }
}

/// Who may bid for the going concerns sold in a month: those with money to
/// spend (cheapest power first), and, per generation once one of its lots is
/// sold, those of them it pays back within their horizon (see
/// `Sim::sell_going_concern`). Built once for all the month's sales instead of
/// scanning every operator for every lot sold (that grew with the square of
/// the population).
struct Bidders {
    able: Vec<u32>,
    by_generation: Vec<Found>,
}

/// The bidders a generation pays back, found so far by scanning [`Bidders::able`] in order.
#[derive(Debug, Clone, Default)]
struct Found {
    bidders: Vec<u32>,
    /// How far down the list the scan has gone.
    scanned: usize,
    /// The scan reached a bidder whose power is too dear for any margin: none further can pay.
    done: bool,
}

impl Found {
    /// Scans on from where it stopped for the next bidder `pays` (`None`: this one's
    /// power is too dear, and everyone's further down), keeps and returns it.
    fn scan(&mut self, able: &[u32], mut pays: impl FnMut(u32) -> Option<bool>) -> Option<u32> {
        while !self.done {
            let Some(&buyer) = able.get(self.scanned) else {
                self.done = true;
                break;
            };
            match pays(buyer) {
                None => self.done = true,
                Some(paid) => {
                    self.scanned += 1;
                    if paid {
                        self.bidders.push(buyer);
                        return Some(buyer);
                    }
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The watts an operator's installed machines draw.
    fn fleet_w(sim: &Sim, index: usize) -> f64 {
        sim.operators[index].lots.iter().map(|&l| sim.fleet.lots[l as usize].power_w).sum()
    }

    #[test]
    fn arrivals_at_a_full_site_replace_the_least_efficient_machines() {
        let scenario = crate::Scenario { operators: 200, ..crate::Scenario::default() };
        let mut sim = crate::engine::Sim::new(&scenario);
        // An operator with machines of more than one generation, its site full.
        let index = (0..sim.operators.len())
            .find(|&i| {
                let lots = &sim.operators[i].lots;
                sim.operators[i].active && lots.len() >= 2 && lots.iter().all(|&l| sim.fleet.lots[l as usize].units > 0)
            })
            .expect("an operator with two generations");
        let full_w = fleet_w(&sim, index);
        let operator = &mut sim.operators[index];
        operator.site_mw = full_w / 1e6 + operator.ai_mw + operator.ai_pending_mw;
        let worst = sim.operators[index]
            .lots
            .iter()
            .map(|&l| &sim.fleet.lots[l as usize])
            .max_by(|a, b| sim.generations[a.generation as usize].j_per_th.total_cmp(&sim.generations[b.generation as usize].j_per_th))
            .map(|lot| (lot.generation, lot.units))
            .expect("lots");
        let best = crate::hardware::most_efficient(&sim.generations, |_| true).expect("generations") as u16;
        let worst_j = sim.generations[worst.0 as usize].j_per_th;
        assert!(sim.generations[best as usize].j_per_th < worst_j);
        let used_before = sim.secondhand.stock_by_generation(sim.generations.len())[worst.0 as usize];
        sim.add_units(index, best, 2);
        // The new machines are in, the site's draw stays within its power, and the
        // machines they displaced (the least efficient) are on the second-hand market.
        let installed_best: u32 =
            sim.operators[index].lots.iter().map(|&l| &sim.fleet.lots[l as usize]).filter(|l| l.generation == best).map(|l| l.units).sum();
        assert!(installed_best >= 2, "the arrivals were turned away");
        assert!(fleet_w(&sim, index) <= full_w + 1e-6, "{} W on a {full_w} W site", fleet_w(&sim, index));
        let used_after = sim.secondhand.stock_by_generation(sim.generations.len())[worst.0 as usize];
        assert!(used_after > used_before, "no {worst_j} J/TH machine was displaced");
    }
}
