//! Newcomers' candidates: each drawn with keys of its own (its number among
//! all candidates), sized around the start's mean operator of its kind, under
//! the population's ceiling that bounds how many join.

use crate::kind::{ByKind, OperatorKind};

/// The most operators a run holds (every one that ever mined in it, sold up or
/// not), as a multiple of its starting count: a bound on memory and time for a
/// run whose entry never stops, far above what the presets reach (at the
/// page's seed, 42, at most 1.12x, in `bull-run`).
pub(crate) const MOST_OPERATORS_PER_START: usize = 4;

/// The candidates drawn so far, their kinds' mean size and the population's ceiling.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Candidates {
    drawn: u32,
    most_operators: usize,
    mean_start_ths: ByKind<f64>,
}

impl Candidates {
    /// None drawn yet, for a run that starts with `start_operators`.
    pub fn new(start_operators: u32) -> Self {
        Candidates { drawn: 0, most_operators: MOST_OPERATORS_PER_START * start_operators as usize, mean_start_ths: ByKind::default() }
    }

    /// The start's mean operator of `kind` (its tail, the named firms left out) holds `ths` TH/s.
    pub fn set_mean_start_ths(&mut self, kind: OperatorKind, ths: f64) {
        self.mean_start_ths[kind] = ths;
    }

    /// The start's mean operator of `kind`, TH/s: newcomers' sizes are drawn around it.
    pub fn mean_start_ths(&self, kind: OperatorKind) -> f64 {
        self.mean_start_ths[kind]
    }

    /// How many more operators fit beside `operators` already there.
    pub fn room(&self, operators: usize) -> usize {
        self.most_operators.saturating_sub(operators)
    }

    /// The next candidate's key for its draws.
    pub fn next_key(&mut self) -> u64 {
        let key = u64::from(self.drawn);
        self.drawn += 1;
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_numbered_in_turn_under_a_ceiling() {
        let mut candidates = Candidates::new(100);
        assert_eq!((candidates.next_key(), candidates.next_key(), candidates.next_key()), (0, 1, 2));
        assert_eq!(candidates.room(100), 300);
        assert_eq!(candidates.room(400), 0);
        assert_eq!(candidates.room(450), 0, "never negative");
        candidates.set_mean_start_ths(OperatorKind::Stranded, 1_500.0);
        assert_eq!(
            (candidates.mean_start_ths(OperatorKind::Stranded), candidates.mean_start_ths(OperatorKind::PublicMiner)),
            (1_500.0, 0.0)
        );
    }
}
