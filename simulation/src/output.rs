//! What a run produces: a daily series, retargets, pools and a summary, and
//! its CSV form.

use crate::chain::Retarget;
use crate::hardware::Generation;
use crate::pools::PoolInfo;
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};
use std::io::Write;

macro_rules! daily_record {
    ($( $(#[doc = $doc:expr])* $name:ident : $ty:ty ),* $(,)?) => {
        /// One day of the run. Field names are the CSV column names.
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        pub struct DailyRecord {
            /// Day of the run, from 0.
            pub day: u32,
            /// Calendar date, ISO 8601.
            pub date: String,
            $( $(#[doc = $doc])* pub $name: $ty, )*
        }

        /// The name of each daily column, as a constant named for it: code that
        /// names a column (a chart, a headline, a band) takes it from here, so a
        /// misspelt or removed column does not compile.
        #[allow(non_upper_case_globals)]
        pub mod column {
            /// Day of the run, from 0.
            pub const day: &str = "day";
            /// Calendar date, ISO 8601.
            pub const date: &str = "date";
            $( $(#[doc = $doc])* pub const $name: &str = stringify!($name); )*
        }

        impl DailyRecord {
            /// Every column, in CSV order.
            pub const COLUMNS: &'static [&'static str] = &["day", "date", $(stringify!($name)),*];

            /// What each column holds, in words (its doc comment), in CSV order.
            pub const DESCRIPTIONS: &'static [&'static str] =
                &["Day of the run, from 0.", "Calendar date, ISO 8601.", $(concat!($($doc, "\n"),*)),*];

            /// What `column` holds, in words (`None` for an unknown name).
            pub fn description(column: &str) -> Option<&'static str> {
                Self::COLUMNS.iter().position(|c| *c == column).map(|i| Self::DESCRIPTIONS[i].trim())
            }

            /// The value of a numeric column by name (`None` for `date` and unknown names).
            pub fn value(&self, column: &str) -> Option<f64> {
                match column {
                    "day" => Some(f64::from(self.day)),
                    $(stringify!($name) => Some(self.$name as f64),)*
                    _ => None,
                }
            }

            /// The numeric values, in column order (after `day` and `date`).
            fn numeric_values(&self) -> Vec<f64> {
                vec![$(self.$name as f64),*]
            }
        }
    };
}

daily_record! {
    /// Chain height at the end of the day.
    height: u64,
    /// BTC price, USD.
    price_usd: f64,
    /// Difficulty at the end of the day.
    difficulty: f64,
    /// Hash rate switched on, EH/s.
    hashrate_ehs: f64,
    /// Hash rate estimated from the last 7 days' blocks and difficulty, EH/s (as explorers do).
    hashrate_7d_est_ehs: f64,
    /// Hashprice at the start of the day, USD per PH/s per day.
    hashprice_usd_per_ph_day: f64,
    /// Blocks mined that day.
    blocks: u32,
    /// Subsidy paid that day, BTC.
    subsidy_btc: f64,
    /// Fees paid that day, BTC (each block collects the fees that arrived since the one before).
    fees_btc: f64,
    /// Fees as a share of miners' revenue that day (0..1).
    fee_share: f64,
    /// Subsidy plus fees paid that day, USD.
    security_budget_usd_per_day: f64,
    /// The budget expected at that day's reward (144 blocks of subsidy plus the fee level) times 365,
    /// as a percent of market capitalisation (expected blocks, not that day's luck).
    security_budget_pct_mcap_yr: f64,
    /// Renting an attacker's hash for an hour, USD: 51/49 of the honest network's hash (51% of
    /// all hash once the attacker joins), at hashprice plus the rental premium.
    attack_cost_rent_usd_per_hour: f64,
    /// Buying machines, sites and power for 51/49 of the honest network's hash, USD.
    attack_cost_buy_usd: f64,
    /// Installed machines switched off, EH/s: hash an attacker could rent or buy.
    idle_hashrate_ehs: f64,
    /// Fewest pools with more than 50% of hash.
    nakamoto_pools: u32,
    /// Fewest controllers (pools grouped by custody and templates) with more than 50%.
    nakamoto_entities: u32,
    /// Fewest firms with more than 50% of hash: named firms one by one, each
    /// kind's other operators in firms of its typical size (`crate::firms`).
    nakamoto_operators: u32,
    /// HHI of pools' hash shares (0..10,000).
    hhi_pools: f64,
    /// HHI of controllers' hash shares (0..10,000).
    hhi_entities: f64,
    /// Largest pool's hash share (0..1).
    top_pool_share: f64,
    /// Five largest pools' hash share (0..1).
    top5_pool_share: f64,
    /// Fewest pools with more than 50% of the last 30 days' blocks (as explorers measure).
    nakamoto_pools_blocks_30d: u32,
    /// HHI of pools' shares of the last 30 days' blocks.
    hhi_pools_blocks_30d: f64,
    /// MW of mining sites converted to AI hosting and earning.
    ai_mw: f64,
    /// MW being converted (off mining, not yet earning).
    ai_mw_pending: f64,
    /// Operators in business.
    operators_active: u32,
    /// Power drawn by running machines, GW.
    energy_gw: f64,
    /// Energy per year at that draw, TWh.
    energy_twh_per_year: f64,
    /// Mean efficiency of running machines, J/TH.
    fleet_j_per_th: f64,
    /// Seconds between blocks, averaged over the day (86,400 when none came).
    mean_block_interval_s: f64,
    /// Difficulty change at a retarget that day, percent (0 on other days).
    difficulty_change_pct: f64,
    /// Coins issued by the end of the day, BTC.
    supply_btc: f64,
    /// Every site's power price multiplier from the trend (1 at the start).
    power_price_trend_factor: f64,
    /// Price of the best new machine, USD per TH/s.
    new_machine_usd_per_th: f64,
    /// Small private operators in business.
    operators_small_private: u32,
    /// Large private operators in business.
    operators_large_private: u32,
    /// Public listed operators in business.
    operators_public_miner: u32,
    /// Manufacturer self-miners in business.
    operators_manufacturer: u32,
    /// Stranded-energy and state-linked operators in business.
    operators_stranded: u32,
    /// Hash rate of small private operators, EH/s.
    hashrate_ehs_small_private: f64,
    /// Hash rate of large private operators, EH/s.
    hashrate_ehs_large_private: f64,
    /// Hash rate of public listed operators, EH/s.
    hashrate_ehs_public_miner: f64,
    /// Hash rate of manufacturer self-miners, EH/s.
    hashrate_ehs_manufacturer: f64,
    /// Hash rate of stranded-energy and state-linked operators, EH/s.
    hashrate_ehs_stranded: f64,
    /// Idle hash as a share of the hash an attacker needs (0..1): how much of the rent route
    /// idle machines could supply.
    attack_rentable_share: f64,
    /// Hash switched on but curtailed that day (weather, grid demand response), EH/s; not in `hashrate_ehs`.
    curtailed_hashrate_ehs: f64,
}

/// Headline figures of a run.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Summary {
    /// Days simulated.
    pub days: u32,
    /// Blocks mined.
    pub blocks: u64,
    /// Height at the end.
    pub final_height: u64,
    /// Difficulty adjustments.
    pub retargets: u32,
    /// Mean seconds between blocks over the run.
    pub mean_block_interval_s: f64,
    /// Hash rate on the first day, EH/s.
    pub start_hashrate_ehs: f64,
    /// Hash rate on the last day, EH/s.
    pub end_hashrate_ehs: f64,
    /// Lowest daily hash rate, EH/s.
    pub min_hashrate_ehs: f64,
    /// Hashprice on the first day, USD/PH/day.
    pub start_hashprice_usd_per_ph_day: f64,
    /// Hashprice on the last day, USD/PH/day.
    pub end_hashprice_usd_per_ph_day: f64,
    /// Lowest daily hashprice, USD/PH/day.
    pub min_hashprice_usd_per_ph_day: f64,
    /// Security budget over the first 7 days, USD per day.
    pub start_security_budget_usd_per_day: f64,
    /// Security budget over the last 7 days, USD per day.
    pub end_security_budget_usd_per_day: f64,
    /// Nakamoto coefficient of pools on the first and last day.
    pub start_nakamoto_pools: u32,
    /// Nakamoto coefficient of pools on the last day.
    pub end_nakamoto_pools: u32,
    /// Nakamoto coefficient of controllers on the last day.
    pub end_nakamoto_entities: u32,
    /// Nakamoto coefficient of operators on the last day.
    pub end_nakamoto_operators: u32,
    /// MW converted to AI by the end (earning and converting).
    pub end_ai_mw_total: f64,
    /// Subsidy issued over the run, satoshis.
    pub subsidy_issued_sats: u64,
    /// Fees paid over the run, satoshis.
    pub fees_paid_sats: u64,
    /// Operators at the start and end.
    pub start_operators: u32,
    /// Operators in business at the end.
    pub end_operators: u32,
    /// Operators that entered during the run.
    pub entries: u32,
    /// Operators that exited during the run.
    pub exits: u32,
    /// Insolvent operators restructured (debt written down, machines kept running).
    pub restructurings: u32,
    /// The longest stretch without a block, hours.
    pub longest_block_gap_hours: f64,
    /// What a reader must know about this run in words (e.g. the chain stalled), empty when nothing.
    pub warnings: Vec<String>,
}

/// Everything one run produces.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    /// The model version that produced it (links carry it).
    pub model_version: String,
    /// The scenario it ran.
    pub scenario: Scenario,
    /// Headline figures.
    pub summary: Summary,
    /// One record per day.
    pub days: Vec<DailyRecord>,
    /// The pools (those created during the run last).
    pub pools: Vec<PoolInfo>,
    /// Hash share of each pool, per day: `pool_shares[day][pool]` (0..1).
    pub pool_shares: Vec<Vec<f64>>,
    /// Hash rate switched on per ASIC generation, per day:
    /// `generation_running_ehs[day][generation]`, EH/s.
    pub generation_running_ehs: Vec<Vec<f64>>,
    /// Every difficulty adjustment.
    pub retargets: Vec<Retarget>,
    /// The ASIC generations of the run (catalogue and projected).
    pub generations: Vec<Generation>,
    /// Rewards (subsidy and fees) each pool collected, satoshis.
    pub pool_rewards_sats: Vec<u64>,
    /// What happened, dated and in words, in day order (see [`crate::events`]).
    #[serde(default)]
    pub events: Vec<crate::events::RunEvent>,
    /// What the real network did on the run's days, when the run replays
    /// history (`history_replay = observed`): to draw beside the model's
    /// lines. Empty (and left out of JSON) otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observed: Vec<crate::history::observed::ObservedPoint>,
}

/// A pool's name as a column-safe slug, e.g. `foundry_usa`.
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

impl RunResult {
    /// The CSV header: the daily columns, then `share_<pool>` for each pool.
    pub fn csv_header(&self) -> Vec<String> {
        let mut header: Vec<String> = DailyRecord::COLUMNS.iter().map(|c| c.to_string()).collect();
        header.extend(self.pools.iter().map(|p| format!("share_{}", slug(&p.name))));
        header
    }

    /// Writes the daily series as CSV.
    pub fn write_csv<W: Write>(&self, writer: W) -> csv::Result<()> {
        let mut csv = csv::Writer::from_writer(writer);
        csv.write_record(self.csv_header())?;
        let mut row: Vec<String> = Vec::new();
        for (index, day) in self.days.iter().enumerate() {
            row.clear();
            row.push(day.day.to_string());
            row.push(day.date.clone());
            row.extend(day.numeric_values().iter().map(|v| format_number(*v)));
            let shares = self.pool_shares.get(index).map(Vec::as_slice).unwrap_or(&[]);
            row.extend((0..self.pools.len()).map(|p| format_number(shares.get(p).copied().unwrap_or(0.0))));
            csv.write_record(&row)?;
        }
        csv.flush()?;
        Ok(())
    }

    /// The daily series as CSV text.
    pub fn to_csv_string(&self) -> String {
        let mut buffer = Vec::new();
        self.write_csv(&mut buffer).expect("writing to memory cannot fail");
        String::from_utf8(buffer).expect("CSV of numbers and dates is UTF-8")
    }
}

/// Shortest text that reads back to the same `f64` (Rust's `Display` is
/// exact and the same on every platform).
pub fn format_number(value: f64) -> String {
    format!("{value}")
}

/// Where a run stands before each day (what `run_bounded` watches).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunProgress {
    /// The day about to be simulated (from 0).
    pub day: u32,
    /// Days in the run.
    pub days: u32,
    /// Pools so far (each a column of the series).
    pub pools: usize,
}

