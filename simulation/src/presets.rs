//! Presets that teach: each sets a scenario and says, in words a teacher can
//! read aloud, what it shows.

use crate::events::EventKind::{self, *};
use crate::scenario::{PricePoint, Scenario};
use crate::story::{Beat, Pick, Script};
use chrono::NaiveDate;
use serde::Serialize;

/// A named scenario with a paragraph for a classroom.
#[derive(Debug, Clone, Serialize)]
pub struct Preset {
    /// Stable id, used in links and on the command line.
    pub id: &'static str,
    /// A short title.
    pub title: &'static str,
    /// What it shows, in plain words.
    pub teacher_text: &'static str,
    /// The scenario it runs.
    pub scenario: Scenario,
    /// The beats a teacher plays it by, and the two charts for a projector.
    pub script: Script,
}

/// A beat on the event of `kind` picked by `pick` within `within_days` of `near_day`.
fn on(kind: EventKind, pick: Pick, near_day: u32, within_days: u32, text: &'static str) -> Beat {
    Beat { kind: Some(kind), pick, near_day, within_days, text }
}

/// A beat on a day of the run.
fn at(day: u32, text: &'static str) -> Beat {
    Beat { kind: None, pick: Pick::Nearest, near_day: day, within_days: 0, text }
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("preset dates are valid")
}

/// The network of early October 2025, at the price peak (CALIBRATION.md).
fn october_2025() -> Scenario {
    Scenario {
        start_date: date("2025-10-06"),
        // ~6,400 blocks before 1 Nov 2025 at ~144 a day.
        start_height: 917_700,
        // Interpolated between 129.7 T (Aug 2025) and ~155 T (early Nov 2025).
        start_difficulty_t: 150.0,
        // Difficulty rose to a record ~156 T by 30 Oct 2025 (CALIBRATION.md:
        // ~155 T early Nov), so October's running hash exceeded the ~1,075 EH/s
        // that 150 T implies: ~1,120 installed gives ~1,080 running (median of 8 seeds, model 8).
        start_hashrate_ehs: 1_120.0,
        start_price_usd: 124_824.0,
        ..Scenario::default()
    }
}

/// Every preset, the default first.
pub fn all() -> Vec<Preset> {
    let mut all = teaching_presets();
    all.extend(history_presets());
    all
}

