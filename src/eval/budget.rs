//! The `eval:` section of `.nixscaffold.yaml`: how much each figure may grow against the baseline.
//!
//! ```yaml
//! eval:
//!   budgets:                      # for every configuration; these replace the defaults one by one
//!     thunks: "+5%"
//!     function-calls: "+5%"
//!     cpu: "+20%"                 # time is noisy: use it with --repeat
//!   configurations:               # per configuration, over the budgets above
//!     nixosConfigurations.big:
//!       thunks: "+10%"
//!       bytes: "off"
//! ```
//!
//! A limit is `+N%` (growth of at most N percent, up to two decimals), `+N` (at most N more; seconds
//! for `cpu`), or `off`. Counts are compared exactly, in integers.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Amount, Figure};

/// The limits that apply when `.nixscaffold.yaml` sets none: the deterministic counts may grow by
/// 5% (bytes by 10%); time and the GC heap (which grows in steps) are not gated unless asked.
pub const DEFAULT_BUDGETS: [(Figure, Limit); 9] = [
    (Figure::FunctionCalls, Limit::Percent(500)),
    (Figure::PrimopCalls, Limit::Percent(500)),
    (Figure::Thunks, Limit::Percent(500)),
    (Figure::Values, Limit::Percent(500)),
    (Figure::Sets, Limit::Percent(500)),
    (Figure::Envs, Limit::Percent(500)),
    (Figure::ListElements, Limit::Percent(500)),
    (Figure::Lookups, Limit::Percent(500)),
    (Figure::Bytes, Limit::Percent(1000)),
];

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EvalConfig {
    /// Figure to limit, for every configuration.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub budgets: BTreeMap<FigureKey, Limit>,
    /// Configuration id (`nixosConfigurations.NAME`) to its own limits, over `budgets`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub configurations: BTreeMap<String, BTreeMap<FigureKey, Limit>>,
}

/// A figure's name as a budget map holds it, checked while the file is read so that a misspelt
/// figure is reported at its line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FigureKey(pub Figure);

impl<'de> Deserialize<'de> for FigureKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Figure::parse(&name).map(FigureKey).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "eval: there is no figure `{name}`; use one of {}",
                Figure::names()
            ))
        })
    }
}

impl Serialize for FigureKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.name())
    }
}

/// How much a figure may grow.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Limit {
    Off,
    /// In hundredths of a percent: `+5%` is 500.
    Percent(u64),
    /// In the figure's unit: calls, thunks, bytes; seconds for `cpu`.
    Absolute(f64),
}

impl Limit {
    pub fn parse(text: &str) -> Result<Limit, String> {
        let text = text.trim();
        if text == "off" {
            return Ok(Limit::Off);
        }
        let bad = || {
            format!(
                "eval: budget `{text}` is not `+N%` (e.g. \"+5%\"), `+N` (e.g. \"+1000\", seconds \
                 for cpu) or `off`"
            )
        };
        let number = text.strip_prefix('+').unwrap_or(text);
        if let Some(percent) = number.strip_suffix('%') {
            return hundredths(percent).map(Limit::Percent).ok_or_else(bad);
        }
        match number.parse::<f64>() {
            Ok(n) if n.is_finite() && n >= 0.0 && !number.starts_with(['-', '+']) => {
                Ok(Limit::Absolute(n))
            }
            _ => Err(bad()),
        }
    }

    /// Whether growing from `base` to `now` stays within the limit. Counts are compared in
    /// integers: `+5%` allows `now * 10000 <= base * 10500` exactly.
    pub fn allows(self, base: Amount, now: Amount) -> bool {
        match (self, base, now) {
            (Limit::Off, _, _) => true,
            (Limit::Percent(h), Amount::Count(base), Amount::Count(now)) => {
                u128::from(now) * 10_000 <= u128::from(base) * (10_000 + u128::from(h))
            }
            (Limit::Percent(h), base, now) => {
                now.as_f64() <= base.as_f64() * (1.0 + h as f64 / 10_000.0)
            }
            (Limit::Absolute(n), Amount::Count(base), Amount::Count(now)) => {
                now <= base.saturating_add(n.floor() as u64)
            }
            (Limit::Absolute(n), base, now) => now.as_f64() <= base.as_f64() + n,
        }
    }
}

/// `5`, `5.5` or `5.25` (percent) in hundredths; at most two decimals.
fn hundredths(text: &str) -> Option<u64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty()
        || fraction.len() > 2
        || !(whole.chars().chain(fraction.chars())).all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let fraction = format!("{fraction:0<2}").parse::<u64>().ok()?;
    whole
        .parse::<u64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(fraction)
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Limit::Off => f.write_str("off"),
            Limit::Percent(h) if h % 100 == 0 => write!(f, "+{}%", h / 100),
            Limit::Percent(h) => write!(f, "+{}.{:02}%", h / 100, h % 100),
            Limit::Absolute(n) => write!(f, "+{n}"),
        }
    }
}

impl<'de> Deserialize<'de> for Limit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LimitVisitor)
    }
}

/// A limit is text (`"+5%"`, `off`), or a bare number that YAML read as one (`+1000`).
struct LimitVisitor;

