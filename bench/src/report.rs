//! Summaries of repeated measurements and the Markdown tables they are
//! printed in.

use std::fmt::Write as _;

/// The median and range of repeated measurements.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// The median (the upper one of an even count).
    pub median: f64,
    /// The smallest.
    pub min: f64,
    /// The largest.
    pub max: f64,
}

impl Spread {
    /// The spread of `values`, if there are any.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<Spread> {
        let mut values: Vec<f64> = values.into_iter().collect();
        values.sort_by(f64::total_cmp);
        Some(Spread {
            median: *values.get(values.len() / 2)?,
            min: *values.first()?,
            max: *values.last()?,
        })
    }

    /// `median (min–max)`.
    pub fn show(&self) -> String {
        format!(
            "{} ({}–{})",
            number(self.median),
            number(self.min),
            number(self.max)
        )
    }
}

/// A number with three significant digits at least, thousands separated.
pub fn number(value: f64) -> String {
    if !value.is_finite() {
        return "–".into();
    }
    if value.abs() >= 1000.0 {
        let digits = format!("{:.0}", value.abs());
        let mut grouped = String::new();
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        return if value < 0.0 {
            format!("-{grouped}")
        } else {
            grouped
        };
    }
    let decimals = if value.abs() >= 100.0 {
        0
    } else if value.abs() >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.decimals$}")
}

/// `a / b` as a ratio, `0.87×`.
pub fn ratio(a: f64, b: f64) -> String {
    if b == 0.0 || !a.is_finite() || !b.is_finite() {
        return "–".into();
    }
    format!("{:.2}×", a / b)
}

/// A Markdown table with right-aligned value columns.
#[derive(Debug, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column titles; the first column is left-aligned.
    pub fn new<S: ToString>(header: &[S]) -> Table {
        Table {
            header: header.iter().map(ToString::to_string).collect(),
            rows: Vec::new(),
        }
    }

    /// Add a row.
    pub fn row<S: ToString>(&mut self, cells: &[S]) {
        self.rows
            .push(cells.iter().map(ToString::to_string).collect());
    }

    /// The table as Markdown, padded so that it also reads as plain text.
    pub fn render(&self) -> String {
        let columns = self.header.len();
        let width = |c: usize| {
            std::iter::once(&self.header)
                .chain(&self.rows)
                .filter_map(|row| row.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..columns).map(width).collect();
        let line = |row: &[String]| {
            let mut text = String::from("|");
            for (c, width) in widths.iter().enumerate() {
                let cell = row.get(c).map_or("", String::as_str);
                let pad = width - cell.chars().count();
                if c == 0 {
                    let _ = write!(text, " {cell}{} |", " ".repeat(pad));
                } else {
                    let _ = write!(text, " {}{cell} |", " ".repeat(pad));
                }
            }
            text.push('\n');
            text
        };
        let mut text = line(&self.header);
        text.push('|');
        for (c, width) in widths.iter().enumerate() {
            let dashes = "-".repeat((*width).max(3));
            if c == 0 {
                let _ = write!(text, " {dashes} |");
            } else {
                let _ = write!(text, " {}: |", &dashes[1..]);
            }
        }
        text.push('\n');
        for row in &self.rows {
            text.push_str(&line(row));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreads_take_the_median_and_range() {
        let spread = Spread::of([3.0, 1.0, 2.0]).unwrap();
        assert_eq!((spread.median, spread.min, spread.max), (2.0, 1.0, 3.0));
        assert_eq!(Spread::of([]), None);
    }

    #[test]
    fn numbers_are_grouped_and_rounded() {
        assert_eq!(number(1_234_567.4), "1,234,567");
        assert_eq!(number(123.4), "123");
        assert_eq!(number(12.34), "12.3");
        assert_eq!(number(1.234), "1.23");
        assert_eq!(ratio(1.0, 2.0), "0.50×");
    }

    #[test]
    fn tables_render_as_aligned_markdown() {
        let mut table = Table::new(&["workload", "rate"]);
        table.row(&["ping", "1,000"]);
        assert_eq!(
            table.render(),
            "| workload |  rate |\n| -------- | ----: |\n| ping     | 1,000 |\n"
        );
    }
}
