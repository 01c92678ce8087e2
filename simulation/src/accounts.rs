//! An operator's books for one month: what its fleet earned and cost (from
//! the month's lot books), what its AI leases earned after serving their
//! project debt, the interest on its own debt; then the bitcoin it keeps,
//! the debt it pays down, and how a shortfall is met (its treasury first,
//! then credit while it has any). Nothing is created or lost on the way: the
//! change in cash plus treasury minus debt is the month's net (test below).

use crate::math;
use crate::operators::Operator;

/// A firm with both cash and debt pays down this share of its cash a month,
/// keeping the rest for bills and machines.
pub const REPAY_SHARE_OF_CASH: f64 = 0.25;
/// AI project debt below this, USD, is paid off (its service stops).
const PAID_OFF_USD: f64 = 1e-6;

/// The month's flows of one operator, USD.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonthFlows {
    /// Mining revenue after the pool's fee.
    pub revenue_usd: f64,
    /// Power for the machines that ran.
    pub energy_usd: f64,
    /// Its sites' running costs.
    pub site_costs_usd: f64,
    /// What a MW at AI nets a month (rent less running costs) before project debt.
    pub ai_net_per_mw_month_usd: f64,
}

/// The terms the month is settled on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonthTerms {
    /// Interest on debt, percent a year (the firm's and its leases' project debt).
    pub debt_interest_pct_per_year: f64,
    /// The bitcoin price, USD.
    pub price_usd: f64,
    /// The share of revenue the firm keeps in bitcoin (at most its net).
    pub hodl_share: f64,
    /// How many years of monthly revenue the firm may borrow (and a year of its AI net).
    pub credit_years_of_revenue: f64,
}

/// What the month came to, USD.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settled {
    /// AI rent net of running costs and the project debt's service.
    pub ai_net_usd: f64,
    /// Revenue less power, sites' costs, plus the AI net: before interest.
    pub operating_usd: f64,
}

