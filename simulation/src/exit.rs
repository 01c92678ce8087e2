//! Whether an operator carries on, is restructured or sells up (MODEL.md section 8).
//!
//! - An operator that has expected no **operating margin** (revenue less
//!   power and site costs, before interest) for more months in a row than its
//!   own patience is **liquidated**: its fleet is sold as a going concern.
//!   Interest is not an operating loss: a firm that covers its costs but not
//!   its debt is a case for its creditors, not for scrap.
//! - An operator that cannot pay its bills (cash negative after selling its
//!   BTC and drawing its credit) is insolvent, and **restructured**: its debt
//!   is written down to what its margin can carry, its equity is wiped, and
//!   its machines keep hashing (as Core Scientific's did through its 2022-23
//!   Chapter 11). If it has no margin ahead, its patience still runs: the
//!   new owners give up when it runs out.
//! - Each operator's patience is its own, drawn around the scenario's median,
//!   so that firms hit by the same halving do not all give up the same day:
//!   the clock starts when the margin goes, and each stops at its own time.

/// Log-sd of operators' patience around the scenario's median.
pub const PATIENCE_DISPERSION: f64 = 0.5;
/// Months of expected operating margin a restructured firm's debt is written down to.
pub const RESTRUCTURED_DEBT_MONTHS_OF_MARGIN: f64 = 12.0;

/// What becomes of an operator this month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// It carries on.
    Continue,
    /// Insolvent but viable: debt written down, equity wiped, machines keep running.
    Restructure,
    /// It sells up: its fleet goes to the bidders with the cheapest power.
    Liquidate,
}

/// One operator's month, in the terms the decision needs.
#[derive(Debug, Clone, Copy)]
pub struct Standing {
    /// Cash after the month's bills, BTC sales and credit, USD (negative: unpaid bills).
    pub cash_usd: f64,
    /// Months in a row with no operating margin expected ahead, this month included.
    pub unviable_months: u32,
    /// This operator's patience, months.
    pub patience_months: u32,
    /// The operating margin it expects over the next month (before interest), USD.
    pub forward_operating_margin_usd: f64,
    /// Whether it has power on its way to AI (a firm mid-conversion stays).
    pub converting_to_ai: bool,
}

/// Whether an operator expects an operating margin ahead (or is mid-conversion to AI).
pub fn viable(standing: &Standing) -> bool {
    standing.forward_operating_margin_usd > 0.0 || standing.converting_to_ai
}

/// What a lot of `hash_ths` drawing `power_w` adds to its firm's expected
/// operating margin over a month, USD: its margin over power at the expected
/// hashprice (`margin_usd_per_th_day`, never below 0: a lot can be switched
/// off) less its site costs (`site_usd_per_mw_month`), or nothing. A lot that
/// would not cover its site costs is one the firm would sell, not a reason to
/// close the firm: only contributions count towards viability.
pub fn lot_contribution_usd_per_month(margin_usd_per_th_day: f64, hash_ths: f64, power_w: f64, site_usd_per_mw_month: f64) -> f64 {
    let margin = 30.0 * crate::math::larger(margin_usd_per_th_day * hash_ths, 0.0);
    crate::math::larger(margin - power_w / 1e6 * site_usd_per_mw_month, 0.0)
}

/// Decides an operator's fate for the month.
pub fn fate(standing: Standing) -> Fate {
    if !viable(&standing) && standing.unviable_months >= standing.patience_months {
        return Fate::Liquidate;
    }
    if standing.cash_usd < -1e-6 {
        return Fate::Restructure;
    }
    Fate::Continue
}

/// The debt a restructured firm keeps: what `RESTRUCTURED_DEBT_MONTHS_OF_MARGIN`
/// months of its expected operating margin can carry, never more than it had.
pub fn restructured_debt_usd(debt_usd: f64, forward_operating_margin_usd: f64) -> f64 {
    debt_usd.min(forward_operating_margin_usd.max(0.0) * RESTRUCTURED_DEBT_MONTHS_OF_MARGIN)
}

/// An operator's patience in months from a standard normal draw `z`: the
/// median times `exp(PATIENCE_DISPERSION z)`, rounded, from 1 to 4x the median.
pub fn patience_months(median_months: u32, z: f64) -> u32 {
    let months = crate::math::round(f64::from(median_months) * crate::math::exp(PATIENCE_DISPERSION * z));
    (months as u32).clamp(1, 4 * median_months.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standing() -> Standing {
        Standing { cash_usd: 1.0, unviable_months: 0, patience_months: 6, forward_operating_margin_usd: 10.0, converting_to_ai: false }
    }

    #[test]
    fn interest_alone_never_closes_a_firm() {
        // A viable firm with unpaid bills (say, its interest) is restructured, not closed.
        assert_eq!(fate(standing()), Fate::Continue);
        assert_eq!(fate(Standing { cash_usd: -5.0, ..standing() }), Fate::Restructure);
    }

    #[test]
    fn a_firm_with_no_margin_ahead_sells_up_when_its_patience_runs_out() {
        let hopeless = Standing { unviable_months: 6, forward_operating_margin_usd: -1.0, ..standing() };
        assert_eq!(fate(hopeless), Fate::Liquidate);
        assert_eq!(fate(Standing { unviable_months: 5, ..hopeless }), Fate::Continue, "not yet out of patience");
        assert_eq!(fate(Standing { forward_operating_margin_usd: 1.0, ..hopeless }), Fate::Continue, "a margin ahead");
        assert_eq!(fate(Standing { converting_to_ai: true, ..hopeless }), Fate::Continue, "mid-conversion");
        assert_eq!(fate(Standing { cash_usd: -1.0, ..hopeless }), Fate::Liquidate);
        // Insolvent without a margin but with patience left: creditors take it and wait.
        assert_eq!(fate(Standing { cash_usd: -1.0, unviable_months: 2, ..hopeless }), Fate::Restructure);
    }

    #[test]
    fn a_lot_contributes_its_margin_less_its_site_costs_or_nothing() {
        // 1,000 TH/s at $0.02 a TH/s-day for 30 days, less 0.02 MW at $5,000 a MW-month.
        assert!((lot_contribution_usd_per_month(0.02, 1_000.0, 20_000.0, 5_000.0) - 500.0).abs() < 1e-9);
        assert_eq!(lot_contribution_usd_per_month(-0.01, 1_000.0, 20_000.0, 5_000.0), 0.0, "switched off: no margin");
        assert_eq!(lot_contribution_usd_per_month(0.001, 1_000.0, 20_000.0, 5_000.0), 0.0, "site costs beyond its margin");
    }

    #[test]
    fn restructuring_writes_debt_down_to_what_margin_carries() {
        assert_eq!(restructured_debt_usd(1_000.0, 10.0), 120.0);
        assert_eq!(restructured_debt_usd(50.0, 10.0), 50.0);
        assert_eq!(restructured_debt_usd(50.0, -10.0), 0.0);
    }

    #[test]
    fn patience_is_spread_around_the_median() {
        assert_eq!(patience_months(6, 0.0), 6);
        assert!(patience_months(6, 1.0) > 6 && patience_months(6, -1.0) < 6);
        assert_eq!(patience_months(6, 10.0), 24);
        assert_eq!(patience_months(6, -10.0), 1);
    }
}
