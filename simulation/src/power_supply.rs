//! Power for mining sites: finite where it is cheap.
//!
//! Operators that buy power on the grid or from generators (small, large
//! private, public miners, manufacturers) can always build another site at
//! `mining_capex_usd_per_mw`. The stranded kind mines flared gas, curtailed
//! hydro and other power nobody else can use: there is only so much of it.
//! Its sites may grow from their MW at the start by
//! `stranded_power_growth_pct_per_year` a year (docs/CALIBRATION.md, "Cheap
//! power"); a stranded operator that leaves frees its MW for another.

use crate::math;
use crate::operators::OperatorKind;

/// Days in a year, for the growth of stranded power.
const DAYS_PER_YEAR: f64 = 365.25;

/// The stranded kind's power: what there was at the start, what its active
/// operators' sites take now, and how fast new supply appears.
#[derive(Debug, Clone, Default)]
pub(crate) struct PowerSupply {
    start_mw: f64,
    used_mw: f64,
    growth_pct_per_year: f64,
    /// The stranded MW there is on the day last set (see [`PowerSupply::set_day`]).
    available_mw: f64,
}

impl PowerSupply {
    /// The supply at the start: the stranded sites' MW then, growing by
    /// `growth_pct_per_year` a year.
    pub fn new(stranded_start_mw: f64, growth_pct_per_year: f64) -> Self {
        PowerSupply { start_mw: stranded_start_mw, used_mw: stranded_start_mw, growth_pct_per_year, available_mw: stranded_start_mw }
    }

    /// Moves to `day` (decisions are monthly: the supply is worked out once
    /// for all the month's choices, not once per buyer).
    pub fn set_day(&mut self, day: u32) {
        self.available_mw = self.stranded_available_mw(day);
    }

    /// The stranded MW there is on `day` (day 0: the start).
    pub fn stranded_available_mw(&self, day: u32) -> f64 {
        let years = f64::from(day) / DAYS_PER_YEAR;
        self.start_mw * math::pow(1.0 + self.growth_pct_per_year / 100.0, years)
    }

    /// MW of new sites an operator of `kind` may still build on the day
    /// last set: without limit for kinds that buy power on the market, the
    /// stranded power not yet taken for the stranded kind.
    pub fn room_mw(&self, kind: OperatorKind) -> f64 {
        if kind != OperatorKind::Stranded {
            return f64::INFINITY;
        }
        (self.available_mw - self.used_mw).max(0.0)
    }

    /// An operator of `kind` builds `mw` of new sites (stranded ones take supply).
    pub fn build(&mut self, kind: OperatorKind, mw: f64) {
        if kind == OperatorKind::Stranded {
            self.used_mw += mw;
        }
    }

    /// Recounts the stranded MW in use from the active stranded operators'
    /// sites (operators that left have freed theirs).
    pub fn recount(&mut self, stranded_used_mw: f64) {
        self.used_mw = stranded_used_mw;
    }

    /// Stranded MW in use.
    #[cfg(test)]
    pub fn stranded_used_mw(&self) -> f64 {
        self.used_mw
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_power_is_unlimited() {
        let supply = PowerSupply::new(100.0, 20.0);
        for kind in OperatorKind::ALL.into_iter().filter(|k| *k != OperatorKind::Stranded) {
            assert_eq!(supply.room_mw(kind), f64::INFINITY, "{kind:?}");
        }
    }

    #[test]
    fn stranded_power_grows_at_its_rate_and_is_used_up() {
        let mut supply = PowerSupply::new(100.0, 20.0);
        // Nothing to spare at the start: the sites there use it all.
        assert_eq!(supply.room_mw(OperatorKind::Stranded), 0.0);
        // A year on, 20% more exists.
        supply.set_day(365);
        assert!((supply.room_mw(OperatorKind::Stranded) - 20.0 * 365.0 / 365.25).abs() < 0.02);
        supply.build(OperatorKind::Stranded, 15.0);
        supply.build(OperatorKind::PublicMiner, 1_000.0);
        assert!((supply.stranded_used_mw() - 115.0).abs() < 1e-12);
        supply.set_day(730);
        let two_years = supply.room_mw(OperatorKind::Stranded);
        assert!((two_years - (100.0 * math::pow(1.2, 730.0 / 365.25) - 115.0)).abs() < 1e-9, "{two_years}");
        // Over-building never shows as negative room.
        supply.build(OperatorKind::Stranded, 500.0);
        assert_eq!(supply.room_mw(OperatorKind::Stranded), 0.0);
    }

    #[test]
    fn leaving_frees_power() {
        let mut supply = PowerSupply::new(100.0, 0.0);
        supply.recount(60.0);
        supply.set_day(10);
        assert!((supply.room_mw(OperatorKind::Stranded) - 40.0).abs() < 1e-12);
    }
}
