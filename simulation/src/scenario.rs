//! The scenario: every parameter of a run, with its unit in its name.
//!
//! Field names are the one contract shared by scenario files (JSON, TOML),
//! the command line's `--set key=value`, share links and the HTTP API. Each
//! field's range, unit, help text and source are in [`FIELDS`]; defaults are
//! the late-2025 network from `shared/CALIBRATION.md`, cited field by field.

mod fields;

pub use fields::{FieldKind, FieldSpec, FIELDS, MAX_SEED};

use crate::error::ScenarioError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One dated BTC price, for a scripted or user-supplied price path.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PricePoint {
    /// The day (ISO 8601, `YYYY-MM-DD`).
    pub date: NaiveDate,
    /// The price that day, USD per BTC.
    pub price_usd: f64,
}

/// Every parameter of one run. Units are in the names; ranges in [`FIELDS`].
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    // --- Run ---
    /// Free text naming the run (shown on charts and in exports).
    pub title: String,
    /// Seed of every random draw: the same scenario and seed give the same output.
    pub seed: u64,
    /// Operators (agents) in the initial population.
    pub operators: u32,
    /// Simulated years.
    pub years: f64,

    // --- Chain ---
    /// The first simulated day.
    pub start_date: NaiveDate,
    /// Height of the chain tip at the start.
    pub start_height: u64,
    /// Difficulty at the start, in T (1e12).
    pub start_difficulty_t: f64,
    /// Installed hash rate at the start (running or idle), EH/s.
    pub start_hashrate_ehs: f64,

    // --- Market and price path ---
    /// BTC price on the first day, USD.
    pub start_price_usd: f64,
    /// Expected growth of the price per year, continuously compounded (the GBM's
    /// drift `mu`: the mean price grows as `exp(mu t)`; the median as `exp((mu - sigma^2/2) t)`).
    pub price_drift: f64,
    /// Volatility of the price per square-root year (GBM).
    pub price_volatility: f64,
    /// A shock: the price moves by this many percent ...
    pub price_shock_pct: f64,
    /// ... starting on this day of the run ...
    pub price_shock_start_day: u32,
    /// ... spread evenly (in log terms) over this many days.
    pub price_shock_days: u32,
    /// A curtailment: this share of running hash is switched off (weather, grid demand response) ...
    pub curtailment_pct: f64,
    /// ... from this day of the run ...
    pub curtailment_start_day: u32,
    /// ... for this many days.
    pub curtailment_days: u32,
    /// A scripted or user-supplied path of dated prices (log-linear in between).
    pub price_path: Vec<PricePoint>,

    // --- Fees ---
    /// Fees arriving per 10 minutes at the start (a block's fees when blocks come on time), BTC.
    pub fee_btc_per_block: f64,
    /// The most fees one block can collect, in 10-minute fee flows (a block's weight limit).
    pub fee_block_capacity_blocks: f64,
    /// Yearly growth of the fee level, percent.
    pub fee_growth_pct_per_year: f64,
    /// Day-to-day noise of fees (log-normal sigma).
    pub fee_volatility: f64,

    // --- Power ---
    /// Median site power price, USD per kWh.
    pub power_price_median_usd_per_kwh: f64,
    /// Spread of site power prices (log-normal sigma).
    pub power_price_dispersion: f64,
    /// Trend of every site's power price, percent per year (AI demand bids it up).
    pub power_price_trend_pct_per_year: f64,
    /// Non-power operating cost of a mining site, USD per MW of capacity per month.
    pub opex_usd_per_mw_month: f64,

    // --- AI hosting ---
    /// What an AI/HPC tenant pays per MW per year, USD.
    pub ai_revenue_usd_per_mw_year: f64,
    /// Share of AI revenue spent running the hosted site.
    pub ai_operating_cost_share: f64,
    /// Capital cost of converting a mining site to AI hosting, USD per MW.
    pub ai_conversion_capex_usd_per_mw: f64,
    /// Months from the decision to convert to the first AI revenue.
    pub ai_conversion_months: u32,
    /// Share of large sites fit for AI (power, fibre, location).
    pub ai_eligible_share: f64,
    /// MW the AI market absorbs from miners per year at most.
    pub ai_market_mw_per_year: f64,
    /// How much better (percent) AI must pay than mining before a site converts.
    pub ai_hurdle_pct: f64,
    /// Smallest site that can host AI, MW.
    pub ai_min_site_mw: f64,
    /// IT load an AI tenant pays for, as a share of the site's gross MW.
    pub ai_it_share_of_site: f64,

    // --- Hardware ---
    /// Months between new ASIC generations after the catalogue's last.
    pub asic_generation_months: u32,
    /// Efficiency gain of each new generation, percent fewer J/TH.
    pub asic_efficiency_gain_pct: f64,
    /// New machines sell for production cost plus this many days of their margin (at $0.05/kWh).
    pub asic_price_payback_days: f64,
    /// Production cost as a share of a generation's launch price.
    pub asic_production_cost_share: f64,
    /// Discount of second-hand machines against the value formula, percent.
    pub secondhand_discount_pct: f64,
    /// Months between ordering machines and plugging them in.
    pub delivery_lag_months: u32,
    /// Capital cost of new mining site capacity, USD per MW.
    pub mining_capex_usd_per_mw: f64,

    // --- Operators ---
    /// Relative weight of small private miners in the initial hash rate.
    pub mix_small_private: f64,
    /// Relative weight of large private miners in the initial hash rate.
    pub mix_large_private: f64,
    /// Relative weight of public listed miners in the initial hash rate.
    pub mix_public_miner: f64,
    /// Relative weight of manufacturer self-miners in the initial hash rate.
    pub mix_manufacturer: f64,
    /// Relative weight of stranded-energy and state-linked operators.
    pub mix_stranded: f64,
    /// New operators per month at neutral profitability, percent of those active.
    pub entry_pct_per_month: f64,
    /// Median patience: months in a row with no operating margin (before interest) expected ahead after which an operator sells up
    /// (each operator's own patience is drawn around it).
    pub exit_loss_months: u32,
    /// Hysteresis of the run/idle switch, percent around breakeven.
    pub run_hysteresis_pct: f64,
    /// Days a machine keeps running below its switch-off point before it is switched off.
    pub switch_off_days: u32,
    /// Weight of the latest month in adaptive hashprice expectations (0..1).
    pub expectation_weight: f64,
    /// Interest on operators' debt, percent per year.
    pub debt_interest_pct_per_year: f64,

    // --- Manufacturers and pools ---
    /// Share of manufacturers' unsold output they plug into their own sites.
    pub manufacturer_self_mining: f64,
    /// Manufacturers' planned output at the start, EH/s per month.
    pub manufacturer_production_ehs_per_month: f64,
    /// How strongly operators prefer large pools (exponent on pool share).
    pub pool_preference_strength: f64,
    /// Share of operators that re-choose their pool each month, percent.
    pub pool_switch_pct_per_month: f64,
    /// Operators above this hash rate may run their own pool, EH/s.
    pub own_pool_min_ehs: f64,
    /// How strongly miners shun a pool nearing 50% of the hash rate (0: not at all).
    pub pool_majority_aversion: f64,

    // --- Security ---
    /// Premium over hashprice that renting hash for an attack costs, percent.
    pub attack_rent_premium_pct: f64,
    /// Duration of the attack the buy route pays power for, hours.
    pub attack_hours: f64,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            title: String::new(),
            seed: 42,
            operators: 2_000,
            years: 4.0,
            start_date: NaiveDate::from_ymd_opt(2025, 11, 1).expect("valid date"),
            start_height: 921_400,
            start_difficulty_t: 155.0,
            start_hashrate_ehs: 1_230.0,
            start_price_usd: 110_000.0,
            price_drift: 0.0,
            price_volatility: 0.45,
            price_shock_pct: 0.0,
            price_shock_start_day: 0,
            price_shock_days: 30,
            curtailment_pct: 0.0,
            curtailment_start_day: 0,
            curtailment_days: 7,
            price_path: Vec::new(),
            fee_btc_per_block: 0.025,
            fee_block_capacity_blocks: 3.0,
            fee_growth_pct_per_year: 0.0,
            fee_volatility: 0.3,
            power_price_median_usd_per_kwh: 0.045,
            power_price_dispersion: 0.35,
            power_price_trend_pct_per_year: 0.0,
            opex_usd_per_mw_month: 8_000.0,
            ai_revenue_usd_per_mw_year: 1_450_000.0,
            ai_operating_cost_share: 0.35,
            ai_conversion_capex_usd_per_mw: 4_000_000.0,
            ai_conversion_months: 18,
            ai_eligible_share: 0.2,
            ai_market_mw_per_year: 2_000.0,
            ai_hurdle_pct: 25.0,
            ai_min_site_mw: 20.0,
            ai_it_share_of_site: 0.7,
            asic_generation_months: 24,
            asic_efficiency_gain_pct: 15.0,
            asic_price_payback_days: 600.0,
            asic_production_cost_share: 0.4,
            secondhand_discount_pct: 30.0,
            delivery_lag_months: 3,
            mining_capex_usd_per_mw: 325_000.0,
            mix_small_private: 8.0,
            mix_large_private: 37.0,
            mix_public_miner: 30.0,
            mix_manufacturer: 12.0,
            mix_stranded: 13.0,
            entry_pct_per_month: 1.0,
            exit_loss_months: 6,
            run_hysteresis_pct: 5.0,
            switch_off_days: 7,
            expectation_weight: 0.3,
            debt_interest_pct_per_year: 10.0,
            manufacturer_self_mining: 0.6,
            manufacturer_production_ehs_per_month: 25.0,
            pool_preference_strength: 1.0,
            pool_switch_pct_per_month: 2.0,
            own_pool_min_ehs: 30.0,
            pool_majority_aversion: 1.0,
            attack_rent_premium_pct: 20.0,
            attack_hours: 24.0,
        }
    }
}

