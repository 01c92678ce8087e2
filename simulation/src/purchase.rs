//! What a buyer buys in a month's expansion (`decisions.rs`, step 5): the
//! machines on sale, the one that pays back soonest with the wait included,
//! whether that is within the buyer's horizon, and how many units its money,
//! its growth, its power and the stock allow. Plain inputs, no engine: the
//! engine gathers the month's offers and each buyer's terms, and books what
//! these functions decide.

use crate::hardware::Generation;
use crate::kind::ByKind;
use crate::math;
use crate::operators::{Operator, OperatorKind};

/// A machine on sale this month, with what a buyer's payback needs of it
/// worked out once.
pub(crate) struct OnSale {
    pub generation: u16,
    pub new: bool,
    pub price_usd_per_th: f64,
    /// The price with the site capex a buyer without free capacity adds.
    pub price_with_site_usd_per_th: f64,
    /// Energy per TH/s per day, kWh (times a power price: the power cost).
    pub power_kwh_per_th_day: f64,
    pub site_usd_per_th_day: f64,
    pub watts_per_unit: f64,
}

impl OnSale {
    /// `spec` (generation `generation`) at `price_usd_per_th`, new or used;
    /// a site costs `mining_capex_usd_per_mw` to build and
    /// `site_usd_per_th_day` to run per TH/s of these machines.
    pub fn new(
        generation: u16,
        spec: &Generation,
        price_usd_per_th: f64,
        new: bool,
        mining_capex_usd_per_mw: f64,
        site_usd_per_th_day: f64,
    ) -> Self {
        OnSale {
            generation,
            new,
            price_usd_per_th,
            price_with_site_usd_per_th: with_site_usd_per_th(price_usd_per_th, spec, mining_capex_usd_per_mw),
            power_kwh_per_th_day: spec.power_cost_usd_per_th_day(1.0),
            site_usd_per_th_day,
            watts_per_unit: spec.watts_per_unit(),
        }
    }
}

/// A machine's price per TH/s with the site a buyer without spare watts
/// builds for it (`mining_capex_usd_per_mw` a MW), USD.
pub(crate) fn with_site_usd_per_th(price_usd_per_th: f64, spec: &Generation, mining_capex_usd_per_mw: f64) -> f64 {
    price_usd_per_th + mining_capex_usd_per_mw * spec.j_per_th / 1e6
}

/// A buyer's side of a purchase: expected revenue per TH/s-day (USD), its
/// power price with the trend (USD/kWh), its site's spare watts.
pub(crate) struct BuyerTerms {
    pub expected_per_th: f64,
    pub power: f64,
    pub free_w: f64,
}

/// The population from which buyers are screened before a month's purchases
/// ([`PaybackScreen`]): below it, operators fit in the cache and checking each
/// in its turn is cheaper (measured: the same at 10,000 operators, 5% slower
/// at 2,000 with the screen; 2.25 -> 1.67 s at 100,000). The answer is the
/// same either way.
pub(crate) const SCREEN_FROM_OPERATORS: usize = 20_000;

/// A quick screen for [`best_offer`]: per kind, the margin per TH/s-day each
/// machine on sale needs to pay back within the kind's horizon (at its lowest
/// price, with a little slack), so buyers none of whose margins reach it are
/// known to find nothing, without a division per machine. It admits every
/// buyer `best_offer` would find a machine for within the horizon, and a few more.
pub(crate) struct PaybackScreen {
    /// Per kind: each machine's energy per TH/s-day, site cost per TH/s-day and the margin it needs.
    needs: ByKind<Vec<(f64, f64, f64)>>,
}

impl PaybackScreen {
    pub fn new(on_sale: &[OnSale], used_stock: &[u64], new_wait_days: f64, used_wait_days: f64) -> Self {
        let mut needs: ByKind<Vec<(f64, f64, f64)>> = ByKind::default();
        for kind in OperatorKind::ALL {
            let horizon = kind.profile().payback_horizon_days;
            for item in on_sale.iter().filter(|item| item.new || used_stock[item.generation as usize] > 0) {
                let room = horizon - if item.new { new_wait_days } else { used_wait_days };
                let price = math::smaller(item.price_usd_per_th, item.price_with_site_usd_per_th);
                let slack = 1e-9 * (horizon.abs() + 1.0);
                let need = if room > slack { price / (room + slack) * (1.0 - 1e-9) } else { 0.0 };
                needs[kind].push((item.power_kwh_per_th_day, item.site_usd_per_th_day, need));
            }
        }
        PaybackScreen { needs }
    }

