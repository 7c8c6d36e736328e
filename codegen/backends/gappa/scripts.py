r"""The Gappa scripts: each states one rounding-error property of printed C pieces.

A script declares its inputs as doubles (``x = rnd(x_)``), defines the computed value from the
printed piece (:func:`~softproof.codegen.backends.gappa.printer.print_gappa`, every operation
rounded as C rounds it) and its exact twin (the same expression without rounding, or the
mathematical function it approximates, given by the hypotheses), and asks Gappa for an
enclosure of the error (``... in ?``): the bound is derived by Gappa, and the claim that cites
the script compares it with the bound it states.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from softproof.derive.exp_kernel import RADIUS

from ..c.pieces import exp_constants, pieces
from .printer import print_gappa

__all__ = ["GappaScript", "SCRIPTS", "script"]

FORMATS = {"float64": "ieee_64", "float32": "ieee_32"}


@dataclass(frozen=True)
class GappaScript:
    """One Gappa proof: ``{ hypotheses -> goal in ? }`` after the definitions.

    ``inputs``: names declared as doubles; ``definitions``: ``name = expression`` lines (Gappa syntax,
    rounding explicit); ``hypotheses``: Gappa propositions on the inputs; ``goal``: the error
    expression whose enclosure is asked; ``hints``: bisection or rewriting hints.
    """

    name: str
    title: str
    inputs: tuple[str, ...]
    definitions: tuple[tuple[str, str], ...]
    hypotheses: tuple[str, ...]
    goal: str
    hints: tuple[str, ...] = ()
    constants: tuple[tuple[str, str], ...] = ()

    @property
    def filename(self) -> str:
        return f"{self.name}.g"


def _constants() -> tuple[tuple[str, str], ...]:
    return tuple((name, float(value).hex()) for name, value in exp_constants())


def _piece(name: str, rounded: bool = True) -> str:
    return print_gappa(pieces()[name].expr, rounded)


def _decimal(value: sp.Expr) -> str:
    """An exact decimal Gappa constant for a rational with a terminating decimal expansion."""
    q = Fraction(str(sp.Rational(value)))
    text = f"{float(q)!r}"
    if Fraction(text) != q:
        raise ValueError(f"{value} has no short exact decimal; give the script a binary constant")
    return text


def _exp_poly(single: bool) -> GappaScript:
    name = "exp_poly_single" if single else "exp_poly"
    return GappaScript(
        name=f"fp_{name}",
        title=f"rounding error of piece_{name} (Horner with FMAs) relative to the same polynomial in exact arithmetic",
        inputs=("r",),
        definitions=(("y", _piece(name)), ("My", _piece(name, rounded=False))),
        hypotheses=(f"r in [-{_decimal(RADIUS)}, {_decimal(RADIUS)}]",),
        goal="(y - My) / My",
        hints=("$ r in 64;",),
    )


def _log1p_poly() -> GappaScript:
    return GappaScript(
        name="fp_log1p_R",
        title="rounding error of piece_log1p_R = z rho(z) (Horner with FMAs), absolute, for z = s^2 <= 0.0295",
        inputs=("z",),
        definitions=(("y", _piece("log1p_R")), ("My", _piece("log1p_R", rounded=False))),
        hypotheses=("z in [0, 0.0295]",),
        goal="y - My",
        hints=("$ z in 16;",),
    )


# the exp kernel's relative error assumed by the element-wise assembly scripts: 2^-59 of approximation
# (exp.polynomial_error), the polynomial's evaluation (fp.exp.poly.float64) and the reduction's rounding
EXP_ERROR = "1b-52"


def _sigmoid(branch: str) -> GappaScript:
    positive = branch == "nonnegative"
    expr = pieces()["sigmoid"].expr
    x = sp.Symbol("x")
    value = sp.piecewise_fold(expr).subs(x, 1 if positive else -1)  # the branch's expression of decay
    text = print_gappa(value)
    exact = "1 / (Md + 1)" if positive else "Md / (Md + 1)"
    return GappaScript(
        name=f"fp_sigmoid_{branch}",
        title=f"sigmoid for x {'>= 0' if positive else '< 0'}: the printed division of decay = e^-|x| (1 + eps), "
              f"|eps| <= {EXP_ERROR}, decay >= 2^-1020",
        inputs=("decay",),
        definitions=(("y", text), ("My", exact)),
        hypotheses=("Md in [1b-1020, 1]", f"(decay - Md) / Md in [-{EXP_ERROR}, {EXP_ERROR}]"),
        goal="(y - My) / My",
    )


def scripts() -> tuple[GappaScript, ...]:
    """Every script, in the order the report lists them."""
    return (_exp_poly(False), _exp_poly(True), _log1p_poly(), _sigmoid("nonnegative"), _sigmoid("negative"))


SCRIPTS = ("fp_exp_poly", "fp_exp_poly_single", "fp_log1p_R", "fp_sigmoid_nonnegative", "fp_sigmoid_negative")


def script(name: str) -> GappaScript:
    """The script called ``name`` (one of :data:`SCRIPTS`)."""
    for item in scripts():
        if item.name == name:
            return item
    raise KeyError(f"no Gappa script {name!r}; scripts: {', '.join(SCRIPTS)}")


def render(item: GappaScript, fmt: str = "float64") -> str:
    """The script's text (without the generated-file header)."""
    lines = [f"# {item.title}", f"@rnd = float<{FORMATS[fmt]}, ne>;", ""]
    lines += [f"{name} = {value};" for name, value in _constants()]
    lines += [f"{name} = rnd({name}_);" for name in item.inputs]
    lines += [f"{name} = {value};" for name, value in item.definitions]
    lines += ["", "{ " + " /\\ ".join(item.hypotheses), f"  -> {item.goal} in ? }}"]
    lines += list(item.hints)
    return "\n".join(lines) + "\n"