impl RunProgress {
    /// Cells of the whole run's series at today's pools: days x (the daily
    /// columns and one per pool). Pools are never removed, so it only grows.
    pub fn output_cells(&self) -> usize {
        (self.days as usize).saturating_mul(DailyRecord::COLUMNS.len() + self.pools)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_start_with_the_contract() {
        let required = "day,date,height,price_usd,difficulty,hashrate_ehs,hashrate_7d_est_ehs,hashprice_usd_per_ph_day,blocks,subsidy_btc,fees_btc,fee_share,security_budget_usd_per_day,security_budget_pct_mcap_yr,attack_cost_rent_usd_per_hour,attack_cost_buy_usd,idle_hashrate_ehs,nakamoto_pools,nakamoto_entities,nakamoto_operators,hhi_pools,top_pool_share,ai_mw,operators_active,energy_gw,fleet_j_per_th";
        for column in required.split(',') {
            assert!(DailyRecord::COLUMNS.contains(&column), "missing {column}");
        }
        let record = DailyRecord { hashrate_ehs: 1_000.0, ..DailyRecord::default() };
        assert_eq!(record.value("hashrate_ehs"), Some(1_000.0));
        assert_eq!(record.value("date"), None);
        assert_eq!(record.numeric_values().len() + 2, DailyRecord::COLUMNS.len());
    }

    #[test]
    fn slugs_are_column_safe() {
        assert_eq!(slug("Foundry USA"), "foundry_usa");
        assert_eq!(slug("SecPool & co"), "secpool_co");
        assert_eq!(slug("BTC.com"), "btc_com");
    }
}
