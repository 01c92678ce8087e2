//! New machines between the factory and the site: the orders on their way,
//! and the manufacturers' books (their output, the queue of orders, the month's sales).
//!
//! A new machine is paid when it is ordered (docs/CALIBRATION.md, "Machine
//! market": 80-100% before shipment) and hashes when it arrives: after the
//! months of orders queued ahead of it at the factories, then
//! `delivery_lag_months` to make, ship and install it. The makers turn out
//! their capacity each month; it serves the queue, and what is left over is
//! theirs to mine (`manufacturer_self_mining`). Capacity, queue and orders
//! are counted in the watts the machines draw, not in TH/s: the same lines
//! and chip supply make more TH/s of a newer, more efficient generation
//! (docs/CALIBRATION.md, "Machine market"). Their capacity moves towards
//! the orders they take over `asic_capacity_lag_months`, so a boom's orders
//! queue for months, raise prices ([`crate::hardware::markup`]) and are
//! delivered into whatever follows.

use crate::hardware::{self, Generation};
use chrono::NaiveDate;
use std::collections::VecDeque;

/// Capacity never falls below this share of the makers' capacity at the
/// start: in the 2022-23 bust the makers kept their lines and chip supply and
/// mined or stocked what they could not sell (docs/CALIBRATION.md, "Machine
/// market"); a run's first bust does not close the industry.
pub(crate) const CAPACITY_FLOOR_SHARE: f64 = 0.2;

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
///
/// Orders placed since the book was last read wait in `incoming` and are
/// merged in at the next read: a month's thousands of orders cost one sort
/// and one pass, where inserting each one in place moved the whole book
/// (quadratic in the population).
#[derive(Debug, Clone, Default)]
pub(crate) struct OrderBook {
    orders: VecDeque<Order>,
    incoming: Vec<Order>,
}

impl OrderBook {
    /// Places one order.
    pub fn place(&mut self, order: Order) {
        self.incoming.push(order);
    }

    /// Places many orders at once (as [`OrderBook::place`] one by one would,
    /// without moving the book once per order).
    pub fn place_all(&mut self, orders: impl IntoIterator<Item = Order>) {
        self.incoming.extend(orders);
    }

    /// Merges the orders placed since the last read into the book: by
    /// arrival day, those already in the book first on a tie (they were
    /// placed earlier), the new ones in the order placed (a stable sort).
    fn settle(&mut self) {
        if self.incoming.is_empty() {
            return;
        }
        self.incoming.sort_by_key(|o| o.arrival_day);
        let mut merged = VecDeque::with_capacity(self.orders.len() + self.incoming.len());
        let mut incoming = self.incoming.drain(..).peekable();
        for order in self.orders.drain(..) {
            while let Some(new) = incoming.next_if(|new| new.arrival_day < order.arrival_day) {
                merged.push_back(new);
            }
            merged.push_back(order);
        }
        merged.extend(incoming);
        self.orders = merged;
    }

    /// The next order due by `today`, taken off the book.
    pub fn take_due(&mut self, today: u32) -> Option<Order> {
        self.settle();
        if self.orders.front().is_some_and(|o| o.arrival_day <= today) {
            self.orders.pop_front()
        } else {
            None
        }
    }

    /// Every order on its way, earliest first.
    pub fn iter(&mut self) -> impl Iterator<Item = &Order> {
        self.settle();
        self.orders.iter()
    }
}

/// What the makers sold in a month, and what that leaves them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MonthOfSales {
    /// Machines made and not sold this month, in the watts they draw.
    pub unsold_w: f64,
    /// Their margin on the month's sales (price less production cost), USD.
    pub margin_usd: f64,
}

/// The share of the gap to a lower target markup the makers' list price
/// closes each month: list prices held in the late-2025 slump ("hardware
/// pricing held steady", 3 Nov 2025) and came down in promotions two months
/// after the October fall (Dec 2025; docs/CALIBRATION.md, "Machine market").
pub(crate) const MARKDOWN_PER_MONTH: f64 = 0.5;

