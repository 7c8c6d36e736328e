"""The implementations measured side by side: softproof's two targets and the comparators.

One table for ``accuracy`` and ``bench``: implementation name -> function name -> callable.
Calling conventions follow the function's form (``codegen/api.py``): ``f(x)`` (rows over the
last axis, or element-wise; the row functions, softmax, log_softmax and logsumexp, also ``f(x, axis=a)``),
``f(x, t)`` (one class index per row) and ``f(p, g)`` (the softmax backward pass). A comparator without a function leaves it out (scipy has no
``softmax_backward``); scipy and torch are used when installed. Results may be NumPy arrays or
torch tensors; ``numpy.asarray`` takes either.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

import numpy as np

from softproof.codegen.api import FUNCTIONS

__all__ = ["FAST_TIER", "SOFTPROOF", "TEXTBOOK", "implementations", "textbook_numpy"]

SOFTPROOF = ("softproof C", "softproof NumPy")
FAST_TIER = "softproof C, fast"  # the C target with precision="fast" (the functions with a fast kernel)
TEXTBOOK = "NumPy max-shift"
Table = dict[str, dict[str, Callable[..., Any]]]


def textbook_numpy() -> dict[str, Callable[..., Any]]:
    """The max-shifted textbook formulas in NumPy (what most code does)."""

    def softmax(x: np.ndarray, axis: int = -1) -> Any:
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)

    def log_softmax(x: np.ndarray, axis: int = -1) -> Any:
        d = x - x.max(axis=axis, keepdims=True)
        return d - np.log(np.exp(d).sum(axis=axis, keepdims=True))

    def logsumexp(x: np.ndarray, axis: int = -1) -> Any:
        m = x.max(axis=axis, keepdims=True)
        return np.squeeze(m + np.log(np.exp(x - m).sum(axis=axis, keepdims=True)), axis=axis)

    return {
        "softmax": softmax, "log_softmax": log_softmax, "logsumexp": logsumexp,
        "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
        "log_sigmoid": lambda x: -np.logaddexp(0, -x),
        "softplus": lambda x: np.logaddexp(0, x),
        "log1mexp": lambda x: np.log(1 - np.exp(x)),
        "logit": lambda p: np.log(p / (1 - p)),
        "cross_entropy": lambda x, t: -np.take_along_axis(log_softmax(x), t[:, None], axis=-1)[:, 0],
        "cross_entropy_grad": lambda x, t: softmax(x) - (np.arange(x.shape[-1]) == t[:, None]),
        "softmax_backward": lambda p, g: p * (g - (p * g).sum(axis=-1, keepdims=True)),
    }


def _scipy() -> dict[str, Callable[..., Any]]:
    special = importlib.import_module("scipy.special")
    out: dict[str, Callable[..., Any]] = {
        "softmax": lambda x, axis=-1: special.softmax(x, axis=axis), "log_softmax": lambda x, axis=-1: special.log_softmax(x, axis=axis),
        "logsumexp": lambda x, axis=-1: special.logsumexp(x, axis=axis), "sigmoid": special.expit, "log_sigmoid": special.log_expit,
        "logit": special.logit,
        "cross_entropy": lambda x, t: -np.take_along_axis(special.log_softmax(x, axis=-1), t[:, None], axis=-1)[:, 0],
        "cross_entropy_grad": lambda x, t: special.softmax(x, axis=-1) - (np.arange(x.shape[-1]) == t[:, None]),
    }
    if hasattr(special, "softplus"):  # scipy >= 1.15
        out["softplus"] = special.softplus
    return out


def _torch() -> dict[str, Callable[..., Any]]:
    torch = importlib.import_module("torch")
    functional = torch.nn.functional

    def tensor(x: np.ndarray) -> Any:
        return torch.from_numpy(np.ascontiguousarray(x))

    return {
        "softmax": lambda x, axis=-1: torch.softmax(tensor(x), axis), "log_softmax": lambda x, axis=-1: torch.log_softmax(tensor(x), axis),
        "logsumexp": lambda x, axis=-1: torch.logsumexp(tensor(x), axis), "sigmoid": lambda x: torch.sigmoid(tensor(x)),
        "log_sigmoid": lambda x: functional.logsigmoid(tensor(x)), "softplus": lambda x: functional.softplus(tensor(x)),
        "logit": lambda p: torch.special.logit(tensor(p)),
        "cross_entropy": lambda x, t: functional.cross_entropy(tensor(x), torch.from_numpy(t), reduction="none"),
        "cross_entropy_grad": lambda x, t: torch.softmax(tensor(x), -1) - functional.one_hot(torch.from_numpy(t), x.shape[-1]),
    }


def _jax() -> dict[str, Callable[..., Any]]:
    """jax.nn on the CPU, each function jit-compiled (float64 enabled, so float64 stays float64), the result
    waited for (``block_until_ready``); the copy of the NumPy input into a JAX array is part of the call."""
    jax = importlib.import_module("jax")
    jax.config.update("jax_enable_x64", True)
    jnp, nn = jax.numpy, jax.nn
    special = importlib.import_module("jax.scipy.special")

    def compiled(function: Callable[..., Any]) -> Callable[..., Any]:
        jitted = jax.jit(function)
        return lambda *arrays: jitted(*(jnp.asarray(a) for a in arrays)).block_until_ready()

    def along(function: Callable[..., Any]) -> Callable[..., Any]:  # axis a static argument: one compilation per axis
        jitted = jax.jit(function, static_argnames="axis")
        return lambda x, axis=-1: jitted(jnp.asarray(x), axis=axis).block_until_ready()

    return {
        "softmax": along(nn.softmax), "log_softmax": along(nn.log_softmax), "logsumexp": along(nn.logsumexp), "sigmoid": compiled(nn.sigmoid),
        "log_sigmoid": compiled(nn.log_sigmoid), "softplus": compiled(nn.softplus), "logit": compiled(special.logit),
        "cross_entropy": compiled(lambda x, t: -jnp.take_along_axis(nn.log_softmax(x, axis=-1), t[:, None], axis=-1)[:, 0]),
        "cross_entropy_grad": compiled(lambda x, t: nn.softmax(x, axis=-1) - nn.one_hot(t, x.shape[-1], dtype=x.dtype)),
    }


def implementations(textbook: bool = True) -> Table:
    """name -> function name -> callable: softproof C and NumPy (every function of the table), softproof C with
    precision="fast" (the functions with a fast kernel), scipy.special, torch and jax if installed, and the textbook NumPy formulas (``textbook``)."""
    from softproof.generated import softmax_c, softmax_np

    out: Table = {}
    for name, module in zip(SOFTPROOF, (softmax_c, softmax_np), strict=True):
        out[name] = {f.name: getattr(module, f.name) for f in FUNCTIONS}
    out[FAST_TIER] = {f.name: functools.partial(getattr(softmax_c, f.name), precision="fast") for f in FUNCTIONS if f.fast}
    for name, load in (("scipy.special", _scipy), ("torch", _torch), ("jax", _jax)):
        try:
            out[name] = load()
        except ImportError:
            pass
    if textbook:
        out[TEXTBOOK] = textbook_numpy()
    return out
