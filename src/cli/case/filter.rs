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

/// A listing as a server takes it (the query of `GET /api/v1/cases` and
/// `GET /api/v1/overdue`): the same narrowing and paging as the flags.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListingQuery {
    pub workflow: Option<String>,
    pub state: Option<String>,
    pub unit: Option<String>,
    pub officer: Option<String>,
    /// YYYY-MM-DD
    pub from: Option<String>,
    /// YYYY-MM-DD
    pub to: Option<String>,
    pub limit: Option<u32>,
    pub page: Option<u32>,
    /// `case list`: one child's cases (identity number or registry id).
    pub child: Option<String>,
    /// `case list`: the cases after this case id.
    pub after: Option<String>,
    /// `case list`: the cases opened with this external id (issue 25).
    pub external_id: Option<String>,
    /// `case overdue`: only deadlines a person in this role can act on now.
    #[serde(rename = "as")]
    pub role: Option<String>,
    /// `case list`: `parts` answers the rows with the vocabulary the command line lays its
    /// columns out by.
    pub form: Option<String>,
}

impl ListingQuery {
    /// The listing asked for, each value checked as the flags check it.
    pub fn listing(self) -> Result<Listing, crate::failure::Failure> {
        use crate::failure::{Exit, Failure};
        let bad = |key: &str| {
            Failure::said(
                Exit::BadInput,
                crate::msg!("api-bad-query", key = key.to_owned()),
            )
            .with_key(key.to_owned())
        };
        let date = |key: &str, v: Option<String>| {
            v.map(|t| date_arg(&t).map_err(|_| bad(key))).transpose()
        };
        let within = |key: &str, v: Option<u32>, max: usize| match v {
            Some(n) if n == 0 || n as usize > max => Err(bad(key)),
            other => Ok(other.map(|n| n as usize)),
        };
        if self.page.is_some() && self.limit.is_none() {
            return Err(bad("page"));
        }
        let after = match self.after {
            Some(id) => Some(super::super::case_id(&id)?.to_string()),
            None => None,
        };
        Ok(Listing {
            filter: CaseFilter {
                workflow: self.workflow,
                state: self.state,
                child: self.child.map(|c| c.trim().to_ascii_uppercase()),
                after,
                by_id: false,
            },
            unit: self.unit,
            officer: self.officer,
            opened_from: date("from", self.from)?,
            opened_to: date("to", self.to)?,
            limit: within("limit", self.limit, MAX_PAGE_ROWS)?,
            page: within("page", self.page, MAX_PAGE)?,
            external_id: self.external_id,
        })
    }
}

impl FilterArgs {
    /// These arguments as a server's query (see [`ListingQuery`]).
    pub fn query(
        &self,
        child: Option<String>,
        after: Option<String>,
    ) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        let mut put = |key: &'static str, value: Option<String>| {
            if let Some(v) = value {
                query.push((key, v));
            }
        };
        put("workflow", self.workflow.clone());
        put("state", self.state.clone());
        put("unit", self.unit.clone());
        put("officer", self.officer.clone());
        put("from", self.from.map(|d| d.to_string()));
        put("to", self.to.map(|d| d.to_string()));
        put("limit", self.limit.map(|n| n.to_string()));
        put("page", self.page.map(|n| n.to_string()));
        put("child", child);
        put("after", after);
        query
    }

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
            external_id: None,
        }
    }
}
