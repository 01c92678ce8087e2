//! ASIC generations: the catalogue from docs/CALIBRATION.md, new
//! generations on a trend, and what machines cost.
//!
//! New machines are made at a production cost (`asic_production_cost_share`
//! of an S21 XP's value at the 2024 hashprice, scaled by each generation's
//! watts per TH/s to the power `COST_J_PER_TH_EXPONENT`) and sold at a markup that rises with the months of orders
//! queued at the factories (`asic_markup_floor`, `asic_markup_per_queue_month`;
//! the queue and the list price are in `machine_orders.rs`): near cost in a glut (S21
//! pre-orders at $14/TH in late 2023), several times cost when buyers wait
//! half a year (~$100/TH in 2021; docs/CALIBRATION.md, "Machine market").
//! `market_value_usd_per_th` is `asic_price_payback_days` days of a machine's
//! margin at a reference power price of $0.05/kWh, never below scrap: what a
//! failed firm's fleet sells for as a going concern (less the second-hand
//! discount). Listed used machines are priced by their marginal buyer instead
//! (`decisions.rs`, `secondhand::clearing_price`): in October 2025 the S19j Pro
//! at ~$10/TH and the S19 XP at ~$13/TH after the discount, against ~$11.5 and
//! ~$14.3 quoted (docs/CALIBRATION.md, Hardware), where the reference buyer
//! gave $2.2 and $6.2.

use crate::scenario::Scenario;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// The reference power price the market prices machines at, USD/kWh.
pub const REFERENCE_POWER_USD_PER_KWH: f64 = 0.05;
/// The hashprice at which launch prices are set (the 2024 level), USD/PH/day.
pub const LAUNCH_HASHPRICE_USD_PER_PH_DAY: f64 = 55.0;
/// Generations stay on sale new for this many months after release.
pub const NEW_SALE_MONTHS: u32 = 36;
/// The scrap value of any machine, USD per TH/s.
pub const SCRAP_USD_PER_TH: f64 = 0.5;

/// One ASIC generation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Generation {
    /// Model name.
    pub name: String,
    /// Hash rate of one unit, TH/s.
    pub th_per_unit: f64,
    /// Efficiency, J/TH (= W per TH/s).
    pub j_per_th: f64,
    /// First shipments.
    pub release: NaiveDate,
    /// Whether the catalogue lists it (false: projected on the trend).
    pub projected: bool,
}

impl Generation {
    /// Power cost of running one TH/s for a day at `usd_per_kwh`, USD.
    #[inline]
    pub fn power_cost_usd_per_th_day(&self, usd_per_kwh: f64) -> f64 {
        power_cost_usd_per_th_day(self.j_per_th, usd_per_kwh)
    }

    /// The hashprice at which a machine just covers its power, USD/PH/day.
    #[inline]
    pub fn breakeven_usd_per_ph_day(&self, usd_per_kwh: f64) -> f64 {
        self.j_per_th * 24.0 * usd_per_kwh
    }

    /// Power drawn by one unit, W.
    pub fn watts_per_unit(&self) -> f64 {
        self.th_per_unit * self.j_per_th
    }
}

fn date(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).expect("valid catalogue date")
}

/// Power per TH/s per day of a machine that needs `j_per_th`, USD, at `usd_per_kwh`.
fn power_cost_usd_per_th_day(j_per_th: f64, usd_per_kwh: f64) -> f64 {
    j_per_th * 24.0 / 1_000.0 * usd_per_kwh
}

