//! What the network did, day by day, 2019-01-01 to 2025-12-29: Coin Metrics'
//! community data (CC BY-NC 4.0; `data/README.md` says how each column was
//! made and checked), embedded so that every back-test runs offline.

use crate::chain;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

const CSV: &str = include_str!("../../../data/btc-daily-2019-2025.csv");

/// The chain's height at the start of 2019-01-01: block 630,000 (the 2020
/// halving) was the 129th block of 2020-05-11 by that day's issuance, and the
/// data's block counts lead back to this height (see `data/README.md`).
pub const HEIGHT_AT_START_2019: u64 = 556_464;

/// One observed day.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ObservedDay {
    /// The UTC day.
    pub date: NaiveDate,
    /// Reference price, USD per BTC.
    pub price_usd: f64,
    /// Hash rate implied by the day's blocks and difficulty, EH/s (noisy day to day).
    pub hashrate_ehs: f64,
    /// Blocks mined that day.
    pub blocks: u32,
    /// Fees paid that day, BTC.
    pub fees_btc: f64,
    /// New coins that day, BTC.
    pub issuance_btc: f64,
    /// Difficulty in force that day, T.
    pub difficulty_t: f64,
}

impl ObservedDay {
    /// What one PH/s earned that day, USD: the day's subsidy and fees per
    /// block at its price and difficulty (the hashprice formula of
    /// [`chain::hashprice_usd_per_ph_day`]).
    pub fn hashprice_usd_per_ph_day(&self) -> f64 {
        if self.blocks == 0 {
            return 0.0;
        }
        let reward_btc = (self.issuance_btc + self.fees_btc) / f64::from(self.blocks);
        chain::hashprice_usd_per_ph_day(reward_btc, self.price_usd, self.difficulty_t * 1e12)
    }
}

/// The observed network on one day of a run, as the charts and the
/// back-test compare it with the model.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ObservedPoint {
    /// The run's day (0 = its first).
    pub day: u32,
    /// The date.
    pub date: NaiveDate,
    /// Reference price, USD per BTC.
    pub price_usd: f64,
    /// Hash rate from the day's blocks, EH/s (noisy day to day).
    pub hashrate_ehs: f64,
    /// The 7-day mean of that (the network's own estimate, as explorers show it), EH/s.
    pub hashrate_7d_ehs: f64,
    /// Difficulty in force, T.
    pub difficulty_t: f64,
    /// What one PH/s earned that day, USD.
    pub hashprice_usd_per_ph_day: f64,
}

/// The observed days of a run that starts on `start` and lasts `days` days
/// (those inside the data; empty when none is).
pub fn series(start: NaiveDate, days: u32) -> Vec<ObservedPoint> {
    let (first, _) = span();
    let offset = (start - first).num_days();
    (0..days)
        .filter_map(|day| {
            let index = usize::try_from(offset + i64::from(day)).ok().filter(|i| *i < self::days().len())?;
            let d = self::days()[index];
            Some(ObservedPoint {
                day,
                date: d.date,
                price_usd: d.price_usd,
                hashrate_ehs: d.hashrate_ehs,
                hashrate_7d_ehs: trailing_mean(index, 7, |x| x.hashrate_ehs),
                difficulty_t: d.difficulty_t,
                hashprice_usd_per_ph_day: d.hashprice_usd_per_ph_day(),
            })
        })
        .collect()
}

/// Every observed day, in date order (parsed once).
pub fn days() -> &'static [ObservedDay] {
    static DAYS: OnceLock<Vec<ObservedDay>> = OnceLock::new();
    DAYS.get_or_init(|| parse(CSV).expect("the embedded history parses (tested)"))
}

/// The first and last observed dates.
pub fn span() -> (NaiveDate, NaiveDate) {
    let all = days();
    (all[0].date, all[all.len() - 1].date)
}

/// The index of `date` in [`days`], if observed.
pub fn index_of(date: NaiveDate) -> Option<usize> {
    let first = days()[0].date;
    let offset = usize::try_from((date - first).num_days()).ok()?;
    (offset < days().len()).then_some(offset)
}

/// The observed day `date`, if in the data.
pub fn on(date: NaiveDate) -> Option<&'static ObservedDay> {
    index_of(date).map(|i| &days()[i])
}

