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

from softproof.derive import conventions as cv
from softproof.derive import cross_entropy as ce
from softproof.derive import rewrites as rw
from softproof.derive.claims import Claim, Rewrite

__all__ = ["Form", "Function", "Parameter", "FORMS", "FUNCTIONS", "DTYPES", "DOMAINS", "by_name", "names", "measured"]

DTYPES = ("float64", "float32")
# where an element-wise function's inputs lie (``Function.domain``): the accuracy table and the tests
# draw them there (``measure/accuracy.py``, ``in_domain``); outside it the result is NaN
DOMAINS = ("real", "nonpositive", "probability")
CORRECT_ENTRIES = ("rows", "reduce", "elementwise", "losses")  # codegen/runtime/_correct.py


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
TARGET_BOTH = Form("target_both", "const {real} *x, const long long *target, {real} *loss, {real} *grad, size_t rows, size_t n",
                   ("pointer", "pointer", "pointer", "pointer", "size", "size"), "with_target_both", row_wise=True)
PAIR = Form("pair", "const {real} *p, const {real} *g, {real} *out, size_t rows, size_t n",
            ("pointer", "pointer", "pointer", "size", "size"), "pair", row_wise=True)
# composed in Python from the table's kernels (``codegen/runtime/_options.py``), the same code on every
# target: no C entry point of its own
COMPOSED_ROWS = Form("composed_rows", "", (), "", row_wise=True)
COMPOSED_ELEMENTS = Form("composed_elements", "", (), "", row_wise=False)
FORMS = {form.name: form for form in (ROWS, REDUCE, ELEMENTWISE, TARGET_REDUCE, TARGET_ROWS, TARGET_BOTH, PAIR, COMPOSED_ROWS, COMPOSED_ELEMENTS)}


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
WHERE = Parameter("where", "ArrayLike | None", "None")
# every function's last keyword: "accurate" (the default bounds) or "fast" (binary32 lanes for float32, the
# fast tier's proved bounds; the accurate result where a function has no fast kernel)
PRECISION = Parameter("precision", "str", '"accurate"')
# torch.nn.functional.cross_entropy's options (keyword-only; softproof's default reduction is "none")
LOSS_OPTIONS = (
    Parameter("weight", "ArrayLike | None", "None"), Parameter("ignore_index", "int", "-100"),
    Parameter("reduction", "str", '"none"'), Parameter("label_smoothing", "float", "0.0"), WHERE,
)


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
    ``options``: the peers' keyword-only parameters (``where=``, ``b=``, class weights...); ``plain``
    the Python condition under which they are all off and the kernel is called directly, else the
    function of the same name in ``_options.py`` composes the result from the kernels. A
    ``composed`` form has no kernel: ``_options.py`` is its whole body on every target.
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
    domain: str = "real"
    options: tuple[Parameter, ...] = ()
    plain: str = ""
    fast: bool = False  # a binary32 kernel for precision="fast" (C target, float32; elsewhere the accurate result)
    # an element-wise function below 0 for every finite x (log_sigmoid): a result that rounds to zero is -0, the sign
    # round to nearest gives the truth (the C kernel's sp_log1p_diff; the NumPy one's sum would give +0)
    negative: bool = False
    # an element-wise function the C target evaluates by a derived double-double kernel: the rewrite (of the same
    # textbook form as ``rewrite``) whose stable side that kernel evaluates (codegen/backends/c/pieces.py, DERIVED_KERNELS)
    c_rewrite: Rewrite | None = None
    # the same for the C target's float32 results only (a kernel in binary64 whose margin is the float32 rounding)
    c_single_rewrite: Rewrite | None = None
    # precision="correct" (codegen/runtime/_correct.py): the entry point (one of CORRECT_ENTRIES) that rounds this
    # function's float32, float16 and bfloat16 results correctly from its float64 bound; "" refuses it
    correct: str = ""

    def __post_init__(self) -> None:
        if (self.form.name == "elementwise") != (self.rewrite is not None):
            raise ValueError(f"{self.name}: an element-wise function prints one rewrite (and only it has one)")
        for c_form in (self.c_rewrite, self.c_single_rewrite):
            if c_form is not None and (self.rewrite is None or c_form.textbook != self.rewrite.textbook):
                raise ValueError(f"{self.name}: the C target's rewrite {c_form.id} must replace the same textbook form as "
                                 f"{self.rewrite.id if self.rewrite else 'the function rewrite'}")
        if bool(self.options) != bool(self.plain) and self.has_kernel:
            raise ValueError(f"{self.name}: options need the condition under which they are off (plain), and only they")
        if self.domain not in DOMAINS:
            raise ValueError(f"{self.name}: domain {self.domain!r} is not one of {', '.join(DOMAINS)}")
        if self.correct and (self.correct not in CORRECT_ENTRIES or not self.bounds or "float64" not in self.bounds):
            raise ValueError(f"{self.name}: correct={self.correct!r} needs one of {', '.join(CORRECT_ENTRIES)} and a float64 bound")

    @property
    def claims(self) -> tuple[Claim, ...]:
        """Every claim the function's kernels cite (its rewrites' first)."""
        rewrites = tuple(r.claim for r in (self.rewrite, self.c_rewrite, self.c_single_rewrite) if r is not None)
        return rewrites + self.proofs

    @property
    def c_args(self) -> str:
        """The entry point's argument names, in order (from its C parameter list), then the flags."""
        names = [part.strip().split()[-1].lstrip("*") for part in self.form.c_params.split(",")]
        return ", ".join([*names, *(str(flag) for flag in self.flags)])

    @property
    def typed_params(self) -> str:
        """The Python signature's parameters, annotated, with defaults (the options and ``precision`` keyword-only)."""
        return ", ".join([*(p.declaration() for p in self.params), "*", *(p.declaration() for p in (*self.options, PRECISION))])

    @property
    def call_args(self) -> str:
        """The parameters passed on, by position, in signature order (the kernel's, without the options)."""
        return ", ".join(p.name for p in self.params)

    @property
    def all_args(self) -> str:
        """Every parameter passed on: the kernel's by position, the options by keyword."""
        return ", ".join([*(p.name for p in self.params), *(f"{p.name}={p.name}" for p in self.options)])

    @property
    def dispatch(self) -> str:
        """The Python lines every target's function opens with: ``precision`` checked (and "correct" sent to
        ``_correct.py`` where the function has an entry there, ``correct``), then, where it has options, unless all
        are off (``plain``), the function of the same name in ``_options.py`` composes the result (from the accurate
        kernels)."""
        check = f'_options.check_precision(precision, "{self.name}", {bool(self.correct)})'
        if self.correct:
            assert self.bounds is not None  # __post_init__
            ulps = int(self.bounds["float64"])
            check += f'\nif precision == "correct":\n    return _correct.{self.correct}(_THIS, "{self.name}", {ulps}, {self.all_args})'
        if self.options and self.has_kernel:
            return f"{check}\nif not ({self.plain}):\n    return _options.{self.name}(_THIS, {self.all_args})"
        return check

    @property
    def entry(self) -> str:
        """The Python expression naming the C entry point to call: ``<name>_fast`` for ``precision="fast"``
        where the function has a fast kernel (``fast``), else ``<name>``."""
        return f'"{self.name}_fast" if precision == "fast" else "{self.name}"' if self.fast else f'"{self.name}"'

    @property
    def has_kernel(self) -> bool:
        """True when the function has C entry points (its form is not composed)."""
        return bool(self.form.c_params)

    @property
    def has_out(self) -> bool:
        return any(p.name == "out" for p in self.params)


