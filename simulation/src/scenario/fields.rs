//! The field table: name, unit, range, help and source of every scenario field.

use crate::error::ScenarioError;
use chrono::NaiveDate;
use serde_json::Value;

/// What kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// A real number.
    Number,
    /// A whole number.
    Integer,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// Free text.
    Text,
    /// A list of `YYYY-MM-DD:price` points.
    PricePath,
}

/// Everything a user interface needs to show and check one field.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct FieldSpec {
    /// The field's name in files, links, `--set` and the API.
    pub name: &'static str,
    /// A short label for a control.
    pub label: &'static str,
    /// The unit, as shown beside the value.
    pub unit: &'static str,
    /// The group of controls it belongs to.
    pub group: &'static str,
    /// Its kind of value.
    pub kind: FieldKind,
    /// Smallest allowed value (numbers; for text, the shortest length).
    pub min: f64,
    /// Largest allowed value (numbers; for text, the longest length).
    pub max: f64,
    /// A sensible slider step.
    pub step: f64,
    /// One line that explains it.
    pub help: &'static str,
    /// Where its default comes from.
    pub source: &'static str,
}

#[allow(clippy::too_many_arguments)]
const fn field(
    name: &'static str,
    label: &'static str,
    unit: &'static str,
    group: &'static str,
    kind: FieldKind,
    range: (f64, f64, f64),
    help: &'static str,
    source: &'static str,
) -> FieldSpec {
    FieldSpec { name, label, unit, group, kind, min: range.0, max: range.1, step: range.2, help, source }
}

use FieldKind::{Date, Integer, Number, PricePath, Text};

/// The largest seed: 2^53 - 1, so that links and JSON numbers stay exact in every language.
pub const MAX_SEED: f64 = 9_007_199_254_740_991.0;

