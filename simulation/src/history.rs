//! History: the network observed day by day from 2019 to 2025, the network
//! as it stood on any of those days, the windows the back-test replays and
//! the documented events that differ between them. See `docs/VALIDATION.md`
//! ("History") for what the back-test shows.

pub mod events;
pub mod network;
pub mod observed;
pub mod windows;

pub use observed::ObservedDay;