impl Scenario {
    /// Simulated days: `years * 365.25`, rounded, at least 1.
    pub fn days(&self) -> u32 {
        (crate::math::round(self.years * 365.25) as u32).max(1)
    }

    /// Parses a scenario from JSON text; unknown or duplicated fields are errors.
    pub fn from_json(text: &str) -> Result<Self, ScenarioError> {
        Self::deserialize_checked(&mut serde_json::Deserializer::from_str(text))
    }

    /// Parses a scenario from TOML text; unknown or duplicated fields are errors.
    pub fn from_toml(text: &str) -> Result<Self, ScenarioError> {
        Self::deserialize_checked(toml::Deserializer::new(text))
    }

    /// Deserializes from any serde format, naming the field at fault, then validates.
    pub fn deserialize_checked<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, ScenarioError> {
        let scenario: Scenario =
            serde_path_to_error::deserialize(deserializer).map_err(|e| parse_error(&e.path().to_string(), &e.inner().to_string()))?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Sets one field from its text form, as `--set key=value` and links do.
    /// The value is checked against the field's type and range.
    pub fn set_field(&mut self, name: &str, raw: &str) -> Result<(), ScenarioError> {
        let spec = FieldSpec::find(name).ok_or_else(|| unknown_field(name))?;
        let value = spec.parse(raw)?;
        let mut object = serde_json::to_value(&*self).expect("a scenario always serializes");
        object[spec.name] = value;
        let updated: Scenario = serde_json::from_value(object).map_err(|e| ScenarioError::new(spec.name, e.to_string(), spec.allowed()))?;
        spec.check(&serde_json::to_value(&updated).expect("serializes")[spec.name])?;
        *self = updated;
        Ok(())
    }

    /// The text form of one field's value, as links and `--set` write it.
    pub fn field_text(&self, name: &str) -> Option<String> {
        let spec = FieldSpec::find(name)?;
        let object = serde_json::to_value(self).expect("a scenario always serializes");
        Some(spec.format(&object[spec.name]))
    }

    /// Checks every field against its range and the rules that tie fields together.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let object = serde_json::to_value(self).expect("a scenario always serializes");
        for spec in FIELDS {
            spec.check(&object[spec.name])?;
        }
        let mix = [self.mix_small_private, self.mix_large_private, self.mix_public_miner, self.mix_manufacturer, self.mix_stranded];
        if mix.iter().sum::<f64>() <= 0.0 {
            return Err(ScenarioError::new(
                "mix_large_private",
                "the operator mix weights are all zero",
                "at least one mix_* weight above 0",
            ));
        }
        validate_price_path(&self.price_path)?;
        if self.start_date.checked_add_days(chrono::Days::new(u64::from(self.days()))).is_none() {
            return Err(ScenarioError::new("years", "the run ends past the last representable date", "a shorter run"));
        }
        Ok(())
    }
}

