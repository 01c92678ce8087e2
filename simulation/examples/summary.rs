//! Prints the summary and a few days of a preset's run:
//! `cargo run --release -p simulation --example summary -- late-2025-squeeze 2000 [years]`.

fn main() {
    let mut args = std::env::args().skip(1);
    let id = args.next().unwrap_or_else(|| "baseline-2025".to_string());
    let Some(preset) = simulation::presets::find(&id) else {
        eprintln!("unknown preset `{id}`; one of {:?}", simulation::presets::ids());
        std::process::exit(2);
    };
    let mut scenario = preset.scenario;
    if let Some(operators) = args.next().and_then(|n| n.parse().ok()) {
        scenario.operators = operators;
    }
    if let Some(years) = args.next().and_then(|n| n.parse().ok()) {
        scenario.years = years;
    }
    let started = std::time::Instant::now();
    let result = match simulation::run(&scenario) {
        Ok(result) => result,
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(2);
        }
    };
    let elapsed = started.elapsed();
    println!("{:#?}", result.summary);
    let step = (result.days.len() / 24).max(1);
    println!("day date        price    hash  est7d  hp    idle  ai_mw  nak/e/o  hhi   ops  jth   budget$M");
    for d in result.days.iter().step_by(step) {
        println!(
            "{:4} {} {:7.0} {:6.0} {:6.0} {:5.1} {:5.0} {:6.0} {:2}/{:2}/{:3} {:5.0} {:5} {:4.1} {:6.1}",
            d.day,
            d.date,
            d.price_usd,
            d.hashrate_ehs,
            d.hashrate_7d_est_ehs,
            d.hashprice_usd_per_ph_day,
            d.idle_hashrate_ehs,
            d.ai_mw + d.ai_mw_pending,
            d.nakamoto_pools,
            d.nakamoto_entities,
            d.nakamoto_operators,
            d.hhi_pools,
            d.operators_active,
            d.fleet_j_per_th,
            d.security_budget_usd_per_day / 1e6
        );
    }
    for r in result.retargets.iter().take(12) {
        println!("retarget {} {} {:+.2}%", r.height, r.date, r.change_pct);
    }
    println!("run took {:.1} ms", elapsed.as_secs_f64() * 1e3);
}