/// The chain's height at the start of `date` (from the data's block counts),
/// if observed.
pub fn height_at_start_of(date: NaiveDate) -> Option<u64> {
    let index = index_of(date)?;
    static CUMULATIVE: OnceLock<Vec<u64>> = OnceLock::new();
    let cumulative = CUMULATIVE.get_or_init(|| {
        let mut sum = HEIGHT_AT_START_2019;
        days()
            .iter()
            .map(|d| {
                let at_start = sum;
                sum += u64::from(d.blocks);
                at_start
            })
            .collect()
    });
    Some(cumulative[index])
}

/// The mean of `value` over the `window` days ending on `index` (fewer at the
/// data's start).
pub fn trailing_mean(index: usize, window: usize, value: impl Fn(&ObservedDay) -> f64) -> f64 {
    let all = days();
    let first = (index + 1).saturating_sub(window.max(1));
    let slice = &all[first..=index.min(all.len() - 1)];
    slice.iter().map(value).sum::<f64>() / slice.len() as f64
}

/// Days of history the starting network is taken to have survived (see
/// [`survived_value_per_reward`]).
pub const SURVIVED_DAYS: usize = 365;
/// The fewest observed days that make a past to survive.
const SURVIVED_MIN_DAYS: usize = 30;

/// The mean hashprice per BTC of block reward (USD/PH/day per BTC: the
/// price over the difficulty, whatever the halvings did) over the
/// [`SURVIVED_DAYS`] before `date`, or up to the data's end for a date within
/// a year after it: what the miners at work on `date` had lived through.
/// `None` with less than [`SURVIVED_MIN_DAYS`] of such days.
pub fn survived_value_per_reward(date: NaiveDate) -> Option<f64> {
    let all = days();
    let (first, last) = span();
    if date <= first || (date - last).num_days() > SURVIVED_DAYS as i64 {
        return None;
    }
    let end = index_of(date.pred_opt()?).unwrap_or(all.len() - 1);
    let from = (end + 1).saturating_sub(SURVIVED_DAYS);
    let values: Vec<f64> = all[from..=end]
        .iter()
        .filter(|d| d.blocks > 0 && d.issuance_btc + d.fees_btc > 0.0)
        .map(|d| d.hashprice_usd_per_ph_day() * f64::from(d.blocks) / (d.issuance_btc + d.fees_btc))
        .collect();
    (values.len() >= SURVIVED_MIN_DAYS).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Fees arriving per 10 minutes on the day at `index`, BTC: the day's fees
/// spread over its 144 ten-minute intervals (the level the model's mempool
/// takes: the market module's mempool).
pub fn fee_level_btc(index: usize) -> f64 {
    days()[index].fees_btc / 144.0
}

fn parse(text: &str) -> Result<Vec<ObservedDay>, String> {
    let mut lines = text.lines();
    let header = lines.next().ok_or("empty")?;
    if header.trim() != "date,price_usd,hashrate_ehs,blocks,fees_btc,issuance_btc,difficulty_t" {
        return Err(format!("unexpected header `{header}`"));
    }
    let mut out = Vec::with_capacity(2_600);
    for (n, line) in lines.enumerate() {
        let fields: Vec<&str> = line.trim().split(',').collect();
        let bad = |what: &str| format!("line {}: {what}", n + 2);
        if fields.len() != 7 {
            return Err(bad("expected 7 columns"));
        }
        let number = |i: usize| fields[i].parse::<f64>().map_err(|_| bad(&format!("`{}` is not a number", fields[i])));
        out.push(ObservedDay {
            date: NaiveDate::parse_from_str(fields[0], "%Y-%m-%d").map_err(|_| bad("bad date"))?,
            price_usd: number(1)?,
            hashrate_ehs: number(2)?,
            blocks: fields[3].parse().map_err(|_| bad("bad block count"))?,
            fees_btc: number(4)?,
            issuance_btc: number(5)?,
            difficulty_t: number(6)?,
        });
    }
    Ok(out)
}

/// The difficulty adjustments from `from` to `to` (inclusive): (the date of
/// the day whose blocks crossed the retarget height, change in percent).
/// The change compares the last day wholly before it with the first day
/// wholly after it (a crossing day's difficulty is a blend of the two).
pub fn retargets_between(from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, f64)> {
    let (Some(first), Some(last)) = (index_of(from), index_of(to)) else {
        return Vec::new();
    };
    let all = days();
    let mut out = Vec::new();
    for i in first.max(1)..=last.min(all.len() - 2) {
        let start = height_at_start_of(all[i].date).expect("observed");
        let end = start + u64::from(all[i].blocks);
        // The first block at a new difficulty is a multiple of 2016 in start..end.
        let boundary = start.div_ceil(2016) * 2016;
        if boundary >= end {
            continue;
        }
        let after = if boundary == start { i } else { i + 1 };
        if after >= all.len() {
            continue;
        }
        out.push((all[i].date, (all[after].difficulty_t / all[i - 1].difficulty_t - 1.0) * 100.0));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::SATS_PER_BTC;

    /// The subsidy of a block at `height`, BTC.
    fn subsidy_btc(height: u64) -> f64 {
        chain::subsidy_sats(height) as f64 / SATS_PER_BTC as f64
    }

    /// The subsidy the day's blocks earn by the schedule, BTC, counting the
    /// blocks from the day's start height.
    fn scheduled_issuance_btc(date: NaiveDate) -> Option<f64> {
        let day = on(date)?;
        let start = height_at_start_of(date)?;
        Some((start..start + u64::from(day.blocks)).map(subsidy_btc).sum())
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_day_from_2019_to_the_end_of_2025_in_order() {
        let all = days();
        assert_eq!(all.len(), 2_555);
        assert_eq!(span(), (date("2019-01-01"), date("2025-12-29")));
        for pair in all.windows(2) {
            assert_eq!((pair[1].date - pair[0].date).num_days(), 1, "{}", pair[1].date);
        }
        assert!(all.iter().all(|d| d.price_usd > 0.0 && d.hashrate_ehs > 0.0 && d.blocks > 0 && d.difficulty_t > 0.0));
        assert_eq!(on(date("2019-01-01")).unwrap().difficulty_t, 5.62);
        assert_eq!(on(date("2025-12-29")).unwrap().difficulty_t, 148.26);
        assert!(on(date("2018-12-31")).is_none() && on(date("2025-12-30")).is_none());
    }

    #[test]
    fn issuance_follows_the_subsidy_schedule_from_the_anchored_heights() {
        // Every day's issuance equals its blocks times the subsidy at their
        // heights, halving days included; Coin Metrics' 2024-04-19 holds the
        // halving block by its issuance (147 blocks at 6.25, 4 at 3.125).
        for day in days() {
            let scheduled = scheduled_issuance_btc(day.date).unwrap();
            assert!((scheduled - day.issuance_btc).abs() < 1e-6, "{}: {} against {}", day.date, scheduled, day.issuance_btc);
        }
        assert_eq!(height_at_start_of(date("2020-05-11")), Some(630_000 - 128));
        assert_eq!(height_at_start_of(date("2024-04-19")), Some(840_000 - 147));
    }

    #[test]
    fn hash_per_block_is_constant_within_each_difficulty_period() {
        // The difficulty is derived from hash rate (rounded to 0.1 EH/s) and
        // blocks, so it wobbles by rounding inside a period; a move of more
        // than 1% only happens on a day whose blocks cross a retarget (a
        // multiple of 2016) or the day after it.
        let all = days();
        let mut retargets = 0;
        for pair in all.windows(2) {
            let ratio = pair[1].difficulty_t / pair[0].difficulty_t;
            if (ratio - 1.0).abs() <= 0.01 {
                continue;
            }
            retargets += 1;
            let start = height_at_start_of(pair[0].date).unwrap();
            let end = height_at_start_of(pair[1].date).unwrap() + u64::from(pair[1].blocks);
            assert!(start / 2016 < end / 2016, "{}: difficulty moved {:.1}% inside a period", pair[1].date, (ratio - 1.0) * 100.0);
        }
        // 373,630 blocks in 2019-2025 are 185 periods; a retarget day's
        // difficulty is a blend of two, so most retargets show on two days.
        assert!((150..=370).contains(&retargets), "{retargets}");
        for day in all {
            let implied = day.hashrate_ehs * 1e18 * 86_400.0 / (f64::from(day.blocks) * 4_294_967_296.0) / 1e12;
            assert!((implied / day.difficulty_t - 1.0).abs() < 0.01, "{}: {implied}", day.date);
        }
    }

    #[test]
    fn hashprice_matches_the_published_figures() {
        // Hashrate Index: 2022's all-time low (then) $55.94 in November 2022;
        // $55.21 on 2024-12-23; a new low of $35.06 on 2025-11-22.
        let at = |d: &str| on(date(d)).unwrap().hashprice_usd_per_ph_day();
        let min_2022 = days()
            .iter()
            .filter(|d| d.date.to_string().starts_with("2022-11"))
            .map(|d| d.hashprice_usd_per_ph_day())
            .fold(f64::MAX, f64::min);
        assert!((50.0..62.0).contains(&min_2022), "{min_2022}");
        assert!((48.0..62.0).contains(&at("2024-12-23")), "{}", at("2024-12-23"));
        assert!((32.0..40.0).contains(&at("2025-11-22")), "{}", at("2025-11-22"));
    }

    #[test]
    fn a_runs_observed_series_covers_the_days_inside_the_data() {
        let s = series(date("2025-12-20"), 30);
        assert_eq!(s.len(), 10);
        assert_eq!((s[0].day, s[9].day, s[9].date), (0, 9, date("2025-12-29")));
        let before = series(date("2018-12-30"), 3);
        assert_eq!(before.iter().map(|p| p.day).collect::<Vec<_>>(), [2]);
        assert!(series(date("2030-01-01"), 10).is_empty());
    }

    #[test]
    fn retargets_match_the_published_adjustments() {
        // CoinDesk: the record -27.94% on 3 July 2021; +21.53% on 13 May 2021;
        // -16% on 3 November 2020 (docs/CALIBRATION.md, history table).
        let all = retargets_between(date("2019-01-01"), date("2025-12-29"));
        assert!((180..=186).contains(&all.len()), "{}", all.len());
        let near = |d: &str| all.iter().find(|r| (r.0 - date(d)).num_days().abs() <= 1).map(|r| r.1).unwrap();
        assert!((near("2021-07-03") + 27.94).abs() < 0.5, "{}", near("2021-07-03"));
        assert!((near("2021-05-13") - 21.53).abs() < 0.5, "{}", near("2021-05-13"));
        assert!((near("2020-11-03") + 16.0).abs() < 0.5, "{}", near("2020-11-03"));
    }

    #[test]
    fn means_and_fee_levels() {
        let i = index_of(date("2019-01-10")).unwrap();
        assert_eq!(i, 9);
        let by_hand: f64 = days()[3..=9].iter().map(|d| d.hashrate_ehs).sum::<f64>() / 7.0;
        assert!((trailing_mean(i, 7, |d| d.hashrate_ehs) - by_hand).abs() < 1e-12);
        assert!((trailing_mean(0, 7, |d| d.hashrate_ehs) - days()[0].hashrate_ehs).abs() < 1e-12, "clipped at the start");
        assert!((fee_level_btc(0) - 11.26 / 144.0).abs() < 1e-12);
    }

    #[test]
    fn the_survived_value_is_the_past_years_hashprice_per_btc_of_reward() {
        let late_2025 = survived_value_per_reward(date("2025-11-01")).expect("a year of data");
        // About $50/PH/day over 2025 at ~3.17 BTC a block (3.125 subsidy and fees).
        assert!((12.0..20.0).contains(&late_2025), "{late_2025}");
        // Across the 2024 halving it does not double: it is per BTC of reward.
        let mid_2024 = survived_value_per_reward(date("2024-06-01")).expect("a year of data");
        assert!((0.5..2.0).contains(&(mid_2024 / late_2025)), "{mid_2024} against {late_2025}");
        // A year after the data ends, still the data's last year; not before the data or long after.
        assert_eq!(survived_value_per_reward(date("2026-06-01")), survived_value_per_reward(date("2026-01-01")));
        assert_eq!(survived_value_per_reward(date("2019-01-01")), None);
        assert_eq!(survived_value_per_reward(date("2019-01-10")), None, "fewer than 30 days behind it");
        assert_eq!(survived_value_per_reward(date("2027-06-01")), None);
    }
}
