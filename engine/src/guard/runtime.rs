//! Evaluation: the CEL environment, the guard functions, and turning CEL errors into results.

use super::convert::{Node, UNSET_MARKER, Variables, convert_field, settings_value};
use super::dates::{age_on, criminal_age_on, parse_date, parse_duration, timestamp_date};
use super::{Guard, GuardResult, GuardScope};
use crate::definition::{Data, FieldType};
use cel::common::types::{self, CelBool, CelDuration, CelInt, CelString, CelTimestamp, Type};
use cel::common::value::{CowVal, Val};
use cel::{Context, Env, ExecutionError, Value};
use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use std::sync::{Arc, LazyLock};

impl Guard {
    /// Pure: `now` is passed in, never read from the clock. `tz` decides the calendar day of `now`.
    pub fn evaluate(
        &self,
        data: &Data,
        scope: &GuardScope,
        now: jiff::Timestamp,
        tz: &TimeZone,
    ) -> GuardResult {
        let runtime = match &*RUNTIME {
            Ok(runtime) => runtime,
            Err(message) => {
                return GuardResult::Error {
                    message: message.clone(),
                };
            }
        };
        let mut context = Context::with_env(Arc::clone(&runtime.env));
        let now = match runtime.timestamp(now, tz) {
            Ok(now) => now,
            Err(message) => return GuardResult::Error { message },
        };
        context.add_variable_as_val("now", now);
        context.add_variable_as_val("settings", settings_value(runtime, scope.settings));
        match self.bind_fields(runtime, data, scope, tz) {
            Ok(variables) => {
                for (name, value) in variables {
                    context.add_variable_as_val(name, value);
                }
            }
            Err(message) => return GuardResult::Error { message },
        }

        // `cel` should not panic, but a guard must not take the engine down
        // if it does (with `panic = "abort"` this is moot).
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            match Value::resolve_val(&self.expression, &context) {
                Ok(value) => match value.downcast_ref::<CelBool>() {
                    Some(b) if *b.inner() => GuardResult::Pass,
                    Some(_) => GuardResult::Fail,
                    None => GuardResult::Error {
                        message: format!(
                            "the guard evaluated to a {}, not a boolean",
                            value.get_type().name()
                        ),
                    },
                },
                Err(error) => self.error_result(error, scope),
            }
        }));
        outcome.unwrap_or_else(|_| GuardResult::Error {
            message: "internal error in the CEL interpreter".to_owned(),
        })
    }

    /// The top-level variables for the fields: set leaves, and a `Group` (see `convert`)
    /// for every prefix of a declared field.
    fn bind_fields(
        &self,
        runtime: &Runtime,
        data: &Data,
        scope: &GuardScope,
        tz: &TimeZone,
    ) -> Result<Variables, String> {
        let mut root = Node::default();
        for (name, field_type) in scope.fields.iter() {
            let segments: Vec<&str> = name.split('.').collect();
            // every prefix gets its (possibly empty) map
            root.branch(&segments[..segments.len() - 1]);
            let Some(json) = data.get(name) else { continue };
            match convert_field(runtime, field_type, json, name, tz) {
                Ok(Some(value)) => root.insert(&segments, value),
                Ok(None) => {}
                // a malformed value only matters to a guard that uses it
                Err(message) if self.referenced.contains(name) => return Err(message),
                Err(_) => {}
            }
        }
        let mut variables = Vec::new();
        for (name, node) in root.children {
            // a top-level group is bound even when empty: see `Node::into_val`
            let value = node.into_val(&name, &mut variables);
            variables.push((name, value));
        }
        Ok(variables)
    }

    fn error_result(&self, error: ExecutionError, scope: &GuardScope) -> GuardResult {
        match &error {
            ExecutionError::NoSuchKey(key) => {
                if let Some(path) = key.strip_prefix(UNSET_MARKER) {
                    if is_case_path(path, scope) {
                        return GuardResult::Unset {
                            field: path.to_owned(),
                        };
                    }
                    // a group with no field set (`child.address`): the
                    // guard read a field under it, the first it reads is unset
                    let under = format!("{path}.");
                    if let Some(field) = self.fields.iter().find(|f| f.starts_with(&under)) {
                        return GuardResult::Unset {
                            field: field.clone(),
                        };
                    }
                    return GuardResult::Error {
                        message: format!("no such key: {path}"),
                    };
                }
            }
            ExecutionError::UndeclaredReference(name) if scope.fields.contains_key(&**name) => {
                return GuardResult::Unset {
                    field: name.to_string(),
                };
            }
            _ => {}
        }
        GuardResult::Error {
            message: error.to_string().replace(UNSET_MARKER, ""),
        }
    }
}