impl serde::de::Visitor<'_> for LimitVisitor {
    type Value = Limit;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a budget: \"+N%\", \"+N\" or off")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Limit, E> {
        Limit::parse(text).map_err(E::custom)
    }

    /// YAML 1.1 reads a bare `off` as `false`.
    fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Limit, E> {
        if value {
            Err(E::custom(
                "eval: a budget is \"+N%\", \"+N\" or off; `on`/`true` is not a budget",
            ))
        } else {
            Ok(Limit::Off)
        }
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Limit, E> {
        Ok(Limit::Absolute(n as f64))
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Limit, E> {
        self.visit_str(&n.to_string())
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Limit, E> {
        self.visit_str(&n.to_string())
    }
}

impl Serialize for Limit {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl EvalConfig {
    /// The limit of `figure` for configuration `id`: its own, else the repository's, else the default.
    pub fn limit(&self, id: &str, figure: Figure) -> Limit {
        let key = FigureKey(figure);
        self.configurations
            .get(id)
            .and_then(|own| own.get(&key))
            .or_else(|| self.budgets.get(&key))
            .copied()
            .or_else(|| {
                DEFAULT_BUDGETS
                    .iter()
                    .find(|(f, _)| *f == figure)
                    .map(|(_, l)| *l)
            })
            .unwrap_or(Limit::Off)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::AnswersFile;

    #[test]
    fn limits_parse() {
        assert_eq!(Limit::parse("+5%"), Ok(Limit::Percent(500)));
        assert_eq!(Limit::parse("2.5%"), Ok(Limit::Percent(250)));
        assert_eq!(Limit::parse("+0.25%"), Ok(Limit::Percent(25)));
        assert_eq!(Limit::parse("+1000"), Ok(Limit::Absolute(1000.0)));
        assert_eq!(Limit::parse("+0.2"), Ok(Limit::Absolute(0.2)));
        assert_eq!(Limit::parse("off"), Ok(Limit::Off));
        for bad in [
            "", "-5%", "+5.123%", "five", "+%", "++5", "5%%", "+-1", "inf",
        ] {
            assert!(Limit::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Limit::Percent(250).to_string(), "+2.50%");
        assert_eq!(Limit::Percent(500).to_string(), "+5%");
    }

    #[test]
    fn counts_are_compared_exactly() {
        let five = Limit::Percent(500);
        assert!(five.allows(Amount::Count(100), Amount::Count(105)));
        assert!(!five.allows(Amount::Count(100), Amount::Count(106)));
        assert!(five.allows(Amount::Count(100), Amount::Count(50)));
        // 5% of 1,000,001 is 50,000.05: 1,050,001 is within, 1,050,002 is not.
        assert!(five.allows(Amount::Count(1_000_001), Amount::Count(1_050_001)));
        assert!(!five.allows(Amount::Count(1_000_001), Amount::Count(1_050_002)));
        assert!(!Limit::Percent(0).allows(Amount::Count(7), Amount::Count(8)));
        assert!(Limit::Absolute(3.0).allows(Amount::Count(7), Amount::Count(10)));
        assert!(!Limit::Absolute(3.0).allows(Amount::Count(7), Amount::Count(11)));
        assert!(Limit::Off.allows(Amount::Count(1), Amount::Count(u64::MAX)));
        let cpu = Limit::Percent(2000);
        assert!(cpu.allows(Amount::Seconds(1.0), Amount::Seconds(1.19)));
        assert!(!cpu.allows(Amount::Seconds(1.0), Amount::Seconds(1.21)));
    }

    fn parse(yaml: &str) -> Result<EvalConfig, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".nixscaffold.yaml");
        std::fs::write(&path, yaml).unwrap();
        AnswersFile::read(&path)
            .map(|file| file.eval.unwrap_or_default())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn the_section_reads_with_defaults_under_it() {
        let config = parse(
            "eval:\n  budgets:\n    thunks: \"+10%\"\n    cpu: \"+20%\"\n  configurations:\n    \
             nixosConfigurations.big:\n      thunks: off\n      values: +100\n",
        )
        .unwrap();
        assert_eq!(config.limit("a", Figure::Thunks), Limit::Percent(1000));
        assert_eq!(config.limit("a", Figure::Cpu), Limit::Percent(2000));
        assert_eq!(
            config.limit("nixosConfigurations.big", Figure::Thunks),
            Limit::Off
        );
        assert_eq!(
            config.limit("nixosConfigurations.big", Figure::Cpu),
            Limit::Percent(2000)
        );
        assert_eq!(
            config.limit("a", Figure::FunctionCalls),
            Limit::Percent(500)
        );
        assert_eq!(EvalConfig::default().limit("a", Figure::Cpu), Limit::Off);
        assert_eq!(EvalConfig::default().limit("a", Figure::GcHeap), Limit::Off);
    }

    #[test]
    fn an_eval_section_is_a_setting_not_an_answer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".nixscaffold.yaml");
        std::fs::write(&path, "eval:\n  budgets:\n    thunks: \"+5%\"\n").unwrap();
        let file = AnswersFile::read(&path).unwrap();
        assert!(file.eval.is_some());
        assert!(
            !file.records_answers(),
            "an eval-only file does not adopt the shape"
        );
    }

    #[test]
    fn mistakes_are_reported_at_their_line_and_column() {
        let error = parse("eval:\n  budgets:\n    thunk: \"+5%\"\n").unwrap_err();
        assert!(error.contains("there is no figure `thunk`"), "{error}");
        assert!(
            error.contains("line 3") && error.contains("column 5"),
            "{error}"
        );

        let error = parse("eval:\n  budgets:\n    thunks: \"5 percent\"\n").unwrap_err();
        assert!(error.contains("budget `5 percent`"), "{error}");
        assert!(error.contains("line 3"), "{error}");

        let error = parse("eval:\n  budget:\n    thunks: \"+5%\"\n").unwrap_err();
        assert!(error.contains("budget"), "{error}");
        assert!(error.contains("line 2"), "{error}");
    }
}
