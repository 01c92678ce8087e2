//! Fuzzes what `hashlab merge` reads: the shard files of a Monte Carlo and of
//! a sweep (each shard's JSON, as the command parses it). Nothing may panic
//! or size an allocation by a count the file claims; a shard that merges
//! alone must write its CSV and merge the same when split in two; whatever is
//! refused must name the shards.
#![no_main]

use libfuzzer_sys::fuzz_target;
use simulation::montecarlo::{merge_samples, MonteCarloSamples};
use simulation::sweep::{merge_sweeps, SweepResult};

fuzz_target!(|data: &[u8]| {
    if let Ok(samples) = serde_json::from_slice::<MonteCarloSamples>(data) {
        let checked = samples.check();
        match merge_samples(vec![samples.clone()]) {
            Ok(result) => {
                assert!(checked.is_ok());
                let _ = result.to_csv_string();
                if samples.values.len() >= 2 {
                    let mut head = samples.clone();
                    let tail_values = head.values.split_off(1);
                    let tail = MonteCarloSamples { first_run: 1, values: tail_values, ..samples.clone() };
                    assert_eq!(merge_samples(vec![tail, head]), Ok(result));
                }
            }
            Err(error) => assert_eq!(error.field, "shards"),
        }
    }
    if let Ok(sweep) = serde_json::from_slice::<SweepResult>(data) {
        let checked = sweep.check();
        match merge_sweeps(vec![sweep.clone()]) {
            Ok(result) => {
                assert!(checked.is_ok());
                let _ = result.to_csv_string();
                if sweep.cells.len() >= 2 {
                    let mut head = sweep.clone();
                    let tail = SweepResult { first_cell: 1, cells: head.cells.split_off(1), ..sweep.clone() };
                    assert_eq!(merge_sweeps(vec![tail, head]), Ok(result));
                }
            }
            Err(error) => assert_eq!(error.field, "shards"),
        }
    }
});