/// Whether `path` is a declared field, or a sub-field of a records field.
fn is_case_path(path: &str, scope: &GuardScope) -> bool {
    if scope.fields.contains_key(path) {
        return true;
    }
    path.rsplit_once('.').is_some_and(|(records, sub)| {
        matches!(scope.fields.get(records), Some(FieldType::Records(subs)) if subs.contains_key(sub))
    })
}

type CelFunction = cel::common::functions::Function;

/// The environment shared by every evaluation, and the standard conversions
/// used to build timestamps and durations without depending on `chrono`.
pub(super) struct Runtime {
    env: Arc<Env>,
    timestamp_from_string: CelFunction,
    duration_from_string: CelFunction,
}

static RUNTIME: LazyLock<Result<Runtime, String>> = LazyLock::new(Runtime::new);

impl Runtime {
    fn new() -> Result<Runtime, String> {
        let mut env = Env::stdlib();
        // dates are strings, `now` and datetimes timestamps
        const DATE: Type = types::STRING_TYPE;
        const TIMESTAMP: Type = types::TIMESTAMP_TYPE;
        let overloads: [(&str, &str, Vec<Type>, CelFunction); 10] = [
            (
                "add_period",
                "add_period_date_string",
                vec![DATE, types::STRING_TYPE],
                add_period_fn,
            ),
            (
                "add_period",
                "add_period_date_duration",
                vec![DATE, types::DURATION_TYPE],
                add_period_fn,
            ),
            (
                "add_period",
                "add_period_timestamp_string",
                vec![TIMESTAMP, types::STRING_TYPE],
                add_period_fn,
            ),
            (
                "add_period",
                "add_period_timestamp_duration",
                vec![TIMESTAMP, types::DURATION_TYPE],
                add_period_fn,
            ),
            ("age", "age_date_timestamp", vec![DATE, TIMESTAMP], age_fn),
            ("age", "age_date_date", vec![DATE, DATE], age_fn),
            (
                "criminal_age",
                "criminal_age_date_timestamp",
                vec![DATE, TIMESTAMP],
                criminal_age_fn,
            ),
            (
                "criminal_age",
                "criminal_age_date_date",
                vec![DATE, DATE],
                criminal_age_fn,
            ),
            ("today", "today_timestamp", vec![TIMESTAMP], today_fn),
            (
                "days_between",
                "days_between_dates",
                vec![DATE, DATE],
                days_between_fn,
            ),
        ];
        for (name, id, args, function) in overloads {
            env.add_overload(name, id, args, function)
                .map_err(|e| format!("cannot declare guard function {name}: {e}"))?;
        }
        let probe = [CowVal::owned(CelString::from(String::new()))];
        let timestamp_from_string = env
            .find_overload("timestamp", &probe)
            .ok_or("CEL has no timestamp(string)")?;
        let duration_from_string = env
            .find_overload("duration", &probe)
            .ok_or("CEL has no duration(string)")?;
        Ok(Runtime {
            env: Arc::new(env),
            timestamp_from_string,
            duration_from_string,
        })
    }

    fn call(&self, function: CelFunction, argument: String) -> Result<Box<dyn Val>, String> {
        function(vec![CowVal::owned(CelString::from(argument))])
            .map(CowVal::into_owned)
            .map_err(|e| e.to_string())
    }

    /// A CEL timestamp for `instant`, carrying the offset `tz` has then.
    pub(super) fn timestamp(
        &self,
        instant: jiff::Timestamp,
        tz: &TimeZone,
    ) -> Result<Box<dyn Val>, String> {
        let text = instant
            .display_with_offset(tz.to_offset(instant))
            .to_string();
        self.call(self.timestamp_from_string, text.clone())
            .map_err(|e| format!("timestamp {text} out of range: {e}"))
    }

    /// A CEL duration for a setting string, if it is one.
    pub(super) fn duration(&self, text: &str) -> Option<Box<dyn Val>> {
        let d = parse_duration(text)?;
        // whole components, so that CEL's parser reads every one exactly
        let (sign, secs, nanos) = if d.is_negative() {
            (
                "-",
                d.as_secs().unsigned_abs(),
                d.subsec_nanos().unsigned_abs(),
            )
        } else {
            (
                "",
                d.as_secs().unsigned_abs(),
                d.subsec_nanos().unsigned_abs(),
            )
        };
        self.call(self.duration_from_string, format!("{sign}{secs}s{nanos}ns"))
            .ok()
    }
}

fn date_arg(args: &[CowVal<'_, '_>], index: usize, function: &str) -> Result<Date, ExecutionError> {
    let text = args
        .get(index)
        .and_then(|a| a.downcast_ref::<CelString>())
        .ok_or_else(|| ExecutionError::function_error(function, "expected a date"))?;
    parse_date(text.inner()).ok_or_else(|| {
        ExecutionError::function_error(function, format!("`{}` is not a date", text.inner()))
    })
}

