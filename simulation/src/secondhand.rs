//! The second-hand market: machines listed by their sellers, bought oldest
//! listing first, each seller paid for what sells, unsold listings scrapped
//! after a year.
//!
//! Listings are kept per generation in listing order, so a purchase takes
//! from the front and a month's scrapping pops old fronts: both cost only
//! what they touch, however many sellers have listed.
//!
//! A generation's stock is priced by its marginal buyer ([`clearing_price`]):
//! buyers come cheapest power first, each taking what its free power and its
//! money hold, and the price is what the buyer whose room takes the last
//! machine would pay for one.

use std::collections::VecDeque;

/// Machines one seller listed on one day.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    /// Who is paid when they sell (an operator index).
    pub seller: u32,
    /// How many machines are left.
    pub units: u32,
    /// The day they were listed.
    pub listed_day: u32,
}

/// Listings by generation.
#[derive(Debug, Clone, Default)]
pub struct SecondHandMarket {
    by_generation: Vec<VecDeque<Offer>>,
}

impl SecondHandMarket {
    /// Lists `units` of `generation` for `seller` on `today` (merged with the last listing when it is the
    /// same seller's of the same day, as when one firm sells several lots of a generation at once).
    pub fn list(&mut self, seller: u32, generation: u16, units: u32, today: u32) {
        if units == 0 {
            return;
        }
        let generation = generation as usize;
        if self.by_generation.len() <= generation {
            self.by_generation.resize_with(generation + 1, VecDeque::new);
        }
        let listings = &mut self.by_generation[generation];
        match listings.back_mut() {
            Some(last) if last.seller == seller && last.listed_day == today => last.units += units,
            _ => listings.push_back(Offer { seller, units, listed_day: today }),
        }
    }

    /// Machines of each generation on sale (index: generation).
    pub fn stock_by_generation(&self, generations: usize) -> Vec<u64> {
        let mut stock = vec![0u64; generations];
        for (generation, listings) in self.by_generation.iter().enumerate().take(generations) {
            stock[generation] = listings.iter().map(|o| u64::from(o.units)).sum();
        }
        stock
    }

    /// Takes `units` of `generation`, oldest listings first; `pay(seller, units)` for each seller's share.
    pub fn take(&mut self, generation: u16, mut units: u32, mut pay: impl FnMut(u32, u32)) {
        let Some(listings) = self.by_generation.get_mut(generation as usize) else {
            return;
        };
        while units > 0 {
            let Some(front) = listings.front_mut() else { break };
            let taken = front.units.min(units);
            front.units -= taken;
            units -= taken;
            pay(front.seller, taken);
            if front.units == 0 {
                listings.pop_front();
            }
        }
    }

    /// Scraps listings older than `max_age_days` on `today`.
    pub fn expire(&mut self, today: u32, max_age_days: f64) {
        for listings in &mut self.by_generation {
            while listings.front().is_some_and(|o| f64::from(today - o.listed_day.min(today)) >= max_age_days) {
                listings.pop_front();
            }
        }
    }
}

/// One buyer's side for a generation: what it would pay per TH/s at most
/// and how many machines it could take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bid {
    /// The most it would pay, USD per TH/s.
    pub reservation_usd_per_th: f64,
    /// The machines its free power and its money hold.
    pub units: u64,
}

/// The price that sells `stock` machines to `bids` taken in their order
/// (cheapest power first): the reservation of the bid whose units reach the
/// stock, or of the last bid when all of them together take less. `None`
/// when no bid would pay anything.
pub fn clearing_price(stock: u64, bids: impl IntoIterator<Item = Bid>) -> Option<f64> {
    let mut taken = 0u64;
    let mut last = None;
    for bid in bids {
        if bid.units == 0 || bid.reservation_usd_per_th.is_nan() || bid.reservation_usd_per_th <= 0.0 {
            continue;
        }
        last = Some(bid.reservation_usd_per_th);
        taken = taken.saturating_add(bid.units);
        if taken >= stock {
            break;
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bid(reservation_usd_per_th: f64, units: u64) -> Bid {
        Bid { reservation_usd_per_th, units }
    }

    #[test]
    fn the_marginal_buyer_sets_the_price() {
        // 100 machines: the first buyer takes 60, the second's 50 reach the stock: its price.
        assert_eq!(clearing_price(100, [bid(9.0, 60), bid(6.0, 50), bid(2.0, 500)]), Some(6.0));
        // A small stock goes at the first buyer's price.
        assert_eq!(clearing_price(10, [bid(9.0, 60), bid(6.0, 50)]), Some(9.0));
        // More stock than all the room: the last buyer who would pay sets it.
        assert_eq!(clearing_price(1_000, [bid(9.0, 60), bid(6.0, 50), bid(-1.0, 500)]), Some(6.0));
        // Buyers who would pay nothing, or have no room, are passed over.
        assert_eq!(clearing_price(50, [bid(0.0, 60), bid(4.0, 0), bid(3.0, 80)]), Some(3.0));
        assert_eq!(clearing_price(50, [bid(-2.0, 60)]), None);
        assert_eq!(clearing_price(50, std::iter::empty()), None);
    }

    #[test]
    fn oldest_listings_sell_first_and_each_seller_is_paid() {
        let mut market = SecondHandMarket::default();
        market.list(7, 2, 10, 0);
        market.list(8, 2, 5, 1);
        market.list(7, 2, 3, 1);
        market.list(7, 2, 2, 1);
        // The last two merge into one listing: three listings in all.
        assert_eq!(market.by_generation[2].len(), 3);
        assert_eq!(market.stock_by_generation(4), vec![0, 0, 20, 0]);
        let mut paid = Vec::new();
        market.take(2, 12, |seller, units| paid.push((seller, units)));
        assert_eq!(paid, vec![(7, 10), (8, 2)]);
        assert_eq!(market.stock_by_generation(3), vec![0, 0, 8]);
        market.expire(400, 365.0);
        assert_eq!(market.stock_by_generation(3), vec![0, 0, 0]);
    }

    #[test]
    fn a_day_later_is_a_new_listing_and_taking_past_stock_stops() {
        let mut market = SecondHandMarket::default();
        market.list(1, 0, 4, 10);
        market.list(1, 0, 4, 11);
        let mut sold = 0;
        market.take(0, 100, |_, units| sold += units);
        assert_eq!(sold, 8);
        market.expire(11 + 365, 365.0);
        assert_eq!(market.stock_by_generation(1), vec![0]);
    }
}
