//! `hashlab presets` and `hashlab fields`: what can be run and set.

use super::CliError;
use simulation::{presets, Scenario, FIELDS};

/// One line per preset: id, then title.
pub fn print_presets() -> Result<(), CliError> {
    let presets = presets::all();
    let width = presets.iter().map(|p| p.id.len()).max().unwrap_or(0);
    let text: String = presets.iter().map(|p| format!("{:width$}  {}\n", p.id, p.title)).collect();
    super::output::write_output(None, text.as_bytes())
}

/// One line per scenario field: name, unit, range, default and help.
pub fn print_fields() -> Result<(), CliError> {
    let defaults = Scenario::default();
    let mut text = String::from("field\tunit\tallowed\tdefault\thelp\n");
    for spec in FIELDS {
        let default = defaults.field_text(spec.name).unwrap_or_default();
        text.push_str(&format!("{}\t{}\t{}\t{}\t{}\n", spec.name, spec.unit, spec.allowed(), default, spec.help));
    }
    super::output::write_output(None, text.as_bytes())
}
