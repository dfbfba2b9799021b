//! Expressions rendered back to CEL source, for messages.

use cel::common::ast::{CallExpr, EntryExpr, Expr, IdedExpr, LiteralValue};
use std::fmt;

fn precedence(e: &IdedExpr) -> u8 {
    match &e.expr {
        Expr::Call(call) if call.target.is_none() => match call.func_name.as_str() {
            "_?_:_" => 0,
            "_||_" => 1,
            "_&&_" => 2,
            "_==_" | "_!=_" | "_<_" | "_<=_" | "_>_" | "_>=_" | "@in" => 3,
            "_+_" | "_-_" => 4,
            "_*_" | "_/_" | "_%_" => 5,
            "!_" | "-_" => 6,
            _ => 7,
        },
        _ => 7,
    }
}

fn binary_symbol(name: &str) -> Option<&'static str> {
    Some(match name {
        "_||_" => "||",
        "_&&_" => "&&",
        "_==_" => "==",
        "_!=_" => "!=",
        "_<_" => "<",
        "_<=_" => "<=",
        "_>_" => ">",
        "_>=_" => ">=",
        "@in" => "in",
        "_+_" => "+",
        "_-_" => "-",
        "_*_" => "*",
        "_/_" => "/",
        "_%_" => "%",
        _ => return None,
    })
}

/// `e` as CEL source, parenthesized where needed.
pub(super) fn render(e: &IdedExpr) -> String {
    let mut out = String::new();
    write_expr(&mut out, e);
    out
}

fn write_operand(out: &mut String, e: &IdedExpr, min: u8) {
    if precedence(e) < min {
        out.push('(');
        write_expr(out, e);
        out.push(')');
    } else {
        write_expr(out, e);
    }
}

fn write_expr(out: &mut String, e: &IdedExpr) {
    use fmt::Write;
    match &e.expr {
        Expr::Literal(literal) => {
            let _ = match literal {
                LiteralValue::Boolean(b) => write!(out, "{}", b.inner()),
                LiteralValue::Bytes(b) => write!(out, "b{:?}", String::from_utf8_lossy(b.inner())),
                LiteralValue::Double(d) => write!(out, "{:?}", d.inner()),
                LiteralValue::Int(i) => write!(out, "{}", i.inner()),
                LiteralValue::Null => write!(out, "null"),
                LiteralValue::String(s) => write!(out, "{:?}", s.inner()),
                LiteralValue::UInt(u) => write!(out, "{}u", u.inner()),
            };
        }
        Expr::Ident(name) => out.push_str(name),
        Expr::Select(select) => {
            if select.test {
                out.push_str("has(");
            }
            write_operand(out, &select.operand, 7);
            out.push('.');
            out.push_str(&select.field);
            if select.test {
                out.push(')');
            }
        }
        Expr::Call(call) => write_call(out, e, call),
        Expr::List(list) => {
            out.push('[');
            write_list(out, &list.elements);
            out.push(']');
        }
        Expr::Map(map) => {
            out.push('{');
            for (i, entry) in map.entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if let EntryExpr::MapEntry(m) = &entry.expr {
                    write_expr(out, &m.key);
                    out.push_str(": ");
                    write_expr(out, &m.value);
                }
            }
            out.push('}');
        }
        Expr::Struct(s) => {
            out.push_str(&s.type_name);
            out.push_str("{...}");
        }
        Expr::Comprehension(_) => out.push_str("<comprehension>"),
        Expr::Unspecified => {}
    }
}

fn write_list(out: &mut String, items: &[IdedExpr]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_expr(out, item);
    }
}

fn write_call(out: &mut String, e: &IdedExpr, call: &CallExpr) {
    let p = precedence(e);
    let args = &call.args;
    if call.target.is_none() {
        if let (Some(symbol), [a, b]) = (binary_symbol(&call.func_name), args.as_slice()) {
            write_operand(out, a, p);
            out.push(' ');
            out.push_str(symbol);
            out.push(' ');
            write_operand(out, b, p + 1);
            return;
        }
        match (call.func_name.as_str(), args.as_slice()) {
            ("!_", [a]) => {
                out.push('!');
                write_operand(out, a, 6);
                return;
            }
            ("-_", [a]) => {
                out.push('-');
                write_operand(out, a, 6);
                return;
            }
            ("_?_:_", [c, a, b]) => {
                write_operand(out, c, 1);
                out.push_str(" ? ");
                write_operand(out, a, 1);
                out.push_str(" : ");
                write_operand(out, b, 0);
                return;
            }
            ("_[_]", [a, i]) => {
                write_operand(out, a, 7);
                out.push('[');
                write_expr(out, i);
                out.push(']');
                return;
            }
            _ => {}
        }
    }
    if let Some(target) = &call.target {
        write_operand(out, target, 7);
        out.push('.');
    }
    out.push_str(&call.func_name);
    out.push('(');
    write_list(out, args);
    out.push(')');
}

#[cfg(test)]
mod tests;