/// Every scenario field, in the order controls show them.
pub const FIELDS: &[FieldSpec] = &[
    // Run
    field("title", "Title", "", "run", Text, (0.0, 200.0, 1.0), "Free text that names the run on charts and exports.", "user's choice"),
    field(
        "seed",
        "Seed",
        "",
        "run",
        Integer,
        (0.0, MAX_SEED, 1.0),
        "Seed of every random draw: the same seed gives the same run.",
        "user's choice",
    ),
    field(
        "operators",
        "Operators",
        "agents",
        "run",
        Integer,
        (10.0, 200_000.0, 10.0),
        "How many operators the model follows; more is finer-grained, slower.",
        "model resolution, not a count of real firms",
    ),
    field("years", "Years", "years", "run", Number, (0.1, 30.0, 0.1), "How long the run lasts.", "user's choice"),
    // Chain
    field(
        "start_date",
        "Start date",
        "date",
        "chain",
        Date,
        (0.0, 0.0, 1.0),
        "The first simulated day.",
        "late-2025 network: CALIBRATION.md, network table",
    ),
    field(
        "start_height",
        "Start height",
        "blocks",
        "chain",
        Integer,
        (0.0, 13_440_000.0, 1.0),
        "Chain height at the start; subsidy halves every 210,000 blocks (next at 1,050,000).",
        "~921,400 on 1 Nov 2025 (protocol; CALIBRATION.md: late 2025 near 920,000)",
    ),
    field(
        "start_difficulty_t",
        "Start difficulty",
        "T",
        "chain",
        Number,
        (0.000_001, 10_000_000.0, 0.1),
        "Difficulty at the start, in trillions.",
        "~155 T early Nov 2025 (CALIBRATION.md, network table)",
    ),
    field(
        "start_hashrate_ehs",
        "Installed hash rate",
        "EH/s",
        "chain",
        Number,
        (0.001, 10_000_000.0, 1.0),
        "Machines installed at the start, running or idle.",
        "1,230: gives ~1,100 EH/s running on 1 Nov 2025 (CALIBRATION.md: 1,092 from blocks, 1-7 Nov) with ~10% idle",
    ),
    // Market
    field(
        "start_price_usd",
        "Start price",
        "USD",
        "market",
        Number,
        (1.0, 100_000_000.0, 100.0),
        "BTC price on the first day.",
        "~$110,000 on 1 Nov 2025 (CALIBRATION.md, week-by-week table)",
    ),
    field(
        "price_drift",
        "Price drift",
        "/year",
        "market",
        Number,
        (-3.0, 3.0, 0.01),
        "Expected growth per year of the random price path (continuously compounded mean; the median grows at drift - volatility^2/2).",
        "0: no view on direction",
    ),
    field(
        "price_volatility",
        "Price volatility",
        "/sqrt(year)",
        "market",
        Number,
        (0.0, 3.0, 0.01),
        "How much the price wanders: annualised volatility.",
        "~45%: BTC's realised volatility in 2025 (Coin Metrics reference rates)",
    ),
    field(
        "price_shock_pct",
        "Price shock",
        "%",
        "market",
        Number,
        (-95.0, 1_000.0, 1.0),
        "A fall (negative) or rise of the price, on top of the path.",
        "0; the squeeze preset uses -38% (seed articles, CALIBRATION.md)",
    ),
    field(
        "price_shock_start_day",
        "Shock starts",
        "day",
        "market",
        Integer,
        (0.0, 10_958.0, 1.0),
        "Day of the run the shock starts.",
        "user's choice",
    ),
    field(
        "price_shock_days",
        "Shock length",
        "days",
        "market",
        Integer,
        (1.0, 3_650.0, 1.0),
        "Days the shock takes to play out.",
        "user's choice",
    ),
    field(
        "curtailment_pct",
        "Curtailment",
        "%",
        "market",
        Number,
        (0.0, 100.0, 1.0),
        "Share of running hash switched off for a while (a winter storm, grid demand response).",
        "0; Winter Storm Fern curtailed US hash in late Jan 2026 (CALIBRATION.md, 2026 table)",
    ),
    field(
        "curtailment_start_day",
        "Curtailment starts",
        "day",
        "market",
        Integer,
        (0.0, 36_600.0, 1.0),
        "Day of the run the curtailment starts.",
        "user's choice",
    ),
    field(
        "curtailment_days",
        "Curtailment length",
        "days",
        "market",
        Integer,
        (1.0, 3_660.0, 1.0),
        "Days the curtailed machines stay off.",
        "user's choice; Fern's curtailment lasted about a week",
    ),
    field(
        "price_path",
        "Price path",
        "date:USD",
        "market",
        PricePath,
        (0.0, 0.0, 1.0),
        "Dated prices to follow (scripted or uploaded); noise and shocks apply on top.",
        "Coin Metrics daily reference rates (CALIBRATION.md) for the history preset",
    ),
    // Fees
    field(
        "fee_btc_per_block",
        "Fees per block",
        "BTC",
        "fees",
        Number,
        (0.0, 50.0, 0.005),
        "Fees that arrive per 10 minutes at the start: a block's fees when blocks come on time (slower blocks collect more).",
        "~0.025 BTC, Aug 2025 mean (CALIBRATION.md: Luxor)",
    ),
    field(
        "fee_block_capacity_blocks",
        "Block fee capacity",
        "x 10 min",
        "fees",
        Number,
        (1.0, 1_000.0, 0.5),
        "The most fees one block collects, in 10-minute fee flows; the rest waits in the mempool for the next block.",
        "assumption: 3 (a block's 4 MWU limit; the mempool's backlog pays lower fee rates)",
    ),
    field(
        "fee_growth_pct_per_year",
        "Fee growth",
        "%/year",
        "fees",
        Number,
        (-100.0, 1_000.0, 1.0),
        "Yearly growth of the fee level.",
        "0: fees have fallen since 2024 (CALIBRATION.md)",
    ),
    field(
        "fee_volatility",
        "Fee noise",
        "sigma",
        "fees",
        Number,
        (0.0, 3.0, 0.01),
        "Day-to-day noise of fees (log-normal).",
        "~0.3: fees ran 2-5 BTC a day in late 2025 (CALIBRATION.md)",
    ),
    // Power
    field(
        "power_price_median_usd_per_kwh",
        "Median power price",
        "USD/kWh",
        "power",
        Number,
        (0.001, 1.0, 0.001),
        "The typical site's delivered power price.",
        "$45/MWh median (CALIBRATION.md: Cambridge 2025 report)",
    ),
    field(
        "power_price_dispersion",
        "Power price spread",
        "sigma",
        "power",
        Number,
        (0.0, 2.0, 0.01),
        "How much sites' power prices differ (log-normal sigma).",
        "0.35: Bitdeer under $0.04, small miners $0.07+ (CALIBRATION.md)",
    ),
    field(
        "power_price_trend_pct_per_year",
        "Power price trend",
        "%/year",
        "power",
        Number,
        (-50.0, 100.0, 0.5),
        "Yearly change of every site's power price (AI demand bids it up).",
        "0 by default",
    ),
    field(
        "opex_usd_per_mw_month",
        "Other site costs",
        "USD/MW-month",
        "power",
        Number,
        (0.0, 1_000_000.0, 100.0),
        "Staff, maintenance and hosting per MW of machines installed.",
        "energy ~80% of operating cost (CALIBRATION.md: Cambridge): ~$8k per MW-month at $45/MWh",
    ),
    // AI hosting
    field(
        "ai_revenue_usd_per_mw_year",
        "AI revenue",
        "USD/MW-year",
        "ai",
        Number,
        (0.0, 20_000_000.0, 10_000.0),
        "What an AI/HPC tenant pays per MW per year.",
        "$1.45M: Core Scientific-CoreWeave; $1.85M: TeraWulf-Fluidstack (CALIBRATION.md)",
    ),
    field(
        "ai_operating_cost_share",
        "AI running costs",
        "share",
        "ai",
        Number,
        (0.0, 1.0, 0.01),
        "Share of AI revenue spent running the hosted site.",
        "assumption: 35%",
    ),
    field(
        "ai_conversion_capex_usd_per_mw",
        "AI conversion capex",
        "USD/MW",
        "ai",
        Number,
        (0.0, 100_000_000.0, 50_000.0),
        "Capital cost of turning a MW of mining into AI hosting.",
        "$3-5M per MW (CALIBRATION.md: industry interview)",
    ),
    field(
        "ai_conversion_months",
        "AI conversion time",
        "months",
        "ai",
        Integer,
        (0.0, 120.0, 1.0),
        "Months from the decision to the first AI revenue.",
        "12-24 months (CALIBRATION.md, an assumption)",
    ),
    field(
        "ai_eligible_share",
        "Sites fit for AI",
        "share",
        "ai",
        Number,
        (0.0, 1.0, 0.01),
        "Share of large sites with the power, fibre and location AI needs.",
        "~20% of mining sites (CALIBRATION.md: industry interview)",
    ),
    field(
        "ai_market_mw_per_year",
        "AI market size",
        "MW/year",
        "ai",
        Number,
        (0.0, 1_000_000.0, 100.0),
        "MW of miners' sites the AI market absorbs per year at most.",
        "assumption: ~2 GW/year (Riot alone weighs ~600 MW, CALIBRATION.md)",
    ),
    field(
        "ai_hurdle_pct",
        "AI hurdle",
        "%",
        "ai",
        Number,
        (0.0, 1_000.0, 1.0),
        "How much more AI must earn than mining before a site converts.",
        "assumption: 25% (irreversibility and execution risk)",
    ),
    field(
        "ai_min_site_mw",
        "Smallest AI site",
        "MW",
        "ai",
        Number,
        (0.0, 10_000.0, 1.0),
        "Sites smaller than this cannot host AI.",
        "assumption: 20 MW",
    ),
    field(
        "ai_it_share_of_site",
        "AI IT load",
        "share of site MW",
        "ai",
        Number,
        (0.1, 1.0, 0.05),
        "AI tenants pay per MW of IT load, which is this share of the site's gross MW (cooling and losses take the rest).",
        "~0.7: Cipher's Barber Lake is 168 MW IT of 244 MW gross (CALIBRATION.md, 2026 table)",
    ),
    // Hardware
    field(
        "asic_generation_months",
        "New generation every",
        "months",
        "hardware",
        Integer,
        (1.0, 240.0, 1.0),
        "Months between new ASIC generations after today's best.",
        "Antminer S19 (2020) -> S19 XP (2022) -> S21 (2024): ~24 months (CALIBRATION.md)",
    ),
    field(
        "asic_efficiency_gain_pct",
        "Efficiency gain",
        "% per generation",
        "hardware",
        Number,
        (0.0, 90.0, 1.0),
        "How many percent fewer J/TH each new generation needs.",
        "21.5 -> 17.5 -> 13.5 J/TH: ~20% a step (CALIBRATION.md)",
    ),
    field(
        "asic_price_payback_days",
        "Machine price",
        "days of margin",
        "hardware",
        Number,
        (30.0, 5_000.0, 10.0),
        "New machines sell for production cost plus this many days of their margin at $0.05/kWh: prices follow hashprice.",
        "600 days: S21 XP ~$25.7/TH at ~$43 hashprice (CALIBRATION.md)",
    ),
    field(
        "asic_production_cost_share",
        "Production cost",
        "share of price",
        "hardware",
        Number,
        (0.05, 1.0, 0.01),
        "What a machine costs its manufacturer, as a share of its launch price.",
        "assumption: 40%",
    ),
    field(
        "secondhand_discount_pct",
        "Second-hand discount",
        "%",
        "hardware",
        Number,
        (0.0, 100.0, 1.0),
        "Discount of used machines against their value.",
        "assumption: 30%",
    ),
    field(
        "delivery_lag_months",
        "Delivery lag",
        "months",
        "hardware",
        Integer,
        (0.0, 24.0, 1.0),
        "Months from ordering machines to plugging them in.",
        "assumption: 3 months",
    ),
    field(
        "mining_capex_usd_per_mw",
        "Mining site capex",
        "USD/MW",
        "hardware",
        Number,
        (0.0, 100_000_000.0, 5_000.0),
        "Capital cost of new mining site capacity.",
        "$0.30-0.35M per MW (CALIBRATION.md)",
    ),
    // Operators
    field(
        "mix_small_private",
        "Small private miners",
        "weight",
        "operators",
        Number,
        (0.0, 100.0, 1.0),
        "Weight of hobbyists and small miners (expensive power) in the starting hash rate.",
        "assumption, with the fleet mean of ~28 J/TH (CALIBRATION.md)",
    ),
    field(
        "mix_large_private",
        "Large private miners",
        "weight",
        "operators",
        Number,
        (0.0, 100.0, 1.0),
        "Weight of large private miners in the starting hash rate.",
        "assumption",
    ),
    field(
        "mix_public_miner",
        "Public listed miners",
        "weight",
        "operators",
        Number,
        (0.0, 100.0, 1.0),
        "Weight of public listed miners (MARA, Riot, CleanSpark-like).",
        "~30% of hash (company reports, 2025)",
    ),
    field(
        "mix_manufacturer",
        "Manufacturer self-miners",
        "weight",
        "operators",
        Number,
        (0.0, 100.0, 1.0),
        "Weight of manufacturers mining their own machines (Bitmain-, Bitdeer-like).",
        "assumption: ~12%",
    ),
    field(
        "mix_stranded",
        "Stranded and state-linked",
        "weight",
        "operators",
        Number,
        (0.0, 100.0, 1.0),
        "Weight of operators on very cheap power (flared gas, state grids).",
        "assumption: ~13%",
    ),
    field(
        "entry_pct_per_month",
        "Entry rate",
        "%/month",
        "operators",
        Number,
        (0.0, 100.0, 0.1),
        "New operators per month at neutral profitability, as a share of those active.",
        "assumption: 1%",
    ),
    field(
        "exit_loss_months",
        "Patience",
        "months",
        "operators",
        Integer,
        (1.0, 120.0, 1.0),
        "Median months in a row with no operating margin (before interest) expected ahead, after which an operator sells up; each operator's own patience is drawn around it.",
        "assumption: 6 months (2022's failed miners held on for 6-12 months)",
    ),
    field(
        "run_hysteresis_pct",
        "Switch hysteresis",
        "%",
        "operators",
        Number,
        (0.0, 50.0, 0.5),
        "Machines switch off below breakeven minus this, back on above breakeven plus this.",
        "assumption: 5%",
    ),
    field(
        "switch_off_days",
        "Switch-off delay",
        "days",
        "operators",
        Integer,
        (0.0, 90.0, 1.0),
        "Days a machine keeps running below its switch-off point (power contracts, hedges, hopes of recovery) before it goes idle: x0.3 for small miners, x2 for public ones.",
        "7 days: fits the late-2025 adjustments of about -2% per retarget (CALIBRATION.md)",
    ),
    field(
        "expectation_weight",
        "Expectation weight",
        "0..1",
        "operators",
        Number,
        (0.0, 1.0, 0.01),
        "Weight of the latest month when operators update their hashprice expectation.",
        "adaptive expectations, assumption: 0.3",
    ),
    field(
        "debt_interest_pct_per_year",
        "Interest rate",
        "%/year",
        "operators",
        Number,
        (0.0, 100.0, 0.5),
        "Interest on operators' debt.",
        "assumption: 10% (miners' convertible and secured debt, 2025)",
    ),
    // Manufacturers and pools
    field(
        "manufacturer_self_mining",
        "Self-mining of unsold output",
        "share",
        "pools",
        Number,
        (0.0, 1.0, 0.01),
        "Share of machines manufacturers cannot sell that they plug in themselves.",
        "assumption: 0.6 (Bitmain and Bitdeer mine their own, CALIBRATION.md)",
    ),
    field(
        "manufacturer_production_ehs_per_month",
        "Manufacturers' output",
        "EH/s per month",
        "pools",
        Number,
        (0.0, 10_000.0, 1.0),
        "Machines manufacturers plan to make per month at the start.",
        "~25 EH/s a month: the 2024-25 growth of hash rate plus replacements",
    ),
    field(
        "pool_preference_strength",
        "Preference for big pools",
        "exponent",
        "pools",
        Number,
        (0.0, 5.0, 0.05),
        "How strongly operators prefer large pools (0: any pool alike).",
        "1: choice in proportion to share (preferential attachment)",
    ),
    field(
        "pool_switch_pct_per_month",
        "Pool switching",
        "%/month",
        "pools",
        Number,
        (0.0, 100.0, 0.5),
        "Share of operators who re-choose their pool each month.",
        "assumption: 2%",
    ),
    field(
        "own_pool_min_ehs",
        "Own pool from",
        "EH/s",
        "pools",
        Number,
        (0.0, 100_000.0, 1.0),
        "Operators larger than this may run their own pool (like MARA Pool).",
        "MARA Pool ~4% of blocks (CALIBRATION.md)",
    ),
    field(
        "pool_majority_aversion",
        "Majority aversion",
        "strength",
        "pools",
        Number,
        (0.0, 10.0, 0.1),
        "How strongly miners shun a pool above 40% of the hash rate, and leave one nearing 50% (0: not at all).",
        "1: GHash.io neared 50% in June 2014 and miners left it within weeks (its share fell below 40%)",
    ),
    // Security
    field(
        "attack_rent_premium_pct",
        "Rental premium",
        "%",
        "security",
        Number,
        (0.0, 1_000.0, 1.0),
        "What renting hash costs above hashprice.",
        "assumption: 20% (hash markets charge above hashprice)",
    ),
    field(
        "attack_hours",
        "Attack length",
        "hours",
        "security",
        Number,
        (1.0, 8_760.0, 1.0),
        "Hours of power the buy route pays for.",
        "assumption: 24 hours",
    ),
];

