//! The operators a month's step visits by what they are, listed once: the
//! manufacturers (their sales and self-mining), the stranded sites (the cheap
//! power they hold) and those that may host AI (the month's conversions).
//! An operator's kind and AI eligibility are fixed when it is created, so
//! each list is filled as operators are created, in their index order, and
//! read with the operator's current state. Scanning every operator for these
//! few touched each one's memory every month: 1.6-1.7% of a 200,000-operator
//! run per scan.

use crate::kind::OperatorKind;
use crate::operators::Operator;

/// Operator indices by what a monthly step looks for, each in index order.
#[derive(Debug, Default)]
pub(crate) struct Roster {
    manufacturers: Vec<u32>,
    stranded: Vec<u32>,
    ai_eligible: Vec<u32>,
}

impl Roster {
    /// Notes operator `index`, just created (indices come in increasing order).
    pub fn note(&mut self, index: u32, operator: &Operator) {
        debug_assert!(
            [&self.manufacturers, &self.stranded, &self.ai_eligible].iter().all(|list| list.last().is_none_or(|&last| last < index)),
            "operators are noted in index order"
        );
        match operator.kind {
            OperatorKind::Manufacturer => self.manufacturers.push(index),
            OperatorKind::Stranded => self.stranded.push(index),
            _ => {}
        }
        if operator.ai_eligible {
            self.ai_eligible.push(index);
        }
    }

    /// Every manufacturer, active or not, in index order.
    pub fn manufacturers(&self) -> &[u32] {
        &self.manufacturers
    }

    /// Every operator of stranded power, active or not, in index order.
    pub fn stranded(&self) -> &[u32] {
        &self.stranded
    }

    /// Every operator eligible for AI hosting, active or not, in index order.
    pub fn ai_eligible(&self) -> &[u32] {
        &self.ai_eligible
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_are_listed_by_what_they_are_in_index_order() {
        let operator = |kind: OperatorKind, ai_eligible: bool| Operator { ai_eligible, ..Operator::for_tests(kind) };
        let mut roster = Roster::default();
        let created = [
            operator(OperatorKind::Stranded, false),
            operator(OperatorKind::Manufacturer, false),
            operator(OperatorKind::PublicMiner, true),
            operator(OperatorKind::Stranded, true),
            operator(OperatorKind::SmallPrivate, false),
            operator(OperatorKind::Manufacturer, false),
        ];
        for (index, operator) in created.iter().enumerate() {
            roster.note(index as u32, operator);
        }
        assert_eq!(roster.manufacturers(), &[1, 5]);
        assert_eq!(roster.stranded(), &[0, 3]);
        assert_eq!(roster.ai_eligible(), &[2, 3]);
    }
}
