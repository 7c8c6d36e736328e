r"""The public functions: one row each, the table every target, list and test is driven by.

Each :class:`Function` gives the name, its :class:`Form` (element-wise or row-wise, and so the
C prototype, the ctypes signature and the Python binding that calls it), the Python parameters,
the claims whose expressions it prints, and its accuracy contract: the largest error in ULPs,
per dtype, that ``python cli.py accuracy`` must not exceed against the correctly rounded
reference (``None``: not measured in ULPs). The shape of SLEEF's ``funcproto.h``, where the ULP
bound sits beside each name.

Adding a function: its stable form proved in ``derive/`` (a ``Rewrite`` for an element-wise
function, whose stable side is then its whole kernel), a row here, its reference in
``measure/reference.py`` (a row-wise function also needs its kernel lines in
``codegen/kernels.py`` and its loops in the skeletons); see the README's "Adding a function".
"""

from __future__ import annotations

from dataclasses import dataclass

from softproof.derive import cross_entropy as ce
from softproof.derive import rewrites as rw
from softproof.derive.claims import Claim, Rewrite

__all__ = ["Form", "Function", "Parameter", "FORMS", "FUNCTIONS", "DTYPES", "by_name", "names", "measured"]

DTYPES = ("float64", "float32")


@dataclass(frozen=True)
class Form:
    """How a function walks its input: the C parameters after the element type, and the binding.

    ``c_params`` is a C parameter list with ``{real}`` for the element type; ``ctypes`` the
    matching argument types (``pointer``, ``size``, ``double``) for the binding; ``binding``
    the generic routine of ``generated/softmax_c.py`` that prepares the arrays.
    """

    name: str
    c_params: str
    ctypes: tuple[str, ...]
    binding: str
    row_wise: bool
    binding_args: str = ""

    def c_signature(self, real: str) -> str:
        return self.c_params.format(real=real)


ROWS = Form("rows", "const {real} *x, {real} *out, size_t rows, size_t n, double temperature",
            ("pointer", "pointer", "size", "size", "double"), "rows", row_wise=True)
REDUCE = Form("reduce", "const {real} *x, {real} *out, size_t rows, size_t n, double temperature",
              ("pointer", "pointer", "size", "size", "double"), "reduce", row_wise=True)
ELEMENTWISE = Form("elementwise", "const {real} *x, {real} *out, size_t count",
                   ("pointer", "pointer", "size"), "elementwise", row_wise=False)
TARGET_REDUCE = Form("target_reduce", "const {real} *x, const long long *target, {real} *out, size_t rows, size_t n",
                     ("pointer", "pointer", "pointer", "size", "size"), "with_target", row_wise=True, binding_args=", reduce=True")
TARGET_ROWS = Form("target_rows", "const {real} *x, const long long *target, {real} *out, size_t rows, size_t n",
                   ("pointer", "pointer", "pointer", "size", "size"), "with_target", row_wise=True, binding_args=", reduce=False")
PAIR = Form("pair", "const {real} *p, const {real} *g, {real} *out, size_t rows, size_t n",
            ("pointer", "pointer", "pointer", "size", "size"), "pair", row_wise=True)
FORMS = {form.name: form for form in (ROWS, REDUCE, ELEMENTWISE, TARGET_REDUCE, TARGET_ROWS, PAIR)}


@dataclass(frozen=True)
class Parameter:
    """A Python parameter of a public function: name, annotation (as written) and default (``None``: required)."""

    name: str
    annotation: str
    default: str | None = None

    def declaration(self) -> str:
        return f"{self.name}: {self.annotation}" + (f" = {self.default}" if self.default is not None else "")


ARRAY = "ArrayLike"
AXIS = Parameter("axis", "int | tuple[int, ...] | None", "-1")
CLASS_AXIS = Parameter("axis", "int", "-1")
TEMPERATURE = Parameter("temperature", "float", "1.0")
KEEPDIMS = Parameter("keepdims", "bool", "False")
OUT = Parameter("out", "NDArray[Any] | None", "None")


def inputs(*names: str) -> tuple[Parameter, ...]:
    return tuple(Parameter(name, ARRAY) for name in names)


@dataclass(frozen=True)
class Function:
    """One public function of every target.

    ``params``: the Python parameters, annotated, with defaults. ``c_call``: the internal C routine
    the entry point calls, with ``flags`` appended to the entry point's own arguments. ``proofs``:
    the claims its kernel prints (objects, never ids); an element-wise function instead names its
    ``rewrite`` (:class:`softproof.derive.claims.Rewrite`), whose stable side is its whole kernel.
    ``bounds``: max ULP per dtype (the accuracy contract), or ``None`` where it is not measured
    in ULPs (a difference or a product of probabilities: the error is absolute near 0).
    ``doc``: the docstring of a function whose whole body the table generates (the math, the
    stable form with its claim, the source); skeleton functions keep theirs in the template.
    """

    name: str
    form: Form
    title: str
    summary: str
    params: tuple[Parameter, ...]
    c_call: str
    proofs: tuple[Claim, ...]
    bounds: dict[str, float] | None = None
    flags: tuple[int, ...] = ()
    doc: str = ""
    rewrite: Rewrite | None = None

    def __post_init__(self) -> None:
        if (self.form.name == "elementwise") != (self.rewrite is not None):
            raise ValueError(f"{self.name}: an element-wise function prints one rewrite (and only it has one)")

    @property
    def claims(self) -> tuple[Claim, ...]:
        """Every claim the function's kernel cites (its rewrite's first)."""
        return ((self.rewrite.claim,) if self.rewrite is not None else ()) + self.proofs

    @property
    def c_args(self) -> str:
        """The entry point's argument names, in order (from its C parameter list), then the flags."""
        names = [part.strip().split()[-1].lstrip("*") for part in self.form.c_params.split(",")]
        return ", ".join([*names, *(str(flag) for flag in self.flags)])

    @property
    def typed_params(self) -> str:
        """The Python signature's parameters, annotated, with defaults."""
        return ", ".join(p.declaration() for p in self.params)

    @property
    def call_args(self) -> str:
        """The parameters passed on, by position, in signature order."""
        return ", ".join(p.name for p in self.params)

    @property
    def has_out(self) -> bool:
        return any(p.name == "out" for p in self.params)