/// Settles `operator`'s month of `flows` on `terms`: its AI project debt
/// accrues interest and is served from the rent; the net after interest goes
/// to cash, less the bitcoin kept; spare cash pays down debt; a shortfall
/// sells bitcoin, then borrows within the firm's credit. Counts a month of
/// operating loss and remembers the month's revenue.
pub fn settle(operator: &mut Operator, flows: &MonthFlows, terms: &MonthTerms) -> Settled {
    let monthly_rate = terms.debt_interest_pct_per_year / 100.0 / 12.0;
    let revenue = flows.revenue_usd;
    let interest = operator.debt_usd * terms.debt_interest_pct_per_year / 100.0 / 12.0;
    // The leases' project debt: interest accrues while sites are built, and the
    // leases earning rent pay it down (ai.rs); what is left of the rent is the firm's.
    operator.ai_project_debt_usd *= 1.0 + monthly_rate;
    let service = operator.ai_debt_service_usd_per_month.min(operator.ai_project_debt_usd);
    operator.ai_project_debt_usd -= service;
    if operator.ai_project_debt_usd <= PAID_OFF_USD {
        operator.ai_project_debt_usd = 0.0;
        operator.ai_debt_service_usd_per_month = 0.0;
    }
    let ai_net = operator.ai_mw * flows.ai_net_per_mw_month_usd - service;
    let operating = revenue - flows.energy_usd - flows.site_costs_usd + ai_net;
    let net = operating - interest;
    let hodl = math::smaller(revenue * terms.hodl_share, math::larger(net, 0.0));
    operator.treasury_btc += hodl / terms.price_usd;
    operator.cash_usd += net - hodl;
    if operator.cash_usd > 0.0 && operator.debt_usd > 0.0 {
        let repay = math::smaller(operator.debt_usd, operator.cash_usd * REPAY_SHARE_OF_CASH);
        operator.debt_usd -= repay;
        operator.cash_usd -= repay;
    }
    if operator.cash_usd < 0.0 && operator.treasury_btc > 0.0 {
        let sold = math::smaller(operator.treasury_btc, -operator.cash_usd / terms.price_usd);
        operator.treasury_btc -= sold;
        operator.cash_usd += sold * terms.price_usd;
    }
    if operator.cash_usd < 0.0 {
        let credit = terms.credit_years_of_revenue * 12.0 * math::larger(operator.last_month_revenue_usd, revenue)
            + math::larger(ai_net, 0.0) * 12.0;
        let borrow = math::smaller(-operator.cash_usd, math::larger(credit - operator.debt_usd, 0.0));
        operator.debt_usd += borrow;
        operator.cash_usd += borrow;
    }
    operator.loss_months = if operating < 0.0 { operator.loss_months + 1 } else { 0 };
    operator.last_month_revenue_usd = revenue;
    Settled { ai_net_usd: ai_net, operating_usd: operating }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::OperatorKind;
    use proptest::prelude::*;

    const TERMS: MonthTerms =
        MonthTerms { debt_interest_pct_per_year: 12.0, price_usd: 100_000.0, hodl_share: 0.2, credit_years_of_revenue: 1.0 };

    fn flows(revenue: f64, energy: f64) -> MonthFlows {
        MonthFlows { revenue_usd: revenue, energy_usd: energy, site_costs_usd: 0.0, ai_net_per_mw_month_usd: 0.0 }
    }

    /// What the firm is worth in cash terms: cash and bitcoin less debt.
    fn worth(operator: &Operator, price: f64) -> f64 {
        operator.cash_usd + operator.treasury_btc * price - operator.debt_usd
    }

    #[test]
    fn a_good_month_keeps_bitcoin_and_pays_down_debt() {
        let mut operator =
            Operator { cash_usd: 0.0, debt_usd: 10_000.0, loss_months: 3, ..Operator::fresh(OperatorKind::PublicMiner, 0.05) };
        let settled = settle(&mut operator, &flows(1_000_000.0, 400_000.0), &TERMS);
        assert_eq!(settled.operating_usd, 600_000.0);
        // Net after 1% interest on 10,000: 599,900; a fifth of revenue kept in bitcoin.
        assert!((operator.treasury_btc - 200_000.0 / 100_000.0).abs() < 1e-12);
        // A quarter of the cash left pays the debt off.
        assert_eq!(operator.debt_usd, 0.0);
        assert!((operator.cash_usd - (599_900.0 - 200_000.0 - 10_000.0)).abs() < 1e-6);
        assert_eq!((operator.loss_months, operator.last_month_revenue_usd), (0, 1_000_000.0));
    }

    #[test]
    fn a_shortfall_sells_bitcoin_then_borrows_within_credit() {
        let mut operator = Operator {
            cash_usd: 0.0,
            treasury_btc: 1.0,
            last_month_revenue_usd: 10_000.0,
            ..Operator::fresh(OperatorKind::PublicMiner, 0.05)
        };
        // A loss of 400,000: the bitcoin (100,000) first, then credit (a year of 10,000 a month), the rest unpaid.
        let settled = settle(&mut operator, &flows(10_000.0, 410_000.0), &TERMS);
        assert_eq!(settled.operating_usd, -400_000.0);
        assert_eq!(operator.treasury_btc, 0.0);
        assert_eq!(operator.debt_usd, 120_000.0);
        assert!((operator.cash_usd - (-400_000.0 + 100_000.0 + 120_000.0)).abs() < 1e-6);
        assert_eq!(operator.loss_months, 1);
    }

    #[test]
    fn ai_leases_serve_their_project_debt_from_the_rent() {
        let mut operator = Operator {
            ai_mw: 10.0,
            ai_project_debt_usd: 1_000_000.0,
            ai_debt_service_usd_per_month: 600_000.0,
            ..Operator::fresh(OperatorKind::PublicMiner, 0.05)
        };
        let rent = MonthFlows { ai_net_per_mw_month_usd: 80_000.0, ..flows(0.0, 0.0) };
        let first = settle(&mut operator, &rent, &TERMS);
        // 1% interest, then 600,000 served: 410,000 left; the firm keeps 800,000 - 600,000.
        assert!((operator.ai_project_debt_usd - 410_000.0).abs() < 1e-6);
        assert!((first.ai_net_usd - 200_000.0).abs() < 1e-9);
        let second = settle(&mut operator, &rent, &TERMS);
        // The last 414,100 is served and the debt is off the books: its service stops.
        assert_eq!((operator.ai_project_debt_usd, operator.ai_debt_service_usd_per_month), (0.0, 0.0));
        assert!((second.ai_net_usd - (800_000.0 - 414_100.0)).abs() < 1e-6);
        let third = settle(&mut operator, &rent, &TERMS);
        assert_eq!(third.ai_net_usd, 800_000.0);
    }

    proptest! {
        /// No money is created or lost: cash plus bitcoin less debt moves by the month's net
        /// (operating less interest), the AI project debt apart.
        #[test]
        fn the_books_balance(
            cash in -1e7..1e7f64,
            debt in 0.0..1e7f64,
            btc in 0.0..100.0f64,
            last in 0.0..1e7f64,
            revenue in 0.0..1e7f64,
            energy in 0.0..1e7f64,
            sites in 0.0..1e6f64,
            credit_years in 0.0..3.0f64,
            hodl in 0.0..1.0f64,
        ) {
            let mut operator = Operator {
                cash_usd: cash,
                debt_usd: debt,
                treasury_btc: btc,
                last_month_revenue_usd: last,
                ..Operator::fresh(OperatorKind::LargePrivate, 0.05)
            };
            let terms = MonthTerms { hodl_share: hodl, credit_years_of_revenue: credit_years, ..TERMS };
            let before = worth(&operator, terms.price_usd);
            let interest = debt * terms.debt_interest_pct_per_year / 100.0 / 12.0;
            let settled = settle(&mut operator, &MonthFlows { site_costs_usd: sites, ..flows(revenue, energy) }, &terms);
            let moved = worth(&operator, terms.price_usd) - before;
            prop_assert!((moved - (settled.operating_usd - interest)).abs() <= 1e-6 * (1.0 + before.abs() + revenue + energy + debt));
            prop_assert!(operator.debt_usd >= 0.0 && operator.treasury_btc >= 0.0);
        }
    }
}