    /// Whether a buyer of `kind` on `terms` might find a machine that pays back within its horizon.
    pub fn might_pay(&self, kind: OperatorKind, terms: &BuyerTerms) -> bool {
        self.needs[kind].iter().any(|&(energy, site, need)| {
            let margin = terms.expected_per_th - energy * terms.power - site;
            margin > 0.0 && margin >= need
        })
    }
}

/// Each machine on sale (in stock) that earns `terms` a margin, with its
/// payback in days (new ones after `new_wait_days`, used ones after
/// `used_wait_days`), in the order offered: the one formula [`best_offer`] and
/// [`pays_back_within`] read.
fn paybacks<'a, 'b>(
    on_sale: &'a [OnSale],
    used_stock: &'b [u64],
    terms: &'b BuyerTerms,
    new_wait_days: f64,
    used_wait_days: f64,
) -> impl Iterator<Item = (f64, &'a OnSale)> + use<'a, 'b> {
    on_sale.iter().filter_map(move |item| {
        if !item.new && used_stock[item.generation as usize] == 0 {
            return None;
        }
        let margin = terms.expected_per_th - item.power_kwh_per_th_day * terms.power - item.site_usd_per_th_day;
        if margin <= 0.0 {
            return None;
        }
        let price = if terms.free_w < item.watts_per_unit { item.price_with_site_usd_per_th } else { item.price_usd_per_th };
        Some((price / margin + if item.new { new_wait_days } else { used_wait_days }, item))
    })
}

/// The machine on sale that pays `terms` back soonest (new ones after
/// `new_wait_days`, used ones after `used_wait_days`), and its payback in days
/// (the first offered on ties); none if nothing on sale (in stock) earns a margin.
pub(crate) fn best_offer<'a>(
    on_sale: &'a [OnSale],
    used_stock: &[u64],
    terms: &BuyerTerms,
    new_wait_days: f64,
    used_wait_days: f64,
) -> Option<(f64, &'a OnSale)> {
    let mut best: Option<(f64, &OnSale)> = None;
    for (payback, item) in paybacks(on_sale, used_stock, terms, new_wait_days, used_wait_days) {
        if best.is_none_or(|b| payback < b.0) {
            best = Some((payback, item));
        }
    }
    best
}

/// Whether some machine on sale pays `terms` back within `horizon_days`: the
/// answer of `best_offer(..)` and [`within_horizon`] on its payback, found
/// without reading every offer (the soonest payback seen only falls as more
/// are read, so once it is within the horizon the best one is too).
pub(crate) fn pays_back_within(
    on_sale: &[OnSale],
    used_stock: &[u64],
    terms: &BuyerTerms,
    new_wait_days: f64,
    used_wait_days: f64,
    horizon_days: f64,
) -> bool {
    let mut soonest: Option<f64> = None;
    for (payback, _) in paybacks(on_sale, used_stock, terms, new_wait_days, used_wait_days) {
        if soonest.is_none_or(|soonest| payback < soonest) {
            soonest = Some(payback);
            if within_horizon(payback, horizon_days) {
                return true;
            }
        }
    }
    false
}

/// Whether a machine paying back in `payback_days` does so within a buyer's
/// `horizon_days` (the one test the month's screen and each buyer's turn share).
pub(crate) fn within_horizon(payback_days: f64, horizon_days: f64) -> bool {
    payback_days.partial_cmp(&horizon_days) != Some(std::cmp::Ordering::Greater)
}

/// What bounds a buyer's purchase of the machine it chose.
pub(crate) struct Limits {
    /// What it may spend on machines this month ([`expansion_budget_usd`]), USD.
    pub budget_usd: f64,
    /// Its fleet, installed and on order, TH/s.
    pub fleet_ths: f64,
    /// The largest fleet any operator may hold, TH/s.
    pub largest_ths: f64,
    /// The share its kind grows its fleet by in a month at most.
    pub max_growth_per_month: f64,
    /// Spare watts at its sites.
    pub free_w: f64,
    /// MW its kind may still build this month (`power_supply.rs`).
    pub room_mw: f64,
    /// What a MW of new site costs, USD.
    pub capex_usd_per_mw: f64,
    /// Used machines of the generation in stock (`None`: new ones, made to order).
    pub stock_units: Option<u64>,
}