impl FieldSpec {
    /// The spec of the field called `name`.
    pub fn find(name: &str) -> Option<&'static FieldSpec> {
        FIELDS.iter().find(|spec| spec.name == name)
    }

    /// What is allowed, in words (for error messages).
    pub fn allowed(&self) -> String {
        let unit = if self.unit.is_empty() { String::new() } else { format!(" {}", self.unit) };
        match self.kind {
            FieldKind::Number => format!("a number from {} to {}{unit}", self.min, self.max),
            FieldKind::Integer => format!("a whole number from {} to {}{unit}", self.min, self.max),
            FieldKind::Date => "a date YYYY-MM-DD from 2009-01-03 to 2200-12-31".to_string(),
            FieldKind::Text => format!("text of at most {} characters", self.max),
            FieldKind::PricePath => "points `YYYY-MM-DD:price_usd` separated by commas, dates increasing".to_string(),
        }
    }

    fn error(&self, message: impl Into<String>) -> ScenarioError {
        ScenarioError::new(self.name, message, self.allowed())
    }

    /// Parses the text form of a value into JSON, checking it.
    pub fn parse(&self, raw: &str) -> Result<Value, ScenarioError> {
        let raw_trimmed = raw.trim();
        let shown: String = raw_trimmed.chars().take(40).collect();
        let value = match self.kind {
            FieldKind::Number => {
                let number: f64 = raw_trimmed.parse().map_err(|_| self.error(format!("`{shown}` is not a number")))?;
                serde_json::Number::from_f64(number)
                    .map(Value::Number)
                    .ok_or_else(|| self.error(format!("`{shown}` is not a finite number")))?
            }
            FieldKind::Integer => {
                let number: u64 = raw_trimmed.parse().map_err(|_| self.error(format!("`{shown}` is not a whole number")))?;
                Value::from(number)
            }
            FieldKind::Date => {
                let date =
                    NaiveDate::parse_from_str(raw_trimmed, "%Y-%m-%d").map_err(|_| self.error(format!("`{shown}` is not a date")))?;
                Value::String(date.to_string())
            }
            FieldKind::Text => Value::String(raw.to_string()),
            FieldKind::PricePath => {
                let mut points = Vec::new();
                for part in raw_trimmed.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    let (date, price) = part
                        .split_once(':')
                        .ok_or_else(|| self.error(format!("`{}` is not `date:price`", part.chars().take(40).collect::<String>())))?;
                    let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
                        .map_err(|_| self.error(format!("`{}` is not a date", date.chars().take(20).collect::<String>())))?;
                    let price: f64 = price
                        .trim()
                        .parse()
                        .map_err(|_| self.error(format!("`{}` is not a price", price.chars().take(20).collect::<String>())))?;
                    let price = serde_json::Number::from_f64(price).ok_or_else(|| self.error("a price is not finite"))?;
                    points.push(serde_json::json!({ "date": date.to_string(), "price_usd": price }));
                }
                Value::Array(points)
            }
        };
        self.check(&value)?;
        Ok(value)
    }

    /// Checks a JSON value against this field's range.
    pub fn check(&self, value: &Value) -> Result<(), ScenarioError> {
        match self.kind {
            FieldKind::Number | FieldKind::Integer => {
                let number = value.as_f64().ok_or_else(|| self.error("is not a number"))?;
                if !number.is_finite() || number < self.min || number > self.max {
                    return Err(self.error(format!("{} is out of range", crate::error::short_number(number))));
                }
                if self.kind == FieldKind::Integer && value.as_u64().is_none() {
                    return Err(self.error(format!("{} is not a whole number", crate::error::short_number(number))));
                }
            }
            FieldKind::Date => {
                let text = value.as_str().ok_or_else(|| self.error("is not a date"))?;
                let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| self.error("is not a date"))?;
                let first = NaiveDate::from_ymd_opt(2009, 1, 3).expect("genesis");
                let last = NaiveDate::from_ymd_opt(2200, 12, 31).expect("valid");
                if date < first || date > last {
                    return Err(self.error(format!("{date} is out of range")));
                }
            }
            FieldKind::Text => {
                let text = value.as_str().ok_or_else(|| self.error("is not text"))?;
                let length = text.chars().count();
                if (length as f64) > self.max {
                    return Err(self.error(format!("{length} characters is too long")));
                }
                if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                    return Err(self.error("contains control characters"));
                }
            }
            FieldKind::PricePath => {
                if !value.is_array() {
                    return Err(self.error("is not a list of points"));
                }
            }
        }
        Ok(())
    }

    /// The text form of a JSON value of this field (what `parse` reads back).
    pub fn format(&self, value: &Value) -> String {
        match self.kind {
            FieldKind::Number | FieldKind::Integer => match value.as_f64() {
                Some(number) if self.kind == FieldKind::Integer => {
                    format!("{}", value.as_u64().unwrap_or(number as u64))
                }
                Some(number) => format!("{number}"),
                None => String::new(),
            },
            FieldKind::Date | FieldKind::Text => value.as_str().unwrap_or_default().to_string(),
            FieldKind::PricePath => value
                .as_array()
                .map(|points| {
                    points
                        .iter()
                        .map(|p| format!("{}:{}", p["date"].as_str().unwrap_or_default(), p["price_usd"].as_f64().unwrap_or_default()))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default(),
        }
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
