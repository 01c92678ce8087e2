//! History: the network observed day by day from 2019 to 2025, the network
//! as it stood on any of those days, the windows the back-test replays and
//! the documented events that differ between them. See `docs/VALIDATION.md`
//! ("History") for what the back-test shows.

pub mod events;
pub mod network;
pub mod observed;
pub mod windows;

pub use observed::ObservedDay;

/// A `YYYY-MM-DD` date written in this module's tables (valid by construction; tested).
pub(crate) fn table_date(text: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("the history tables' dates are valid")
}
