//! The chart catalogue, the one place a chart is declared: its id, title,
//! axes, the daily columns it draws and a plain-words explanation for a
//! classroom. The page, the API (`/api/chart/{id}.svg`, `/api/charts`), the
//! downloads, the Monte Carlo's banded columns and the browser tests all take
//! their lists from here; the server draws each with `render::charts::draw_fn`.
//!
//! A new chart: a [`ChartId`], an entry here and its draw function in
//! `render/charts.rs` (`draw_fn` matches every id: a chart without one does
//! not compile). Its columns come from `simulation::output::column`.

use simulation::output::column as col;

/// A chart of the catalogue. Its text form ([`ChartId::as_str`], the same in
/// JSON) is the stable id: the DOM's `chart-<id>`, the API's
/// `/api/chart/<id>.svg`, download names. Code names a chart by this type;
/// text from outside (a path, a preset's script) becomes one with [`chart`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChartId {
    /// Hash rate and difficulty.
    Hashrate,
    /// Hashprice against breakeven.
    Hashprice,
    /// The bitcoin price.
    Price,
    /// Security budget and fee share.
    SecurityBudget,
    /// What a majority attack costs.
    AttackCost,
    /// Concentration: Nakamoto coefficient and HHI.
    Nakamoto,
    /// The pools' shares of the hash rate.
    PoolShares,
    /// Operators in business, by kind.
    Operators,
    /// Hash rate by kind of miner, and power moved to AI.
    OperatorKinds,
}

impl ChartId {
    /// The id as text (`security-budget`).
    pub const fn as_str(self) -> &'static str {
        match self {
            ChartId::Hashrate => "hashrate",
            ChartId::Hashprice => "hashprice",
            ChartId::Price => "price",
            ChartId::SecurityBudget => "security-budget",
            ChartId::AttackCost => "attack-cost",
            ChartId::Nakamoto => "nakamoto",
            ChartId::PoolShares => "pool-shares",
            ChartId::Operators => "operators",
            ChartId::OperatorKinds => "operator-kinds",
        }
    }

    /// Its entry in [`CHARTS`].
    pub fn info(self) -> &'static ChartInfo {
        CHARTS.iter().find(|chart| chart.id == self).expect("every chart id has its entry (test below)")
    }
}

impl std::fmt::Display for ChartId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One chart.
#[derive(Debug, Clone, Copy)]
pub struct ChartInfo {
    /// Which chart it is.
    pub id: ChartId,
    /// Heading above the chart.
    pub title: &'static str,
    /// "What am I looking at", in plain words.
    pub explain: &'static str,
    /// The left axis's title with its unit, and the right axis's if it has one.
    pub axes: (&'static str, Option<&'static str>),
    /// The daily columns it draws (each in [`BAND_COLUMNS`], so a Monte Carlo shades it).
    pub columns: &'static [&'static str],
}

