//! Operators' monthly decisions.
//!
//! At each month's end, in this order:
//! 1. **Accounts.** Revenue is what the machines earned at each day's
//!    hashprice while running (pools pay expected value, less their fee);
//!    costs are power while running, site costs, interest. A share of
//!    revenue goes to the BTC treasury; shortfalls sell BTC, then draw on
//!    credit; an operator that still cannot pay is insolvent and exits. One
//!    that loses money `exit_loss_months` months in a row and expects no
//!    margin ahead also exits. Machines idle all month that would need a
//!    hashprice 25% above the operator's expectation are salvaged. Exiting and
//!    salvaged machines go to the second-hand market, where cheaper power
//!    buys them, not to scrap (unsold listings are scrapped after a year).
//!    Site costs scale with the MW of machines installed.
//! 2. **Expectations** of hashprice adapt: `E += w * (month's mean - E)`.
//! 3. **AI switch.** A fit site converts up to half of its MW when the AI
//!    margin (revenue less running costs less the conversion capex annuity
//!    over a 10-year lease) beats its mining margin (its own fleet at its own
//!    power price and expected hashprice) by the hurdle, within what the AI
//!    market absorbs that year (best advantages first). Its machines come off
//!    at once; revenue starts after the lag; there is no way back.
//! 4. **Deliveries** of machines ordered earlier.
//! 5. **Expansion.** An operator buys the machines (new, or second-hand at a
//!    discount) with the shortest payback at its expected hashprice and power
//!    price, if that payback is within its horizon, with spare cash and credit,
//!    building site capacity when it has none free.
//! 6. **Manufacturers** plan output by adapting to sales; what they cannot
//!    sell they plug into their own sites (`manufacturer_self_mining`).
//! 7. **Entry** rises with the payback of a new machine at the median power price.
//! 8. **Pools.** A few operators re-choose their pool each month; the largest may
//!    start their own.

use crate::engine::{Conversion, Offer, Order, Sim};
use crate::hardware::{self, Generation};
use crate::math::capital_recovery_factor;
use crate::operators::{self, Lot, Operator, OperatorKind};
use crate::pools::{self, PoolInfo};
use crate::rng;
use rand::Rng;

/// Average days in a month.
const DAYS_PER_MONTH: f64 = 30.436_875;
/// Years over which AI conversion capex is recovered (the leases run ~10 years).
const AI_LEASE_YEARS: f64 = 10.0;
/// Share of a site that can start converting in one decision.
const AI_STEP_SHARE: f64 = 0.5;
/// Months unsold second-hand machines stay listed before they are scrapped.
const OFFER_MONTHS: f64 = 12.0;
/// Idle machines whose breakeven exceeds expected hashprice by this factor are sold.
const SALVAGE_BREAKEVEN_RATIO: f64 = 1.25;
/// Chance per month that an operator large enough starts its own pool.
const OWN_POOL_PER_MONTH: f64 = 0.05;
/// Payback (days) at which entry runs at its base rate.
const ENTRY_REFERENCE_PAYBACK_DAYS: f64 = 900.0;
/// The most entrants in a month, as a share of active operators.
const ENTRY_CAP_SHARE: f64 = 0.1;

/// Lists machines on the second-hand market, merging with today's listing
/// of the same generation so the list stays short (generations x months).
fn list_offer(offers: &mut Vec<Offer>, generation: u16, units: u32, today: u32) {
    if units == 0 {
        return;
    }
    let today_start = offers.iter().rposition(|o| o.listed_day != today).map_or(0, |i| i + 1);
    match offers[today_start..].iter_mut().find(|o| o.generation == generation) {
        Some(offer) => offer.units += units,
        None => offers.push(Offer { generation, units, listed_day: today }),
    }
}

/// Per-operator sums over its lots.
#[derive(Default, Clone, Copy)]
struct Book {
    revenue_usd: f64,
    energy_usd: f64,
    fleet_ths: f64,
    fleet_w: f64,
}