/// A purchase: how many units, at what unit price, the MW of new site they
/// need beyond the spare watts, and its whole cost (machines and site), USD.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Purchase {
    pub units: u32,
    pub unit_price_usd: f64,
    pub extra_mw: f64,
    pub cost_usd: f64,
}

/// How many machines of `spec` at `price_usd_per_th` a buyer bound by
/// `limits` takes: as many as its money pays for (with the site each needs),
/// its growth allows (its kind's monthly share of its fleet, at least one
/// machine, never past the largest fleet), its spare watts and the power its
/// kind may still build hold, and the stock has. None when that is no machine.
pub(crate) fn units_to_buy(limits: &Limits, spec: &Generation, price_usd_per_th: f64) -> Option<Purchase> {
    let th_per_unit = spec.th_per_unit;
    let unit_price_usd = price_usd_per_th * th_per_unit;
    let unit_mw = spec.watts_per_unit() / 1e6;
    let unit_cost_with_site = unit_price_usd + unit_mw * limits.capex_usd_per_mw;
    // At least one machine (written `100 t / 100` as in earlier models: the pinned runs keep its rounding).
    let one_machine_ths = 100.0 * th_per_unit.min(limits.fleet_ths.max(th_per_unit)) / 100.0;
    let growth_ths = (limits.fleet_ths * limits.max_growth_per_month).max(one_machine_ths);
    let by_budget = (limits.budget_usd / unit_cost_with_site).floor();
    let by_growth = (growth_ths.min(limits.largest_ths - limits.fleet_ths) / th_per_unit).floor();
    let by_power = ((limits.free_w / 1e6 + limits.room_mw) / unit_mw).floor();
    let mut units = by_budget.min(by_growth).min(by_power).max(0.0) as u32;
    if let Some(stock) = limits.stock_units {
        units = units.min(stock.min(u64::from(u32::MAX)) as u32);
    }
    if units == 0 {
        return None;
    }
    let extra_mw = (f64::from(units) * unit_mw - limits.free_w / 1e6).max(0.0);
    let cost_usd = f64::from(units) * unit_price_usd + extra_mw * limits.capex_usd_per_mw;
    Some(Purchase { units, unit_price_usd, extra_mw, cost_usd })
}

/// What an operator may spend: `share` of its cash beyond a month's revenue,
/// and of half its unused credit if it made money last month (short of cash
/// or losing money: no borrowing to grow).
fn spendable_usd(operator: &Operator, share: f64) -> f64 {
    let credit = operator.kind.profile().credit_years_of_revenue * 12.0 * operator.last_month_revenue_usd;
    let borrowing = if operator.loss_months == 0 { math::larger(credit - operator.debt_usd, 0.0) * share * 0.5 } else { 0.0 };
    math::larger(operator.cash_usd - operator.last_month_revenue_usd, 0.0) * share + borrowing
}

/// What an operator may spend this month on machines of its choosing: its kind's `invest_share`.
pub(crate) fn expansion_budget_usd(operator: &Operator) -> f64 {
    spendable_usd(operator, operator.kind.profile().invest_share)
}

/// What an operator may spend on a going concern: all of it.
pub(crate) fn going_concern_budget_usd(operator: &Operator) -> f64 {
    spendable_usd(operator, 1.0)
}