FUNCTIONS: tuple[Function, ...] = (
    Function("softmax", ROWS, "Softmax along ``axis``", "p = softmax(x / T) per row",
             (*inputs("x"), AXIS, TEMPERATURE, OUT), "softmax_rows", (rw.SOFTMAX_TIES_SPLIT,),
             {"float64": 3, "float32": 1}, (0,)),
    Function("log_softmax", ROWS, "Log-softmax along ``axis``", "log softmax(x / T) per row",
             (*inputs("x"), AXIS, TEMPERATURE, OUT), "softmax_rows", (rw.LOG_SOFTMAX_TIES_LOG1P,),
             {"float64": 2, "float32": 1}, (1,)),
    Function("logsumexp", REDUCE, r"Smooth maximum :math:`T \log\sum_i e^{x_i/T}`",
             "T log sum exp(x / T) per row: out has `rows` entries", (*inputs("x"), AXIS, KEEPDIMS, TEMPERATURE),
             "logsumexp_rows", (rw.LSE_TIES_LOG1P, rw.SMOOTH_MAX_SHIFT), {"float64": 1, "float32": 1}),
    Function("sigmoid", ELEMENTWISE, "Logistic sigmoid", "elementwise 1 / (1 + e^-x) of `count` entries",
             (*inputs("x"), OUT), "sigmoid_all", (), {"float64": 3, "float32": 1},
             doc=r"""Logistic sigmoid :math:`\sigma(x) = 1/(1 + e^{-x})`, evaluated with :math:`t = e^{-|x|}`
as :math:`t/(1+t)` for :math:`x < 0` and :math:`1/(1+t)` otherwise, so that subnormal
results survive (``rewrite.sigmoid_abs_form``; document 003). ``out`` as for :func:`softmax`.""", rewrite=rw.SIGMOID),
    Function("log_sigmoid", ELEMENTWISE, "Log-sigmoid", "elementwise log(1 / (1 + e^-x)) of `count` entries",
             (*inputs("x"), OUT), "log_sigmoid_all", (), {"float64": 2, "float32": 1},
             doc=r""":math:`\log\sigma(x) = \min(x, 0) - \operatorname{log1p}(e^{-|x|})`
(``rewrite.log_sigmoid_abs_form``). ``out`` as for :func:`softmax`.""", rewrite=rw.LOG_SIGMOID),
    Function("softplus", ELEMENTWISE, "Softplus", "elementwise log(1 + e^x) of `count` entries",
             (*inputs("x"), OUT), "softplus_all", (), {"float64": 1, "float32": 1},
             doc=r"""Softplus :math:`\log(1 + e^x)`, the smooth ReLU, evaluated as
:math:`\max(x, 0) + \operatorname{log1p}(e^{-|x|})` (``rewrite.softplus_abs_form``): no overflow
for large :math:`x` (where it is :math:`x`), and :math:`e^x` itself, subnormals included, for very
negative :math:`x`; :math:`\mathrm{softplus}(x) = -\log\sigma(-x)`. ``+inf`` gives ``+inf``,
``-inf`` gives 0, NaN gives NaN. ``out`` as for :func:`softmax`.

>>> float(softplus(0.0)) == float(numpy.log(2.0))
True""", rewrite=rw.SOFTPLUS),
    Function("cross_entropy", TARGET_REDUCE, r"Per-example :math:`-\log p_t = \mathrm{LSE}(x) - x_t`",
             "-log softmax(x)[target] per row (out has `rows` entries)", (*inputs("logits", "target"), CLASS_AXIS),
             "cross_entropy_rows", (rw.CROSS_ENTROPY_LSE, rw.LSE_TIES_LOG1P), {"float64": 2, "float32": 1}),
    Function("cross_entropy_grad", TARGET_ROWS, r":math:`p - \mathrm{onehot}(t)`",
             "the gradient of cross_entropy in the logits, softmax(x) - onehot(target), per row",
             (*inputs("logits", "target"), CLASS_AXIS), "cross_entropy_grad_rows",
             (ce.GRADIENT_SOFTMAX_MINUS_ONEHOT, rw.CE_GRAD_TARGET)),
    Function("softmax_backward", PAIR, r":math:`p \odot (g - \langle g, p\rangle)`",
             "vector-Jacobian product p * (g - sum(g * p)) per row", (*inputs("probs", "grad"), AXIS),
             "softmax_backward_rows", (rw.SOFTMAX_BACKWARD,)),
)


def by_name(name: str) -> Function:
    """The row of ``name``; a ``KeyError`` that lists the known names otherwise."""
    for function in FUNCTIONS:
        if function.name == name:
            return function
    raise KeyError(f"no public function {name!r}; the table has {', '.join(names())}")


def names(*, form: str | None = None, row_wise: bool | None = None) -> tuple[str, ...]:
    """The public names in table order, optionally of one form or of the row-wise ones only."""
    return tuple(
        f.name for f in FUNCTIONS
        if (form is None or f.form.name == form) and (row_wise is None or f.form.row_wise is row_wise)
    )


def measured() -> tuple[Function, ...]:
    """The functions with an accuracy contract in ULPs (what ``cli.py accuracy`` measures)."""
    return tuple(f for f in FUNCTIONS if f.bounds is not None)
