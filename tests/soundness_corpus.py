"""The soundness corpus of ``check``: true statements from the softmax literature, and false ones.

The true statements are the base statements below and their substitution instances
(replacing a free real variable ``a`` by ``2*a``, ``a + 1``, ``-a``... in a statement that
holds for every real ``a`` gives one that holds too).  The false statements are mutants
of the true ones -- the relation negated, a constant moved by 1e-30, strict instead of
non-strict at ties, a summation range off by one, an index swapped, an assumption
dropped -- and hand-written traps of the classes that once fooled the engine (sum term
counts, cancelling constants, case splits inside sums, nested sums).  A mutant counts
as false only with a *witness*: a point where the independent oracle
(:mod:`statement_oracle`, mpmath at 900 digits on the text) certifies that it fails;
mutants without one are dropped, so nothing here is false by assertion.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import statement_oracle


@dataclass(frozen=True)
class Statement:
    lhs: str
    rhs: str
    relation: str
    assume: tuple[str, ...] = ()
    origin: str = ""

    def words(self) -> dict[str, str]:
        return {a.split(":")[0].strip(): a.split(":")[1].strip() for a in self.assume}

    def key(self) -> tuple[str, str, str, tuple[str, ...]]:
        return (self.lhs, self.rhs, self.relation, self.assume)


S = Statement
POS_T = ("T: positive",)

TRUE_BASE: tuple[Statement, ...] = (
    # softmax of two entries, sigmoid, shift invariance
    S("exp(a)/(exp(a)+exp(b))", "sigmoid(a - b)", "=="),
    S("exp(a+c)/(exp(a+c)+exp(b+c))", "exp(a)/(exp(a)+exp(b))", "=="),
    S("exp(a)/(exp(a)+exp(b)) + exp(b)/(exp(a)+exp(b))", "1", "=="),
    S("exp(a)/(exp(a)+exp(b))", "0", ">"),
    S("exp(a)/(exp(a)+exp(b))", "1", "<"),
    S("exp(a)/(exp(a)+exp(b)+exp(c))", "1", "<"),
    S("1 - sigmoid(x)", "sigmoid(-x)", "=="),
    S("sigmoid(x) + sigmoid(-x)", "1", "=="),
    S("sigmoid(x)", "0", ">"),
    S("sigmoid(x)", "1", "<"),
    S("tanh(x)", "2*sigmoid(2*x) - 1", "=="),
    S("sigmoid(x)", "(1 + tanh(x/2))/2", "=="),
    S("log(sigmoid(x))", "-log1p(exp(-x))", "=="),
    S("log(sigmoid(x)) - log(sigmoid(-x))", "x", "=="),
    S("exp(x/T)/(exp(x/T)+exp(y/T))", "sigmoid((x-y)/T)", "==", POS_T),
    # derivatives: gradient of LSE, Jacobian, cross-entropy gradient
    S("diff(sigmoid(x), x)", "sigmoid(x)*(1-sigmoid(x))", "=="),
    S("diff(log(sigmoid(x)), x)", "1 - sigmoid(x)", "=="),
    S("diff(log(exp(a)+exp(b)), a)", "exp(a)/(exp(a)+exp(b))", "=="),
    S("diff(log(exp(a)+exp(b)), a) + diff(log(exp(a)+exp(b)), b)", "1", "=="),
    S("diff(exp(a)/(exp(a)+exp(b)), a)", "exp(a)*exp(b)/(exp(a)+exp(b))**2", "=="),
    S("diff(exp(a)/(exp(a)+exp(b)), b)", "-exp(a)*exp(b)/(exp(a)+exp(b))**2", "=="),
    S("diff(-log(exp(a)/(exp(a)+exp(b))), a)", "exp(a)/(exp(a)+exp(b)) - 1", "=="),
    S("diff(-log(exp(a)/(exp(a)+exp(b))), b)", "exp(b)/(exp(a)+exp(b))", "=="),
    S("diff(T*log(exp(a/T)+exp(b/T)), a)", "exp(a/T)/(exp(a/T)+exp(b/T))", "==", POS_T),
    S("diff(log(1+exp(x)), x)", "sigmoid(x)", "=="),
    S("diff(log(Sum(exp(x[i]),(i,1,n))), x[k])", "exp(x[k])/Sum(exp(x[i]),(i,1,n))", "=="),
    S("diff(Sum(x[i]**2, (i, 1, n)), x[k])", "2*x[k]", "=="),
    # log-softmax, log-sum-exp
    S("log(exp(a)/(exp(a)+exp(b)))", "a - log(exp(a)+exp(b))", "=="),
    S("a - log(exp(a)+exp(b))", "0", "<"),
    S("log(exp(a)+exp(b))", "Max(a,b) + log1p(exp(-Abs(a-b)))", "=="),
    S("log(1+exp(x))", "Max(x,0) + log1p(exp(-Abs(x)))", "=="),
    S("log(1+exp(x)) - log(1+exp(-x))", "x", "=="),
    S("log(exp(a)+exp(b))", "c + log(exp(a-c)+exp(b-c))", "=="),
    S("Max(a,b)", "log(exp(a)+exp(b))", "<="),
    S("Max(a,b)", "log(exp(a)+exp(b))", "<"),
    S("log(exp(a)+exp(b))", "Max(a,b) + log(2)", "<="),
    S("Max(a,b,c)", "log(exp(a)+exp(b)+exp(c))", "<="),
    S("log(exp(a)+exp(b)+exp(c))", "Max(a,b,c) + log(3)", "<="),
    S("T*log(exp(a/T)+exp(b/T))", "Max(a,b)", ">=", POS_T),
    S("T*log(exp(a/T)+exp(b/T))", "Max(a,b) + T*log(2)", "<=", POS_T),
    S("sigmoid(x/T)*(1 - sigmoid(x/T))", "1/4", "<=", POS_T),
    S("diff(sigmoid(x/T), x)", "1/(4*T)", "<=", POS_T),
    S("exp(x*y)", "1 + x*y", ">="),
    S("log(exp(a)+exp(b))", "log(2) + (a+b)/2 + (a-b)**2/8", "<="),
    S("log(exp(a)+exp(b)+exp(c)) - (a+b+c)/3", "log(3)", ">="),
    S("log(1+exp(x))", "x", ">"),
    S("log(1+exp(x))", "0", ">"),
    S("log(1+exp(x))", "Max(x, 0)", ">="),
    S("log(1+exp(x))", "Max(x, 0) + log(2)", "<="),
    S("log((exp(a)+exp(b))/2)", "(a+b)/2", ">="),
    S("(exp(a)+exp(b))/2", "exp((a+b)/2)", ">="),
    # symbolic n
    S("Sum(exp(x[i]+c),(i,1,n))", "exp(c)*Sum(exp(x[i]),(i,1,n))", "=="),
    S("Sum(exp(x[i]-c),(i,1,n))*exp(c)", "Sum(exp(x[i]),(i,1,n))", "=="),
    S("log(Sum(exp(x[i]),(i,1,n)))", "c + log(Sum(exp(x[i]-c),(i,1,n)))", "=="),
    S("Sum(exp(x[i])/Sum(exp(x[j]),(j,1,n)),(i,1,n))", "1", "=="),
    S("exp(x[k])/Sum(exp(x[i]),(i,1,n))", "0", ">"),
    S("exp(x[k])/Sum(exp(x[i]),(i,1,n))", "1", "<="),
    S("Sum(exp(x[i]),(i,1,n))", "0", ">"),
    S("log(Sum(exp(x[i]),(i,1,n)))", "x[k]", ">="),
    S("log(Sum(exp(m - d[i]),(i,1,n)))", "m + log(n)", "<=", ("d: nonnegative",)),
    S("Sum(1,(i,1,n))", "n", "=="),
    S("Sum(c,(i,1,n))", "n*c", "=="),
    S("Sum(x[i]+y[i],(i,1,n))", "Sum(x[i],(i,1,n)) + Sum(y[j],(j,1,n))", "=="),
    S("Sum(Sum(x[i]*y[j],(j,1,n)),(i,1,n))", "Sum(x[i],(i,1,n))*Sum(y[j],(j,1,n))", "=="),
    S("Sum(w[i]*Sum(x[i]*y[j],(j,1,n)),(i,1,n))", "Sum(w[i]*x[i],(i,1,n))*Sum(y[j],(j,1,n))", "=="),
    S("Sum(exp(x[i]),(i,1,m))", "0", ">=", ("m: nonnegative integer",)),
    S("Sum(Abs(x[i]),(i,1,n))", "Abs(Sum(x[i],(i,1,n)))", ">="),
    # elementary bounds the engine needs
    S("exp(x)", "1 + x", ">="),
    S("exp(x)", "x", ">"),
    S("exp(x)", "0", ">"),
    S("expm1(x)", "x", ">="),
    S("exp(-100)", "0", ">"),
    S("exp(800)*(log(1 + exp(800)) - 800)", "1", "<"),
    S("log(x)", "x - 1", "<=", ("x: positive",)),
    S("log1p(x)", "x", "<=", ("x: nonnegative",)),
    S("x/(1+x)", "log1p(x)", "<=", ("x: nonnegative",)),
    S("cosh(x)", "1", ">="),
    S("cosh(x) + sinh(x)", "exp(x)", "=="),
    S("cosh(x) - sinh(x)", "exp(-x)", "=="),
    S("cosh(10*x) + sinh(10*x)", "exp(10*x)", "=="),
    S("exp(a)*exp(b)", "exp(a+b)", "=="),
    S("log(exp(a)*exp(b))", "a + b", "=="),
    S("Max(a,b) + Min(a,b)", "a + b", "=="),
    S("Max(a,b) - Min(a,b)", "Abs(a - b)", "=="),
    S("Abs(x)", "Max(x, -x)", "=="),
    S("Abs(a + b)", "Abs(a) + Abs(b)", "<="),
    S("exp(x) + exp(-x)", "2", ">="),
    S("sqrt(x)**2", "x", "==", ("x: nonnegative",)),
    S("exp(log(x))", "x", "==", ("x: positive",)),
    S("log(x**2)", "2*log(x)", "==", ("x: positive",)),
)

# hand-written traps: each false, each of a class that once fooled the engine
FALSE_TRAPS: tuple[Statement, ...] = (
    S("Sum(exp(x[i]), (i, 1, m+1))", "0", ">", ("m: integer",), "U1 empty range"),
    S("Sum(exp(x[i]), (i, 1, m))", "0", ">=", ("m: integer",), "U1 Karr reversed range"),
    S("Sum(exp(x[i]), (i, 1, 2*m+1))", "0", ">", ("m: integer",), "U1 odd bound"),
    S("Sum(exp(x[i]), (i, 1, m-1))", "0", ">", ("m: nonnegative integer",), "U1 m - 1"),
    S("Sum(exp(x[i]), (i, m, 3))", "0", ">=", ("m: integer",), "U1 lower bound"),
    S("Sum(1, (i, 1, m))", "0", ">=", ("m: integer",), "U1 count"),
    S("exp(675)*(log(1 + exp(675)) - 675)", "1", ">", (), "U2 cancellation"),
    S("exp(700)*log1p(exp(-700))", "1", ">=", (), "U2 log1p"),
    S("exp(300)*(log(1 + exp(300)) - 300) - 1", "0", ">=", (), "U2 difference"),
    S("(exp(300)*log1p(exp(-300)) - 1)*exp(x)", "0", ">", (), "U3 product"),
    S("(exp(200)*log1p(exp(-200)) - 1)*x**2", "0", ">=", (), "U3 product square"),
    S("(1 - exp(400)*log1p(exp(-400)))*exp(x)", "0", "<", (), "U3 sign of the constant"),
    S("Sum(Abs(x[i]), (i, 1, n)) + x[i]", "Abs(Sum(x[i], (i, 1, n))) + x[i]", "<=", (), "U4 split inside a sum"),
    S("Sum(Max(x[i], 0), (i, 1, n))", "Max(Sum(x[i], (i, 1, n)), 0)", "<=", (), "U4 Max inside a sum"),
    S("Sum(Abs(x[i]), (i, 1, n))", "Abs(Sum(x[i], (i, 1, n)))", "<=", (), "U4 Abs inside a sum"),
    S("Sum(w[i]*Sum(x[i]*y[j], (j, 1, n)), (i, 1, n))", "Sum(w[i], (i, 1, n))*Sum(x[i]*y[i], (i, 1, n))", "==", (), "U5 capture"),
    S("Sum(Sum(x[i]*y[j], (j, 1, n)), (i, 1, n))", "Sum(x[i]*y[i], (i, 1, n))", "==", (), "U5 nested"),
    S("Sum(x[i]*Sum(y[i], (i, 1, n)), (i, 1, n))", "Sum(x[i]*y[i], (i, 1, n))", "==", (), "U5 shadowing"),
    S("exp(x[j])/Sum(exp(x[i]),(i,1,n))", "1", "<", (), "tie at n = 1"),
    S("log(exp(a)+exp(b))", "Max(a,b) + log(2)", "<", (), "strict at a tie"),
    S("T*log(exp(a/T)+exp(b/T))", "Max(a,b)", ">=", (), "dropped T > 0"),
    S("log(Sum(exp(x[i]),(i,1,n)))", "log(n)", "<=", (), "missing max"),
    S("exp(x)", "1 + x + x**2/2", ">=", (), "Taylor bound on the wrong side"),
)


def _substitutions(name: str, words: str) -> tuple[str, ...]:
    if "integer" in words:
        return ()
    if words:  # keep a sign assumption true
        return (f"(2*{name})", f"({name} + 1)")
    return (f"(2*{name})", f"({name} + 1)", f"(-{name})", f"({name}/3)", f"({name} - 5)")


def _replace(text: str, name: str, by: str) -> str:
    return re.sub(rf"\b{name}\b(?!\s*\[)", by, text)


def true_statements() -> list[Statement]:
    """The base statements and their substitution instances (deduplicated, in a fixed order)."""
    out: dict[tuple[str, str, str, tuple[str, ...]], Statement] = {}
    for base in TRUE_BASE:
        out.setdefault(base.key(), base)
    for base in TRUE_BASE:
        if "diff(" in base.lhs + base.rhs:
            continue  # a substitution would change the variable of differentiation
        scalars, _, _ = statement_oracle.names(f"({base.lhs}) + ({base.rhs})")
        words = base.words()
        for name in sorted(scalars):
            for by in _substitutions(name, words.get(name, "")):
                inst = Statement(_replace(base.lhs, name, by), _replace(base.rhs, name, by), base.relation, base.assume,
                                 f"{base.lhs} {base.relation} {base.rhs} with {name} -> {by}")
                out.setdefault(inst.key(), inst)
    return list(out.values())


NEGATION = {"==": None, "<=": ">", "<": ">=", ">=": "<", ">": "<="}


def mutants(statement: Statement) -> Iterator[Statement]:
    """Near misses of a true statement (not all false: the oracle decides with a witness)."""
    s = statement
    if NEGATION[s.relation]:
        yield Statement(s.lhs, s.rhs, NEGATION[s.relation], s.assume, "negated")  # type: ignore[arg-type]
    if s.relation == "==":
        yield Statement(s.lhs, f"{s.rhs} + 1/10**30", "==", s.assume, "constant moved by 1e-30")
        yield Statement(s.lhs, f"-({s.rhs})", "==", s.assume, "sign flip")
        yield Statement(s.lhs, f"({s.rhs})*(1 + 1/10**30)", "==", s.assume, "scaled by 1 + 1e-30")
    else:
        strict = {"<=": "<", ">=": ">"}.get(s.relation)
        if strict:
            yield Statement(s.lhs, s.rhs, strict, s.assume, "strict at ties")
        tighter = {"<=": "-", "<": "-", ">=": "+", ">": "+"}[s.relation]
        yield Statement(s.lhs, f"{s.rhs} {tighter} 1/10**30", s.relation, s.assume, "bound tightened by 1e-30")
    for old, new in (("(i,1,n)", "(i,2,n)"), ("(i,1,n)", "(i,1,n+1)"), ("(i, 1, n)", "(i, 1, n-1)")):
        if old in s.lhs:
            yield Statement(s.lhs.replace(old, new, 1), s.rhs, s.relation, s.assume, f"range {old} -> {new}")
    if "x[k]" in s.lhs + s.rhs:
        yield Statement(s.lhs.replace("x[k]", "x[1]", 1), s.rhs, s.relation, s.assume, "index swapped")
    if "y[j],(j,1,n)" in s.lhs:
        yield Statement(s.lhs.replace("y[j],(j,1,n)", "y[i],(j,1,n)"), s.rhs, s.relation, s.assume,
                        "nested sum: inner index replaced by the outer one")
    if s.assume:
        yield Statement(s.lhs, s.rhs, s.relation, (), "assumption dropped")


def _encode(point: dict[str, Any]) -> str:
    def value(v: Any) -> Any:
        if isinstance(v, dict):
            return {str(k): value(x) for k, x in v.items()}
        return v if isinstance(v, int) else str(v)

    return json.dumps({k: value(v) for k, v in point.items()}, sort_keys=True)


def build(false_target: int = 360) -> dict[str, list[dict[str, Any]]]:
    """The corpus: every true statement, the traps and mutants with a witness (in a fixed order)."""
    trues = true_statements()
    base_keys = {b.key() for b in TRUE_BASE}
    true_rows = [{"lhs": s.lhs, "rhs": s.rhs, "relation": s.relation, "assume": list(s.assume), "origin": s.origin,
                  "core": s.key() in base_keys} for s in trues]
    false_rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str, tuple[str, ...]]] = set()
    candidates = [(t, True) for t in FALSE_TRAPS]
    candidates += [(m, t.key() in base_keys) for t in trues for m in mutants(t)]
    for statement, core in sorted(candidates, key=lambda c: not c[1]):  # traps and base mutants first
        if statement.key() in seen:
            continue
        seen.add(statement.key())
        if not core and len(false_rows) >= false_target:
            continue
        point = statement_oracle.witness(statement.lhs, statement.rhs, statement.relation, statement.words(), count=60)
        if point is None:
            continue
        false_rows.append({"lhs": statement.lhs, "rhs": statement.rhs, "relation": statement.relation,
                           "assume": list(statement.assume), "origin": statement.origin, "core": core,
                           "trap": statement in FALSE_TRAPS, "witness": _encode(point)})
    return {"true": true_rows, "false": false_rows}


if __name__ == "__main__":  # python tests/soundness_corpus.py  (rewrites tests/data/soundness_corpus.json)
    import sys
    from pathlib import Path

    target = Path(__file__).resolve().parent / "data" / "soundness_corpus.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(build(), indent=1) + "\n", encoding="utf-8")
    data = json.loads(target.read_text(encoding="utf-8"))
    print(f"{len(data['true'])} true, {len(data['false'])} false -> {target}", file=sys.stderr)
