use super::*;
use cel::Env;

#[test]
fn render_round_trips_precedence() {
    let parse = |s: &str| {
        Env::default()
            .with_optional_support(false)
            .parser()
            .parse(s)
            .unwrap()
    };
    for source in [
        "(a + b) * c",
        "a + b * c",
        "a - (b - c)",
        "!(a && b) || c",
        "x ? y : z",
        "a.b[0].c(d, \"e\")",
        "-(a + 1)",
        "size(x) in [1, 2u, 3.5]",
    ] {
        assert_eq!(render(&parse(source)), source);
    }
}