CE_CONVENTIONS = (cv.MASK_ENTRY_LIMIT, cv.MASK_FULLY_MASKED, cv.CE_SMOOTHING_MIX, cv.CE_MEAN_REDUCTION)
PLAIN_LOSS = 'weight is None and reduction == "none" and label_smoothing == 0.0 and where is None and _options.plain_targets(target, ignore_index)'

FUNCTIONS: tuple[Function, ...] = (
    Function("softmax", ROWS, "Softmax along ``axis``", "p = softmax(x / T) per row",
             (*inputs("x"), AXIS, TEMPERATURE, OUT), "softmax_rows", (rw.SOFTMAX_TIES_SPLIT, cv.MASK_ENTRY_LIMIT),
             {"float64": 3, "float32": 1}, (0,), options=(WHERE,), plain="where is None", fast=True, correct="rows"),
    Function("log_softmax", ROWS, "Log-softmax along ``axis``", "log softmax(x / T) per row",
             (*inputs("x"), AXIS, TEMPERATURE, OUT), "softmax_rows", (rw.LOG_SOFTMAX_TIES_LOG1P, cv.MASK_ENTRY_LIMIT),
             {"float64": 2, "float32": 1}, (1,), options=(WHERE,), plain="where is None", fast=True, correct="rows"),
    Function("logsumexp", REDUCE, r"Smooth maximum :math:`T \log\sum_i e^{x_i/T}`",
             "T log sum exp(x / T) per row: out has `rows` entries", (*inputs("x"), AXIS, KEEPDIMS, TEMPERATURE),
             "logsumexp_rows", (rw.LSE_TIES_LOG1P, rw.SMOOTH_MAX_SHIFT, cv.LSE_WEIGHTED, cv.LSE_SIGN_SPLIT, cv.MASK_FULLY_MASKED),
             {"float64": 1, "float32": 1},
             options=(Parameter("b", "ArrayLike | None", "None"), Parameter("return_sign", "bool", "False"), WHERE),
             plain="b is None and not return_sign and where is None", fast=True, correct="reduce"),
    Function("sigmoid", ELEMENTWISE, "Logistic sigmoid", "elementwise 1 / (1 + e^-x) of `count` entries",
             (*inputs("x"), OUT), "sigmoid_all", (), {"float64": 3, "float32": 1},
             doc=r"""Logistic sigmoid :math:`\sigma(x) = 1/(1 + e^{-x})`, evaluated with :math:`t = e^{-|x|}`
as :math:`t/(1+t)` for :math:`x < 0` and :math:`1/(1+t)` otherwise, so that subnormal
results survive (``rewrite.sigmoid_abs_form``; document 003). ``out`` as for :func:`softmax`.""", rewrite=rw.SIGMOID, fast=True, correct="elementwise"),
    Function("log_sigmoid", ELEMENTWISE, "Log-sigmoid", "elementwise log(1 / (1 + e^-x)) of `count` entries",
             (*inputs("x"), OUT), "log_sigmoid_all", (), {"float64": 2, "float32": 1},
             doc=r""":math:`\log\sigma(x) = \min(x, 0) - \operatorname{log1p}(e^{-|x|})`
(``rewrite.log_sigmoid_abs_form``); a result that rounds to zero (large x, or +inf) is -0, the truth's sign.
``out`` as for :func:`softmax`.""", rewrite=rw.LOG_SIGMOID, negative=True, fast=True, correct="elementwise"),
    Function("softplus", ELEMENTWISE, "Softplus", "elementwise log(1 + e^x) of `count` entries",
             (*inputs("x"), OUT), "softplus_all", (), {"float64": 2, "float32": 1},
             doc=r"""Softplus :math:`\log(1 + e^x)`, the smooth ReLU, evaluated as
:math:`\max(x, 0) + \operatorname{log1p}(e^{-|x|})` (``rewrite.softplus_abs_form``): no overflow
for large :math:`x` (where it is :math:`x`), and :math:`e^x` itself, subnormals included, for very
negative :math:`x`; :math:`\mathrm{softplus}(x) = -\log\sigma(-x)`. ``+inf`` gives ``+inf``,
``-inf`` gives 0, NaN gives NaN. ``out`` as for :func:`softmax`.

>>> float(softplus(0.0)) == float(numpy.log(2.0))
True""", rewrite=rw.SOFTPLUS, fast=True, correct="elementwise"),
    Function("log1mexp", ELEMENTWISE, "log(1 - e^x)", "elementwise log(1 - e^x) of `count` entries (x <= 0)",
             (*inputs("x"), OUT), "log1mexp_all", (), {"float64": 2, "float32": 1},
             doc=r""":math:`\log(1 - e^x)` for :math:`x \le 0`, evaluated as :math:`\log(-\operatorname{expm1}(x))` for
:math:`x \ge -\log 2` and :math:`\operatorname{log1p}(-e^x)` below (``rewrite.log1mexp_switch``; Maechler 2012,
the switch proved where the two arguments cross, ``rewrite.log1mexp_switch_point``; the C target:
:math:`-\operatorname{log1p}(e^x/(1 - e^x))`, ``rewrite.log1mexp_ratio``, vectorised, the ratio in double-double from
:math:`\operatorname{expm1}` near 0 for double results, in binary64 for float32 results). ``0`` gives ``-inf``,
``-inf`` gives 0, ``x > 0`` and NaN give NaN (``jax.nn.log1mexp`` and ``tfp.math.log1mexp`` take
:math:`-|x|` instead: write ``log1mexp(-abs(x))`` for that). ``out`` as for :func:`softmax`.

>>> float(log1mexp(-numpy.log(2.0))) == float(-numpy.log(2.0))
True""", rewrite=rw.LOG1MEXP, domain="nonpositive", c_rewrite=rw.LOG1MEXP_C,
             c_single_rewrite=rw.LOG1MEXP_SINGLE_C, correct="elementwise"),
    Function("logit", ELEMENTWISE, "Logit", "elementwise log(p / (1 - p)) of `count` entries (0 <= p <= 1)",
             (*inputs("x"), OUT), "logit_all", (), {"float64": 2, "float32": 1},
             doc=r"""Logit :math:`\log(p/(1 - p))`, the inverse of :func:`sigmoid`, evaluated as
:math:`\operatorname{log1p}(2p - 1) - \operatorname{log1p}(1 - 2p)` (:math:`2p - 1` exact) for :math:`p \ge 1/4` and :math:`\log p - \operatorname{log1p}(-p)`
below (``rewrite.logit_halves``; the C target: :math:`\pm\operatorname{log1p}` of the ratio :math:`(2p - 1)/(1 - p)`
or :math:`(1 - 2p)/p` in double-double, ``rewrite.logit_ratio``, rounded once): no cancellation at :math:`p = 1/2`, where
``log(p/(1-p))`` loses the digits of a small result. ``0`` gives ``-inf``, ``1`` gives ``+inf``, outside :math:`[0, 1]` and NaN give NaN
(as ``scipy.special.logit``); torch's ``eps`` clamp is ``logit(numpy.clip(p, eps, 1 - eps))``. ``out`` as
for :func:`softmax`.

>>> float(logit(0.5))
0.0""", rewrite=rw.LOGIT, domain="probability", c_rewrite=rw.LOGIT_C, correct="elementwise"),
    Function("cross_entropy", TARGET_REDUCE, r"Per-example :math:`-\log p_t = \mathrm{LSE}(x) - x_t`",
             "-log softmax(x)[target] per row (out has `rows` entries)", (*inputs("logits", "target"), CLASS_AXIS),
             "cross_entropy_rows", (rw.CROSS_ENTROPY_LSE, rw.LSE_TIES_LOG1P, *CE_CONVENTIONS), {"float64": 2, "float32": 1},
             options=LOSS_OPTIONS, plain=PLAIN_LOSS, fast=True, correct="losses"),
    Function("cross_entropy_grad", TARGET_ROWS, r":math:`p - \mathrm{onehot}(t)`",
             "the gradient of cross_entropy in the logits, softmax(x) - onehot(target), per row",
             (*inputs("logits", "target"), CLASS_AXIS), "cross_entropy_grad_rows",
             (ce.GRADIENT_SOFTMAX_MINUS_ONEHOT, rw.CE_GRAD_TARGET, cv.CE_SMOOTHING_GRAD, cv.CE_WEIGHTED_SMOOTHING_GRAD,
              cv.CE_SOFT_TARGET_GRAD), options=LOSS_OPTIONS, plain=PLAIN_LOSS, fast=True),
    Function("cross_entropy_with_grad", TARGET_BOTH, "Cross-entropy and its gradient from one read of each row",
             "the loss (`rows` entries) and p - onehot(target) (rows x n) of each row, from one read of the row",
             (*inputs("logits", "target"), CLASS_AXIS), "cross_entropy_with_grad_rows",
             (rw.CROSS_ENTROPY_LSE, ce.GRADIENT_SOFTMAX_MINUS_ONEHOT, rw.CE_GRAD_TARGET, *CE_CONVENTIONS),
             options=LOSS_OPTIONS, plain=PLAIN_LOSS, fast=True),
    Function("softmax_backward", PAIR, r":math:`p \odot (g - \langle g, p\rangle)`",
             "vector-Jacobian product p * (g - sum(g * p)) per row", (*inputs("probs", "grad"), AXIS),
             "softmax_backward_rows", (rw.SOFTMAX_BACKWARD,)),
    Function("log_softmax_backward", PAIR, r":math:`g - \mathrm{softmax} \sum g`",
             "vector-Jacobian product of log_softmax from its output: g - exp(log_probs) * sum(g) per row",
             (*inputs("log_probs", "grad"), AXIS), "log_softmax_backward_rows", (cv.LOG_SOFTMAX_BACKWARD,)),
)


