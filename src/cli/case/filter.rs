//! The filters and paging `case list` and `case overdue` share: parsed here, applied by the
//! office (`Office::cases`, `Office::overdue_listed`).

use clap::Args;
use jiff::civil::Date;
use wardflow_engine::app::{CaseFilter, Listing, MAX_PAGE, MAX_PAGE_ROWS};

/// Narrowing and paging of a listing.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only cases of this workflow.
    #[arg(long)]
    pub workflow: Option<String>,
    /// Only cases in this state.
    #[arg(long)]
    pub state: Option<String>,
    /// Only cases handled by this unit or a unit under it.
    #[arg(long)]
    pub unit: Option<String>,
    /// Only cases whose officer in charge is this user.
    #[arg(long)]
    pub officer: Option<String>,
    /// Only cases opened on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date_arg)]
    pub from: Option<Date>,
    /// Only cases opened on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date_arg)]
    pub to: Option<Date>,
    /// Rows per page.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=MAX_PAGE_ROWS as i64))]
    pub limit: Option<u32>,
    /// The page to show, from 1 (with --limit).
    #[arg(long, requires = "limit", value_parser = clap::value_parser!(u32).range(1..=MAX_PAGE as i64))]
    pub page: Option<u32>,
}

/// A calendar day typed by the user.
pub fn date_arg(text: &str) -> Result<Date, String> {
    text.trim()
        .parse::<Date>()
        .map_err(|_| "YYYY-MM-DD".to_owned())
}

impl FilterArgs {
    /// The listing these arguments ask for; `child` and `after` as `case list` gives them.
    pub fn listing(self, child: Option<String>, after: Option<String>) -> Listing {
        Listing {
            filter: CaseFilter {
                workflow: self.workflow,
                state: self.state,
                child,
                after,
                by_id: false,
            },
            unit: self.unit,
            officer: self.officer,
            opened_from: self.from,
            opened_to: self.to,
            limit: self.limit.map(|n| n as usize),
            page: self.page.map(|n| n as usize),
        }
    }
}