/// The presets that teach a mechanism (the history presets follow them).
fn teaching_presets() -> Vec<Preset> {
    vec![
        Preset {
            id: "baseline-2025",
            title: "The network today (late 2025)",
            teacher_text: "This is Bitcoin mining as it stood in November 2025: about 1,100 exahashes per second of machines, a difficulty near 155 trillion, a bitcoin price near $110,000 and a reward of 3.125 new coins plus a little in fees for every block. Nothing dramatic is scripted: the price wanders at random and miners switch machines on and off, buy new ones or give up as their profits change, and large miners with good grid connections hand some of their sites to AI data centres, as many did through 2025 and 2026. In spring 2028 the reward halves. Watch how the network pays for its own security every day, and who controls the pools that build the blocks.",
            scenario: Scenario { title: "Baseline 2025".into(), ..Scenario::default() },
            script: Script {
                charts: ["hashrate", "security-budget"],
                beats: vec![
                    at(0, "November 2025: about 1,100 EH/s of machines, a difficulty near 155 trillion and a price near $110,000. The security budget is what the network pays its miners every day: the subsidy and the fees, in dollars."),
                    on(AiCommitted, Pick::Nearest, 30, 30, "Large miners commit {size} MW of sites to AI hosting ({ai_mw_pending} MW committed and converting in all): those machines leave mining today, though the AI rent starts only when the halls are converted. Watch the hash rate."),
                    on(Halving, Pick::Nearest, 900, 60, "{event} The security budget, {security_budget_usd_per_day} USD today, falls by nearly half as every block pays half the new coins; watch the hash rate over the weeks after."),
                    on(Retarget, Pick::Fall, 930, 45, "The difficulty falls {size}%: machines went dark after the halving, blocks slowed, and the protocol makes each block easier to find for those still running."),
                    at(1460, "Four years on: compare the hash rate and the security budget with the start, and count the pools it takes to find half the blocks."),
                ],
            },
        },
        Preset {
            id: "late-2025-squeeze",
            title: "The late-2025 squeeze",
            teacher_text: "In the autumn of 2025 the bitcoin price fell by more than a third from its October peak, while companies building AI data centres offered miners more per megawatt than mining earned. Miners' daily income per unit of computing power (the hashprice) fell from above $50 to the low $30s. Older machines stopped paying for their electricity and were switched off, and within two months the network's hash rate fell by around a tenth; the protocol answered with lower difficulty, and some of the hash came back as machines moved to sites with cheaper power. Meanwhile large miners with good grid connections committed their sites to AI hosting: that power leaves mining the day it is committed, a year before the first AI rent. Watch the hashprice, the idle machines, and the megawatts committed and then converted to AI.",
            scenario: Scenario {
                title: "Late-2025 squeeze".into(),
                // 18 months, and a 12-month conversion (CALIBRATION.md: 12-24 months; IREN and
                // Cipher phased their first halls within about a year), so that the run shows
                // both the power committed to AI and the first sites converted.
                years: 1.5,
                price_volatility: 0.2,
                price_shock_pct: -38.0,
                price_shock_start_day: 0,
                price_shock_days: 47,
                ai_revenue_usd_per_mw_year: 1_850_000.0,
                ai_market_mw_per_year: 3_000.0,
                ai_conversion_months: 12,
                ..october_2025()
            },
            script: Script {
                charts: ["hashprice", "hashrate"],
                beats: vec![
                    on(PriceShockStart, Pick::Nearest, 0, 5, "The price starts to fall from its October peak: {size}% over seven weeks. Watch the hashprice, the miners' daily income per unit of computing power, follow it down."),
                    on(AiCommitted, Pick::Nearest, 25, 20, "{size} MW of mining sites are committed to AI hosting ({ai_mw_pending} MW committed in all): their machines leave the network today, a year before the first AI rent."),
                    on(PriceShockEnd, Pick::Nearest, 47, 5, "The fall is over: the price holds about a third under its peak. Older machines no longer pay for their power and sit idle."),
                    on(Retarget, Pick::Fall, 60, 30, "The difficulty falls {size}%: with machines switched off, blocks slowed, so the protocol makes mining easier for those still running. Watch the hashprice tick up."),
                    on(AiConverted, Pick::Nearest, 390, 60, "Halls finish converting: {ai_mw} MW now earns AI rent. That power is not coming back to mining."),
                ],
            },
        },
        Preset {
            id: "halving-2028",
            title: "The 2028 halving",
            teacher_text: "Every 210,000 blocks, about every four years, the number of new bitcoins paid for a block halves. The next halving, at block 1,050,000, falls in spring 2028 and cuts the reward from 3.125 to 1.5625 coins. This run starts from today's network about six months before that block, with the price left to wander. If the price does not double to make up for it, half of the miners' income disappears overnight and the oldest machines no longer pay for their electricity. They are not all switched off that day: each firm's power contracts and hedges set how long it waits, so the hash rate falls over the next two or three weeks. How far depends on where the price has wandered since the start: where it rose, by anything from a third to almost nothing; where it fell by a third or more, by about half. (The 2020 and 2024 halvings came after the price had risen, and the hash rate dipped for a few weeks.) Watch the marked halving, which machines go dark, how far the hash rate and the security budget fall, and how the difficulty adjusts as blocks slow down.",
            scenario: Scenario {
                title: "Halving 2028".into(),
                // About six months of blocks (26,300 at 144 a day) before height 1,050,000.
                start_date: date("2027-10-15"),
                start_height: 1_023_700,
                years: 2.0,
                ..Scenario::default()
            },
            script: Script {
                charts: ["security-budget", "hashrate"],
                beats: vec![
                    at(0, "Six months before the halving: every block pays 3.125 new coins plus fees. The security budget is that income in dollars: all the network pays for its security."),
                    on(Halving, Pick::Nearest, 182, 20, "{event} From here every block pays half the new coins: the security budget, {security_budget_usd_per_day} USD today, falls by nearly half, and the oldest machines stop paying for their electricity."),
                    on(Retarget, Pick::Fall, 200, 30, "The difficulty falls {size}%: blocks slowed as machines went dark, and the protocol makes each block easier to find."),
                    at(730, "Eighteen months after the halving: has the hash rate come back? Compare the security budget with the start."),
                ],
            },
        },
        Preset {
            id: "ai-takes-the-power",
            title: "AI takes the power",
            teacher_text: "Suppose AI companies keep paying more and more for electricity and ready-built sites. Large miners with good grid connections can earn more by hosting AI computers than by mining, so they convert their sites, a step that takes a year or more and is hard to undo. Power prices rise for everyone. Watch the megawatts that move to AI, what happens to the hash rate, and whether the remaining mining concentrates in fewer hands.",
            scenario: Scenario {
                title: "AI takes the power".into(),
                ai_revenue_usd_per_mw_year: 2_500_000.0,
                ai_eligible_share: 0.5,
                ai_market_mw_per_year: 8_000.0,
                ai_conversion_months: 12,
                power_price_trend_pct_per_year: 8.0,
                ..Scenario::default()
            },
            script: Script {
                charts: ["hashrate", "nakamoto"],
                beats: vec![
                    on(AiCommitted, Pick::Nearest, 30, 20, "{size} MW of mining sites are committed to AI hosting in a month ({ai_mw_pending} MW committed and converting in all): their machines leave mining today, and they will not come back."),
                    on(AiConverted, Pick::Nearest, 395, 60, "Sites finish converting: {ai_mw} MW now hosts AI computers and earns rent. Watch the hash rate and the AI lines."),
                    at(730, "Two years in: power costs have risen 8% a year for everyone still mining. Look at the pools: does the mining that is left sit in fewer hands?"),
                ],
            },
        },
        Preset {
            id: "fee-only-future",
            title: "Towards a fee-only future",
            teacher_text: "The block subsidy halves every four years until, around 2140, miners are paid by transaction fees alone. This preset gives today's network the reward of the 2040s, when a block's subsidy is under a tenth of a coin (the chart dates still count from today, with today's machines), and plays ten years and three more halvings, from about three quarters of miners' income in fees to nearly all of it. Fees are about ten times today's, and the network is as large as that income can pay for. Fees arrive with time, not with blocks: when blocks slow down, each one collects more fees, which is what keeps the chain running while difficulty adjusts. Compare the security budget and the cost of an attack with today's: what does a fee-only chain pay for its security?",
            scenario: Scenario {
                title: "Towards a fee-only future".into(),
                years: 10.5,
                // Era 9 (subsidy 0.0977 BTC); halvings at 2,100,000, 2,310,000 and 2,520,000.
                // The start date stays today's: the starting fleet is today's machines, and
                // a 2046 calendar would set it against two decades of projected efficiency
                // gains (hash rate x6.6 in four years, hashprice 37 -> 4 $/PH/day): a boom
                // of stale machines being replaced, not the balance this preset shows.
                start_height: 2_000_000,
                fee_btc_per_block: 0.3,
                // A network in balance with a 0.4 BTC reward: hashprice near today's at this
                // difficulty, so the run starts from equilibrium rather than from a collapse.
                start_difficulty_t: 22.0,
                start_hashrate_ehs: 175.0,
                price_volatility: 0.3,
                ..Scenario::default()
            },
            script: Script {
                charts: ["security-budget", "attack-cost"],
                beats: vec![
                    at(0, "The reward of the 2040s on today's network: a block's subsidy is under a tenth of a coin, and fees are about three quarters of what miners earn. Watch the fee share on the security-budget chart."),
                    on(Halving, Pick::Nearest, 694, 90, "{event} It matters less than it used to: fees, not new coins, pay most of the miners now."),
                    on(Halving, Pick::Nearest, 2152, 150, "{event} The fee share climbs again. Compare the cost of an attack with the security budget."),
                    on(Halving, Pick::Nearest, 3610, 200, "{event} Miners live on fees almost alone: when blocks slow, each one collects more fees, which keeps the chain running."),
                ],
            },
        },
        Preset {
            id: "manufacturers-mine",
            title: "Manufacturers mine their own output",
            teacher_text: "The companies that make mining machines also mine. When the price falls, fewer customers buy new machines, so the makers plug their unsold machines into their own sites, at the cost of making them rather than the price of buying them. This preset starts with a 20% price fall and makers who keep producing. Watch the makers' share of the hash rate, and what it does to the pools they run.",
            scenario: Scenario {
                title: "Manufacturers mine".into(),
                manufacturer_self_mining: 1.0,
                manufacturer_production_ehs_per_month: 45.0,
                mix_manufacturer: 20.0,
                price_shock_pct: -20.0,
                price_shock_days: 60,
                ..Scenario::default()
            },
            script: Script {
                charts: ["operator-kinds", "pool-shares"],
                beats: vec![
                    on(PriceShockStart, Pick::Nearest, 0, 5, "The price falls {size}% over two months, and customers stop buying new machines."),
                    on(PriceShockEnd, Pick::Nearest, 60, 5, "The fall is over. The makers plug their unsold machines into their own sites, at the cost of making them: watch their share of the hash rate."),
                    at(365, "A year on: how much of the hash rate do the makers run, and in which pools?"),
                ],
            },
        },
        Preset {
            id: "bull-run",
            title: "Bull run",
            teacher_text: "Prices can rise as fast as they fall. Here the bitcoin price climbs by half over six months and keeps a strong upward drift, and fees grow. Mining becomes very profitable: old machines come back on, new operators arrive and buy every machine they can get, and the difficulty rises to catch up. Not everyone gains: small operators with old machines and dear power still sell up, in most runs more of them than newcomers arrive, and their machines go to sites with cheaper power. Watch how fast the hash rate follows the price (new machines take months to make and deliver), and what happens to the security budget.",
            scenario: Scenario {
                title: "Bull run".into(),
                price_drift: 0.3,
                price_shock_pct: 50.0,
                price_shock_days: 180,
                fee_growth_pct_per_year: 20.0,
                ..Scenario::default()
            },
            script: Script {
                charts: ["hashrate", "security-budget"],
                beats: vec![
                    on(PriceShockStart, Pick::Nearest, 0, 5, "The price starts to climb: {size}% over six months. Mining pays well: idle machines come back on and newcomers order all they can."),
                    on(Retarget, Pick::Rise, 45, 40, "The difficulty rises {size}%: with more machines running, blocks came faster than every ten minutes, so the protocol makes them harder to find."),
                    on(PriceShockEnd, Pick::Nearest, 180, 5, "The climb is over, and the upward drift goes on. Watch the security budget: it follows the price."),
                ],
            },
        },
        Preset {
            id: "winter-storm-2026",
            title: "Winter Storm Fern (January-February 2026)",
            teacher_text: "In late January 2026 Winter Storm Fern froze much of the United States. Miners there switched their machines off for days, some to keep the grid up, and the network's hash rate fell to about 826 exahashes per second. Blocks slowed, so the next difficulty adjustment, on 7 February, was the largest cut since 2021: -11%. At the same time the price fell from about $91,000 to about $60,000. Then the machines came back on, blocks came fast, and the 20 February adjustment was +14.7%. Watch the marked curtailment, the slow blocks, and the two adjustments that follow.",
            scenario: Scenario {
                title: "Winter Storm Fern".into(),
                years: 0.3,
                start_date: date("2026-01-12"),
                // The 8 Jan 2026 adjustment (-1.20%, to ~146.4 T) came at block 931,392 (the
                // 7 Feb one at 935,424 is two windows later); four days of blocks on.
                start_height: 931_950,
                start_difficulty_t: 146.4,
                // 7-day hash rate 1,024 EH/s on 12 Jan 2026 (Hashrate Index): 1,120 installed
                // runs ~1,024 at that day's hashprice (~9% idle: the start survived 2025's higher one).
                start_hashrate_ehs: 1_120.0,
                start_price_usd: 91_132.0,
                price_volatility: 0.0,
                price_path: winter_2026_prices(),
                // US curtailment at the storm's height: about a quarter of the network for four
                // days from 24 Jan (reports of the storm; the depth and length are this preset's
                // assumption, not a fit: the 7-day low it gives is checked against ~826 EH/s).
                curtailment_pct: 25.0,
                curtailment_start_day: 12,
                curtailment_days: 4,
                ..Scenario::default()
            },
            script: Script {
                charts: ["hashrate", "hashprice"],
                beats: vec![
                    on(CurtailmentStart, Pick::Nearest, 12, 3, "Winter Storm Fern: about a quarter of the network is switched off to keep the grid up. Watch the hash rate drop and the blocks slow down."),
                    on(CurtailmentEnd, Pick::Nearest, 16, 3, "The machines come back on, but the difficulty still counts the slow blocks of the storm."),
                    on(Retarget, Pick::Fall, 27, 10, "The difficulty falls {size}%, the largest cut in years (observed: -11% on 7 February): the storm's slow blocks were in this window."),
                    on(Retarget, Pick::Rise, 40, 20, "The difficulty rises {size}%: with the machines back and the difficulty lower, blocks came fast (observed: +14.7% on 20 February)."),
                ],
            },
        },
        Preset {
            id: "history-2025q4",
            title: "History: October 2025 to January 2026",
            teacher_text: "This replays what actually happened to the bitcoin price from the October 2025 peak to January 2026, day by day from public reference prices, starting from the network as it stood in early October. Compare the model's hash rate, hashprice and difficulty adjustments with what was observed: hash rate near 1,000-1,100 EH/s, hashprice near $35-45 in late November, and a few small downward adjustments.",
            scenario: Scenario { title: "History 2025 Q4".into(), years: 0.3, price_volatility: 0.0, price_path: history_2025q4_prices(), ..october_2025() },
            script: Script {
                charts: ["hashprice", "hashrate"],
                beats: vec![
                    at(0, "6 October 2025: the price peaks near $125,000 and the difficulty is at a record. From here the model replays the real prices, day by day."),
                    at(47, "22 November 2025: the price is at its low, about $85,000, a third under the peak. Observed hashprice: near $35-40 per PH/s a day."),
                    on(Retarget, Pick::Fall, 60, 35, "The difficulty falls {size}% (observed: a few small cuts in November and December, of about 2-4%)."),
                ],
            },
        },
    ]
}

