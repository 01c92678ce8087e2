//! Newcomers: how many arrive in a month, of which kind, and which of them
//! start mining. Arrivals follow the payback of a new machine at a good site
//! (not the number of operators already there); each arrival enters if the
//! machine pays back at its own site within its kind's horizon.

use crate::kind::OperatorKind;

/// Payback (days) at which entry runs at its base rate (`entry_pct_per_month`).
pub const REFERENCE_PAYBACK_DAYS: f64 = 900.0;
/// Entry runs at most this many times its base rate, however quick the payback.
pub const MOST_ATTRACTIVENESS: f64 = 3.0;
/// The most entrants in a month, as a share of the starting population.
pub const CAP_SHARE: f64 = 0.1;
/// A "good site" for entry: the power price a quarter of entrants beat
/// (the log-normal's 25th percentile is `exp(-0.674 sigma)` times its median).
pub const GOOD_SITE_Z: f64 = -0.674_49;

/// The power price of a good site, USD/kWh: the quarter of sites cheapest
/// around `median_usd_per_kwh` spread by `dispersion`, times the power price's `trend`.
pub fn good_site_power_usd_per_kwh(median_usd_per_kwh: f64, dispersion: f64, trend: f64) -> f64 {
    median_usd_per_kwh * crate::math::exp(GOOD_SITE_Z * dispersion) * trend
}

/// Expected arrivals in a month: `entry_pct_per_month` percent of the starting
/// `population`, scaled by how quickly a machine bought at `price_usd_per_th`
/// (with its site) pays back at a good site's `good_margin_usd_per_th_day`
/// after `wait_days` for delivery, against [`REFERENCE_PAYBACK_DAYS`]; at most
/// [`CAP_SHARE`] of the population. None when a good site loses money.
pub fn arrivals_per_month(
    entry_pct_per_month: f64,
    population: f64,
    price_usd_per_th: f64,
    good_margin_usd_per_th_day: f64,
    wait_days: f64,
) -> f64 {
    if good_margin_usd_per_th_day <= 0.0 {
        return 0.0;
    }
    let attractiveness =
        (REFERENCE_PAYBACK_DAYS / (price_usd_per_th / good_margin_usd_per_th_day + wait_days)).clamp(0.0, MOST_ATTRACTIVENESS);
    (entry_pct_per_month / 100.0 * population * attractiveness).min(CAP_SHARE * population)
}

/// The kind of an arrival from the scenario's mix: `kinds` with their
/// `weights` (summing to `weight_total`), picked by the uniform draw `u`.
pub fn pick_kind(kinds: &[OperatorKind], weights: &[f64], weight_total: f64, u: f64) -> OperatorKind {
    let mut target = u * weight_total;
    kinds
        .iter()
        .zip(weights)
        .find(|(_, w)| {
            target -= **w;
            target < 0.0
        })
        .map(|(k, _)| *k)
        .unwrap_or(kinds[kinds.len() - 1])
}

/// Whether an arrival starts mining: its own margin, USD per TH/s per day, is
/// positive and pays back `price_usd_per_th` after `wait_days` within its
/// kind's `horizon_days`.
pub fn enters(own_margin_usd_per_th_day: f64, price_usd_per_th: f64, wait_days: f64, horizon_days: f64) -> bool {
    let loses = own_margin_usd_per_th_day <= 0.0;
    let too_slow = price_usd_per_th / own_margin_usd_per_th_day + wait_days > horizon_days;
    !loses && !too_slow
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrivals_follow_the_payback_at_a_good_site_within_their_bounds() {
        // A payback of exactly the reference: the base rate, 1% of 2,000.
        assert!((arrivals_per_month(1.0, 2_000.0, 810.0, 1.0, 90.0) - 20.0).abs() < 1e-9);
        // Twice as quick: twice the rate.
        assert!((arrivals_per_month(1.0, 2_000.0, 360.0, 1.0, 90.0) - 40.0).abs() < 1e-9);
        // Very quick: at most three times the base rate; a high base rate: at most a tenth of the population.
        assert!((arrivals_per_month(1.0, 2_000.0, 1.0, 1.0, 0.0) - 60.0).abs() < 1e-9);
        assert!((arrivals_per_month(10.0, 2_000.0, 1.0, 1.0, 0.0) - 200.0).abs() < 1e-9);
        // A good site that loses money, or no entry at all: nobody.
        assert_eq!(arrivals_per_month(1.0, 2_000.0, 300.0, 0.0, 90.0), 0.0);
        assert_eq!(arrivals_per_month(1.0, 2_000.0, 300.0, -1.0, 90.0), 0.0);
        assert_eq!(arrivals_per_month(0.0, 2_000.0, 300.0, 1.0, 90.0), 0.0);
    }

    #[test]
    fn a_good_site_is_the_cheapest_quarter_at_the_trend() {
        let good = good_site_power_usd_per_kwh(0.05, 0.35, 1.0);
        assert!((good - 0.05 * (-0.674_49_f64 * 0.35).exp()).abs() < 1e-15);
        assert!(good < 0.05);
        assert_eq!(good_site_power_usd_per_kwh(0.05, 0.0, 1.2), 0.05 * 1.2);
    }

    #[test]
    fn kinds_are_picked_by_their_weight() {
        let kinds = [OperatorKind::SmallPrivate, OperatorKind::LargePrivate, OperatorKind::Stranded];
        let weights = [1.0, 2.0, 1.0];
        let pick = |u| pick_kind(&kinds, &weights, 4.0, u);
        assert_eq!(pick(0.0), OperatorKind::SmallPrivate);
        assert_eq!(pick(0.24), OperatorKind::SmallPrivate);
        assert_eq!(pick(0.25), OperatorKind::LargePrivate);
        assert_eq!(pick(0.74), OperatorKind::LargePrivate);
        assert_eq!(pick(0.75), OperatorKind::Stranded);
        assert_eq!(pick(0.999_999), OperatorKind::Stranded);
        // Rounding past the last weight falls to the last kind.
        assert_eq!(pick_kind(&kinds, &weights, 4.0 + 1e-9, 1.0), OperatorKind::Stranded);
        let counts = (0..1_000).map(|i| pick((f64::from(i) + 0.5) / 1_000.0)).filter(|k| *k == OperatorKind::LargePrivate).count();
        assert_eq!(counts, 500);
    }

    #[test]
    fn an_arrival_enters_when_its_own_site_pays_back_in_time() {
        assert!(enters(0.02, 10.0, 90.0, 700.0), "500 + 90 days");
        assert!(!enters(0.02, 10.0, 90.0, 589.0));
        assert!(enters(0.02, 10.0, 90.0, 590.0), "exactly at the horizon");
        assert!(!enters(0.0, 10.0, 0.0, 10_000.0));
        assert!(!enters(-0.01, 10.0, 0.0, 10_000.0));
    }
}