/// A date, or the calendar day of a timestamp.
fn day_arg(args: &[CowVal<'_, '_>], index: usize, function: &str) -> Result<Date, ExecutionError> {
    match args
        .get(index)
        .and_then(|a| a.downcast_ref::<CelTimestamp>())
    {
        Some(ts) => timestamp_date(ts)
            .ok_or_else(|| ExecutionError::function_error(function, "timestamp out of range")),
        None => date_arg(args, index, function),
    }
}

fn age_fn<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let birth = date_arg(&args, 0, "age")?;
    let on = day_arg(&args, 1, "age")?;
    Ok(CowVal::owned(CelInt::from(age_on(birth, on))))
}

fn criminal_age_fn<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let birth = date_arg(&args, 0, "criminal_age")?;
    let on = day_arg(&args, 1, "criminal_age")?;
    Ok(CowVal::owned(CelInt::from(criminal_age_on(birth, on))))
}

fn today_fn<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let day = day_arg(&args, 0, "today")?;
    Ok(CowVal::owned(CelString::from(day.to_string())))
}

fn days_between_fn<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let from = date_arg(&args, 0, "days_between")?;
    let to = date_arg(&args, 1, "days_between")?;
    let days = to.duration_since(from).as_secs() / 86_400;
    Ok(CowVal::owned(CelInt::from(days)))
}

/// The period argument of `add_period`: a period text (`6 months`, `3d`, `1 year`) or a CEL
/// duration (a setting such as `72h` arrives as one).
fn period_arg(args: &[CowVal<'_, '_>], index: usize) -> Result<jiff::Span, ExecutionError> {
    let fail = |why: String| ExecutionError::function_error("add_period", why);
    let arg = args
        .get(index)
        .ok_or_else(|| fail("expected a period".into()))?;
    if let Some(d) = arg.downcast_ref::<CelDuration>() {
        return jiff::Span::new()
            .try_seconds(d.inner().num_seconds())
            .map_err(|e| fail(e.to_string()));
    }
    let text = arg
        .downcast_ref::<CelString>()
        .ok_or_else(|| fail("expected a period such as \"6 months\"".into()))?;
    let period = crate::period::Period::parse(text.inner()).map_err(|e| fail(e.to_string()))?;
    use crate::period::Period as P;
    let span = match period {
        P::Hours(n) => jiff::Span::new().try_hours(i64::from(n)),
        P::Days(n) => jiff::Span::new().try_days(i64::from(n)),
        P::Weeks(n) => jiff::Span::new().try_weeks(i64::from(n)),
        P::Months(n) => jiff::Span::new().try_months(i64::from(n)),
        P::Years(n) => jiff::Span::new().try_years(i64::from(n)),
        P::WorkingDays(_) => {
            return Err(fail(
                "working days need the holiday calendar; use a deadline".into(),
            ));
        }
    };
    span.map_err(|e| fail(e.to_string()))
}

/// `add_period(from, period)`: a date or datetime moved on by a period in calendar terms (a
/// month from 31 January is the last day of February). A date stays a date; a datetime keeps
/// its offset. Used as `now >= add_period(search.started_at, settings.parent_search_limit)`.
fn add_period_fn<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let fail = |why: String| ExecutionError::function_error("add_period", why);
    let span = period_arg(&args, 1)?;
    if let Some(ts) = args.first().and_then(|a| a.downcast_ref::<CelTimestamp>()) {
        let instant = jiff::Timestamp::from_second(ts.inner().timestamp())
            .map_err(|e| fail(e.to_string()))?;
        let offset = Offset::from_seconds(ts.inner().offset().local_minus_utc())
            .map_err(|e| fail(e.to_string()))?;
        let moved = offset
            .to_datetime(instant)
            .checked_add(span)
            .and_then(|dt| offset.to_timestamp(dt))
            .map_err(|e| fail(e.to_string()))?;
        let runtime = RUNTIME.as_ref().map_err(|e| fail(e.clone()))?;
        let value = runtime
            .call(
                runtime.timestamp_from_string,
                moved.display_with_offset(offset).to_string(),
            )
            .map_err(fail)?;
        return Ok(CowVal::from(value));
    }
    let date = date_arg(&args, 0, "add_period")?;
    if span.get_hours() != 0 || span.get_seconds() != 0 {
        return Err(fail("a date moves by days, weeks, months or years".into()));
    }
    let moved = date.checked_add(span).map_err(|e| fail(e.to_string()))?;
    Ok(CowVal::owned(CelString::from(moved.to_string())))
}

#[cfg(test)]
mod tests;
