//! The kinds of operator, and tables with a value for each kind, looked up
//! by kind (never by position). How each kind behaves is in the operators'
//! module (`KindProfile`).

use serde::{Deserialize, Serialize};
use std::ops::{Index, IndexMut};

/// The kinds of operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperatorKind {
    /// Hobbyists to a few MW, expensive power, older machines.
    SmallPrivate,
    /// Private firms with tens of MW.
    LargePrivate,
    /// Public listed miners: large, leveraged, hold BTC, courted by AI tenants.
    PublicMiner,
    /// Manufacturers mining their own machines at production cost.
    Manufacturer,
    /// Stranded-energy and state-linked operators with very cheap power.
    Stranded,
}

impl OperatorKind {
    /// Every kind, in output order.
    pub const ALL: [OperatorKind; 5] = [Self::SmallPrivate, Self::LargePrivate, Self::PublicMiner, Self::Manufacturer, Self::Stranded];

    /// The name used in column names and links.
    pub fn slug(self) -> &'static str {
        match self {
            Self::SmallPrivate => "small_private",
            Self::LargePrivate => "large_private",
            Self::PublicMiner => "public_miner",
            Self::Manufacturer => "manufacturer",
            Self::Stranded => "stranded",
        }
    }

    /// A label for legends.
    pub fn label(self) -> &'static str {
        match self {
            Self::SmallPrivate => "Small private",
            Self::LargePrivate => "Large private",
            Self::PublicMiner => "Public listed",
            Self::Manufacturer => "Manufacturers",
            Self::Stranded => "Stranded / state",
        }
    }
}

/// One `T` per [`OperatorKind`], indexed by the kind itself.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ByKind<T>([T; 5]);

impl<T> ByKind<T> {
    /// The values in [`OperatorKind::ALL`] order.
    pub const fn new(values: [T; 5]) -> Self {
        ByKind(values)
    }

    /// Each kind's value from `value`.
    pub fn from_fn(mut value: impl FnMut(OperatorKind) -> T) -> Self {
        ByKind(OperatorKind::ALL.map(&mut value))
    }

    /// Each kind with its value, in [`OperatorKind::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (OperatorKind, &T)> {
        OperatorKind::ALL.into_iter().zip(self.0.iter())
    }

    /// The values in [`OperatorKind::ALL`] order.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.0.iter()
    }
}

impl<T> Index<OperatorKind> for ByKind<T> {
    type Output = T;
    fn index(&self, kind: OperatorKind) -> &T {
        &self.0[kind as usize]
    }
}

impl<T> IndexMut<OperatorKind> for ByKind<T> {
    fn index_mut(&mut self, kind: OperatorKind) -> &mut T {
        &mut self.0[kind as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_own_value() {
        let mut table = ByKind::from_fn(|kind| kind.slug().len());
        assert_eq!(table[OperatorKind::Stranded], "stranded".len());
        table[OperatorKind::Manufacturer] = 0;
        assert_eq!(table[OperatorKind::Manufacturer], 0);
        let kinds: Vec<OperatorKind> = table.iter().map(|(kind, _)| kind).collect();
        assert_eq!(kinds, OperatorKind::ALL);
        assert_eq!(table.values().count(), 5);
        assert_eq!(ByKind::new([1, 2, 3, 4, 5])[OperatorKind::LargePrivate], 2);
    }
}
