/* Exercises generated/c/softmax.h directly, as a C user would. Exit 0 on success. */
#include <math.h>
#include <stdio.h>

#include "softmax.h"

static int failures = 0;

static void expect(int ok, const char *what)
{
    if (!ok) {
        printf("FAIL: %s\n", what);
        ++failures;
    }
}

static int near(double a, double b, double rtol)
{
    return fabs(a - b) <= rtol * fabs(b);
}

/* rows long enough for the one-read path: a shuffled-looking one and an ascending one (a new max
 * in every chunk), against the textbook definition with a compensated (Kahan) sum in double */
static int long_rows_agree(void)
{
    enum { N = 40000 };
    static double row[N], p[N];
    double lse;
    int kind, j, ok = 1;
    for (kind = 0; kind < 2; ++kind) {
        double m = -INFINITY, sum = 0.0, carry = 0.0, total = 0.0;
        for (j = 0; j < N; ++j) {
            row[j] = kind == 0 ? 10.0 * sin((double)j) : 1e-3 * (double)j;
            m = row[j] > m ? row[j] : m;
        }
        for (j = 0; j < N; ++j) {
            const double term = exp(row[j] - m) - carry;
            const double next = sum + term;
            carry = (next - sum) - term;
            sum = next;
        }
        ok &= softproof_softmax_d(row, p, 1, N, 1.0) == SOFTPROOF_OK;
        ok &= softproof_logsumexp_d(row, &lse, 1, N, 1.0) == SOFTPROOF_OK;
        ok &= near(lse, m + log(sum), 1e-14);
        for (j = 0; j < N; ++j) {
            total += p[j];
            ok &= near(p[j], exp(row[j] - m) / sum, 1e-13);
        }
        ok &= near(total, 1.0, 1e-12);
    }
    return ok;
}

int main(void)
{
    const double x[6] = {1.0, 2.0, 3.0, 1000.0, 0.0, -1000.0};
    const double ties[3] = {INFINITY, INFINITY, 0.0};
    const float xf[3] = {1.0f, 2.0f, 3.0f};
    const long long target[2] = {2, 0};
    double p[6], lse[2], ce[2], t[3];
    float pf[3];
    double s = 0.0;
    int j;

    expect(softproof_softmax_d(x, p, 2, 3, 1.0) == SOFTPROOF_OK, "softmax status");
    for (j = 0; j < 3; ++j) {
        s += p[j];
    }
    expect(near(s, 1.0, 1e-15), "softmax row sums to 1");
    expect(near(p[2], 0.6652409557748219, 1e-15), "softmax value");
    expect(p[3] == 1.0 && p[4] == 0.0 && p[5] == 0.0, "softmax with a dominant logit does not overflow");
    expect(softproof_logsumexp_d(x, lse, 2, 3, 1.0) == SOFTPROOF_OK && near(lse[1], 1000.0, 1e-15), "logsumexp(1000, 0, -1000)");
    expect(softproof_softmax_d(ties, t, 1, 3, 1.0) == SOFTPROOF_OK && t[0] == 0.5 && t[1] == 0.5 && t[2] == 0.0, "+inf ties");
    expect(softproof_softmax_d(x, p, 1, 3, -1.0) == SOFTPROOF_EDOMAIN, "negative temperature rejected");
    expect(softproof_softmax_d(x, p, 1, 3, 0.0) == SOFTPROOF_OK && p[2] == 1.0 && p[0] == 0.0, "T = 0 is the argmax");
    expect(softproof_cross_entropy_d(x, target, ce, 2, 3) == SOFTPROOF_OK && near(ce[0], 0.40760596444438, 1e-12), "cross-entropy");
    expect(softproof_softmax_f(xf, pf, 1, 3, 1.0) == SOFTPROOF_OK && pf[2] == (float)0.6652409557748219, "float softmax");
    expect(long_rows_agree(), "long rows (read once where long double is wide, else two passes)");
    if (failures == 0) {
        printf("1 passed, 0 failed\n");
    }
    return failures == 0 ? 0 : 1;
}