COMPOSED: tuple[Function, ...] = (
    Function("softmin", COMPOSED_ROWS, "Softmin along ``axis``", "softmax(-x / T) per row (torch.nn.functional.softmin)",
             (*inputs("x"), AXIS, TEMPERATURE, OUT), "", (rw.SOFTMAX_TIES_SPLIT,), None,
             options=(WHERE,)),  # softmax(-x) bit for bit (tests/test_options.py): softmax's bounds, not measured twice
    Function("logmeanexp", COMPOSED_ROWS, r":math:`\log(\frac{1}{n}\sum_i e^{x_i})`", "log mean exp(x) per row (jax.nn.logmeanexp)",
             (*inputs("x"), AXIS, KEEPDIMS), "", (cv.LOGMEANEXP_EXPM1, cv.LOGMEANEXP_RATIO), {"float64": 1, "float32": 1}, options=(WHERE,)),
    Function("nll_loss", COMPOSED_ROWS, "Negative log-likelihood of log-probabilities",
             "-w[t] log_probs[t] per row, torch.nn.functional.nll_loss", (*inputs("log_probs", "target"), CLASS_AXIS), "",
             (cv.CE_MEAN_REDUCTION,), options=LOSS_OPTIONS[:3]),
    Function("binary_cross_entropy_with_logits", COMPOSED_ELEMENTS, "Binary cross-entropy from logits",
             "(1 - y) softplus(x) + w_p y softplus(-x), torch.nn.functional.binary_cross_entropy_with_logits",
             (*inputs("logits", "target"),), "", (cv.BCE_STABLE, rw.SOFTPLUS_ABS_FORM),
             options=(Parameter("weight", "ArrayLike | None", "None"), Parameter("pos_weight", "ArrayLike | None", "None"),
                      Parameter("reduction", "str", '"none"'))),
    Function("logsumexp_backward", COMPOSED_ROWS, r":math:`g\,\mathrm{softmax}(x/T)`",
             "vector-Jacobian product of logsumexp: grad * softmax(x / T), grad broadcast over the reduced axes",
             (*inputs("x", "grad"), AXIS, TEMPERATURE), "", (cv.LOGSUMEXP_BACKWARD,)),
)
FUNCTIONS = FUNCTIONS + COMPOSED

# the mergeable log-sum-exp states (issue 19): the same four functions and record dtype on both targets,
# composed by the runtime module _state.py (C entry points softproof_lse_state_d/_f, _merge, _finish)
STATE_API: tuple[str, ...] = ("STATE_DTYPE", "lse_state", "merge", "finish", "normalise")


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