/// Pays `cost` from cash, borrowing what cash does not cover.
pub(crate) fn pay(operator: &mut Operator, cost: f64) {
    operator.cash_usd -= cost;
    if operator.cash_usd < 0.0 {
        operator.debt_usd -= operator.cash_usd;
        operator.cash_usd = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn item(generation: u16, new: bool, price: f64, capex: f64, energy: f64, site: f64) -> OnSale {
        OnSale {
            generation,
            new,
            price_usd_per_th: price,
            price_with_site_usd_per_th: price + capex,
            power_kwh_per_th_day: energy,
            site_usd_per_th_day: site,
            watts_per_unit: 3_500.0,
        }
    }

    proptest! {
        /// The screen never turns away a buyer `best_offer` finds a machine for within its
        /// horizon, and `pays_back_within` says the same as `best_offer` on it.
        #[test]
        fn the_screen_admits_every_buyer_a_machine_pays_back_for(
            expected in 0.0f64..0.2,
            power in 0.0f64..0.15,
            free_w in prop_oneof![Just(0.0), 0.0f64..20_000.0],
            new_wait in 0.0f64..600.0,
            used_wait in 0.0f64..90.0,
            prices in proptest::collection::vec((0.0f64..40.0, 0.0f64..10.0, 0.3f64..0.9, 0.0f64..0.02, any::<bool>(), 0u64..3), 1..8),
        ) {
            let on_sale: Vec<OnSale> = prices
                .iter()
                .enumerate()
                .map(|(i, &(price, capex, energy, site, new, _))| item(i as u16, new, price, capex, energy, site))
                .collect();
            let used_stock: Vec<u64> = prices.iter().map(|p| p.5).collect();
            let screen = PaybackScreen::new(&on_sale, &used_stock, new_wait, used_wait);
            let terms = BuyerTerms { expected_per_th: expected, power, free_w };
            for kind in OperatorKind::ALL {
                let horizon = kind.profile().payback_horizon_days;
                let pays = best_offer(&on_sale, &used_stock, &terms, new_wait, used_wait)
                    .is_some_and(|(payback, _)| payback <= horizon);
                prop_assert!(!pays || screen.might_pay(kind, &terms), "{kind:?}: a machine pays back but the screen turned the buyer away");
                prop_assert_eq!(pays, pays_back_within(&on_sale, &used_stock, &terms, new_wait, used_wait, horizon), "{:?}", kind);
            }
        }
    }

    #[test]
    fn the_screen_turns_away_a_buyer_nothing_pays_back_for() {
        let on_sale = [item(0, true, 20.0, 2.0, 0.5, 0.005)];
        let screen = PaybackScreen::new(&on_sale, &[0], 120.0, 30.0);
        // Margin 0.05 - 0.5 x 0.06 - 0.005 = 0.015 $/TH-day: 1,333 days to pay back $20/TH.
        let terms = BuyerTerms { expected_per_th: 0.05, power: 0.06, free_w: 10_000.0 };
        assert!(OperatorKind::ALL.iter().all(|&kind| !screen.might_pay(kind, &terms)));
        // At 0.02 $/kWh: margin 0.035, 571 + 120 days.
        let cheap = BuyerTerms { power: 0.02, ..terms };
        assert!(OperatorKind::ALL.iter().any(|&kind| screen.might_pay(kind, &cheap)));
    }

    #[test]
    fn the_offer_that_pays_back_soonest_wins_with_the_wait_counted() {
        // Two new machines and a used one; the used one waits 30 days, new ones 120.
        let on_sale = [item(0, true, 20.0, 2.0, 0.5, 0.0), item(1, true, 30.0, 2.0, 0.3, 0.0), item(2, false, 8.0, 2.0, 0.6, 0.0)];
        let terms = BuyerTerms { expected_per_th: 0.06, power: 0.05, free_w: 10_000.0 };
        // Margins 0.035, 0.045, 0.03: paybacks 571 + 120, 667 + 120, 267 + 30 days.
        let (payback, chosen) = best_offer(&on_sale, &[0, 0, 5], &terms, 120.0, 30.0).expect("an offer");
        assert_eq!(chosen.generation, 2);
        assert!((payback - (8.0 / 0.03 + 30.0)).abs() < 1e-9, "{payback}");
        // Sold out, the used machine is passed over; the next best is the cheaper new one.
        let (_, chosen) = best_offer(&on_sale, &[0, 0, 0], &terms, 120.0, 30.0).expect("an offer");
        assert_eq!(chosen.generation, 0);
        // Without spare watts the price includes the site.
        let crowded = BuyerTerms { free_w: 0.0, ..terms };
        let (payback, _) = best_offer(&on_sale, &[0, 0, 5], &crowded, 120.0, 30.0).expect("an offer");
        assert!((payback - (10.0 / 0.03 + 30.0)).abs() < 1e-9, "{payback}");
        // Power so dear that nothing earns a margin: no offer.
        let dear = BuyerTerms { power: 0.2, ..terms };
        assert!(best_offer(&on_sale, &[0, 0, 5], &dear, 120.0, 30.0).is_none());
        assert!(within_horizon(900.0, 900.0) && !within_horizon(900.5, 900.0));
    }

    fn machine() -> Generation {
        // 200 TH/s at 17.5 J/TH: 3,500 W a unit.
        Generation {
            name: "test".into(),
            th_per_unit: 200.0,
            j_per_th: 17.5,
            release: chrono::NaiveDate::from_ymd_opt(2024, 2, 1).expect("date"),
            projected: false,
        }
    }

    fn limits() -> Limits {
        Limits {
            budget_usd: 1e9,
            fleet_ths: 1e6,
            largest_ths: 1e9,
            max_growth_per_month: 0.1,
            free_w: 1e9,
            room_mw: 0.0,
            capex_usd_per_mw: 300_000.0,
            stock_units: None,
        }
    }

    #[test]
    fn a_purchase_is_bound_by_money_growth_power_and_stock() {
        let spec = machine();
        // Growth binds: 10% of 1,000,000 TH/s is 500 machines of 200 TH/s.
        let bought = units_to_buy(&limits(), &spec, 15.0).expect("a purchase");
        assert_eq!(bought.units, 500);
        assert_eq!(bought.unit_price_usd, 3_000.0);
        assert_eq!((bought.extra_mw, bought.cost_usd), (0.0, 1_500_000.0));
        // Money binds: $3,000 a machine plus 3.5 kW of site at $300,000/MW ($1,050).
        let poor = Limits { budget_usd: 40_500.0, ..limits() };
        assert_eq!(units_to_buy(&poor, &spec, 15.0).map(|p| p.units), Some(10));
        // Power binds: 7 kW spare and 3.5 kW more the kind may build hold three machines;
        // the third needs a new site's 3.5 kW, paid for.
        let cramped = Limits { free_w: 7_000.0, room_mw: 0.0035, ..limits() };
        let bought = units_to_buy(&cramped, &spec, 15.0).expect("a purchase");
        assert_eq!(bought.units, 3);
        assert!((bought.extra_mw - 0.0035).abs() < 1e-12);
        assert!((bought.cost_usd - (9_000.0 + 0.0035 * 300_000.0)).abs() < 1e-6);
        // Stock binds used machines.
        let used = Limits { stock_units: Some(7), ..limits() };
        assert_eq!(units_to_buy(&used, &spec, 15.0).map(|p| p.units), Some(7));
        // A small fleet still grows by one machine; the largest fleet none.
        let small = Limits { fleet_ths: 10.0, ..limits() };
        assert_eq!(units_to_buy(&small, &spec, 15.0).map(|p| p.units), Some(1));
        let largest = Limits { largest_ths: 1e6, ..limits() };
        assert_eq!(units_to_buy(&largest, &spec, 15.0), None);
        // No money, no spare power or no stock: nothing.
        assert_eq!(units_to_buy(&Limits { budget_usd: 0.0, ..limits() }, &spec, 15.0), None);
        assert_eq!(units_to_buy(&Limits { free_w: 0.0, ..limits() }, &spec, 15.0), None);
        assert_eq!(units_to_buy(&Limits { stock_units: Some(0), ..limits() }, &spec, 15.0), None);
    }

    #[test]
    fn spending_keeps_a_months_revenue_and_borrows_only_after_a_profit() {
        let mut operator = Operator::fresh(OperatorKind::PublicMiner, 0.05);
        operator.cash_usd = 1_000_000.0;
        operator.last_month_revenue_usd = 100_000.0;
        let share = OperatorKind::PublicMiner.profile().invest_share;
        let credit = OperatorKind::PublicMiner.profile().credit_years_of_revenue * 12.0 * 100_000.0;
        let expected = 900_000.0 * share + credit * share * 0.5;
        assert!((expansion_budget_usd(&operator) - expected).abs() < 1e-6);
        // After a loss, no borrowing.
        operator.loss_months = 1;
        assert!((expansion_budget_usd(&operator) - 900_000.0 * share).abs() < 1e-6);
        assert!((going_concern_budget_usd(&operator) - 900_000.0).abs() < 1e-6);
        // Paying more than the cash borrows the rest.
        pay(&mut operator, 1_500_000.0);
        assert_eq!((operator.cash_usd, operator.debt_usd), (0.0, 500_000.0));
    }
}
