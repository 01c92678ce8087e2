//! The charts the page shows: an id, a title and a plain-words explanation
//! for a classroom. Shared by the server (which draws them) and the browser.

/// One chart of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartInfo {
    /// Stable id, used in the DOM (`chart-<id>`) and by tests.
    pub id: &'static str,
    /// Heading above the chart.
    pub title: &'static str,
    /// "What am I looking at", in plain words.
    pub explain: &'static str,
}

/// Every chart, in page order.
pub const CHARTS: &[ChartInfo] = &[
    ChartInfo {
        id: "hashrate",
        title: "Hash rate and difficulty",
        explain: "Hash rate is how much guessing power all miners together put into finding blocks. \
                  The blue line is the model's true value; the orange line is all the real network can \
                  know, an estimate from how fast blocks arrived over the last 7 days. Every 2,016 blocks the \
                  difficulty (grey steps, right axis) resets so that blocks keep coming about every 10 minutes.",
    },
    ChartInfo {
        id: "hashprice",
        title: "Hashprice against breakeven",
        explain: "Hashprice is what one petahash per second of mining earns in a day. Each other line is \
                  the hashprice a generation of machines needs to pay its electricity at the median power \
                  price. When hashprice falls below a line, those machines lose money and are switched off first.",
    },
    ChartInfo {
        id: "budget",
        title: "Security budget and fee share",
        explain: "The security budget is everything miners are paid each day (new coins plus fees): it is what \
                  the network spends on its own protection. The right axis shows it per year as a percent of \
                  all bitcoin's value, and how much of it comes from fees rather than new coins.",
    },
    ChartInfo {
        id: "attack",
        title: "Cost of a majority attack",
        explain: "To rewrite recent blocks an attacker needs more hash rate than everyone else. Renting it for a \
                  day or buying machines are two ways to get it; both are compared with what honest miners are \
                  paid in a day. Idle hash (right axis) is machines switched off that could be turned back on.",
    },
    ChartInfo {
        id: "concentration",
        title: "Concentration: Nakamoto coefficient and HHI",
        explain: "The Nakamoto coefficient is the smallest number of pools (or owners, or operators) that together \
                  control more than half of the hash rate: higher is more spread out. HHI (right axis) is the \
                  competition authorities' concentration index; the shaded bands are the US DOJ/FTC thresholds \
                  for moderately and highly concentrated markets.",
    },
    ChartInfo {
        id: "pools",
        title: "Pool shares",
        explain: "Each band is one mining pool's share of the hash rate; together they fill 100%. Watch whether a \
                  few bands grow to take over the picture.",
    },
    ChartInfo {
        id: "operators",
        title: "Hash rate by kind of miner, and power moved to AI",
        explain: "Miners are small and large private companies, listed miners, machine makers mining for \
                  themselves, and sites on stranded energy. The coloured bands stack up how much hash rate each \
                  kind runs; the lines (right axis) show megawatts of former mining sites hosting AI computers, \
                  earning or still being converted.",
    },
    ChartInfo {
        id: "kinds",
        title: "Operators in business, by kind",
        explain: "How many mining companies of each kind are still in business. When mining stops paying, \
                  the ones with expensive power or debts give up first; new ones enter when it pays well.",
    },
];

/// The chart with `id`, if any.
pub fn chart(id: &str) -> Option<&'static ChartInfo> {
    CHARTS.iter().find(|chart| chart.id == id)
}
