//! Parsing a guard and checking it, on a thread with a stack big enough for the parser.

use super::ty::Ty;
use super::typecheck::Checker;
use super::{Guard, GuardProblem, GuardScope};
use cel::common::ast::{EntryExpr, Expr, IdedExpr};
use cel::{Env, Program};
use std::collections::BTreeSet;

/// Deepest expression accepted. The interpreter recurses over the
/// expression, using some 35 KiB of stack per level in a debug build: 32
/// levels fit well in the 2 MiB of a spawned thread. Real guards stay far
/// below (`&&` and `||` chains are balanced by the parser).
const MAX_DEPTH: usize = 32;

/// Longest guard source accepted, in bytes. The parser recurses over long
/// operator chains too, not only over nested brackets (which it stops at 96
/// levels), so its stack use grows with the length of the source.
const MAX_SOURCE_LEN: usize = 4096;

/// Stack of the thread that parses and checks a guard. The generated ANTLR
/// parser uses up to ~170 KiB of stack per nesting level in a debug build, so
/// 12 nested parentheses overflow a 2 MiB thread: compiling on a thread of
/// its own keeps that independent of the caller's stack. Only the pages
/// actually touched are committed.
const COMPILE_STACK: usize = 64 << 20;

impl Guard {
    /// Parses and checks statically; returns every problem found, not just the first.
    pub fn compile(source: &str, scope: &GuardScope) -> Result<Guard, Vec<GuardProblem>> {
        if source.len() > MAX_SOURCE_LEN {
            return Err(vec![GuardProblem::Syntax {
                message: format!("the guard is longer than {MAX_SOURCE_LEN} bytes"),
            }]);
        }
        let internal = |what: &str| {
            vec![GuardProblem::Syntax {
                message: format!("internal error: {what}"),
            }]
        };
        std::thread::scope(|s| {
            std::thread::Builder::new()
                .name("guard-compile".into())
                .stack_size(COMPILE_STACK)
                .spawn_scoped(s, || Guard::compile_here(source, scope))
                .map_err(|e| internal(&format!("cannot start the parser thread: {e}")))?
                .join()
                .unwrap_or_else(|_| Err(internal("the parser failed")))
        })
    }

    fn compile_here(source: &str, scope: &GuardScope) -> Result<Guard, Vec<GuardProblem>> {
        // The program, with the standard macros expanded, is what runs.
        let program = Program::compile(source).map_err(|errors| syntax_problems(&errors))?;
        // The check works on the expression as written, macros unexpanded.
        let written = Env::default()
            .with_optional_support(false)
            .parser()
            .parse(source)
            .map_err(|errors| syntax_problems(&errors))?;
        if depth_exceeds(program.expression(), MAX_DEPTH) || depth_exceeds(&written, MAX_DEPTH) {
            return Err(vec![GuardProblem::Syntax {
                message: format!("the expression is nested more than {MAX_DEPTH} levels deep"),
            }]);
        }

        let mut checker = Checker::new(scope);
        let ty = checker.check(&written);
        if !matches!(ty, Ty::Bool | Ty::Dyn) {
            checker
                .problems
                .push(GuardProblem::NotBoolean { found: ty.name() });
        }
        if !checker.problems.is_empty() {
            return Err(checker.problems);
        }
        let mut referenced: BTreeSet<String> = checker.reads.iter().cloned().collect();
        referenced.extend(checker.tested);
        Ok(Guard {
            source: source.to_owned(),
            program,
            fields: checker.reads,
            referenced,
        })
    }
}

fn syntax_problems(errors: &cel::ParseErrors) -> Vec<GuardProblem> {
    // past the parser's recursion limit, the other errors are noise
    if let Some(e) = errors
        .errors
        .iter()
        .find(|e| e.msg.contains("Recursion limit"))
    {
        return vec![GuardProblem::Syntax {
            message: format!(
                "{}:{}: the expression is nested too deeply",
                e.pos.0, e.pos.1
            ),
        }];
    }
    let problems: Vec<GuardProblem> = errors
        .errors
        .iter()
        .map(|e| GuardProblem::Syntax {
            message: if e.pos.0 > 0 {
                format!("{}:{}: {}", e.pos.0, e.pos.1, e.msg)
            } else {
                e.msg.clone()
            },
        })
        .collect();
    if problems.is_empty() {
        vec![GuardProblem::Syntax {
            message: "invalid expression".to_owned(),
        }]
    } else {
        problems
    }
}

/// Whether `expr` is nested deeper than `max`, measured without recursing.
fn depth_exceeds(expr: &IdedExpr, max: usize) -> bool {
    let mut stack = vec![(expr, 1usize)];
    while let Some((e, depth)) = stack.pop() {
        if depth > max {
            return true;
        }
        for child in children(e) {
            stack.push((child, depth + 1));
        }
    }
    false
}

fn children(e: &IdedExpr) -> Vec<&IdedExpr> {
    match &e.expr {
        Expr::Call(call) => call
            .target
            .as_deref()
            .into_iter()
            .chain(call.args.iter())
            .collect(),
        Expr::Comprehension(c) => vec![
            &c.iter_range,
            &c.accu_init,
            &c.loop_cond,
            &c.loop_step,
            &c.result,
        ],
        Expr::List(list) => list.elements.iter().collect(),
        Expr::Map(map) => map
            .entries
            .iter()
            .flat_map(|e| entry_exprs(&e.expr))
            .collect(),
        Expr::Struct(s) => s
            .entries
            .iter()
            .flat_map(|e| entry_exprs(&e.expr))
            .collect(),
        Expr::Select(select) => vec![&*select.operand],
        Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => Vec::new(),
    }
}

pub(super) fn entry_exprs(entry: &EntryExpr) -> Vec<&IdedExpr> {
    match entry {
        EntryExpr::StructField(f) => vec![&f.value],
        EntryExpr::MapEntry(m) => vec![&m.key, &m.value],
    }
}