fn validate_price_path(path: &[PricePoint]) -> Result<(), ScenarioError> {
    let allowed = format!("up to {MAX_PRICE_POINTS} points `YYYY-MM-DD:price` with dates increasing and prices in 0.01..=100000000 USD");
    if path.len() > MAX_PRICE_POINTS {
        return Err(ScenarioError::new("price_path", format!("{} points is too many", path.len()), allowed));
    }
    for (index, point) in path.iter().enumerate() {
        if !point.price_usd.is_finite() || !(0.01..=1e8).contains(&point.price_usd) {
            return Err(ScenarioError::new(
                "price_path",
                format!("point {} ({}) has price {}", index + 1, point.date, crate::error::short_number(point.price_usd)),
                allowed,
            ));
        }
        if index > 0 && point.date <= path[index - 1].date {
            return Err(ScenarioError::new(
                "price_path",
                format!("point {} ({}) is not after the one before it", index + 1, point.date),
                allowed,
            ));
        }
    }
    Ok(())
}

/// The most points a price path may hold (ten years of daily prices).
pub const MAX_PRICE_POINTS: usize = 3_660;

/// Parses a price path from CSV text with a header naming a date column
/// (`date`) and a price column (`price_usd`, `price` or `close`).
pub fn parse_price_csv(text: &str) -> Result<Vec<PricePoint>, ScenarioError> {
    let allowed = "CSV with a header row holding `date` (YYYY-MM-DD) and `price_usd` (or `price`, `close`) columns";
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| ScenarioError::new("price_path", e.to_string(), allowed))?.clone();
    let column = |names: &[&str]| headers.iter().position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)));
    let date_col = column(&["date", "day", "time"]).ok_or_else(|| ScenarioError::new("price_path", "no date column", allowed))?;
    let price_col =
        column(&["price_usd", "price", "close", "priceusd"]).ok_or_else(|| ScenarioError::new("price_path", "no price column", allowed))?;
    let mut points = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = record.map_err(|e| ScenarioError::new("price_path", format!("line {line}: {e}"), allowed))?;
        let date_text = record.get(date_col).unwrap_or("");
        let date_text = date_text.get(..10).unwrap_or(date_text);
        let date = NaiveDate::parse_from_str(date_text, "%Y-%m-%d")
            .map_err(|_| ScenarioError::new("price_path", format!("line {line}: `{date_text}` is not a date"), allowed))?;
        let price_text = record.get(price_col).unwrap_or("");
        let price_usd: f64 = price_text.parse().map_err(|_| {
            let shown: String = price_text.chars().take(20).collect();
            ScenarioError::new("price_path", format!("line {line}: `{shown}` is not a number"), allowed)
        })?;
        points.push(PricePoint { date, price_usd });
    }
    validate_price_path(&points)?;
    Ok(points)
}

