//! New machines between the factory and the site: the orders on their way,
//! and the manufacturers' month (what they sold, what they planned to make).
//!
//! A new machine is paid when it is ordered and hashes when it arrives,
//! `delivery_lag_months` later (docs/CALIBRATION.md, "Hardware"). The
//! makers plan their output on their sales: the plan moves a share of the way
//! towards each month's sales, and what they made beyond the month's sales is
//! theirs to mine (`manufacturer_self_mining`).

use std::collections::VecDeque;

/// The share of the way the makers' output plan moves towards a month's
/// sales: a production plan follows demand over about four months (wafer
/// orders and assembly lines are booked months ahead), not the same month.
pub(crate) const PLAN_FOLLOWS_SALES: f64 = 0.25;

/// Machines ordered and not yet delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Order {
    pub operator: u32,
    pub generation: u16,
    pub units: u32,
    pub arrival_day: u32,
}

/// The orders on their way, by arrival day (orders arriving the same day in
/// the order they were placed).
#[derive(Debug, Clone, Default)]
pub(crate) struct OrderBook {
    orders: VecDeque<Order>,
}

impl OrderBook {
    /// Places one order.
    pub fn place(&mut self, order: Order) {
        let position = self.orders.partition_point(|o| o.arrival_day <= order.arrival_day);
        self.orders.insert(position, order);
    }

    /// Places many orders at once (as [`OrderBook::place`] one by one would,
    /// without moving the book once per order).
    pub fn place_all(&mut self, orders: impl IntoIterator<Item = Order>) {
        self.orders.extend(orders);
        self.orders.make_contiguous().sort_by_key(|o| o.arrival_day);
    }

    /// The next order due by `today`, taken off the book.
    pub fn take_due(&mut self, today: u32) -> Option<Order> {
        if self.orders.front().is_some_and(|o| o.arrival_day <= today) {
            self.orders.pop_front()
        } else {
            None
        }
    }

    /// Every order on its way, earliest first.
    pub fn iter(&self) -> impl Iterator<Item = &Order> {
        self.orders.iter()
    }
}

/// What the makers sold in a month, and what that leaves them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MonthOfSales {
    /// Machines made and not sold this month, TH/s.
    pub unsold_ths: f64,
    /// Their margin on the month's sales (price less production cost), USD.
    pub margin_usd: f64,
}

/// The manufacturers' books for the month under way.
#[derive(Debug, Clone)]
pub(crate) struct Makers {
    plan_ths_per_month: f64,
    sold_ths: f64,
    margin_usd: f64,
}

impl Makers {
    /// Makers planning `output_ths_per_month` at the start.
    pub fn new(output_ths_per_month: f64) -> Self {
        Makers { plan_ths_per_month: output_ths_per_month, sold_ths: 0.0, margin_usd: 0.0 }
    }

    /// A sale of `ths` TH/s at `price_usd_per_th` of machines that cost
    /// `cost_usd_per_th` to make.
    pub fn book_sale(&mut self, ths: f64, price_usd_per_th: f64, cost_usd_per_th: f64) {
        self.sold_ths += ths;
        self.margin_usd += ths * (price_usd_per_th - cost_usd_per_th);
    }

    /// Closes the month: what was made beyond the sales and the margin on
    /// them; the plan moves towards the sales, and a new month starts.
    pub fn close_month(&mut self) -> MonthOfSales {
        let sold = std::mem::take(&mut self.sold_ths);
        let margin_usd = std::mem::take(&mut self.margin_usd);
        let unsold_ths = (self.plan_ths_per_month - sold).max(0.0);
        self.plan_ths_per_month += PLAN_FOLLOWS_SALES * (sold - self.plan_ths_per_month);
        MonthOfSales { unsold_ths, margin_usd }
    }

    /// The output planned for the month under way, TH/s.
    #[cfg(test)]
    pub fn plan_ths_per_month(&self) -> f64 {
        self.plan_ths_per_month
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(operator: u32, arrival_day: u32) -> Order {
        Order { operator, generation: 0, units: 1, arrival_day }
    }

    #[test]
    fn orders_arrive_by_day_then_in_the_order_placed() {
        let mut book = OrderBook::default();
        for (operator, day) in [(0, 30), (1, 10), (2, 30), (3, 20), (4, 10)] {
            book.place(order(operator, day));
        }
        let sequence: Vec<u32> = book.iter().map(|o| o.operator).collect();
        assert_eq!(sequence, [1, 4, 3, 0, 2]);
        let mut batch = OrderBook::default();
        batch.place_all([(0, 30), (1, 10), (2, 30), (3, 20), (4, 10)].map(|(operator, day)| order(operator, day)));
        assert_eq!(batch.iter().copied().collect::<Vec<_>>(), book.iter().copied().collect::<Vec<_>>());
    }

    #[test]
    fn only_what_is_due_is_taken() {
        let mut book = OrderBook::default();
        book.place_all([order(0, 5), order(1, 6), order(2, 6), order(3, 9)]);
        assert_eq!(book.take_due(4), None);
        let mut taken = Vec::new();
        while let Some(o) = book.take_due(6) {
            taken.push(o.operator);
        }
        assert_eq!(taken, [0, 1, 2]);
        assert_eq!(book.iter().count(), 1);
    }

    #[test]
    fn the_plan_follows_sales_and_unsold_output_is_left() {
        let mut makers = Makers::new(1_000.0);
        makers.book_sale(300.0, 20.0, 8.0);
        makers.book_sale(100.0, 10.0, 8.0);
        let month = makers.close_month();
        assert_eq!(month, MonthOfSales { unsold_ths: 600.0, margin_usd: 300.0 * 12.0 + 100.0 * 2.0 });
        assert!((makers.plan_ths_per_month() - (1_000.0 - 0.25 * 600.0)).abs() < 1e-9);
        // A new month starts empty; selling more than the plan leaves nothing unsold.
        makers.book_sale(2_000.0, 9.0, 8.0);
        let month = makers.close_month();
        assert_eq!(month.unsold_ths, 0.0);
        assert!(makers.plan_ths_per_month() > 850.0);
        assert_eq!(makers.close_month().margin_usd, 0.0);
    }
}
