//! What the daily record counts of the population: the active operators of
//! each kind and the MW at AI, earning and converting. They change only when
//! operators do (the month-end step), so they are counted then, not daily.

use crate::kind::{ByKind, OperatorKind};
use crate::operators::Operator;

/// The population's counts as of the last month-end step.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct PopulationCounts {
    active_by_kind: ByKind<u32>,
    ai_mw: f64,
    ai_pending_mw: f64,
}

impl PopulationCounts {
    /// Counts `operators`: the active ones by kind, and the MW every operator
    /// has at AI (earning rent) and converting (an operator that has left
    /// mining may still hold an AI site).
    pub fn count(operators: &[Operator]) -> Self {
        let mut counts = PopulationCounts::default();
        for operator in operators {
            if operator.active {
                counts.active_by_kind[operator.kind] += 1;
            }
            counts.ai_mw += operator.ai_mw;
            counts.ai_pending_mw += operator.ai_pending_mw;
        }
        counts
    }

    /// Active operators of `kind`.
    pub fn active(&self, kind: OperatorKind) -> u32 {
        self.active_by_kind[kind]
    }

    /// Active operators of every kind.
    pub fn active_total(&self) -> u32 {
        self.active_by_kind.values().sum()
    }

    /// MW earning AI rent.
    pub fn ai_mw(&self) -> f64 {
        self.ai_mw
    }

    /// MW committed to AI and still converting.
    pub fn ai_pending_mw(&self) -> f64 {
        self.ai_pending_mw
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_operators_by_kind_and_every_operators_ai_mw() {
        let mut operators: Vec<Operator> =
            [OperatorKind::PublicMiner, OperatorKind::PublicMiner, OperatorKind::Stranded, OperatorKind::SmallPrivate]
                .into_iter()
                .map(|kind| Operator::fresh(kind, 0.05))
                .collect();
        operators[1].ai_mw = 120.0;
        operators[1].ai_pending_mw = 30.0;
        // An operator gone from mining still holds its AI site.
        operators[3].active = false;
        operators[3].ai_mw = 15.0;
        let counts = PopulationCounts::count(&operators);
        assert_eq!(counts.active(OperatorKind::PublicMiner), 2);
        assert_eq!(counts.active(OperatorKind::Stranded), 1);
        assert_eq!(counts.active(OperatorKind::SmallPrivate), 0);
        assert_eq!(counts.active(OperatorKind::Manufacturer), 0);
        assert_eq!(counts.active_total(), 3);
        assert_eq!((counts.ai_mw(), counts.ai_pending_mw()), (135.0, 30.0));
        assert_eq!(PopulationCounts::count(&[]), PopulationCounts::default());
    }
}