/// A machine on sale this month, with what a buyer's payback needs of it
/// worked out once (the same arithmetic, in the same order, as per buyer).
struct OnSale {
    generation: u16,
    new: bool,
    price_usd_per_th: f64,
    /// The price with the site capex a buyer without free capacity adds.
    price_with_site_usd_per_th: f64,
    /// Energy per TH/s per day, kWh (times a power price: the power cost).
    power_kwh_per_th_day: f64,
    site_usd_per_th_day: f64,
    watts_per_unit: f64,
}

impl OnSale {
    fn new(generation: u16, spec: &Generation, price_usd_per_th: f64, new: bool, sim: &Sim) -> Self {
        OnSale {
            generation,
            new,
            price_usd_per_th,
            price_with_site_usd_per_th: price_usd_per_th + sim.sc.mining_capex_usd_per_mw * spec.j_per_th / 1e6,
            power_kwh_per_th_day: spec.j_per_th * 24.0 / 1_000.0,
            site_usd_per_th_day: sim.site_cost_usd_per_th_day(spec),
            watts_per_unit: spec.watts_per_unit(),
        }
    }
}

impl Sim<'_> {
    /// Everything that happens at a month's end.
    pub(crate) fn monthly_step(&mut self) {
        let month_hashprice = self.month_hashprice_sum / f64::from(self.month_days.max(1));
        self.month_hashprice_sum = 0.0;
        self.month_days = 0;
        let (mut books, idle_all_month) = self.book_lots();
        self.settle_accounts(&books, &idle_all_month, month_hashprice);
        self.complete_conversions();
        self.decide_ai(&books);
        books = self.book_fleets();
        self.expand(&books);
        self.manufacture(&books);
        self.enter(month_hashprice);
        self.choose_pools(&books);
        let today = self.today;
        self.offers.retain(|offer| f64::from(today - offer.listed_day.min(today)) < OFFER_MONTHS * DAYS_PER_MONTH);
        self.rebuild_lots();
    }

    /// Sums each operator's month from its lots, notes the lots that never
    /// ran, and resets the lots' counters.
    fn book_lots(&mut self) -> (Vec<Book>, Vec<bool>) {
        let mut books = vec![Book::default(); self.operators.len()];
        // Close every running spell at today's end; the next one starts tomorrow.
        let tomorrow = self.today + 1;
        for lot in self.lots.iter_mut() {
            lot.close_spell(tomorrow, &self.cumulative_hashprice, &self.cumulative_trend);
        }
        let idle_all_month = self.lots.iter().map(|lot| lot.energy_kwh_trend == 0.0).collect();
        for lot in &mut self.lots {
            let operator = &self.operators[lot.operator as usize];
            let book = &mut books[lot.operator as usize];
            book.revenue_usd += lot.revenue_usd;
            book.energy_usd += lot.energy_kwh_trend * operator.power_usd_per_kwh;
            book.fleet_ths += lot.hash_ths;
            book.fleet_w += lot.power_w;
            lot.revenue_usd = 0.0;
            lot.energy_kwh_trend = 0.0;
        }
        (books, idle_all_month)
    }

    /// Installed fleet per operator (after deliveries), with orders on the way counted as fleet.
    fn book_fleets(&self) -> Vec<Book> {
        let mut books = vec![Book::default(); self.operators.len()];
        for lot in &self.lots {
            let book = &mut books[lot.operator as usize];
            book.fleet_ths += lot.hash_ths;
            book.fleet_w += lot.power_w;
        }
        for order in &self.orders {
            let generation = &self.generations[order.generation as usize];
            let book = &mut books[order.operator as usize];
            book.fleet_ths += f64::from(order.units) * generation.th_per_unit;
            book.fleet_w += f64::from(order.units) * generation.watts_per_unit();
        }
        books
    }

    fn settle_accounts(&mut self, books: &[Book], idle_all_month: &[bool], month_hashprice: f64) {
        let sc = self.sc;
        let price = self.price_usd;
        let trend = self.power_trend;
        let ai_net_per_mw_month = sc.ai_revenue_usd_per_mw_year / 12.0 * (1.0 - sc.ai_operating_cost_share);
        let weight = sc.expectation_weight;
        let mut exiting = Vec::new();
        for (index, &book) in books.iter().enumerate() {
            let operator = &mut self.operators[index];
            if !operator.active {
                continue;
            }
            let profile = operator.kind.profile();
            let pool_fee = self.pools[operator.pool as usize].fee_pct / 100.0;
            let revenue = book.revenue_usd * (1.0 - pool_fee);
            let site_costs = book.fleet_w / 1e6 * sc.opex_usd_per_mw_month * profile.site_cost_multiplier;
            let interest = operator.debt_usd * sc.debt_interest_pct_per_year / 100.0 / 12.0;
            let ai_net = operator.ai_mw * ai_net_per_mw_month;
            let net = revenue - book.energy_usd - site_costs - interest + ai_net;
            let hodl = (revenue * profile.hodl_share).min(net.max(0.0));
            operator.treasury_btc += hodl / price;
            operator.cash_usd += net - hodl;
            if operator.cash_usd > 0.0 && operator.debt_usd > 0.0 {
                let repay = operator.debt_usd.min(operator.cash_usd * 0.25);
                operator.debt_usd -= repay;
                operator.cash_usd -= repay;
            }
            if operator.cash_usd < 0.0 && operator.treasury_btc > 0.0 {
                let sold = operator.treasury_btc.min(-operator.cash_usd / price);
                operator.treasury_btc -= sold;
                operator.cash_usd += sold * price;
            }
            if operator.cash_usd < 0.0 {
                let credit = profile.credit_years_of_revenue * 12.0 * operator.last_month_revenue_usd.max(revenue)
                    + operator.ai_mw * ai_net_per_mw_month * 12.0;
                let borrow = (-operator.cash_usd).min((credit - operator.debt_usd).max(0.0));
                operator.debt_usd += borrow;
                operator.cash_usd += borrow;
            }
            operator.loss_months = if net < 0.0 { operator.loss_months + 1 } else { 0 };
            operator.last_month_revenue_usd = revenue;
            operator.expected_hashprice += weight * (month_hashprice - operator.expected_hashprice);
            // Salvage: machines idle all month that would need a much higher
            // hashprice than expected are sold second-hand (to cheaper power).
            let expected = operator.expected_hashprice;
            let power = operator.power_usd_per_kwh * trend;
            let mut forward_margin = -interest + ai_net;
            for &lot_index in &operator.lots {
                let lot = &mut self.lots[lot_index as usize];
                if lot.units == 0 {
                    continue;
                }
                if idle_all_month[lot_index as usize] && lot.breakeven_usd_per_ph_day * trend > SALVAGE_BREAKEVEN_RATIO * expected {
                    list_offer(&mut self.offers, lot.generation, lot.units, self.today);
                    self.totals.remove_lot(lot);
                    lot.units = 0;
                    lot.hash_ths = 0.0;
                    lot.power_w = 0.0;
                    continue;
                }
                let generation = &self.generations[lot.generation as usize];
                let margin_per_th_day = expected / 1_000.0 - generation.power_cost_usd_per_th_day(power);
                forward_margin += 30.0 * (margin_per_th_day * lot.hash_ths).max(0.0)
                    - lot.power_w / 1e6 * sc.opex_usd_per_mw_month * profile.site_cost_multiplier;
            }
            let insolvent = operator.cash_usd < -1e-6;
            let worn_out = operator.loss_months >= sc.exit_loss_months && forward_margin <= 0.0 && operator.ai_pending_mw <= 0.0;
            if insolvent || worn_out {
                exiting.push(index);
            }
        }
        for index in exiting {
            self.exit(index);
        }
    }

    /// The operator sells up: its machines, and those still on order, go to the second-hand market.
    fn exit(&mut self, index: usize) {
        let today = self.today;
        let operator = &mut self.operators[index];
        operator.active = false;
        operator.cash_usd = operator.cash_usd.max(0.0);
        operator.site_mw = operator.ai_mw + operator.ai_pending_mw;
        for &lot_index in &operator.lots {
            let lot = &mut self.lots[lot_index as usize];
            if lot.units > 0 {
                list_offer(&mut self.offers, lot.generation, lot.units, today);
                self.totals.remove_lot(lot);
                lot.units = 0;
            }
        }
        // Its orders still on the way are resold when they arrive (see `deliver_orders`).
        self.exits += 1;
    }

    fn complete_conversions(&mut self) {
        let today = self.today;
        let operators = &mut self.operators;
        self.conversions.retain(|conversion| {
            if conversion.ready_day <= today {
                let operator = &mut operators[conversion.operator as usize];
                operator.ai_pending_mw = (operator.ai_pending_mw - conversion.mw).max(0.0);
                operator.ai_mw += conversion.mw;
                false
            } else {
                true
            }
        });
    }

    fn decide_ai(&mut self, books: &[Book]) {
        let sc = self.sc;
        let year = self.today / 365;
        if year != self.ai_year {
            self.ai_year = year;
            self.ai_cap_left_mw = sc.ai_market_mw_per_year;
        }
        if self.ai_cap_left_mw <= 0.0 || sc.ai_revenue_usd_per_mw_year <= 0.0 {
            return;
        }
        let crf = capital_recovery_factor(sc.debt_interest_pct_per_year / 100.0, AI_LEASE_YEARS);
        let ai_margin = sc.ai_revenue_usd_per_mw_year * (1.0 - sc.ai_operating_cost_share) - sc.ai_conversion_capex_usd_per_mw * crf;
        if ai_margin <= 0.0 {
            return;
        }
        let best_j_per_th = self.best_generation_on_sale().j_per_th;
        let mut candidates: Vec<(f64, usize)> = Vec::new();
        for (index, operator) in self.operators.iter().enumerate() {
            if !operator.active || !operator.ai_eligible || operator.mining_mw() < 1.0 {
                continue;
            }
            let book = books[index];
            let j_per_th = if book.fleet_ths > 0.0 { book.fleet_w / book.fleet_ths } else { best_j_per_th };
            let power = operator.power_usd_per_kwh * self.power_trend;
            let mining_margin =
                365.0 * (operator.expected_hashprice * 1_000.0 / j_per_th - 24_000.0 * power) - 12.0 * sc.opex_usd_per_mw_month;
            let threshold = if mining_margin > 0.0 { mining_margin * (1.0 + sc.ai_hurdle_pct / 100.0) } else { 0.0 };
            if ai_margin > threshold {
                candidates.push((ai_margin - mining_margin, index));
            }
        }
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let ready_day = self.today + (f64::from(sc.ai_conversion_months) * DAYS_PER_MONTH) as u32;
        for (_, index) in candidates {
            if self.ai_cap_left_mw <= 0.0 {
                break;
            }
            let operator = &self.operators[index];
            let mw = operator.mining_mw().min((operator.site_mw * AI_STEP_SHARE).max(1.0)).min(self.ai_cap_left_mw);
            if mw <= 0.0 {
                continue;
            }
            self.ai_cap_left_mw -= mw;
            let operator = &mut self.operators[index];
            operator.ai_pending_mw += mw;
            operator.debt_usd += mw * sc.ai_conversion_capex_usd_per_mw;
            self.conversions.push(Conversion { operator: index as u32, mw, ready_day });
            let capacity_w = self.operators[index].mining_mw() * 1e6;
            self.shrink_fleet_to(index, capacity_w);
        }
    }

    /// Takes the least efficient machines off until the fleet draws at most `capacity_w`.
    fn shrink_fleet_to(&mut self, index: usize, capacity_w: f64) {
        let today = self.today;
        let mut lots: Vec<u32> = self.operators[index].lots.clone();
        lots.sort_by(|a, b| {
            let ga = self.generations[self.lots[*a as usize].generation as usize].j_per_th;
            let gb = self.generations[self.lots[*b as usize].generation as usize].j_per_th;
            gb.total_cmp(&ga).then(a.cmp(b))
        });
        let mut fleet_w: f64 = lots.iter().map(|l| self.lots[*l as usize].power_w).sum();
        for lot_index in lots {
            if fleet_w <= capacity_w {
                break;
            }
            let lot = &self.lots[lot_index as usize];
            let (generation_index, units) = (lot.generation, lot.units);
            let generation = &self.generations[generation_index as usize];
            let excess_units = ((fleet_w - capacity_w) / generation.watts_per_unit()).ceil() as u32;
            let removed = excess_units.min(units);
            fleet_w -= f64::from(removed) * generation.watts_per_unit();
            self.change_units(lot_index as usize, units - removed);
            if removed > 0 {
                list_offer(&mut self.offers, generation_index, removed, today);
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
            list_offer(&mut self.offers, generation_index, units, self.today);
            return;
        }
        let fleet_w: f64 = operator.lots.iter().map(|l| self.lots[*l as usize].power_w).sum();
        let room_w = (operator.mining_mw() * 1e6 - fleet_w).max(0.0);
        let fitting = units.min((room_w / generation.watts_per_unit() + 1e-9).floor() as u32);
        if fitting < units {
            list_offer(&mut self.offers, generation_index, units - fitting, self.today);
        }
        if fitting == 0 {
            return;
        }
        let existing = operator
            .lots
            .iter()
            .copied()
            .find(|l| self.lots[*l as usize].generation == generation_index && self.lots[*l as usize].units > 0);
        match existing {
            Some(lot_index) => {
                let units = self.lots[lot_index as usize].units + fitting;
                self.change_units(lot_index as usize, units);
            }
            None => {
                let mut lot = Lot::new(index as u32, operator, generation_index, generation, fitting);
                lot.running = Lot::switches_on(lot.breakeven_usd_per_ph_day, self.settled_x, 1.0);
                lot.on_since_day = self.spell_start_day;
                self.totals.installed_hash += lot.hash_milli;
                if lot.running {
                    self.totals.add(&lot, 1);
                }
                self.operators[index].lots.push(self.lots.len() as u32);
                self.lots.push(lot);
            }
        }
    }

    /// Places an order, keeping orders by arrival day.
    fn order(&mut self, order: Order) {
        let position = self.orders.partition_point(|o| o.arrival_day <= order.arrival_day);
        self.orders.insert(position, order);
    }

    /// Site costs per TH/s per day of a generation, USD.
    fn site_cost_usd_per_th_day(&self, generation: &Generation) -> f64 {
        self.sc.opex_usd_per_mw_month * 12.0 / 365.0 * generation.j_per_th / 1e6
    }

    fn expand(&mut self, books: &[Book]) {
        let sc = self.sc;
        let hashprice = self.hashprice;
        let discount = 1.0 - sc.secondhand_discount_pct / 100.0;
        // What is on sale this month: new generations, and second-hand stock by generation.
        let mut on_sale: Vec<OnSale> = self
            .generations
            .iter()
            .enumerate()
            .filter(|(_, g)| hardware::on_sale_new(g, self.date))
            .map(|(i, g)| OnSale::new(i as u16, g, hardware::new_price_usd_per_th(g, sc, hashprice), true, self))
            .collect();
        let mut used_stock = vec![0u64; self.generations.len()];
        for offer in &self.offers {
            used_stock[offer.generation as usize] += u64::from(offer.units);
        }
        for (index, stock) in used_stock.iter().enumerate() {
            if *stock > 0 {
                let generation = &self.generations[index];
                let price = hardware::market_value_usd_per_th(generation, hashprice, sc.asic_price_payback_days) * discount;
                on_sale.push(OnSale::new(index as u16, generation, price, false, self));
            }
        }
        let lag_days = (f64::from(sc.delivery_lag_months) * DAYS_PER_MONTH) as u32;
        for (index, &book) in books.iter().enumerate() {
            let operator = &self.operators[index];
            if !operator.active || operator.kind == OperatorKind::Manufacturer {
                continue;
            }
            let profile = operator.kind.profile();
            let credit = profile.credit_years_of_revenue * 12.0 * operator.last_month_revenue_usd;
            let reserve = operator.last_month_revenue_usd;
            let budget = (operator.cash_usd - reserve).max(0.0) * profile.invest_share
                + (credit - operator.debt_usd).max(0.0) * profile.invest_share * 0.5;
            if budget <= 0.0 {
                continue;
            }
            let power = operator.power_usd_per_kwh * self.power_trend;
            let free_w = (operator.mining_mw() * 1e6 - book.fleet_w).max(0.0);
            let expected_per_th = operator.expected_hashprice / 1_000.0;
            let mut best: Option<(f64, &OnSale)> = None;
            for item in &on_sale {
                if !item.new && used_stock[item.generation as usize] == 0 {
                    continue;
                }
                let margin = expected_per_th - item.power_kwh_per_th_day * power - item.site_usd_per_th_day;
                if margin <= 0.0 {
                    continue;
                }
                let price = if free_w < item.watts_per_unit { item.price_with_site_usd_per_th } else { item.price_usd_per_th };
                let payback = price / margin;
                if best.is_none_or(|b| payback < b.0) {
                    best = Some((payback, item));
                }
            }
            let best = best.map(|(payback, item)| (payback, item.generation, item.price_usd_per_th, item.new));
            let Some((payback, generation_index, price_per_th, new)) = best else {
                continue;
            };
            if payback > profile.payback_horizon_days {
                continue;
            }
            let generation = &self.generations[generation_index as usize];
            let unit_price = price_per_th * generation.th_per_unit;
            let unit_mw = generation.watts_per_unit() / 1e6;
            let unit_cost_with_site = unit_price + unit_mw * sc.mining_capex_usd_per_mw;
            let growth_ths = (book.fleet_ths * profile.max_growth_per_month)
                .max(100.0 * generation.th_per_unit.min(book.fleet_ths.max(generation.th_per_unit)) / 100.0);
            let by_budget = (budget / unit_cost_with_site).floor();
            let by_growth = (growth_ths / generation.th_per_unit).floor();
            let mut units = by_budget.min(by_growth).max(0.0) as u32;
            if !new {
                units = units.min(used_stock[generation_index as usize].min(u64::from(u32::MAX)) as u32);
            }
            if units == 0 {
                continue;
            }
            let extra_mw = (f64::from(units) * unit_mw - free_w / 1e6).max(0.0);
            let cost = f64::from(units) * unit_price + extra_mw * sc.mining_capex_usd_per_mw;
            let operator = &mut self.operators[index];
            operator.site_mw += extra_mw;
            operator.cash_usd -= cost;
            if operator.cash_usd < 0.0 {
                operator.debt_usd -= operator.cash_usd;
                operator.cash_usd = 0.0;
            }
            if new {
                self.sales_this_month_ths += f64::from(units) * generation.th_per_unit;
                self.order(Order { operator: index as u32, generation: generation_index, units, arrival_day: self.today + lag_days });
            } else {
                used_stock[generation_index as usize] -= u64::from(units);
                self.take_offers(generation_index, units);
                self.add_units(index, generation_index, units);
            }
        }
    }

    /// Removes `units` of a generation from the second-hand market, oldest listings first.
    fn take_offers(&mut self, generation: u16, mut units: u32) {
        for offer in self.offers.iter_mut().filter(|o| o.generation == generation) {
            let taken = offer.units.min(units);
            offer.units -= taken;
            units -= taken;
            if units == 0 {
                break;
            }
        }
        self.offers.retain(|o| o.units > 0);
    }

    fn manufacture(&mut self, books: &[Book]) {
        let sc = self.sc;
        let sales = std::mem::take(&mut self.sales_this_month_ths);
        let unsold_ths = (self.manufacturer_plan_ths_per_month - sales).max(0.0);
        self.manufacturer_plan_ths_per_month = (self.manufacturer_plan_ths_per_month
            + 0.25 * (sales - self.manufacturer_plan_ths_per_month))
            .max(self.manufacturer_plan_floor_ths);
        let self_mined_ths = unsold_ths * sc.manufacturer_self_mining;
        if self_mined_ths <= 0.0 {
            return;
        }
        let makers: Vec<usize> = (0..self.operators.len())
            .filter(|i| self.operators[*i].active && self.operators[*i].kind == OperatorKind::Manufacturer)
            .collect();
        let total_fleet: f64 = makers.iter().map(|i| books[*i].fleet_ths + 1.0).sum();
        if makers.is_empty() {
            return;
        }
        let best_index = self
            .generations
            .iter()
            .enumerate()
            .filter(|(_, g)| g.release <= self.date)
            .min_by(|a, b| a.1.j_per_th.total_cmp(&b.1.j_per_th))
            .map(|(i, _)| i as u16)
            .unwrap_or(0);
        let generation = self.generations[best_index as usize].clone();
        let trend = self.power_trend;
        let power_cost = |operator: &Operator| generation.power_cost_usd_per_th_day(operator.power_usd_per_kwh * trend);
        for index in makers {
            let operator = &self.operators[index];
            // Worth plugging in only if it covers its power at today's hashprice.
            if self.hashprice / 1_000.0 <= power_cost(operator) {
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
            // The machines themselves are sunk cost (made and unsold); the site is not.
            operator.cash_usd -= extra_mw * sc.mining_capex_usd_per_mw;
            if operator.cash_usd < 0.0 {
                operator.debt_usd -= operator.cash_usd;
                operator.cash_usd = 0.0;
            }
            self.add_units(index, best_index, units);
        }
    }

    fn enter(&mut self, month_hashprice: f64) {
        let sc = self.sc;
        if self.operators.len() >= self.max_operators || sc.entry_pct_per_month <= 0.0 {
            return;
        }
        let best_index = self
            .generations
            .iter()
            .enumerate()
            .filter(|(_, g)| hardware::on_sale_new(g, self.date))
            .min_by(|a, b| a.1.j_per_th.total_cmp(&b.1.j_per_th))
            .map(|(i, _)| i);
        let Some(best_index) = best_index else { return };
        let generation = self.generations[best_index].clone();
        let median_power = sc.power_price_median_usd_per_kwh * self.power_trend;
        let margin =
            month_hashprice / 1_000.0 - generation.power_cost_usd_per_th_day(median_power) - self.site_cost_usd_per_th_day(&generation);
        if margin <= 0.0 {
            return;
        }
        let price =
            hardware::new_price_usd_per_th(&generation, sc, self.hashprice) + sc.mining_capex_usd_per_mw * generation.j_per_th / 1e6;
        let attractiveness = (ENTRY_REFERENCE_PAYBACK_DAYS / (price / margin)).clamp(0.0, 3.0);
        let active = self.operators.iter().filter(|o| o.active).count() as f64;
        let lambda = (sc.entry_pct_per_month / 100.0 * active * attractiveness).min(ENTRY_CAP_SHARE * active);
        let arrivals = rng::poisson(&mut self.rng, lambda).min((self.max_operators - self.operators.len()) as u64);
        let kinds: Vec<OperatorKind> =
            OperatorKind::ALL.iter().copied().filter(|k| *k != OperatorKind::Manufacturer && k.mix_weight(sc) > 0.0).collect();
        let weights: Vec<f64> = kinds.iter().map(|k| k.profile().count_weight).collect();
        let weight_total: f64 = weights.iter().sum();
        if kinds.is_empty() {
            return;
        }
        let lag_days = (f64::from(sc.delivery_lag_months) * DAYS_PER_MONTH) as u32;
        let shares = self.current_pool_shares();
        for _ in 0..arrivals {
            let mut target = self.rng.random::<f64>() * weight_total;
            let kind = kinds
                .iter()
                .zip(&weights)
                .find(|(_, w)| {
                    target -= **w;
                    target < 0.0
                })
                .map(|(k, _)| *k)
                .unwrap_or(kinds[kinds.len() - 1]);
            let profile = kind.profile();
            let power = sc.power_price_median_usd_per_kwh
                * profile.power_multiplier
                * operators::lognormal_factor(&mut self.rng, sc.power_price_dispersion);
            let own_margin = month_hashprice / 1_000.0
                - generation.power_cost_usd_per_th_day(power * self.power_trend)
                - self.site_cost_usd_per_th_day(&generation);
            let alpha = profile.size_pareto_alpha;
            let minimum = self.kind_mean_start_ths[kind as usize] * (alpha - 1.0) / alpha;
            let size_ths = minimum * operators::pareto_size(&mut self.rng, alpha);
            let u_pool = self.rng.random::<f64>();
            if own_margin <= 0.0 || price / own_margin > profile.payback_horizon_days {
                continue;
            }
            let units = ((size_ths / generation.th_per_unit).floor() as u32).max(1);
            let fleet_mw = f64::from(units) * generation.watts_per_unit() / 1e6;
            let pool = pools::choose_pool(&self.pools, &shares, sc.pool_preference_strength, u_pool, &mut self.weights) as u16;
            let cost = f64::from(units) * generation.th_per_unit * price;
            let index = self.operators.len() as u32;
            self.operators.push(Operator {
                kind,
                active: true,
                power_usd_per_kwh: power,
                site_mw: fleet_mw * 1.1,
                cash_usd: cost * 0.25,
                debt_usd: 0.0,
                treasury_btc: 0.0,
                pool,
                expected_hashprice: month_hashprice,
                loss_months: 0,
                ai_eligible: profile.ai_capable && fleet_mw * 1.1 >= sc.ai_min_site_mw && self.rng.random::<f64>() < sc.ai_eligible_share,
                ai_mw: 0.0,
                ai_pending_mw: 0.0,
                last_month_revenue_usd: 0.0,
                lots: Vec::new(),
                owns_pool: false,
            });
            self.sales_this_month_ths += f64::from(units) * generation.th_per_unit;
            self.order(Order { operator: index, generation: best_index as u16, units, arrival_day: self.today + lag_days });
            self.entries += 1;
        }
    }

    /// Today's hash share of each pool.
    fn current_pool_shares(&self) -> Vec<f64> {
        let total: f64 = self.pool_hash_ths.iter().sum();
        self.pool_hash_ths
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
        for index in 0..self.operators.len() {
            if !self.operators[index].active {
                continue;
            }
            let u_switch = self.rng.random::<f64>();
            let u_choice = self.rng.random::<f64>();
            let operator = &self.operators[index];
            if operator.kind.profile().may_run_own_pool
                && !operator.owns_pool
                && books.get(index).map_or(0.0, |b| b.fleet_ths) >= own_pool_ths
                && own_pool_ths > 0.0
                && u_switch < OWN_POOL_PER_MONTH
            {
                let name = format!("{} #{} own pool", operator.kind.label(), index + 1);
                self.pools.push(PoolInfo {
                    name: name.clone(),
                    controller: name,
                    fee_pct: 0.0,
                    start_share_pct: 0.0,
                    owner_operator: Some(index as u32),
                });
                self.totals.pool.push(0);
                self.operators[index].owns_pool = true;
                self.move_to_pool(index, (self.pools.len() - 1) as u16);
                continue;
            }
            if operator.owns_pool || u_switch >= switch {
                continue;
            }
            let pool = pools::choose_pool(&self.pools, &shares, sc.pool_preference_strength, u_choice, &mut self.weights);
            self.move_to_pool(index, pool as u16);
        }
    }

    /// An operator points its machines at another pool (their running hash moves with them).
    fn move_to_pool(&mut self, index: usize, pool: u16) {
        let operator = &mut self.operators[index];
        operator.pool = pool;
        for &lot_index in &operator.lots {
            self.totals.move_lot(&mut self.lots[lot_index as usize], pool);
        }
    }
}