/// The catalogue (docs/CALIBRATION.md hardware tables; S19 from its public
/// spec sheet; the 2019-2020 classes from the F2Pool and CBECI machine lists).
pub fn catalogue() -> Vec<Generation> {
    let entry = |name: &str, th: f64, jth: f64, release: NaiveDate| Generation {
        name: name.to_string(),
        th_per_unit: th,
        j_per_th: jth,
        release,
        projected: false,
    };
    vec![
        entry("Antminer S9", 13.5, 98.0, date(2016, 6)),
        // The 7 nm class of 2019: S17 (45 J/TH), S17 Pro (40), T17 (55), Whatsminer M20S (48).
        entry("Antminer S17", 53.0, 45.0, date(2019, 4)),
        // MicroBT's 2020 line (M30S 38 J/TH; M30S+ and ++ from June 2020).
        entry("Whatsminer M30S", 88.0, 38.0, date(2020, 2)),
        entry("Antminer S19", 95.0, 34.5, date(2020, 5)),
        entry("Antminer S19j Pro", 104.0, 29.5, date(2021, 6)),
        entry("Antminer S19 XP", 140.0, 21.5, date(2022, 7)),
        entry("Whatsminer M60S", 186.0, 18.4, date(2023, 10)),
        entry("Antminer S21", 200.0, 17.5, date(2024, 2)),
        entry("Antminer S21 Pro", 234.0, 15.0, date(2024, 7)),
        entry("Antminer S21+", 216.0, 16.5, date(2024, 10)),
        entry("SEALMINER A2", 226.0, 16.5, date(2024, 12)),
        entry("Antminer S21 XP", 270.0, 13.5, date(2025, 1)),
    ]
}

/// The generations added for the 2019-2020 network (after the late-2025
/// catalogue was calibrated).
const ADDED_FOR_HISTORY: [&str; 2] = ["Antminer S17", "Whatsminer M30S"];

/// The key of a generation's own draws (e.g. a lot's switch-off delay): its
/// place in the late-2025 catalogue, and 1,000 on for the generations added
/// for history, so that adding older machines leaves every late-2025 run's
/// draws as they were.
pub fn draw_key(generations: &[Generation], index: usize) -> u64 {
    let name = generations[index].name.as_str();
    if let Some(added) = ADDED_FOR_HISTORY.iter().position(|n| *n == name) {
        return 1_000 + added as u64;
    }
    (index - generations[..index].iter().filter(|g| ADDED_FOR_HISTORY.contains(&g.name.as_str())).count()) as u64
}

/// The catalogue plus projected generations up to `until`, one every
/// `asic_generation_months`, each `asic_efficiency_gain_pct` more efficient
/// and 15% more hash per unit than the one before.
pub fn generations(scenario: &Scenario, until: NaiveDate) -> Vec<Generation> {
    let mut list = catalogue();
    let gain = 1.0 - scenario.asic_efficiency_gain_pct / 100.0;
    let mut index = 1;
    loop {
        let last = list.last().expect("catalogue is not empty").clone();
        let Some(release) = last.release.checked_add_months(Months::new(scenario.asic_generation_months)) else {
            break;
        };
        if release > until || list.len() >= 250 {
            break;
        }
        list.push(Generation {
            name: format!("Projected gen {index}"),
            th_per_unit: last.th_per_unit * 1.15,
            j_per_th: (last.j_per_th * gain).max(0.5),
            release,
            projected: true,
        });
        index += 1;
    }
    list
}

/// The market value of a machine of `generation`, USD per TH/s, when
/// hashprice is `hashprice_usd_per_ph_day`: `payback_days` days of its margin
/// at the reference power price, never below scrap.
pub fn market_value_usd_per_th(generation: &Generation, hashprice_usd_per_ph_day: f64, payback_days: f64) -> f64 {
    market_value_at_usd_per_th(generation.j_per_th, hashprice_usd_per_ph_day, payback_days)
}

/// [`market_value_usd_per_th`] of a machine that needs `j_per_th`.
fn market_value_at_usd_per_th(j_per_th: f64, hashprice_usd_per_ph_day: f64, payback_days: f64) -> f64 {
    let margin = hashprice_usd_per_ph_day / 1_000.0 - power_cost_usd_per_th_day(j_per_th, REFERENCE_POWER_USD_PER_KWH);
    (margin * payback_days).max(SCRAP_USD_PER_TH)
}