/// A history preset's paragraph: what happened, then how to read its charts.
macro_rules! history_text {
    ($story:literal) => {
        concat!($story, " The model starts from the network as it stood on the first day (its machines, miners, pools and difficulty, from public figures) and is then driven only by what was observed each day: the bitcoin price and the fees. The thick teal line marked \"observed\" on the hash rate, hashprice and price charts is what the real network did. Where the model's lines follow it, its mechanisms are enough to explain that year; where they part, something is missing, and the validation report (docs/VALIDATION.md) says what.")
    };
}

/// The history presets: one per back-test window (`history::windows`).
fn history_presets() -> Vec<Preset> {
    use crate::history::windows;
    // (window, preset id, what happened in words a teacher can read aloud, the beats)
    let table: [(&str, &'static str, &'static str, Vec<Beat>); 7] = [
        (
            "2019",
            "history-2019",
            history_text!("2019: the price recovers from the 2018 crash, from under $4,000 in January to $13,000 in June, and a new generation of machines (Bitmain's S17, MicroBT's M20) arrives. The real network's hash rate more than doubled, from about 42 to about 100 exahashes per second."),
            vec![
                at(0, "1 January 2019: about 42 EH/s, almost all of it Antminer S9-class machines, a price under $4,000 and a reward of 12.5 new coins a block."),
                at(180, "Summer 2019: the price has tripled and the new 7-nanometre machines are being delivered. Compare the model's hash rate with the observed one."),
                at(364, "The end of 2019: the observed hash rate is about 100 EH/s. How far did the model's get?"),
            ],
        ),
        (
            "2020",
            "history-2020",
            history_text!("2020: the price halves in a few days in March as markets crash, and on 11 May the reward per block halves from 12.5 to 6.25 coins. The real network's hash rate stayed roughly flat from February to June, then grew as the S19 generation was delivered."),
            vec![
                at(0, "1 January 2020: about 110 EH/s, a price near $7,200 and 12.5 new coins a block."),
                at(72, "12-13 March 2020: the price falls by about half. Watch the hashprice, and which machines stop paying for their power."),
                on(Halving, Pick::Nearest, 131, 3, "{event} The hashprice halves overnight; observed: the hash rate dipped and the difficulty fell, then recovered within weeks."),
                at(365, "The end of 2020: the observed hash rate is near 140 EH/s."),
            ],
        ),
        (
            "2021h2",
            "history-2021h2",
            history_text!("The second half of 2021, after China banned mining: about half of the world's hash rate had been switched off in May and June. The machines were packed, shipped to the United States, Kazakhstan and elsewhere and plugged in again over the following months, while the price reached its record in November. In the model that move is an input, from public figures: a share of the machines off from the start, coming back evenly over five months."),
            vec![
                at(0, "1 July 2021: the ban has switched off about half of the network's machines, and the difficulty is about to fall by a record 28%."),
                at(183, "The end of 2021: observed, the hash rate is back above where it was before the ban."),
            ],
        ),
        (
            "2022",
            "history-2022",
            history_text!("2022: the bear market. The price fell from about $47,000 to about $17,000 and the hashprice, what a unit of mining power earns a day, fell by about three quarters. Yet the real network's hash rate rose by about 40%: machines ordered and paid for in the 2021 boom were delivered through the year and plugged in, even as their owners went bankrupt."),
            vec![
                at(0, "1 January 2022: hashprice near $250 per PH/s a day, machines on order for months ahead."),
                at(180, "Summer 2022: the price has more than halved, yet the hash rate keeps rising. Compare the two lines."),
                at(364, "The end of 2022: observed, hashprice near $60 and the hash rate about 40% above January's."),
            ],
        ),
        (
            "2023",
            "history-2023",
            history_text!("2023: the recovery. The price rose about two and a half times and the real network's hash rate about doubled, from about 255 to about 500 exahashes per second, as miners bought the cheap machines left by 2022's bankruptcies and the S19 XP and S21 generations arrived."),
            vec![
                at(0, "1 January 2023: after 2022's crash, machines sell for a fraction of their 2021 price."),
                at(364, "The end of 2023: observed, the hash rate has about doubled. How far did the model's get?"),
            ],
        ),
        (
            "2024",
            "history-2024",
            history_text!("2024: the fourth halving. On 20 April the reward per block fell from 6.25 to 3.125 coins and the hashprice halved within days, from about $107 to about $55 per PH/s. The real network's hash rate dipped only a few percent by June and was about 30% higher by December."),
            vec![
                at(0, "1 January 2024: about 500 EH/s, and miners preparing for the halving with new S21 machines."),
                on(Halving, Pick::Nearest, 110, 3, "{event} The hashprice halves overnight. Observed: a dip of a few percent in the hash rate, then growth."),
                at(365, "The end of 2024: observed, the hash rate is about 30% above its level before the halving."),
            ],
        ),
        (
            "2025",
            "history-2025",
            history_text!("2025: the network passes one zettahash per second (1,000 exahashes). Through the autumn the price fell by about a third from its October record and the hashprice by about a quarter, to record lows near $35 per PH/s a day; the real network's monthly hash rate stayed roughly flat into December while miners moved power to AI data centres."),
            vec![
                at(0, "1 January 2025: about 780 EH/s and a price near $94,000."),
                at(278, "6 October 2025: the price's record, near $125,000. Then the squeeze begins."),
                at(362, "29 December 2025, the last observed day: compare the hash rate and hashprice with the model's."),
            ],
        ),
    ];
    table
        .into_iter()
        .map(|(window, id, story, beats)| {
            let w = windows::find(window).expect("a window");
            Preset {
                id,
                title: w.title,
                teacher_text: story,
                scenario: w.scenario(),
                script: Script { charts: ["hashrate", "hashprice"], beats },
            }
        })
        .collect()
}

