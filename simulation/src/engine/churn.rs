//! The population's churn over a run: operators at the start, newcomers,
//! those that sold up, and restructurings (debt written down, the firm kept).

/// Counts of entries, exits and restructurings since the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Churn {
    start_operators: u32,
    entries: u32,
    exits: u32,
    restructurings: u32,
}

impl Churn {
    /// A run starting with `start_operators` operators.
    pub fn new(start_operators: u32) -> Self {
        Churn { start_operators, entries: 0, exits: 0, restructurings: 0 }
    }

    /// A newcomer started mining.
    pub fn note_entry(&mut self) {
        self.entries += 1;
    }

    /// An operator sold up.
    pub fn note_exit(&mut self) {
        self.exits += 1;
    }

    /// A firm's debt was written down and the firm kept.
    pub fn note_restructuring(&mut self) {
        self.restructurings += 1;
    }

    /// Operators at the start.
    pub fn start_operators(&self) -> u32 {
        self.start_operators
    }

    /// Newcomers so far.
    pub fn entries(&self) -> u32 {
        self.entries
    }

    /// Operators that sold up so far.
    pub fn exits(&self) -> u32 {
        self.exits
    }

    /// Restructurings so far.
    pub fn restructurings(&self) -> u32 {
        self.restructurings
    }

    /// Exits and entries since `before` (the same run's counts earlier).
    pub fn since(&self, before: &Churn) -> (u32, u32) {
        (self.exits - before.exits, self.entries - before.entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_since_the_start_and_over_a_month() {
        let mut churn = Churn::new(2_000);
        churn.note_entry();
        churn.note_exit();
        let month_start = churn;
        churn.note_exit();
        churn.note_exit();
        churn.note_entry();
        churn.note_restructuring();
        assert_eq!(churn.since(&month_start), (2, 1));
        assert_eq!((churn.start_operators(), churn.entries(), churn.exits(), churn.restructurings()), (2_000, 2, 3, 1));
        assert_eq!(churn.since(&churn), (0, 0));
    }
}