/// The generation production costs are calibrated on (CALIBRATION.md: the S21 XP at
/// ~$25.7/TH in Nov 2025), J/TH.
pub const REFERENCE_J_PER_TH: f64 = 13.5;

/// How a generation's cost per TH/s follows its watts per TH/s: cost scales
/// as (J/TH / [`REFERENCE_J_PER_TH`]) to this power. A machine's power
/// delivery, boards and cooling follow its watts; its chips follow the wafers
/// per TH/s, and each newer node's wafers cost more, so cost per TH/s falls
/// more slowly than J/TH. Fitted (least squares in logs) to the list prices of
/// three generations sold with no queue, at the floor markup
/// (docs/CALIBRATION.md, "Machine market"): the S21 (17.5 J/TH) at $14/TH in
/// October 2023, the S17+ (40 J/TH) at $18.1-21.5/TH in April 2020 and the
/// M30S (38 J/TH) at $23/TH in May 2020. In proportion to J/TH (a power of 1)
/// the S17+ would list at $32/TH and the 2019 S9 at $78/TH.
pub const COST_J_PER_TH_EXPONENT: f64 = 0.66;

/// What a manufacturer pays to make a machine, USD per TH/s: a share of the
/// reference generation's value at the launch hashprice, scaled by this
/// generation's watts per TH/s to the power [`COST_J_PER_TH_EXPONENT`]. Each
/// more efficient generation costs less per TH/s to make, and new machines
/// stay within reach of a good site after the halvings (anchoring every
/// generation to the 2024 hashprice made them too dear to ever pay back again).
pub fn production_cost_usd_per_th(generation: &Generation, scenario: &Scenario) -> f64 {
    market_value_at_usd_per_th(REFERENCE_J_PER_TH, LAUNCH_HASHPRICE_USD_PER_PH_DAY, scenario.asic_price_payback_days)
        * scenario.asic_production_cost_share
        * crate::math::pow(generation.j_per_th / REFERENCE_J_PER_TH, COST_J_PER_TH_EXPONENT)
}

/// The markup over production cost the makers aim for when `queue_months`
/// of orders wait ahead of a new one (beyond the delivery lag). Their list
/// prices rise to it at once and come down to it over months (`machine_orders::Makers`).
pub fn markup(scenario: &Scenario, queue_months: f64) -> f64 {
    scenario.asic_markup_floor + scenario.asic_markup_per_queue_month * queue_months.max(0.0)
}

/// The price of a new machine at the makers' `markup`, USD per TH/s.
pub fn new_price_usd_per_th(generation: &Generation, scenario: &Scenario, markup: f64) -> f64 {
    production_cost_usd_per_th(generation, scenario) * markup
}

/// The index of the most efficient (fewest J/TH) of the `available`
/// generations, the first on ties: the one place that picks "the best machine".
pub fn most_efficient(generations: &[Generation], available: impl Fn(&Generation) -> bool) -> Option<usize> {
    generations.iter().enumerate().filter(|(_, g)| available(g)).min_by(|a, b| a.1.j_per_th.total_cmp(&b.1.j_per_th)).map(|(i, _)| i)
}