/// The manufacturers' books: capacity, queue, list price and the month
/// under way. Capacity and queue are in watts of machines (a month's
/// output draws `capacity_w_per_month` when plugged in).
#[derive(Debug, Clone)]
pub(crate) struct Makers {
    markup: f64,
    capacity_w_per_month: f64,
    capacity_floor_w_per_month: f64,
    queued_w: f64,
    ordered_w: f64,
    margin_usd: f64,
}

impl Makers {
    /// Makers able to turn out machines drawing `capacity_w_per_month`, with
    /// no queue, asking `markup` times production cost.
    pub fn new(capacity_w_per_month: f64, markup: f64) -> Self {
        Makers {
            markup,
            capacity_w_per_month,
            capacity_floor_w_per_month: capacity_w_per_month * CAPACITY_FLOOR_SHARE,
            queued_w: 0.0,
            ordered_w: 0.0,
            margin_usd: 0.0,
        }
    }

    /// Makers at a run's start: `production_ehs_per_month` of the most
    /// efficient machine released by `start` (of the catalogue's most
    /// efficient if none is), counted in the watts those machines draw, with
    /// no queue, asking `markup` times production cost.
    pub fn at_start(production_ehs_per_month: f64, generations: &[Generation], start: NaiveDate, markup: f64) -> Self {
        let best =
            hardware::most_efficient(generations, |g| g.release <= start).or_else(|| hardware::most_efficient(generations, |_| true));
        let j_per_th = best.map_or(0.0, |index| generations[index].j_per_th);
        Makers::new(production_ehs_per_month * 1e6 * j_per_th, markup)
    }

    /// Months of orders queued ahead of a new one.
    pub fn queue_months(&self) -> f64 {
        if self.capacity_w_per_month > 0.0 {
            self.queued_w / self.capacity_w_per_month
        } else {
            0.0
        }
    }

    /// An order of `ths` TH/s of machines of `j_per_th` at `price_usd_per_th`
    /// that cost `cost_usd_per_th` to make joins the queue; returns the months
    /// queued ahead of it.
    pub fn order(&mut self, ths: f64, j_per_th: f64, price_usd_per_th: f64, cost_usd_per_th: f64) -> f64 {
        let ahead = self.queue_months();
        let watts = ths * j_per_th;
        self.queued_w += watts;
        self.ordered_w += watts;
        self.margin_usd += ths * (price_usd_per_th - cost_usd_per_th);
        ahead
    }

    /// The markup over production cost the makers ask this month.
    pub fn markup(&self) -> f64 {
        self.markup
    }

    /// Closes the month: a month's output serves the queue, the rest is
    /// unsold; capacity moves towards the month's orders over
    /// `capacity_lag_months`, never below its floor; the list price goes to
    /// `target_markup` of the queue left, at once if that is higher, by
    /// [`MARKDOWN_PER_MONTH`] of the way if lower.
    pub fn close_month(&mut self, capacity_lag_months: f64, target_markup: impl Fn(f64) -> f64) -> MonthOfSales {
        let made = self.capacity_w_per_month;
        let served = self.queued_w.min(made);
        self.queued_w -= served;
        let ordered = std::mem::take(&mut self.ordered_w);
        let margin_usd = std::mem::take(&mut self.margin_usd);
        let gap = ordered - made;
        self.capacity_w_per_month = (made + gap / capacity_lag_months.max(1.0)).max(self.capacity_floor_w_per_month);
        let target = target_markup(self.queue_months());
        self.markup = if target >= self.markup { target } else { self.markup + MARKDOWN_PER_MONTH * (target - self.markup) };
        MonthOfSales { unsold_w: made - served, margin_usd }
    }

