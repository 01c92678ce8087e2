//! The operators seen as real firms, for the operators' Nakamoto coefficient:
//! the sites of named firms (`crate::firms`) counted together, firm by firm,
//! and each kind's tail in firms of the size its tail had at the start
//! ([`crate::firms::TAIL_FIRMS`]), whatever the run's operator count.

use crate::firms::{self, NAMED_FIRMS};
use crate::kind::{ByKind, OperatorKind};
use crate::operators::Operator;

/// Which operators are named firms' sites, and each kind's tail firm size.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct FirmView {
    /// (operator index, firm number in [`NAMED_FIRMS`]).
    named_sites: Vec<(u32, u8)>,
    tail_firm_size_ths: ByKind<f64>,
}

impl FirmView {
    /// Operator `index` is a site of named firm `number`.
    pub fn note_named_site(&mut self, index: u32, number: u8) {
        self.named_sites.push((index, number));
    }

    /// Sizes each kind's tail firms from the starting fleet: `hash_ths` of the
    /// operators' hash (TH/s, by operator index), the named sites left out.
    pub fn size_tails(&mut self, operators: &[Operator], hash_ths: impl IntoIterator<Item = (u32, f64)>) {
        let mut named = vec![false; operators.len()];
        for &(operator, _) in &self.named_sites {
            named[operator as usize] = true;
        }
        let mut tail_ths: ByKind<f64> = ByKind::default();
        for (operator, ths) in hash_ths {
            if !named[operator as usize] {
                tail_ths[operators[operator as usize].kind] += ths;
            }
        }
        for kind in OperatorKind::ALL {
            self.tail_firm_size_ths[kind] = tail_ths[kind] / firms::TAIL_FIRMS[kind];
        }
    }

    /// The fewest firms holding more than half of the running hash
    /// (`running_ths`): `operator_ths` gives each operator's running hash and
    /// `kind_ths` each kind's, TH/s ([`firms::nakamoto_resolved`]).
    pub fn nakamoto(&self, operators: &[Operator], operator_ths: impl Fn(usize) -> f64, kind_ths: ByKind<f64>, running_ths: f64) -> u32 {
        let mut tail = kind_ths;
        let mut named = [0.0; NAMED_FIRMS.len()];
        for &(index, number) in &self.named_sites {
            let hash = operator_ths(index as usize);
            tail[operators[index as usize].kind] -= hash;
            named[number as usize] += hash;
        }
        let tail = ByKind::from_fn(|kind| tail[kind].max(0.0));
        firms::nakamoto_resolved(&named, &tail, &self.tail_firm_size_ths, running_ths)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_firms_sites_count_as_one_firm_and_tails_in_firms_of_their_start_size() {
        let operators: Vec<Operator> = (0..4)
            .map(|_| Operator::fresh(OperatorKind::PublicMiner, 0.05))
            .chain([Operator::fresh(OperatorKind::SmallPrivate, 0.08)])
            .collect();
        let mut view = FirmView::default();
        // Operators 0 and 1 are two sites of firm 0.
        view.note_named_site(0, 0);
        view.note_named_site(1, 0);
        let start_ths = [300.0, 300.0, 200.0, 200.0, 100.0];
        view.size_tails(&operators, start_ths.iter().enumerate().map(|(i, h)| (i as u32, *h)));
        assert_eq!(view.tail_firm_size_ths[OperatorKind::PublicMiner], 400.0 / firms::TAIL_FIRMS[OperatorKind::PublicMiner]);
        assert_eq!(view.tail_firm_size_ths[OperatorKind::SmallPrivate], 100.0 / firms::TAIL_FIRMS[OperatorKind::SmallPrivate]);
        let kind_ths = ByKind::from_fn(|kind| match kind {
            OperatorKind::PublicMiner => 1_000.0,
            OperatorKind::SmallPrivate => 100.0,
            _ => 0.0,
        });
        let count = view.nakamoto(&operators, |i| start_ths[i], kind_ths, 1_100.0);
        // The same as the firms' count from their hash: the named firm's 600 alone, then the tails.
        let mut tail = kind_ths;
        tail[OperatorKind::PublicMiner] -= 600.0;
        let mut named = [0.0; NAMED_FIRMS.len()];
        named[0] = 600.0;
        assert_eq!(count, firms::nakamoto_resolved(&named, &tail, &view.tail_firm_size_ths, 1_100.0));
        assert_eq!(count, 1, "one firm of 600 holds more than half of 1,100");
    }
}