/// Whether `generation` is sold new on `today`.
pub fn on_sale_new(generation: &Generation, today: NaiveDate) -> bool {
    generation.release <= today && generation.release.checked_add_months(Months::new(NEW_SALE_MONTHS)).is_some_and(|end| today < end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_machine_prices_follow_the_queue_and_match_calibration() {
        let scenario = Scenario::default();
        let list = catalogue();
        let at = |name: &str, queue: f64| {
            new_price_usd_per_th(list.iter().find(|g| g.name == name).unwrap(), &scenario, markup(&scenario, queue))
        };
        // docs/CALIBRATION.md, "Machine market": list prices with no queue, within 15% (S21 $14/TH,
        // Oct 2023; S17+ $18.1-21.5/TH, Apr 2020; M30S $23/TH, May 2020) and the most efficient class near $100/TH with 6-9 months queued (2021: the
        // <38 J/TH index's high $119.25/TH).
        for (name, j_per_th, listed) in [("S21", 17.5, 14.0), ("S17+", 40.0, 19.8), ("M30S", 38.0, 23.0)] {
            let machine = Generation { name: name.into(), th_per_unit: 100.0, j_per_th, release: date(2020, 1), projected: false };
            let quoted = new_price_usd_per_th(&machine, &scenario, markup(&scenario, 0.0));
            assert!((quoted / listed - 1.0).abs() < 0.15, "{name}: {quoted} against {listed}");
        }
        assert!(at("Antminer S19j Pro", 6.0) > 80.0 && at("Antminer S19j Pro", 9.0) < 120.0, "{}", at("Antminer S19j Pro", 6.0));
        // Cost per TH/s falls with J/TH, more slowly than J/TH.
        let cost = |name: &str| production_cost_usd_per_th(list.iter().find(|g| g.name == name).unwrap(), &scenario);
        assert!(cost("Antminer S9") > cost("Antminer S17") && cost("Antminer S17") > cost("Antminer S21 XP"));
        assert!(cost("Antminer S9") / cost("Antminer S21 XP") < 98.0 / 13.5);
        // Never below what it costs to make; a longer queue costs more.
        let s21xp = list.iter().find(|g| g.name == "Antminer S21 XP").unwrap();
        assert!(at("Antminer S21 XP", 0.0) >= production_cost_usd_per_th(s21xp, &scenario));
        assert!(at("Antminer S21 XP", 2.0) > at("Antminer S21 XP", 1.0));
        assert_eq!(markup(&scenario, -3.0), scenario.asic_markup_floor, "no negative queue");
    }

    #[test]
    fn breakeven_matches_the_calibration_table() {
        // At $37.4/PH/day the S21 breaks even at ~$0.089/kWh (CALIBRATION.md).
        let s21 = catalogue().into_iter().find(|g| g.name == "Antminer S21").unwrap();
        let power = 37.4 / (s21.j_per_th * 24.0);
        assert!((power - 0.089).abs() < 0.001, "{power}");
        assert!((s21.breakeven_usd_per_ph_day(power) - 37.4).abs() < 1e-9);
    }

    #[test]
    fn the_most_efficient_available_generation_is_picked() {
        let list = catalogue();
        assert_eq!(most_efficient(&list, |_| true).map(|i| list[i].name.as_str()), Some("Antminer S21 XP"));
        assert_eq!(most_efficient(&list, |g| g.release <= date(2023, 1)).map(|i| list[i].name.as_str()), Some("Antminer S19 XP"));
        assert_eq!(most_efficient(&list, |_| false), None);
    }

    #[test]
    fn draw_keys_are_unique_and_keep_the_late_2025_places() {
        let list = generations(&Scenario::default(), date(2031, 1));
        let keys: Vec<u64> = (0..list.len()).map(|i| draw_key(&list, i)).collect();
        let mut unique = keys.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), keys.len());
        let at = |name: &str| keys[list.iter().position(|g| g.name == name).unwrap()];
        assert_eq!((at("Antminer S9"), at("Antminer S19"), at("Antminer S21 XP")), (0, 1, 9));
        assert_eq!(at("Antminer S17"), 1_000);
    }

    #[test]
    fn projected_generations_improve_on_the_trend() {
        let scenario = Scenario::default();
        let list = generations(&scenario, date(2031, 1));
        let projected: Vec<_> = list.iter().filter(|g| g.projected).collect();
        assert_eq!(projected.len(), 3, "2027, 2029, 2031");
        assert!(list.len() <= crate::operators::MAX_CATALOGUE + 3);
        assert!((projected[0].j_per_th - 13.5 * 0.85).abs() < 1e-9);
        assert!(on_sale_new(projected[0], date(2027, 6)));
        assert!(!on_sale_new(&list[0], date(2025, 11)));
    }
}
