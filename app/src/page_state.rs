//! The page's own state in a share link, after the scenario's fields: the
//! play position (`at=2025-12-14`), the view (`view=projector`) and up to
//! [`MOST_BASELINES`] pinned baselines, each a scenario link of its own with
//! a name (`base1=<link>&base1_name=<name>`, URL-encoded). The run depends
//! only on the scenario's part ([`scenario_query`]), so moving the play
//! position never runs it again.

use serde::{Deserialize, Serialize};

/// The link's key for the play position (an ISO date).
pub const AT_KEY: &str = "at";
/// The link's key for the layout (`projector`).
pub const VIEW_KEY: &str = "view";
/// Most baselines pinned at once.
pub const MOST_BASELINES: usize = 3;
/// The link's keys of the pinned baselines: `base<n>` (the link) and `base<n>_name`.
pub const BASELINE_KEYS: [(&str, &str); MOST_BASELINES] = [("base1", "base1_name"), ("base2", "base2_name"), ("base3", "base3_name")];
/// The page's own keys in a share link, beside the scenario's fields (from the three above).
pub const PAGE_KEYS: [&str; 2 + 2 * MOST_BASELINES] = {
    let mut keys = [AT_KEY; 2 + 2 * MOST_BASELINES];
    keys[1] = VIEW_KEY;
    let mut i = 0;
    while i < MOST_BASELINES {
        keys[2 + 2 * i] = BASELINE_KEYS[i].0;
        keys[3 + 2 * i] = BASELINE_KEYS[i].1;
        i += 1;
    }
    keys
};
/// The longest baseline name kept, characters.
pub const MOST_NAME_CHARS: usize = 60;

/// A pinned baseline: a name and the scenario link it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pinned {
    /// What the reader calls it ("Before the shock").
    pub name: String,
    /// Its scenario's share-link query.
    pub query: String,
}

/// The page's state that a link carries besides the scenario.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PageState {
    /// The play position, an ISO date.
    pub at: Option<String>,
    /// The projector layout.
    pub projector: bool,
    /// The pinned baselines, in pinning order.
    pub baselines: Vec<Pinned>,
}

impl PageState {
    /// Reads the page's keys from a link's query (other keys are the scenario's).
    pub fn from_query(query: &str) -> Self {
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(query.trim_start_matches('?').as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let baselines = BASELINE_KEYS
            .iter()
            .enumerate()
            .filter_map(|(index, (link, name))| {
                let query = get(link).filter(|q| !q.is_empty())?;
                let name = get(name).map(|n| n.trim().chars().take(MOST_NAME_CHARS).collect::<String>()).filter(|n| !n.is_empty());
                Some(Pinned { name: name.unwrap_or_else(|| format!("Baseline {}", index + 1)), query })
            })
            .collect();
        PageState {
            at: get(AT_KEY).filter(|date| day_number(date).is_some()),
            projector: get(VIEW_KEY).is_some_and(|view| view == "projector"),
            baselines,
        }
    }

    /// These keys as query pairs to append to a scenario's link (empty when there are none).
    pub fn to_query(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(at) = &self.at {
            query.append_pair(AT_KEY, at);
        }
        if self.projector {
            query.append_pair(VIEW_KEY, "projector");
        }
        for (pinned, (link, name)) in self.baselines.iter().zip(BASELINE_KEYS) {
            query.append_pair(link, &pinned.query);
            query.append_pair(name, &pinned.name);
        }
        query.finish()
    }

    /// Only the baselines' keys (what the run's charts depend on besides the scenario).
    pub fn baselines_query(&self) -> String {
        PageState { baselines: self.baselines.clone(), ..PageState::default() }.to_query()
    }
}

/// `query` without the page's own keys: what the run depends on.
pub fn scenario_query(query: &str) -> String {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty() && !PAGE_KEYS.contains(&p.split('=').next().unwrap_or("")))
        .collect::<Vec<_>>()
        .join("&")
}

/// `scenario` (a link's query) with the page's `state` appended.
pub fn with_state(scenario: &str, state: &PageState) -> String {
    let extra = state.to_query();
    match (scenario.is_empty(), extra.is_empty()) {
        (_, true) => scenario.to_string(),
        (true, false) => extra,
        (false, false) => format!("{scenario}&{extra}"),
    }
}

/// Days since 1970-01-01 of an ISO date `YYYY-MM-DD` (proleptic Gregorian).
pub fn day_number(date: &str) -> Option<i64> {
    let mut parts = date.splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || date.len() != 10 {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The ISO date of a day number (the inverse of [`day_number`]).
pub fn date_of(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_day_numbers_round_trip() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2025-11-01"), Some(20_393));
        for days in [-1_000, 0, 20_393, 20_454, 27_880, 100_000] {
            assert_eq!(day_number(&date_of(days)), Some(days), "{}", date_of(days));
        }
        assert_eq!(date_of(day_number("2028-02-29").unwrap() + 1), "2028-03-01");
        assert_eq!(day_number("2025-13-01"), None);
        assert_eq!(day_number("soon"), None);
    }

    #[test]
    fn the_page_keys_come_off_the_scenario_and_back() {
        let query = "v=3&preset=late-2025-squeeze&at=2025-12-14&seed=7&view=projector";
        assert_eq!(scenario_query(query), "v=3&preset=late-2025-squeeze&seed=7");
        let state = PageState::from_query(query);
        assert_eq!(state, PageState { at: Some("2025-12-14".into()), projector: true, baselines: vec![] });
        assert_eq!(with_state("v=3&seed=7", &state), "v=3&seed=7&at=2025-12-14&view=projector");
        assert_eq!(with_state("", &PageState::default()), "");
        assert_eq!(PageState::from_query("at=next-tuesday&view=wide"), PageState::default(), "a bad date is not a position");
    }

    #[test]
    fn named_baselines_ride_in_the_link_encoded() {
        let state = PageState {
            at: None,
            projector: false,
            baselines: vec![
                Pinned { name: "Before the shock & after".into(), query: "v=3&seed=7&price_shock_pct=0".into() },
                Pinned { name: "No AI".into(), query: "v=3&seed=7&ai_revenue_usd_per_mw_year=0".into() },
            ],
        };
        let query = with_state("v=3&seed=7", &state);
        assert_eq!(
            query,
            "v=3&seed=7&base1=v%3D3%26seed%3D7%26price_shock_pct%3D0&base1_name=Before+the+shock+%26+after\
             &base2=v%3D3%26seed%3D7%26ai_revenue_usd_per_mw_year%3D0&base2_name=No+AI"
        );
        assert_eq!(PageState::from_query(&query), state);
        assert_eq!(scenario_query(&query), "v=3&seed=7");
        // A baseline without a name is numbered; an empty one is dropped; names are cut to length.
        let long = "x".repeat(100);
        let read = PageState::from_query(&format!("base2=v%3D3&base3=&base1=v%3D3%26seed%3D1&base1_name={long}"));
        assert_eq!(read.baselines.len(), 2);
        assert_eq!(read.baselines[0].name.len(), MOST_NAME_CHARS);
        assert_eq!(read.baselines[1], Pinned { name: "Baseline 2".into(), query: "v=3".into() });
    }
}
