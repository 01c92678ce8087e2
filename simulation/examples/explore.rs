//! Diagnostics over seeds: `cargo run --release -p simulation --example explore -- PRESET SEEDS [key=value ...]`.
//! Prints, per seed, the shape of the run that a teacher would look at.

use simulation::{presets, Scenario};

fn main() {
    let mut args = std::env::args().skip(1);
    let id = args.next().unwrap_or_else(|| "baseline-2025".into());
    let seeds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(3);
    let mut scenario: Scenario = presets::find(&id).expect("preset").scenario;
    let mut verbose = false;
    let mut show_events = false;
    for pair in args {
        if pair == "-v" {
            verbose = true;
            continue;
        }
        if pair == "-e" {
            show_events = true;
            continue;
        }
        let (k, v) = pair.split_once('=').expect("key=value");
        scenario.set_field(k, v).unwrap_or_else(|e| panic!("{e}"));
    }
    for seed in 1..=seeds {
        let mut sc = scenario.clone();
        sc.seed = if seeds == 1 { scenario.seed } else { seed };
        let t = std::time::Instant::now();
        let r = simulation::run(&sc).expect("runs");
        let ms = t.elapsed().as_millis();
        let d = &r.days;
        let h0 = d[0].hashrate_ehs;
        let min7 = d.iter().map(|x| x.hashrate_7d_est_ehs).skip(7).fold(f64::INFINITY, f64::min);
        let mut worst = (0.0, 0u32);
        for w in d.windows(2) {
            let fall = 1.0 - w[1].hashrate_ehs / w[0].hashrate_ehs.max(1e-9);
            if fall > worst.0 {
                worst = (fall, w[1].day);
            }
        }
        let last = d.last().unwrap();
        let ai_max = d.iter().map(|x| x.ai_mw + x.ai_mw_pending).fold(0.0, f64::max);
        let min_nak = d.iter().map(|x| x.nakamoto_pools).min().unwrap();
        let max_top = d.iter().map(|x| x.top_pool_share).fold(0.0, f64::max);
        println!(
            "seed {:3}: hash {:6.0}->{:6.0} ({:+5.1}%) min7d {:6.0} ({:+5.1}%) worst1d {:4.1}% @{:4} | hp {:5.1}->{:5.1} min {:5.1} | ai {:5.0}MW (max {:5.0}) conv {:5.0} | ops {:5}->{:5} in {:5} out {:5} | nak {}..{} top {:.2} | blocks {} {}ms",
            sc.seed, h0, last.hashrate_ehs, (last.hashrate_ehs / h0 - 1.0) * 100.0, min7, (min7 / d[7].hashrate_7d_est_ehs - 1.0) * 100.0,
            worst.0 * 100.0, worst.1, d[0].hashprice_usd_per_ph_day, last.hashprice_usd_per_ph_day,
            r.summary.min_hashprice_usd_per_ph_day, last.ai_mw + last.ai_mw_pending, ai_max, last.ai_mw,
            r.summary.start_operators, r.summary.end_operators, r.summary.entries, r.summary.exits, min_nak, last.nakamoto_pools, max_top, r.summary.blocks, ms
        );
        let f = &d[0];
        println!(
            "          ops by kind small/large/public/maker/stranded {}/{}/{}/{}/{} -> {}/{}/{}/{}/{}; restructured {}",
            f.operators_small_private,
            f.operators_large_private,
            f.operators_public_miner,
            f.operators_manufacturer,
            f.operators_stranded,
            last.operators_small_private,
            last.operators_large_private,
            last.operators_public_miner,
            last.operators_manufacturer,
            last.operators_stranded,
            r.summary.restructurings
        );
        if let Ok(around) = std::env::var("HASHLAB_AROUND") {
            let day: usize = around.parse().unwrap();
            for x in &d[day.saturating_sub(3)..(day + 3).min(d.len())] {
                println!(
                    "  {} {:4} hash {:6.0} idle {:5.0} ai {:5.0}+{:5.0} ops {:5} hp {:5.1} kinds {:.0}/{:.0}/{:.0}/{:.0}/{:.0}",
                    x.date,
                    x.day,
                    x.hashrate_ehs,
                    x.idle_hashrate_ehs,
                    x.ai_mw,
                    x.ai_mw_pending,
                    x.operators_active,
                    x.hashprice_usd_per_ph_day,
                    x.hashrate_ehs_small_private,
                    x.hashrate_ehs_large_private,
                    x.hashrate_ehs_public_miner,
                    x.hashrate_ehs_manufacturer,
                    x.hashrate_ehs_stranded
                );
            }
        }
        if show_events {
            for event in r.events.iter().filter(|e| e.kind != simulation::events::EventKind::Retarget) {
                println!("  {} {:?}: {}", event.date, event.kind, event.text);
            }
        }
        if verbose {
            for x in d.iter().step_by(30) {
                println!(
                    "  {} {:4} p {:7.0} hash {:6.0} est {:6.0} idle {:5.0} hp {:5.1} ai {:5.0}+{:5.0} ops {:5} nak {} top {:.2} jth {:4.1} D {:6.1}T fee {:.3} budget {:5.1}M",
                    x.date, x.day, x.price_usd, x.hashrate_ehs, x.hashrate_7d_est_ehs, x.idle_hashrate_ehs, x.hashprice_usd_per_ph_day, x.ai_mw, x.ai_mw_pending,
                    x.operators_active, x.nakamoto_pools, x.top_pool_share, x.fleet_j_per_th, x.difficulty / 1e12, x.fees_btc / x.blocks.max(1) as f64, x.security_budget_usd_per_day / 1e6
                );
            }
        }
    }
}
