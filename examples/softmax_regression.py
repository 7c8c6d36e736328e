"""Document 001's softmax regression, trained with softproof's generated kernels.

    y = softmax(W x + b)

on scikit-learn's bundled digits (8x8 images, 10 classes; no download), by plain full-batch
gradient descent on the mean cross-entropy plus (lam/2)||W||^2, with the loss and its gradient
from ``softproof.generated.softmax_c`` (``cross_entropy``, ``cross_entropy_grad``; falls back to the NumPy
module without a C compiler). The result is compared with scikit-learn's multinomial
LogisticRegression under the same regularisation (C = 1 / (lam * n_train)).

It also shows document 000's MLE claim (``mle.frequencies_stationary``): an intercept-only model
fitted by gradient descent predicts the class frequencies of the training set.

    python examples/softmax_regression.py
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

try:
    from softproof.generated import softmax_c as kernels
except Exception:  # noqa: BLE001 - no compiler: the NumPy kernels have the same API
    from softproof.generated import softmax_np as kernels


@dataclass
class Report:
    accuracy: float
    loss: float
    sklearn_accuracy: float
    sklearn_loss: float
    frequency_error: float


def train(x: np.ndarray, y: np.ndarray, classes: int, lam: float, steps: int, lr: float) -> tuple[np.ndarray, np.ndarray]:
    """Gradient descent on mean CE + (lam/2)||W||^2; the bias is not penalised (as in sklearn)."""
    W = np.zeros((x.shape[1], classes))
    b = np.zeros(classes)
    for _ in range(steps):
        g = kernels.cross_entropy_grad(x @ W + b, y) / len(y)  # d(mean CE)/d logits = (p - onehot)/n
        W -= lr * (x.T @ g + lam * W)
        b -= lr * g.sum(axis=0)
    return W, b


def mean_loss(x: np.ndarray, y: np.ndarray, W: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(kernels.cross_entropy(x @ W + b, y)))


def run(lam: float = 1e-3, steps: int = 1500, lr: float = 0.5, seed: int = 0) -> Report:
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    data = load_digits()
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.25, random_state=seed, stratify=data.target
    )
    scaler = StandardScaler().fit(x_train)
    x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
    classes = int(data.target.max()) + 1

    W, b = train(x_train, y_train, classes, lam, steps, lr)
    accuracy = float(np.mean(np.argmax(x_test @ W + b, axis=1) == y_test))

    reference = LogisticRegression(C=1.0 / (lam * len(y_train)), max_iter=5000).fit(x_train, y_train)
    sklearn_accuracy = float(reference.score(x_test, y_test))
    sklearn_loss = mean_loss(x_test, y_test, reference.coef_.T, reference.intercept_)

    # document 000: intercept-only MLE reproduces the class frequencies
    _, intercept = train(np.zeros((len(y_train), 1)), y_train, classes, 0.0, 3000, 1.0)
    frequencies = np.bincount(y_train, minlength=classes) / len(y_train)
    frequency_error = float(np.max(np.abs(kernels.softmax(intercept) - frequencies)))
    return Report(accuracy, mean_loss(x_test, y_test, W, b), sklearn_accuracy, sklearn_loss, frequency_error)


def main() -> int:
    report = run()
    print(f"softproof kernels ({kernels.__name__.split('.')[-1]}): test accuracy {report.accuracy:.4f}, test loss {report.loss:.4f}")
    print(f"scikit-learn LogisticRegression:   test accuracy {report.sklearn_accuracy:.4f}, test loss {report.sklearn_loss:.4f}")
    print(f"accuracy gap: {100 * abs(report.accuracy - report.sklearn_accuracy):.2f} points")
    print(f"intercept-only MLE: max |softmax(b) - class frequency| = {report.frequency_error:.2e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
