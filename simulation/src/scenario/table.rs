//! The one declaration of every scenario field: its name, type, default,
//! label, unit, kind and range, help and source, in the order controls show
//! them. [`scenario_fields!`](super::fields) turns it into the [`Scenario`]
//! struct (the help as each field's doc), its `Default`, and [`FIELDS`], the
//! spec every interface reads (`hashlab fields`, the page's controls, links,
//! the API's checks).
//!
//! A new field: one entry here, and the model code that reads it.

use super::fields::{FieldKind, FieldSpec, MAX_SEED};
use super::PricePoint;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

crate::scenario_fields! {
    "run" {
        title: String = String::new();
            "Title", "", Text(0.0, 200.0, 1.0),
            help "Free text that names the run on charts and exports.",
            source "user's choice";
        seed: u64 = 42;
            "Seed", "", Integer(0.0, MAX_SEED, 1.0),
            help "Seed of every random draw: the same seed gives the same run.",
            source "user's choice";
        operators: u32 = 2_000;
            "Operators", "agents", Integer(10.0, 200_000.0, 10.0),
            help "How many operators the model follows; more is finer-grained, slower.",
            source "model resolution, not a count of real firms";
        years: f64 = 4.0;
            "Years", "years", Number(0.1, 30.0, 0.1),
            help "How long the run lasts.",
            source "user's choice";
    }
    "chain" {
        start_date: NaiveDate = NaiveDate::from_ymd_opt(2025, 11, 1).expect("valid date");
            "Start date", "date", Date(0.0, 0.0, 1.0),
            help "The first simulated day.",
            source "late-2025 network: CALIBRATION.md, network table";
        start_height: u64 = 921_400;
            "Start height", "blocks", Integer(0.0, 13_440_000.0, 1.0),
            help "Chain height at the start; subsidy halves every 210,000 blocks (next at 1,050,000).",
            source "~921,400 on 1 Nov 2025 (protocol; CALIBRATION.md: late 2025 near 920,000)";
        start_difficulty_t: f64 = 155.0;
            "Start difficulty", "T", Number(0.000_001, 10_000_000.0, 0.1),
            help "Difficulty at the start, in trillions.",
            source "~155 T early Nov 2025 (CALIBRATION.md, network table)";
        start_hashrate_ehs: f64 = 1_203.0;
            "Installed hash rate", "EH/s", Number(0.001, 10_000_000.0, 1.0),
            help "Machines installed at the start, running or idle.",
            source "1,203: gives ~1,110 EH/s running on 1 Nov 2025 (CALIBRATION.md: 1,092 from blocks, 1-7 Nov) with ~8% idle";
    }
    "market" {
        start_price_usd: f64 = 110_000.0;
            "Start price", "USD", Number(1.0, 100_000_000.0, 100.0),
            help "BTC price on the first day.",
            source "~$110,000 on 1 Nov 2025 (CALIBRATION.md, week-by-week table)";
        price_drift: f64 = 0.0;
            "Price drift", "/year", Number(-3.0, 3.0, 0.01),
            help "Expected growth per year of the random price path (continuously compounded mean; the median grows at drift - volatility^2/2).",
            source "0: no view on direction";
        price_volatility: f64 = 0.45;
            "Price volatility", "/sqrt(year)", Number(0.0, 3.0, 0.01),
            help "How much the price wanders: annualised volatility.",
            source "~45%: BTC's realised volatility in 2025 (Coin Metrics reference rates)";
        price_shock_pct: f64 = 0.0;
            "Price shock", "%", Number(-95.0, 1_000.0, 1.0),
            help "A fall (negative) or rise of the price, on top of the path.",
            source "0; the squeeze preset uses -38% (seed articles, CALIBRATION.md)";
        price_shock_start_day: u32 = 0;
            "Shock starts", "day", Integer(0.0, 10_958.0, 1.0),
            help "Day of the run the shock starts.",
            source "user's choice";
        price_shock_days: u32 = 30;
            "Shock length", "days", Integer(1.0, 3_650.0, 1.0),
            help "Days the shock takes to play out.",
            source "user's choice";
        curtailment_pct: f64 = 0.0;
            "Curtailment", "%", Number(0.0, 100.0, 1.0),
            help "Share of running hash switched off for a while (a winter storm, grid demand response).",
            source "0; Winter Storm Fern curtailed US hash in late Jan 2026 (CALIBRATION.md, 2026 table)";
        curtailment_start_day: u32 = 0;
            "Curtailment starts", "day", Integer(0.0, 36_600.0, 1.0),
            help "Day of the run the curtailment starts.",
            source "user's choice";
        curtailment_days: u32 = 7;
            "Curtailment length", "days", Integer(1.0, 3_660.0, 1.0),
            help "Days the curtailment holds at its full share.",
            source "user's choice; Fern's curtailment lasted about a week";
        curtailment_ramp_days: u32 = 0;
            "Curtailment ramp", "days", Integer(0.0, 3_660.0, 1.0),
            help "Days over which the curtailment grows to its full share before it holds (0: all at once).",
            source "0; China's 2021 ban shut provinces one after another from 21 May to late June (docs/CALIBRATION.md, history events)";
        curtailment_return_days: u32 = 0;
            "Curtailment return", "days", Integer(0.0, 3_660.0, 1.0),
            help "Days over which the curtailed machines come back, evenly, after it holds (0: all at once): machines shipped to new sites come back over months.",
            source "0; after China's 2021 ban, machines were reinstalled abroad from July to December (docs/CALIBRATION.md, history events)";
        history_replay: String = String::new();
            "Replay history", "", Text(0.0, 8.0, 1.0),
            help "`observed`: each day's price and fees are those observed from 2019-01-01 to 2025-12-29 (outside it, the price path and fee settings), and the run carries the observed series beside its own; empty: no replay.",
            source "Coin Metrics community data, CC BY-NC 4.0 (data/README.md)";
        price_path: Vec<PricePoint> = Vec::new();
            "Price path", "date:USD", PricePath(0.0, 0.0, 1.0),
            help "Dated prices to follow (scripted or uploaded); noise and shocks apply on top.",
            source "Coin Metrics daily reference rates (CALIBRATION.md) for the history preset";
    }
    "fees" {
        fee_btc_per_block: f64 = 0.025;
            "Fees per block", "BTC", Number(0.0, 50.0, 0.005),
            help "Fees that arrive per 10 minutes at the start: a block's fees when blocks come on time (slower blocks collect more).",
            source "~0.025 BTC, Aug 2025 mean (CALIBRATION.md: Luxor)";
        fee_block_capacity_blocks: f64 = 3.0;
            "Block fee capacity", "x 10 min", Number(1.0, 1_000.0, 0.5),
            help "The most fees one block collects, in 10-minute fee flows; the rest waits in the mempool for the next block.",
            source "assumption: 3 (a block's 4 MWU limit; the mempool's backlog pays lower fee rates)";
        fee_growth_pct_per_year: f64 = 0.0;
            "Fee growth", "%/year", Number(-100.0, 1_000.0, 1.0),
            help "Yearly growth of the fee level.",
            source "0: fees have fallen since 2024 (CALIBRATION.md)";
        fee_volatility: f64 = 0.3;
            "Fee noise", "sigma", Number(0.0, 3.0, 0.01),
            help "Spread of the daily fee level around its trend (log-normal).",
            source "~0.3: fees ran 2-5 BTC a day in late 2025 (CALIBRATION.md)";
        fee_persistence: f64 = 0.73;
            "Fee persistence", "share", Number(0.0, 0.99, 0.01),
            help "How much of a day's fee level carries into the next (the daily AR(1) coefficient of log fees): congestion comes in episodes, not in independent days. The spread around the trend stays the fee noise.",
            source "0.73: median over 2019-2025 of each year's daily AR(1) coefficient of log fees per block around a 61-day mean (data/btc-daily-2019-2025.csv; 0.43 in 2025 to 0.84 in 2023)";
    }
    "power" {
        power_price_median_usd_per_kwh: f64 = 0.045;
            "Median power price", "USD/kWh", Number(0.001, 1.0, 0.001),
            help "The typical site's delivered power price.",
            source "$45/MWh median (CALIBRATION.md: Cambridge 2025 report)";
        power_price_dispersion: f64 = 0.35;
            "Power price spread", "sigma", Number(0.0, 2.0, 0.01),
            help "How much sites' power prices differ (log-normal sigma).",
            source "0.35: Bitdeer under $0.04, small miners $0.07+ (CALIBRATION.md)";
        power_price_trend_pct_per_year: f64 = 0.0;
            "Power price trend", "%/year", Number(-50.0, 100.0, 0.5),
            help "Yearly change of every site's power price (AI demand bids it up).",
            source "0 by default";
        power_fixed_share: f64 = 0.1;
            "Fixed power cost", "share", Number(0.0, 1.0, 0.01),
            help "Share of each site's power cost owed whether its machines run or not (take-or-pay capacity, hosting fees per kW, hedges): machines switch off only when hashprice falls below the rest.",
            source "assumption: 0.1, bracketed by history: with none, the hash rate does not come back after Winter Storm Fern (the 20 Feb 2026 adjustment +1% in the median against +14.7% observed); at 0.22 the network barely sheds hash in Nov-Dec 2025 (difficulty +0.8% from 1 Nov to 8 Jan against -4.9% observed). Public miners report fixed-price PPAs and demand charges (Riot's to 2030; Cipher 96% fixed-price)";
        stranded_power_growth_pct_per_year: f64 = 20.0;
            "Cheap power growth", "%/year", Number(0.0, 1_000.0, 1.0),
            help "How fast the stranded and state power open to mining can grow (flare gas, surplus hydro, state programmes): the stranded kind's sites, in MW, grow at most this much a year from the start. Beyond it its operators buy only machines that fit their sites.",
            source "assumption: 20%/year, between the growth of cheap-power regions (Kazakhstan 1.4% to 18% of the hash rate in 2019-2021, Russia 4.7% to 15.7% in 2022-2025) and the network's (~25%/year in MW); docs/CALIBRATION.md, Cheap power";
        opex_usd_per_mw_month: f64 = 8_000.0;
            "Other site costs", "USD/MW-month", Number(0.0, 1_000_000.0, 100.0),
            help "Staff, maintenance and hosting per MW of machines installed.",
            source "energy ~80% of operating cost (CALIBRATION.md: Cambridge): ~$8k per MW-month at $45/MWh";
    }
    "ai" {
        ai_revenue_usd_per_mw_year: f64 = 1_450_000.0;
            "AI revenue", "USD/MW-year", Number(0.0, 20_000_000.0, 10_000.0),
            help "What an AI/HPC tenant pays per MW per year.",
            source "$1.45M: Core Scientific-CoreWeave; $1.85M: TeraWulf-Fluidstack (CALIBRATION.md)";
        ai_operating_cost_share: f64 = 0.35;
            "AI running costs", "share", Number(0.0, 1.0, 0.01),
            help "Share of AI revenue spent running the hosted site.",
            source "assumption: 35%";
        ai_conversion_capex_usd_per_mw: f64 = 4_000_000.0;
            "AI conversion capex", "USD/MW", Number(0.0, 100_000_000.0, 50_000.0),
            help "Capital cost of turning a MW of mining into AI hosting.",
            source "$3-5M per MW (CALIBRATION.md: industry interview)";
        ai_conversion_months: u32 = 18;
            "AI conversion time", "months", Integer(0.0, 120.0, 1.0),
            help "Months from the decision to the first AI revenue.",
            source "12-24 months (CALIBRATION.md, an assumption)";
        ai_eligible_share: f64 = 0.2;
            "Sites fit for AI", "share", Number(0.0, 1.0, 0.01),
            help "Share of large sites with the power, fibre and location AI needs.",
            source "~20% of mining sites (CALIBRATION.md: industry interview)";
        ai_market_mw_per_year: f64 = 2_000.0;
            "AI market size", "MW/year", Number(0.0, 1_000_000.0, 100.0),
            help "MW of miners' sites AI tenants take per year at the reference rent ($1.45M per IT MW-year); at another rent the demand elasticity scales it.",
            source "assumption: ~2 GW/year (Riot alone weighs ~600 MW; deals covering 3.7 GW by May 2026, Bernstein: CALIBRATION.md)";
        ai_demand_elasticity: f64 = 1.0;
            "AI demand elasticity", "", Number(0.0, 5.0, 0.1),
            help "How AI tenants' demand answers the rent: the MW taken each year is the market size times (reference rent / rent) to this power. 1: tenants spend a fixed budget, so twice the rent takes half the MW; 0: the same MW at any rent.",
            source "assumption: 1 (a fixed hosting budget); the reference rent is Core Scientific-CoreWeave's ~$1.45M (CALIBRATION.md)";
        ai_hurdle_pct: f64 = 25.0;
            "AI hurdle", "%", Number(0.0, 1_000.0, 1.0),
            help "How much more AI must earn than mining before a site converts.",
            source "assumption: 25% (irreversibility and execution risk)";
        ai_min_site_mw: f64 = 20.0;
            "Smallest AI site", "MW", Number(0.0, 10_000.0, 1.0),
            help "Sites smaller than this cannot host AI.",
            source "assumption: 20 MW";
        ai_it_share_of_site: f64 = 0.7;
            "AI IT load", "share of site MW", Number(0.1, 1.0, 0.05),
            help "AI tenants pay per MW of IT load, which is this share of the site's gross MW (cooling and losses take the rest).",
            source "~0.7: Cipher's Barber Lake is 168 MW IT of 244 MW gross (CALIBRATION.md, 2026 table)";
    }
    "hardware" {
        asic_generation_months: u32 = 24;
            "New generation every", "months", Integer(1.0, 240.0, 1.0),
            help "Months between new ASIC generations after today's best.",
            source "Antminer S19 (2020) -> S19 XP (2022) -> S21 (2024): ~24 months (CALIBRATION.md)";
        asic_efficiency_gain_pct: f64 = 15.0;
            "Efficiency gain", "% per generation", Number(0.0, 90.0, 1.0),
            help "How many percent fewer J/TH each new generation needs.",
            source "21.5 -> 17.5 -> 13.5 J/TH: ~20% a step (CALIBRATION.md)";
        asic_price_payback_days: f64 = 600.0;
            "Machine price", "days of margin", Number(30.0, 5_000.0, 10.0),
            help "The payback the machine market prices at: a used machine sells at this many days of its margin to the marginal buyer (less the second-hand discount; a failed firm's fleet, at its margin at $0.05/kWh); production cost is set from an S21 XP's worth at the 2024 hashprice.",
            source "600 days: S21 XP ~$25.7/TH at ~$43 hashprice (CALIBRATION.md)";
        asic_production_cost_share: f64 = 0.4;
            "Production cost", "share of price", Number(0.05, 1.0, 0.01),
            help "What a machine costs its manufacturer, as a share of its launch price.",
            source "assumption: 40%";
        asic_markup_floor: f64 = 1.15;
            "Machine markup", "x production cost", Number(1.0, 10.0, 0.01),
            help "New machines sell at this multiple of what they cost to make when no orders are queued at the factories.",
            source "1.15: S21 pre-orders at $14/TH in Oct 2023, shipping in ~3 months (CALIBRATION.md, Machine market)";
        asic_markup_per_queue_month: f64 = 0.7;
            "Markup per month queued", "x cost per month", Number(0.0, 10.0, 0.05),
            help "How much the markup rises for each month of orders queued at the factories beyond the delivery lag: the price that rations a boom.",
            source "0.7: the most efficient machines near $100/TH (about 5x cost) with queues of 6-9 months in 2021 (CALIBRATION.md, Machine market)";
        asic_start_markup: f64 = 2.76;
            "Machine markup at the start", "x production cost", Number(1.0, 10.0, 0.01),
            help "What new machines sell for on the first day, as a multiple of what they cost to make; the list price then follows the factories' queue (down over a few months).",
            source "2.76: S21 XP at $25.70/TH on 3 Nov 2025 against ~$9.3/TH to make (CALIBRATION.md, Machine market)";
        asic_capacity_lag_months: u32 = 6;
            "Factories follow orders over", "months", Integer(1.0, 60.0, 1.0),
            help "Months over which manufacturers' output moves towards the orders they take (they mine some of what they cannot sell meanwhile).",
            source "6 months: chip supply is booked 6-12 months ahead; the late-2021 queue of about six months was delivered by mid-2022 (CALIBRATION.md, Machine market)";
        secondhand_discount_pct: f64 = 30.0;
            "Second-hand discount", "%", Number(0.0, 100.0, 1.0),
            help "Discount of used machines against their value.",
            source "assumption: 30%";
        secondhand_relocation_days: u32 = 45;
            "Used machines move in", "days", Integer(0.0, 365.0, 1.0),
            help "Days from buying a used machine to hashing with it at the buyer's site (shipping, customs, racking); it is off the network meanwhile. Arrivals spread over the following month.",
            source "assumption: 45 days, within the 1-3 months moving and installing a used fleet takes";
        machine_wear_pct_per_year: f64 = 10.0;
            "Machine wear", "%/year", Number(0.0, 50.0, 0.5),
            help "Share of machines, running or idle, that fail for good each year (hashboards, fans, power supplies): each lot loses its share once a year, in a month of its own, so a twelfth of the fleet wears each month. Without wear a fleet bought in a boom would stay for ever and pin the hashprice at its power cost.",
            source "assumption: 10% a year, between the ~5% failure rate of sound models and the 20-30% reported for the S17/T17 (CALIBRATION.md, Machine wear)";
        delivery_lag_months: u32 = 3;
            "Delivery lag", "months", Integer(0.0, 24.0, 1.0),
            help "Months from ordering machines to plugging them in.",
            source "assumption: 3 months";
        mining_capex_usd_per_mw: f64 = 325_000.0;
            "Mining site capex", "USD/MW", Number(0.0, 100_000_000.0, 5_000.0),
            help "Capital cost of new mining site capacity.",
            source "$0.30-0.35M per MW (CALIBRATION.md)";
    }
    "operators" {
        mix_small_private: f64 = 8.0;
            "Small private miners", "weight", Number(0.0, 100.0, 1.0),
            help "Weight of hobbyists and small miners (expensive power) in the starting hash rate.",
            source "assumption, with the fleet mean of ~28 J/TH (CALIBRATION.md)";
        mix_large_private: f64 = 37.0;
            "Large private miners", "weight", Number(0.0, 100.0, 1.0),
            help "Weight of large private miners in the starting hash rate.",
            source "assumption";
        mix_public_miner: f64 = 30.0;
            "Public listed miners", "weight", Number(0.0, 100.0, 1.0),
            help "Weight of public listed miners (MARA, Riot, CleanSpark-like).",
            source "~30% of hash (company reports, 2025)";
        mix_manufacturer: f64 = 12.0;
            "Manufacturer self-miners", "weight", Number(0.0, 100.0, 1.0),
            help "Weight of manufacturers mining their own machines (Bitmain-, Bitdeer-like).",
            source "assumption: ~12%";
        mix_stranded: f64 = 13.0;
            "Stranded and state-linked", "weight", Number(0.0, 100.0, 1.0),
            help "Weight of operators on very cheap power (flared gas, state grids).",
            source "assumption: ~13%";
        entry_pct_per_month: f64 = 1.0;
            "Entry rate", "%/month", Number(0.0, 100.0, 0.1),
            help "New operators per month at neutral profitability, as a share of those active.",
            source "assumption: 1%";
        exit_loss_months: u32 = 6;
            "Patience", "months", Integer(1.0, 120.0, 1.0),
            help "Median months in a row with no operating margin (before interest) expected ahead, after which an operator sells up; each operator's own patience is drawn around it.",
            source "assumption: 6 months (2022's failed miners held on for 6-12 months)";
        run_hysteresis_pct: f64 = 5.0;
            "Switch hysteresis", "%", Number(0.0, 50.0, 0.5),
            help "Machines switch off below breakeven minus this, back on above breakeven plus this.",
            source "assumption: 5%";
        switch_off_days: u32 = 7;
            "Switch-off delay", "days", Integer(0.0, 90.0, 1.0),
            help "Days a machine keeps running below its switch-off point (power contracts, hedges, hopes of recovery) before it goes idle: x0.3 for small miners, x2 for public ones.",
            source "7 days: fits the late-2025 adjustments of about -2% per retarget (CALIBRATION.md)";
        expectation_weight: f64 = 0.3;
            "Expectation weight", "0..1", Number(0.0, 1.0, 0.01),
            help "Weight of the latest month when operators update their hashprice expectation.",
            source "adaptive expectations, assumption: 0.3";
        debt_interest_pct_per_year: f64 = 10.0;
            "Interest rate", "%/year", Number(0.0, 100.0, 0.5),
            help "Interest on operators' debt.",
            source "assumption: 10% (miners' convertible and secured debt, 2025)";
    }
    "pools" {
        manufacturer_self_mining: f64 = 0.6;
            "Self-mining of unsold output", "share", Number(0.0, 1.0, 0.01),
            help "Share of machines manufacturers cannot sell that they plug in themselves.",
            source "assumption: 0.6 (Bitmain and Bitdeer mine their own, CALIBRATION.md)";
        manufacturer_production_ehs_per_month: f64 = 25.0;
            "Manufacturers' output", "EH/s per month", Number(0.0, 10_000.0, 1.0),
            help "Machines manufacturers make per month at the start, in EH/s of the most efficient machine released by then. The factories' output is counted in the power its machines draw, so a newer generation comes out at more EH/s.",
            source "~25 EH/s a month: the 2024-25 growth of hash rate plus replacements";
        pool_preference_strength: f64 = 1.0;
            "Preference for big pools", "exponent", Number(0.0, 5.0, 0.05),
            help "How strongly operators prefer large pools (0: any pool alike).",
            source "1: choice in proportion to share (preferential attachment)";
        pool_switch_pct_per_month: f64 = 2.0;
            "Pool switching", "%/month", Number(0.0, 100.0, 0.5),
            help "Share of operators who re-choose their pool each month.",
            source "assumption: 2%";
        own_pool_min_ehs: f64 = 30.0;
            "Own pool from", "EH/s", Number(0.0, 100_000.0, 1.0),
            help "Operators larger than this may run their own pool (like MARA Pool).",
            source "MARA Pool ~4% of blocks (CALIBRATION.md)";
        pool_majority_aversion: f64 = 1.0;
            "Majority aversion", "strength", Number(0.0, 10.0, 0.1),
            help "How strongly miners shun a pool above 40% of the hash rate, and leave one nearing 50% (0: not at all).",
            source "1: GHash.io neared 50% in June 2014 and miners left it within weeks (its share fell below 40%)";
    }
    "security" {
        attack_rent_premium_pct: f64 = 20.0;
            "Rental premium", "%", Number(0.0, 1_000.0, 1.0),
            help "What renting hash costs above hashprice.",
            source "assumption: 20% (hash markets charge above hashprice)";
        attack_hours: f64 = 24.0;
            "Attack length", "hours", Number(1.0, 8_760.0, 1.0),
            help "Hours of power the buy route pays for.",
            source "assumption: 24 hours";
    }
}

impl FieldSpec {
    /// The spec of the field called `name`.
    pub fn find(name: &str) -> Option<&'static FieldSpec> {
        FIELDS.iter().find(|spec| spec.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_snake_case_and_ranges_hold_defaults() {
        let mut names: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FIELDS.len());
        for spec in FIELDS {
            assert!(spec.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'), "{}", spec.name);
            assert!(spec.min <= spec.max, "{}", spec.name);
            assert!(!spec.help.is_empty() && !spec.source.is_empty(), "{}", spec.name);
        }
    }
}