/// Coin Metrics daily reference prices on the dates CALIBRATION.md lists.
fn history_2025q4_prices() -> Vec<PricePoint> {
    [
        ("2025-09-30", 113_972.0),
        ("2025-10-06", 124_824.0),
        ("2025-10-10", 113_755.0),
        ("2025-10-13", 115_332.0),
        ("2025-10-20", 110_640.0),
        ("2025-10-27", 114_088.0),
        ("2025-11-03", 106_496.0),
        ("2025-11-10", 106_082.0),
        ("2025-11-17", 91_911.0),
        ("2025-11-22", 84_775.0),
        ("2025-11-24", 88_378.0),
        ("2025-12-01", 86_505.0),
        ("2025-12-08", 90_673.0),
        ("2025-12-15", 86_353.0),
        ("2025-12-22", 88_474.0),
        ("2025-12-29", 87_134.0),
    ]
    .iter()
    .map(|(d, p)| PricePoint { date: date(d), price_usd: *p })
    .collect()
}

/// Prices through the storm (CALIBRATION.md, 2026 table: Hashrate Index; press).
fn winter_2026_prices() -> Vec<PricePoint> {
    [("2026-01-12", 91_132.0), ("2026-02-06", 60_000.0), ("2026-02-20", 67_000.0)]
        .iter()
        .map(|(d, p)| PricePoint { date: date(d), price_usd: *p })
        .collect()
}

/// The preset with id `id`.
pub fn find(id: &str) -> Option<Preset> {
    all().into_iter().find(|preset| preset.id == id)
}

/// Every preset id, for error messages.
pub fn ids() -> Vec<&'static str> {
    all().iter().map(|p| p.id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid_and_ids_are_unique() {
        let presets = all();
        for preset in &presets {
            preset.scenario.validate().unwrap_or_else(|e| panic!("{}: {e}", preset.id));
            assert!(preset.teacher_text.len() > 200, "{}", preset.id);
        }
        let mut ids = ids();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), presets.len());
        for required in [
            "baseline-2025",
            "late-2025-squeeze",
            "halving-2028",
            "ai-takes-the-power",
            "fee-only-future",
            "manufacturers-mine",
            "bull-run",
        ] {
            assert!(find(required).is_some(), "{required}");
        }
    }
}