fn unknown_field(name: &str) -> ScenarioError {
    let shown: String = if name.is_empty() { "(empty key)".to_string() } else { name.chars().take(64).collect() };
    ScenarioError::new(shown, "unknown scenario field", "one of the names `hashlab fields` lists")
}

/// Names the field a parse error is about: the name in messages like
/// "unknown field `x`" and "duplicate field `x`", else the path serde reached.
fn parse_error(path: &str, message: &str) -> ScenarioError {
    let unknown = message.starts_with("unknown field");
    let quoted = message.split('`').nth(1).filter(|_| unknown || message.starts_with("duplicate field"));
    let top = path.split(['.', '[']).next().filter(|p| !p.is_empty() && *p != "?");
    let message = message.split(" at line ").next().unwrap_or(message);
    // serde lists every field after an unknown one: the allowed text says where to find them.
    let message = if unknown { "unknown scenario field" } else { message.split(", expected one of").next().unwrap_or(message) };
    match quoted.or(top) {
        Some(name) => {
            let shown: String = if name.is_empty() { "(empty key)".to_string() } else { name.chars().take(64).collect() };
            let allowed =
                FieldSpec::find(name).map(FieldSpec::allowed).unwrap_or_else(|| "one of the names `hashlab fields` lists".to_string());
            ScenarioError::new(shown, message, allowed)
        }
        None => ScenarioError::new("scenario", message, "an object of scenario fields"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_scenario_is_valid_and_every_field_has_a_spec() {
        let scenario = Scenario::default();
        scenario.validate().unwrap();
        let object = serde_json::to_value(&scenario).unwrap();
        let names: Vec<&str> = object.as_object().unwrap().keys().map(String::as_str).collect();
        for name in &names {
            assert!(FieldSpec::find(name).is_some(), "field {name} has no spec");
        }
        assert_eq!(names.len(), FIELDS.len());
    }

    #[test]
    fn set_field_parses_checks_and_names_the_field() {
        let mut scenario = Scenario::default();
        scenario.set_field("price_shock_pct", "-38").unwrap();
        assert_eq!(scenario.price_shock_pct, -38.0);
        scenario.set_field("operators", "500").unwrap();
        assert_eq!(scenario.operators, 500);
        scenario.set_field("start_date", "2025-10-06").unwrap();
        scenario.set_field("price_path", "2025-10-06:124824,2025-11-22:84775").unwrap();
        assert_eq!(scenario.price_path.len(), 2);
        let error = scenario.set_field("price_volatility", "7").unwrap_err();
        assert_eq!(error.field, "price_volatility");
        assert!(error.allowed.contains("0") && error.allowed.contains('3'), "{error}");
        assert_eq!(scenario.set_field("operators", "1.5").unwrap_err().field, "operators");
        assert_eq!(scenario.set_field("years", "NaN").unwrap_err().field, "years");
        assert_eq!(scenario.set_field("years", "inf").unwrap_err().field, "years");
        assert_eq!(scenario.set_field("nope", "1").unwrap_err().field, "nope");
        // A failed set leaves the scenario as it was.
        assert_eq!(scenario.operators, 500);
    }

    #[test]
    fn json_rejects_unknown_and_duplicate_fields_by_name() {
        let unknown = Scenario::from_json(r#"{"seed": 1, "colour": "red"}"#).unwrap_err();
        assert_eq!(unknown.field, "colour");
        let duplicate = Scenario::from_json(r#"{"seed": 1, "seed": 2}"#).unwrap_err();
        assert_eq!(duplicate.field, "seed");
        let wrong_type = Scenario::from_json(r#"{"years": "four"}"#).unwrap_err();
        assert_eq!(wrong_type.field, "years", "{wrong_type}");
        let out_of_range = Scenario::from_json(r#"{"operators": 3}"#).unwrap_err();
        assert_eq!(out_of_range.field, "operators");
        let bad_point = Scenario::from_json(r#"{"price_path": [{"date": "2025-13-01", "price_usd": 1}]}"#).unwrap_err();
        assert_eq!(bad_point.field, "price_path");
        assert_eq!(Scenario::from_json("[1]").unwrap_err().field, "scenario");
        let toml = Scenario::from_toml("seed = 7\nyears = 2.5\nstart_date = \"2025-10-06\"\n").unwrap();
        assert_eq!((toml.seed, toml.years), (7, 2.5));
        assert_eq!(Scenario::from_toml("seed = -1").unwrap_err().field, "seed");
        assert_eq!(Scenario::from_toml("sede = 1").unwrap_err().field, "sede");
    }

    #[test]
    fn field_text_round_trips_through_set_field() {
        let mut scenario = Scenario::default();
        scenario.set_field("price_path", "2025-10-06:124824.5,2025-11-22:84775").unwrap();
        scenario.set_field("title", "A, b & c").unwrap();
        for spec in FIELDS {
            let text = scenario.field_text(spec.name).unwrap();
            let mut copy = Scenario::default();
            copy.set_field(spec.name, &text).unwrap_or_else(|e| panic!("{}: {e}", spec.name));
            assert_eq!(copy.field_text(spec.name).unwrap(), text);
        }
    }

    #[test]
    fn price_csv_reads_common_headers_and_rejects_bad_rows() {
        let points = parse_price_csv("date,close\n2025-10-06,124824\n2025-11-22T00:00:00Z,84775.5\n").unwrap();
        assert_eq!(points.len(), 2);
        assert_eq!(points[1].price_usd, 84_775.5);
        assert_eq!(parse_price_csv("when,price\n").unwrap_err().field, "price_path");
        assert!(parse_price_csv("date,price\n2025-10-06,abc\n").unwrap_err().message.contains("line 2"));
        assert!(parse_price_csv("date,price\n2025-10-06,1\n2025-10-05,2\n").is_err());
    }
}
