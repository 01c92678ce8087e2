//! The AI hosting market's side of the run: how many MW tenants will still
//! take, and the sites on their way from mining to AI.
//!
//! Tenants take a twelfth of a year's demand at the rent offered each month
//! ([`crate::ai::demand_mw_per_year`]); room they did not use carries over, up
//! to a year's demand. A site that commits leaves mining that day and earns
//! rent `ai_conversion_months` later, when its conversion is complete.

/// MW on their way to AI hosting.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Conversion {
    pub operator: u32,
    pub mw: f64,
    pub ready_day: u32,
    /// The lease's monthly payment on the conversion's project debt, from the first rent, USD.
    pub service_usd_per_month: f64,
}

/// Room left in the AI market and the conversions under way.
#[derive(Debug, Clone, Default)]
pub(crate) struct AiHosting {
    room_mw: f64,
    conversions: Vec<Conversion>,
}

impl AiHosting {
    /// A month's demand arrives: a twelfth of `demand_mw_per_year`, with what
    /// was left over, up to a year's demand.
    pub fn open_month(&mut self, demand_mw_per_year: f64) {
        self.room_mw = (self.room_mw + demand_mw_per_year / 12.0).min(demand_mw_per_year);
    }

    /// MW tenants will still take this month.
    pub fn room_mw(&self) -> f64 {
        self.room_mw
    }

    /// A site commits `conversion.mw` to a tenant.
    pub fn commit(&mut self, conversion: Conversion) {
        self.room_mw -= conversion.mw;
        self.conversions.push(conversion);
    }

    /// Hands each conversion ready by `today` to `complete`, in the order
    /// they were committed, and drops it from those under way.
    pub fn complete_ready(&mut self, today: u32, mut complete: impl FnMut(&Conversion)) {
        self.conversions.retain(|conversion| {
            if conversion.ready_day <= today {
                complete(conversion);
                false
            } else {
                true
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conversion(operator: u32, mw: f64, ready_day: u32) -> Conversion {
        Conversion { operator, mw, ready_day, service_usd_per_month: 0.0 }
    }

    #[test]
    fn room_arrives_monthly_and_carries_over_up_to_a_year() {
        let mut hosting = AiHosting::default();
        hosting.open_month(1_200.0);
        assert_eq!(hosting.room_mw(), 100.0);
        for _ in 0..20 {
            hosting.open_month(1_200.0);
        }
        assert_eq!(hosting.room_mw(), 1_200.0, "never more than a year's demand");
        hosting.commit(conversion(3, 700.0, 365));
        assert_eq!(hosting.room_mw(), 500.0);
        // Demand that falls (a lower rent, a smaller market) caps what is left.
        hosting.open_month(240.0);
        assert_eq!(hosting.room_mw(), 240.0);
    }

    #[test]
    fn conversions_complete_when_ready_in_the_order_committed() {
        let mut hosting = AiHosting::default();
        hosting.open_month(12_000.0);
        for (operator, ready) in [(0, 300), (1, 200), (2, 300), (3, 400)] {
            hosting.commit(conversion(operator, 10.0, ready));
        }
        let mut done = Vec::new();
        hosting.complete_ready(299, |c| done.push(c.operator));
        assert_eq!(done, [1]);
        hosting.complete_ready(300, |c| done.push(c.operator));
        assert_eq!(done, [1, 0, 2]);
        hosting.complete_ready(10_000, |c| done.push(c.operator));
        assert_eq!(done, [1, 0, 2, 3]);
        hosting.complete_ready(10_000, |c| done.push(c.operator));
        assert_eq!(done.len(), 4, "each completes once");
    }
}