/// Every chart, in page order.
pub const CHARTS: &[ChartInfo] = &[
    ChartInfo {
        id: ChartId::Hashrate,
        title: "Hash rate and difficulty",
        explain: "Hash rate is how much guessing power all miners together put into finding blocks. \
                  The blue line is the model's true value; the orange line is all the real network can \
                  know, an estimate from how fast blocks arrived over the last 7 days. Every 2,016 blocks the \
                  difficulty (grey steps, right axis) resets so that blocks keep coming about every 10 minutes. \
                  When the run replays a stretch of history, the thick teal lines are what the real network did: \
                  its hash rate (the 7-day mean, as block explorers show it) and its difficulty.",
        axes: ("hash rate, EH/s", Some("difficulty, T")),
        columns: &[col::hashrate_ehs, col::hashrate_7d_est_ehs, col::difficulty],
    },
    ChartInfo {
        id: ChartId::Hashprice,
        title: "Hashprice against breakeven",
        explain: "Hashprice is what one petahash per second of mining earns in a day. The coloured lines \
                  show where the machines switched on that day are under water: below the top line the least \
                  efficient 10% of them (by hash) earn less than their electricity costs at the median power \
                  price, below the middle one half of them, below the bottom one 90%. Those are switched off \
                  first; operators with cheaper power hold on longer. When the run replays a stretch of \
                  history, the thick teal line is what the real network earned.",
        axes: ("USD per PH/s per day", None),
        columns: &[col::hashprice_usd_per_ph_day],
    },
    ChartInfo {
        id: ChartId::Price,
        title: "Bitcoin price",
        explain: "The price of one bitcoin in US dollars. Miners are paid in bitcoin but pay for their electricity \
                  in dollars, so when the price falls, so does their income. In the model the price wanders at \
                  random from its starting value (or along a path of dated prices); a shaded stretch is a price shock set in the controls, as it \
                  plays out. When the run replays a stretch of history, the model takes each day's real price, \
                  shown as the thick teal line under the blue one.",
        axes: ("USD per bitcoin", None),
        columns: &[col::price_usd],
    },
    ChartInfo {
        id: ChartId::SecurityBudget,
        title: "Security budget and fee share",
        explain: "The security budget is everything miners are paid each day (new coins plus fees): it is what \
                  the network spends on its own protection. The green line is the part paid as fees; the right axis \
                  shows the budget per year as a percent of all bitcoin's value. Daily payments jump with the luck of \
                  block finding, so the lines are 7-day means; the table under the chart and the CSV hold the daily values.",
        axes: ("USD per day", Some("% of market cap per year")),
        columns: &[col::security_budget_usd_per_day, col::security_budget_pct_mcap_yr, col::fee_share],
    },
    ChartInfo {
        id: ChartId::AttackCost,
        title: "Cost of a majority attack",
        explain: "To rewrite recent blocks an attacker needs more hash rate than everyone else. Renting it for a \
                  day or buying machines are two ways to get it; both are compared with what honest miners are \
                  paid in a day. Idle hash (right axis) is machines switched off that could be turned back on.",
        axes: ("USD (log scale)", Some("idle hash, EH/s")),
        columns: &[col::attack_cost_buy_usd, col::attack_cost_rent_usd_per_hour, col::security_budget_usd_per_day, col::idle_hashrate_ehs],
    },
    ChartInfo {
        id: ChartId::Nakamoto,
        title: "Concentration: Nakamoto coefficient and HHI",
        explain: "The Nakamoto coefficient is the smallest number of pools (or of controllers: owners of several \
                  pools counted once) that together find more than half of the blocks: higher is more spread out, and \
                  2 means two companies could together rewrite recent history. HHI (black, right axis) is the \
                  competition authorities' concentration index; the shaded strips by the right axis mark the US \
                  DOJ/FTC thresholds for moderately and highly concentrated markets on that axis.",
        axes: ("Nakamoto coefficient", Some("HHI of pools")),
        columns: &[col::nakamoto_pools, col::nakamoto_entities, col::hhi_pools],
    },
    ChartInfo {
        id: ChartId::PoolShares,
        title: "Pool shares",
        explain: "Each band is one mining pool's share of the hash rate; together they fill 100%. Watch whether a \
                  few bands grow to take over the picture.",
        axes: ("share of hash rate, %", None),
        columns: &[col::top_pool_share, col::top5_pool_share],
    },
    ChartInfo {
        id: ChartId::Operators,
        title: "Hash rate by kind of miner, and power moved to AI",
        explain: "Miners are small and large private companies, listed miners, machine makers mining for \
                  themselves, and sites on stranded energy. The coloured bands stack up how much hash rate each \
                  kind runs; the lines (right axis) show megawatts of former mining sites hosting AI computers, \
                  earning or still being converted.",
        axes: ("hash rate, EH/s", Some("MW hosting AI")),
        columns: &[
            col::hashrate_ehs_small_private,
            col::hashrate_ehs_large_private,
            col::hashrate_ehs_public_miner,
            col::hashrate_ehs_manufacturer,
            col::hashrate_ehs_stranded,
            col::ai_mw,
            col::ai_mw_pending,
        ],
    },
    ChartInfo {
        id: ChartId::OperatorKinds,
        title: "Operators in business, by kind",
        explain: "How many mining companies of each kind are still in business. When mining stops paying, \
                  the ones with expensive power or debts give up first; new ones enter when it pays well. The black \
                  steps (right axis) count how many real firms together run half the hash rate: the largest listed \
                  miners (MARA, CleanSpark, IREN, Riot, Bitdeer...) one by one at their reported size, and the rest \
                  of each kind as firms of its typical size, so it does not depend on how many operators the model \
                  follows. Firms are not pools: many firms mine through one pool, so this count is far above the \
                  pools' coefficient.",
        axes: ("operators in business", Some("Nakamoto coefficient of operators")),
        columns: &[
            col::operators_small_private,
            col::operators_large_private,
            col::operators_public_miner,
            col::operators_manufacturer,
            col::operators_stranded,
            col::nakamoto_operators,
        ],
    },
];