    /// The makers' monthly output, in the watts its machines draw.
    #[cfg(test)]
    pub fn capacity_w_per_month(&self) -> f64 {
        self.capacity_w_per_month
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
    fn orders_queue_beyond_a_months_output_and_unsold_output_is_left() {
        // Machines drawing 10,000 W a month; orders of 300 TH/s at 20 J/TH (6,000 W) and 1,400 TH/s at 10 J/TH.
        let mut makers = Makers::new(10_000.0, 1.0);
        assert_eq!(makers.order(300.0, 20.0, 20.0, 8.0), 0.0, "nothing queued ahead of the first order");
        assert!((makers.order(1_400.0, 10.0, 10.0, 8.0) - 0.6).abs() < 1e-12, "0.6 months of output ahead");
        assert!((makers.queue_months() - 2.0).abs() < 1e-12);
        let month = makers.close_month(10.0, |_| 1.0);
        // A month's output served the queue; capacity rose a tenth of the way to 20,000 W.
        assert_eq!(month, MonthOfSales { unsold_w: 0.0, margin_usd: 300.0 * 12.0 + 1_400.0 * 2.0 });
        assert!((makers.capacity_w_per_month() - 11_000.0).abs() < 1e-9);
        assert!((makers.queue_months() - 10_000.0 / 11_000.0).abs() < 1e-12);
        // A month without orders: the queue is served, the rest is unsold, capacity falls.
        let month = makers.close_month(10.0, |_| 1.0);
        assert!((month.unsold_w - 1_000.0).abs() < 1e-9, "{month:?}");
        assert_eq!(makers.queue_months(), 0.0);
        assert!((makers.capacity_w_per_month() - (11_000.0 - 11_000.0 / 10.0)).abs() < 1e-9);
    }

    #[test]
    fn the_lines_that_made_one_generation_make_more_ths_of_a_newer_one() {
        let date = |y, m| NaiveDate::from_ymd_opt(y, m, 1).unwrap();
        let machine =
            |name: &str, j_per_th: f64, release| Generation { name: name.into(), th_per_unit: 50.0, j_per_th, release, projected: false };
        let generations = [machine("S9", 98.0, date(2016, 6)), machine("S17", 45.0, date(2019, 4))];
        // 2.6 EH/s a month of S9s on 1 January 2019: machines drawing 254.8 MW a month.
        let mut makers = Makers::at_start(2.6, &generations, date(2019, 1), 1.0);
        assert!((makers.capacity_w_per_month() - 2.6e6 * 98.0).abs() < 1e-3);
        // The same lines' month makes 2.6 x 98/45 = 5.66 EH/s of S17s.
        makers.order(2.6e6 * 98.0 / 45.0, 45.0, 20.0, 10.0);
        assert!((makers.queue_months() - 1.0).abs() < 1e-12);
        // Started after the S17's release: EH/s of S17s; before any release: the most efficient.
        let later = Makers::at_start(2.6, &generations, date(2019, 6), 1.0);
        assert!((later.capacity_w_per_month() - 2.6e6 * 45.0).abs() < 1e-3);
        let early = Makers::at_start(2.6, &generations, date(2015, 1), 1.0);
        assert!((early.capacity_w_per_month() - 2.6e6 * 45.0).abs() < 1e-3);
    }

    #[test]
    fn list_prices_rise_with_the_queue_at_once_and_come_down_over_months() {
        let target = |queue: f64| 1.15 + 0.7 * queue;
        let mut makers = Makers::new(1_000.0, 2.75);
        makers.close_month(6.0, target);
        assert!((makers.markup() - (2.75 - 0.5 * 1.6)).abs() < 1e-12, "half the way down: {}", makers.markup());
        makers.close_month(6.0, target);
        assert!((makers.markup() - (1.95 - 0.5 * 0.8)).abs() < 1e-12);
        // Three months of output ordered: the queue left is two months, and the price jumps.
        makers.order(300.0, 10.0, 20.0, 8.0);
        makers.close_month(6.0, target);
        assert!((makers.markup() - target(makers.queue_months())).abs() < 1e-12);
        assert!(makers.markup() > 2.0);
    }

    #[test]
    fn capacity_keeps_its_floor() {
        let mut makers = Makers::new(1_000.0, 1.0);
        for _ in 0..500 {
            let month = makers.close_month(1.0, |_| 1.0);
            assert!(month.unsold_w <= 1_000.0);
        }
        assert!((makers.capacity_w_per_month() - 1_000.0 * CAPACITY_FLOOR_SHARE).abs() < 1e-9);
        assert_eq!(Makers::new(0.0, 1.0).queue_months(), 0.0);
    }
}