/// The chart whose id reads `id`, if any.
pub fn chart(id: &str) -> Option<&'static ChartInfo> {
    CHARTS.iter().find(|chart| chart.id.as_str() == id)
}

/// A set of charts as one number (a bit per chart, in [`CHARTS`]' order), as
/// the page asks the Web Worker for the charts on screen; 0 is every chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChartSet(pub u32);

impl ChartSet {
    /// Every chart.
    pub const ALL: ChartSet = ChartSet(0);

    /// The set of `ids` (every chart if there are none).
    pub fn of(ids: impl IntoIterator<Item = ChartId>) -> ChartSet {
        ChartSet(ids.into_iter().map(|id| 1 << Self::bit(id)).fold(0, |set, bit| set | bit))
    }

    /// Whether chart `id` is in the set.
    pub fn has(self, id: ChartId) -> bool {
        self.0 == 0 || self.0 & (1 << Self::bit(id)) != 0
    }

    fn bit(id: ChartId) -> usize {
        CHARTS.iter().position(|chart| chart.id == id).expect("every chart id has its entry")
    }
}

/// The chart ids, in page order, as a list for a message (`hashrate, hashprice, ...`).
pub fn ids() -> String {
    CHARTS.iter().map(|chart| chart.id.as_str()).collect::<Vec<_>>().join(", ")
}

/// Daily columns with a label and unit for a reader (the sweep offers them
/// first, and labels its charts with them): column, label, unit.
pub const METRICS: &[(&str, &str, &str)] = &[
    (col::hashrate_ehs, "Hash rate", "EH/s"),
    (col::nakamoto_pools, "Nakamoto coefficient of pools", "pools"),
    (col::nakamoto_entities, "Nakamoto coefficient of controllers", "controllers"),
    (col::security_budget_usd_per_day, "Security budget", "USD/day"),
    (col::security_budget_pct_mcap_yr, "Security budget, share of market cap", "%/year"),
    (col::hashprice_usd_per_ph_day, "Hashprice", "USD/PH/day"),
    (col::idle_hashrate_ehs, "Idle hash rate", "EH/s"),
    (col::ai_mw, "Moved to AI", "MW"),
    (col::top_pool_share, "Largest pool's share", "0-1"),
    (col::fleet_j_per_th, "Fleet efficiency", "J/TH"),
    (col::attack_cost_buy_usd, "Cost of a majority attack by buying", "USD"),
    (col::operators_active, "Operators in business", "operators"),
];

/// A daily column's label and unit for a reader: from [`METRICS`], else
/// from the column's own description (`DailyRecord::DESCRIPTIONS`: "Subsidy
/// paid that day, BTC." reads "Subsidy paid that day", "BTC"), else the
/// column's name.
pub fn metric_label(column: &str) -> (String, String) {
    if let Some((_, label, unit)) = METRICS.iter().find(|(name, ..)| *name == column) {
        return (label.to_string(), unit.to_string());
    }
    let Some(description) = simulation::output::DailyRecord::description(column) else {
        return (column.to_string(), String::new());
    };
    let first = description.lines().next().unwrap_or_default();
    let cut = first.find([',', '(', ':', '.']).unwrap_or(first.len());
    let label = first[..cut].trim().to_string();
    let rest = &first[cut..];
    let unit = match rest.chars().next() {
        Some(',') => rest[1..].split(['.', '(']).next().unwrap_or_default().trim(),
        Some('(') => rest[1..].split(')').next().unwrap_or_default().trim(),
        _ => "",
    };
    let unit = if unit.chars().count() <= 24 { unit.to_string() } else { String::new() };
    if label.is_empty() {
        (column.to_string(), unit)
    } else {
        (label, unit)
    }
}

/// The daily columns a Monte Carlo bands, in the order of its output: every
/// column a chart draws (a test holds it), then the price, operators in
/// business, energy and fleet efficiency, which its CSV reports besides.
pub const BAND_COLUMNS: &[&str] = &[
    col::price_usd,
    col::difficulty,
    col::hashrate_ehs,
    col::hashrate_7d_est_ehs,
    col::hashprice_usd_per_ph_day,
    col::security_budget_usd_per_day,
    col::security_budget_pct_mcap_yr,
    col::fee_share,
    col::attack_cost_rent_usd_per_hour,
    col::attack_cost_buy_usd,
    col::idle_hashrate_ehs,
    col::nakamoto_pools,
    col::nakamoto_entities,
    col::nakamoto_operators,
    col::hhi_pools,
    col::hhi_entities,
    col::top_pool_share,
    col::top5_pool_share,
    col::ai_mw,
    col::ai_mw_pending,
    col::operators_active,
    col::energy_gw,
    col::fleet_j_per_th,
    col::hashrate_ehs_small_private,
    col::hashrate_ehs_large_private,
    col::hashrate_ehs_public_miner,
    col::hashrate_ehs_manufacturer,
    col::hashrate_ehs_stranded,
    col::operators_small_private,
    col::operators_large_private,
    col::operators_public_miner,
    col::operators_manufacturer,
    col::operators_stranded,
];

#[cfg(test)]
mod tests {
    use super::*;
    use simulation::output::DailyRecord;

    #[test]
    fn every_daily_column_reads_as_words_with_its_unit() {
        assert_eq!(metric_label(col::ai_mw), ("Moved to AI".to_string(), "MW".to_string()));
        assert_eq!(metric_label(col::subsidy_btc), ("Subsidy paid that day".to_string(), "BTC".to_string()));
        assert_eq!(metric_label(col::blocks), ("Blocks mined that day".to_string(), String::new()));
        assert_eq!(metric_label("no_such"), ("no_such".to_string(), String::new()));
        for column in DailyRecord::COLUMNS {
            let (label, _) = metric_label(column);
            assert!(!label.contains('_') || METRICS.iter().any(|(c, ..)| c == column), "{column}: {label}");
        }
    }

    #[test]
    fn ids_are_unique_and_every_drawn_column_is_banded() {
        for (i, chart) in CHARTS.iter().enumerate() {
            assert!(CHARTS[..i].iter().all(|other| other.id != chart.id), "{} twice", chart.id);
            assert!(!chart.columns.is_empty(), "{} draws no column", chart.id);
            for column in chart.columns {
                assert!(BAND_COLUMNS.contains(column), "{}: {column} is not banded", chart.id);
            }
        }
        for column in BAND_COLUMNS {
            assert!(DailyRecord::default().value(column).is_some(), "{column} is not a numeric daily column");
        }
        assert_eq!(ids(), "hashrate, hashprice, price, security-budget, attack-cost, nakamoto, pool-shares, operators, operator-kinds");
        // Nine entries, all different (above): each of the nine ids has its entry.
        assert_eq!(CHARTS.len(), 9);
        for chart in CHARTS {
            assert_eq!(chart.id.info().id, chart.id);
            assert_eq!(super::chart(chart.id.as_str()).map(|c| c.id), Some(chart.id));
            // The JSON form is the text form.
            assert_eq!(serde_json::to_string(&chart.id).unwrap(), format!("\"{}\"", chart.id));
        }
    }

    #[test]
    fn a_chart_set_holds_its_charts_and_none_is_every_chart() {
        assert!(CHARTS.len() <= 32, "a bit per chart");
        let set = ChartSet::of([ChartId::Hashrate, ChartId::PoolShares]);
        assert!(set.has(ChartId::Hashrate) && set.has(ChartId::PoolShares));
        assert!(!set.has(ChartId::Price) && !set.has(ChartId::OperatorKinds));
        assert_eq!(ChartSet::of([]), ChartSet::ALL);
        assert!(CHARTS.iter().all(|chart| ChartSet::ALL.has(chart.id)));
    }
}
