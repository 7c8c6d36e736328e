/* A bounded random driver over every entry point of softmax.h, for the sanitizers
 * (-fsanitize=address,undefined): sizes across the tile, block, chunk and one-read boundaries,
 * temperatures 0, tiny, 1, huge and inf, and inputs with NaN, infinities, subnormals and huge
 * values, and rows of log-probabilities, in double and float, out of place and in place. It checks only the contract's cheap
 * invariants (status codes, no NaN where none belongs is left to the Python tests); the
 * sanitizers report any out-of-bounds access, use of uninitialised memory or undefined behaviour.
 * It also prints a digest of every output bit (tests/test_rounding_order.py builds it with several
 * dialects, compilers and optimisation levels and compares the digests).
 * Usage: fuzz_driver ITERATIONS SEED. Exit 0 when every call returned the documented status. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "softmax.h"

static unsigned long long state;

static unsigned long long next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static double uniform(void) { return (double)(next() >> 11) / 9007199254740992.0; }

static double value(void)
{
    switch (next() % 12) {
    case 0: return NAN;
    case 1: return INFINITY;
    case 2: return -INFINITY;
    case 3: return 4.9e-324 * (double)(next() % 1000);    /* subnormal */
    case 4: return (uniform() - 0.5) * 1e300;
    case 5: return (uniform() - 0.5) * 1600.0;          /* around the exp limits */
    case 6: return 0.0;
    default: return (uniform() - 0.5) * 20.0;
    }
}

static const size_t LENGTHS[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 100, 104, 105, 128, 160, 161, 511, 512, 513, 2047, 2049, 4097, 32769};
static const double TEMPERATURES[] = {1.0, 0.0, 1e-300, 0.5, 3.0, 1e300, INFINITY};

static int bad_status = 0;
static unsigned long long digest = 14695981039346656037ull; /* FNV-1a over the output bytes */

static void absorb_bytes(const unsigned char *b, size_t bytes)
{
    size_t i;
    for (i = 0; i < bytes; ++i) {
        digest = (digest ^ b[i]) * 1099511628211ull;
    }
}

/* every NaN counts as one value: its sign and payload are not part of the contract */
static void absorb_d(const double *v, size_t count)
{
    size_t i;
    for (i = 0; i < count; ++i) {
        const double canonical = v[i] != v[i] ? NAN : v[i];
        absorb_bytes((const unsigned char *)&canonical, sizeof canonical);
    }
}

static void absorb_f(const float *v, size_t count)
{
    size_t i;
    for (i = 0; i < count; ++i) {
        const float canonical = v[i] != v[i] ? NAN : v[i];
        absorb_bytes((const unsigned char *)&canonical, sizeof canonical);
    }
}

static void status_is(int got, int expected, const char *what, size_t rows, size_t n)
{
    if (got != expected) {
        printf("FAIL: %s rows=%zu n=%zu returned %d, expected %d\n", what, rows, n, got, expected);
        ++bad_status;
    }
}

/* a logsumexp entry point's status with SOFTPROOF_UNCERTIFIED (every result written, a row its stages leave undecided:
 * softmax.h) read as success */
static int lse_written(int status)
{
    return status == SOFTPROOF_UNCERTIFIED ? SOFTPROOF_OK : status;
}

/* a call that must succeed, its output absorbed into the digest */
static void checked_d(int got, const char *what, size_t rows, size_t n, const double *out, size_t count)
{
    status_is(got, 0, what, rows, n);
    absorb_d(out, count);
}

static void checked_f(int got, const char *what, size_t rows, size_t n, const float *out, size_t count)
{
    status_is(got, 0, what, rows, n);
    absorb_f(out, count);
}

/* a 16-bit output: its NaNs as one pattern (`nan_above`: the largest non-NaN magnitude, `quiet`: the pattern) */
static void checked_u16(int got, const char *what, size_t rows, size_t n, const uint16_t *out, size_t count, unsigned nan_above, uint16_t quiet)
{
    size_t i;
    status_is(got, 0, what, rows, n);
    for (i = 0; i < count; ++i) {
        const uint16_t canonical = (unsigned)(out[i] & 0x7FFFu) > nan_above ? quiet : out[i];
        absorb_bytes((const unsigned char *)&canonical, sizeof canonical);
    }
}

/* every binary16 (h) or bfloat16 (b) entry point on x and g rounded to the format */
#define HALF_CALLS(F, NAN_ABOVE, QUIET)                                                                              \
    do {                                                                                                             \
        status_is(softproof_from_double_##F(x, xh, count), 0, "from_double_" #F, rows, n);                          \
        status_is(softproof_from_double_##F(g, gh, count), 0, "from_double_" #F, rows, n);                          \
        checked_u16(0, "from_double_" #F, rows, n, xh, count, NAN_ABOVE, QUIET);                                    \
        checked_d(softproof_to_double_##F(xh, y, count), "to_double_" #F, rows, n, y, count);                       \
        checked_u16(softproof_softmax_##F(xh, yh, rows, n, T), "softmax_" #F, rows, n, yh, count, NAN_ABOVE, QUIET);  \
        checked_u16(softproof_log_softmax_##F(xh, yh, rows, n, T), "log_softmax_" #F, rows, n, yh, count, NAN_ABOVE, QUIET); \
        checked_u16(lse_written(softproof_logsumexp_##F(xh, rh, rows, n, T)), "logsumexp_" #F, rows, n, rh, rows, NAN_ABOVE, QUIET); \
        checked_u16(softproof_sigmoid_##F(xh, yh, count), "sigmoid_" #F, rows, n, yh, count, NAN_ABOVE, QUIET);      \
        checked_u16(softproof_logit_##F(yh, yh, count), "logit_" #F, rows, n, yh, count, NAN_ABOVE, QUIET);         \
        checked_u16(softproof_log_sigmoid_##F(xh, yh, count), "log_sigmoid_" #F, rows, n, yh, count, NAN_ABOVE, QUIET); \
        checked_u16(softproof_log1mexp_##F(yh, yh, count), "log1mexp_" #F, rows, n, yh, count, NAN_ABOVE, QUIET);   \
        checked_u16(softproof_softplus_##F(xh, yh, count), "softplus_" #F, rows, n, yh, count, NAN_ABOVE, QUIET);    \
        checked_u16(softproof_softmax_backward_##F(xh, gh, yh, rows, n), "softmax_backward_" #F, rows, n, yh, count, NAN_ABOVE, QUIET); \
        checked_u16(softproof_log_softmax_backward_##F(xh, gh, yh, rows, n), "log_softmax_backward_" #F, rows, n, yh, count, NAN_ABOVE, QUIET); \
        if (n) {                                                                                                     \
            checked_u16(softproof_cross_entropy_##F(xh, target, rh, rows, n), "cross_entropy_" #F, rows, n, rh, rows, NAN_ABOVE, QUIET); \
            checked_u16(softproof_cross_entropy_grad_##F(xh, target, yh, rows, n), "cross_entropy_grad_" #F, rows, n, yh, count, NAN_ABOVE, QUIET); \
            checked_u16(softproof_cross_entropy_with_grad_##F(xh, target, rh, yh, rows, n), "cross_entropy_with_grad_" #F, rows, n, yh, count, NAN_ABOVE, QUIET); \
            checked_u16(0, "cross_entropy_with_grad_" #F " loss", rows, n, rh, rows, NAN_ABOVE, QUIET);            \
        }                                                                                                            \
    } while (0)

int main(int argc, char **argv)
{
    const long iterations = argc > 1 ? atol(argv[1]) : 200;
    long it;
    state = argc > 2 ? strtoull(argv[2], NULL, 10) | 1u : 88172645463325252ull;
    for (it = 0; it < iterations; ++it) {
        const size_t n = LENGTHS[next() % (sizeof LENGTHS / sizeof LENGTHS[0])];
        const size_t rows = n > 4096 ? 1 : 1 + next() % 12;
        const size_t count = rows * n;
        const double T = TEMPERATURES[next() % (sizeof TEMPERATURES / sizeof TEMPERATURES[0])];
        const size_t size = count ? count : 1;
        double *x = malloc(size * sizeof *x), *y = malloc(size * sizeof *y), *g = malloc(size * sizeof *g);
        float *xf = malloc(size * sizeof *xf), *yf = malloc(size * sizeof *yf), *gf = malloc(size * sizeof *gf);
        double *r = malloc((rows ? rows : 1) * sizeof *r);
        float *rf = malloc((rows ? rows : 1) * sizeof *rf);
        long long *target = malloc((rows ? rows : 1) * sizeof *target);
        uint16_t *xh = malloc(size * sizeof *xh), *yh = malloc(size * sizeof *yh), *gh = malloc(size * sizeof *gh);
        uint16_t *rh = malloc((rows ? rows : 1) * sizeof *rh);
        size_t i;
        if (!x || !y || !g || !xf || !yf || !gf || !r || !rf || !target || !xh || !yh || !gh || !rh) {
            return 2;
        }
        for (i = 0; i < count; ++i) {
            x[i] = value();
            g[i] = value();
        }
        if (n > 0 && next() % 6 == 0) { /* rows of log-probabilities: logsumexp within 1e-16 of 0 (its exact path) */
            size_t r, j;
            for (r = 0; r < rows; ++r) {
                double total = 0.0;
                for (j = 0; j < n; ++j) {
                    x[r * n + j] = 1e-3 + uniform();
                    total += x[r * n + j];
                }
                for (j = 0; j < n; ++j) {
                    x[r * n + j] = log(x[r * n + j] / total);
                }
            }
        }
        for (i = 0; i < count; ++i) {
            xf[i] = (float)x[i];
            gf[i] = (float)g[i];
        }
        for (i = 0; i < rows; ++i) {
            target[i] = n ? (long long)(next() % n) : 0;
        }
        checked_d(softproof_softmax_d(x, y, rows, n, T), "softmax_d", rows, n, y, count);
        checked_f(softproof_softmax_f(xf, yf, rows, n, T), "softmax_f", rows, n, yf, count);
        checked_d(softproof_log_softmax_d(x, y, rows, n, T), "log_softmax_d", rows, n, y, count);
        checked_f(softproof_log_softmax_f(xf, yf, rows, n, T), "log_softmax_f", rows, n, yf, count);
        checked_d(lse_written(softproof_logsumexp_d(x, r, rows, n, T)), "logsumexp_d", rows, n, r, rows);
        checked_f(lse_written(softproof_logsumexp_f(xf, rf, rows, n, T)), "logsumexp_f", rows, n, rf, rows);
        status_is(softproof_softmax_d(x, y, rows, n, -1.0), SOFTPROOF_EDOMAIN, "softmax_d T < 0", rows, n);
        checked_d(softproof_sigmoid_d(x, y, count), "sigmoid_d", rows, n, y, count);
        checked_d(softproof_logit_d(y, y, count), "logit_d of sigmoid_d, in place", rows, n, y, count);
        checked_f(softproof_sigmoid_f(xf, yf, count), "sigmoid_f", rows, n, yf, count);
        checked_f(softproof_logit_f(yf, yf, count), "logit_f of sigmoid_f, in place", rows, n, yf, count);
        checked_d(softproof_log_sigmoid_d(x, y, count), "log_sigmoid_d", rows, n, y, count);
        checked_d(softproof_log1mexp_d(y, y, count), "log1mexp_d of log_sigmoid_d, in place", rows, n, y, count);
        checked_f(softproof_log_sigmoid_f(xf, yf, count), "log_sigmoid_f", rows, n, yf, count);
        checked_f(softproof_log1mexp_f(yf, yf, count), "log1mexp_f of log_sigmoid_f, in place", rows, n, yf, count);
        checked_d(softproof_softplus_d(x, y, count), "softplus_d", rows, n, y, count);
        checked_f(softproof_softplus_f(xf, yf, count), "softplus_f", rows, n, yf, count);
        /* the fast tier (precision="fast"): at the drawn T (mostly the accurate kernel) and at T = 1 (its own) */
        checked_f(softproof_softmax_fast_f(xf, yf, rows, n, T), "softmax_fast_f", rows, n, yf, count);
        checked_f(softproof_softmax_fast_f(xf, yf, rows, n, 1.0), "softmax_fast_f T = 1", rows, n, yf, count);
        checked_f(softproof_log_softmax_fast_f(xf, yf, rows, n, T), "log_softmax_fast_f", rows, n, yf, count);
        checked_f(softproof_log_softmax_fast_f(xf, yf, rows, n, 1.0), "log_softmax_fast_f T = 1", rows, n, yf, count);
        checked_f(lse_written(softproof_logsumexp_fast_f(xf, rf, rows, n, T)), "logsumexp_fast_f", rows, n, rf, rows);
        checked_f(lse_written(softproof_logsumexp_fast_f(xf, rf, rows, n, 1.0)), "logsumexp_fast_f T = 1", rows, n, rf, rows);
        checked_f(softproof_sigmoid_fast_f(xf, yf, count), "sigmoid_fast_f", rows, n, yf, count);
        checked_f(softproof_log_sigmoid_fast_f(xf, yf, count), "log_sigmoid_fast_f", rows, n, yf, count);
        checked_f(softproof_softplus_fast_f(xf, yf, count), "softplus_fast_f", rows, n, yf, count);
        /* along another axis: the `rows` entries of each of the n columns as one row (x as 1 x rows x n), the results in
         * either layout (tiles run down the columns where they are: softproof_columns_direct_d/_f) */
        {
            const int layout = (int)(it % 2); /* SOFTPROOF_AS_ROWS, SOFTPROOF_AS_INPUT */
            checked_d(softproof_columns_d(softproof_softmax_d, 0, x, y, 1, rows, n, T, layout), "columns_d softmax", rows, n, y, count);
            checked_d(lse_written(softproof_columns_d(softproof_logsumexp_d, 1, x, y, 1, rows, n, T, layout)), "columns_d logsumexp", rows, n, y, n);
            checked_f(softproof_columns_f(softproof_log_softmax_fast_f, 0, xf, yf, 1, rows, n, T, layout), "columns_f log_softmax_fast", rows,
                      n, yf, count);
            checked_f(softproof_columns_f(softproof_softmax_fast_f, 0, xf, yf, 1, rows, n, 1.0, layout), "columns_f softmax_fast", rows, n,
                      yf, count);
            checked_f(lse_written(softproof_columns_f(softproof_logsumexp_fast_f, 1, xf, yf, 1, rows, n, T, layout)), "columns_f logsumexp_fast", rows, n,
                      yf, n);
            checked_f(lse_written(softproof_columns_f(softproof_logsumexp_f, 1, xf, yf, 1, rows, n, 1.0, layout)), "columns_f logsumexp", rows, n, yf, n);
            status_is(softproof_columns_d(softproof_softmax_d, 0, x, y, 1, rows, n, T, 2), SOFTPROOF_EDOMAIN,
                      "columns_d layout 2", rows, n);
            /* rows <= 12: an axis every tile takes; the columns: 8 to a tile of the accurate kernels, 16 of the fast */
            if (softproof_columns_direct_d(softproof_softmax_d, NULL, NULL, rows, n, 1.0) != (n >= 8) ||
                softproof_columns_direct_f(softproof_softmax_fast_f, NULL, NULL, rows, n, 1.0) != (n >= 16)) {
                fprintf(stderr, "columns_direct: wrong answer for %zu x %zu\n", rows, n);
                return 1;
            }
        }
        if (n > 0) { /* the class axis of length `rows`: one class index per column (n of them) */
            long long *classes = malloc(n * sizeof *classes);
            double *loss = malloc(n * sizeof *loss);
            float *loss_f = malloc(n * sizeof *loss_f);
            size_t c;
            if (classes == NULL || loss == NULL || loss_f == NULL) {
                return 2;
            }
            for (c = 0; c < n; ++c) {
                classes[c] = (long long)(next() % rows);
            }
            const int layout = (int)(it % 2);
            checked_d(softproof_columns_target_d(softproof_cross_entropy_grad_d, 0, x, classes, y, 1, rows, n, layout), "columns_target_d grad",
                      rows, n, y, count);
            checked_f(softproof_columns_target_f(softproof_cross_entropy_fast_f, 1, xf, classes, yf, 1, rows, n, layout),
                      "columns_target_f fast", rows, n, yf, n);
            checked_f(softproof_columns_target_f(softproof_cross_entropy_grad_fast_f, 0, xf, classes, yf, 1, rows, n, layout),
                      "columns_target_f grad fast", rows, n, yf, count);
            checked_d(softproof_columns_both_d(softproof_cross_entropy_with_grad_d, x, classes, loss, y, 1, rows, n, layout), "columns_both_d",
                      rows, n, y, count);
            checked_f(softproof_columns_both_f(softproof_cross_entropy_with_grad_f, xf, classes, loss_f, yf, 1, rows, n, layout),
                      "columns_both_f", rows, n, yf, count);
            checked_f(softproof_columns_both_f(softproof_cross_entropy_with_grad_fast_f, xf, classes, loss_f, yf, 1, rows, n, layout),
                      "columns_both_f fast", rows, n, yf, count);
            free(classes);
            free(loss);
            free(loss_f);
        }
        if (count) { /* the correctly rounded functions' audits over `count` bit patterns from x's first entry, room for 4 */
            uint32_t found[4], first;
            memcpy(&first, &xf[0], sizeof first);
            (void)softproof_sigmoid_undecided_f(first, (uint64_t)first + count, found, 4);
            (void)softproof_log_sigmoid_undecided_f(first, (uint64_t)first + count, found, 4);
            (void)softproof_softplus_undecided_f(first, (uint64_t)first + count, found, 4);
            (void)softproof_log1mexp_undecided_f(first, (uint64_t)first + count, found, 4);
            (void)softproof_logit_undecided_f(first, (uint64_t)first + count, found, 4);
        }
        if (n) {
            checked_d(softproof_cross_entropy_d(x, target, r, rows, n), "cross_entropy_d", rows, n, r, rows);
            checked_f(softproof_cross_entropy_f(xf, target, rf, rows, n), "cross_entropy_f", rows, n, rf, rows);
            checked_d(softproof_cross_entropy_grad_d(x, target, y, rows, n), "cross_entropy_grad_d", rows, n, y, count);
            checked_f(softproof_cross_entropy_grad_f(xf, target, yf, rows, n), "cross_entropy_grad_f", rows, n, yf, count);
            checked_d(softproof_cross_entropy_with_grad_d(x, target, r, y, rows, n), "cross_entropy_with_grad_d", rows, n, y, count);
            checked_d(0, "cross_entropy_with_grad_d loss", rows, n, r, rows);
            checked_f(softproof_cross_entropy_with_grad_f(xf, target, rf, yf, rows, n), "cross_entropy_with_grad_f", rows, n, yf, count);
            checked_f(0, "cross_entropy_with_grad_f loss", rows, n, rf, rows);
            checked_f(softproof_cross_entropy_fast_f(xf, target, rf, rows, n), "cross_entropy_fast_f", rows, n, rf, rows);
            checked_f(softproof_cross_entropy_grad_fast_f(xf, target, yf, rows, n), "cross_entropy_grad_fast_f", rows, n, yf, count);
            checked_f(softproof_cross_entropy_with_grad_fast_f(xf, target, rf, yf, rows, n), "cross_entropy_with_grad_fast_f", rows, n, yf, count);
            checked_f(0, "cross_entropy_with_grad_fast_f loss", rows, n, rf, rows);
            target[rows - 1] = (long long)n;  /* out of range: refused, nothing read past the row */
            status_is(softproof_cross_entropy_fast_f(xf, target, rf, rows, n), SOFTPROOF_ERANGE, "cross_entropy_fast_f bad target", rows, n);
            status_is(softproof_cross_entropy_grad_fast_f(xf, target, yf, rows, n), SOFTPROOF_ERANGE, "cross_entropy_grad_fast_f bad target", rows, n);
            status_is(softproof_cross_entropy_with_grad_fast_f(xf, target, rf, yf, rows, n), SOFTPROOF_ERANGE, "cross_entropy_with_grad_fast_f bad target", rows, n);
            status_is(softproof_cross_entropy_d(x, target, r, rows, n), SOFTPROOF_ERANGE, "cross_entropy_d bad target", rows, n);
            status_is(softproof_cross_entropy_h(xh, target, rh, rows, n), SOFTPROOF_ERANGE, "cross_entropy_h bad target", rows, n);
            target[rows - 1] = (long long)(n - 1);
        }
        checked_d(softproof_softmax_backward_d(x, g, y, rows, n), "softmax_backward_d", rows, n, y, count);
        checked_f(softproof_softmax_backward_f(xf, gf, yf, rows, n), "softmax_backward_f", rows, n, yf, count);
        checked_d(softproof_log_softmax_backward_d(x, g, y, rows, n), "log_softmax_backward_d", rows, n, y, count);
        checked_f(softproof_log_softmax_backward_f(xf, gf, yf, rows, n), "log_softmax_backward_f", rows, n, yf, count);
        { /* logmeanexp: every row, the flags of the rows to redo; n = 0 is refused */
            unsigned char *flags = malloc(rows ? rows : 1);
            if (!flags) {
                return 2;
            }
            if (n) {
                checked_d(softproof_logmeanexp_d(x, r, flags, rows, n), "logmeanexp_d", rows, n, r, rows);
                absorb_bytes(flags, rows);
            } else {
                status_is(softproof_logmeanexp_d(x, r, flags, rows, n), SOFTPROOF_ERANGE, "logmeanexp_d n = 0", rows, n);
            }
            free(flags);
        }
        { /* precision="correct": float32 rows through the double kernels and the decision (its flags digested too),
           * and the decision alone over the double inputs (NaN, infinities, subnormals, huge values) */
            unsigned char *flags = malloc(count ? count : 1);
            size_t open = 0;
            if (!flags) {
                return 2;
            }
            checked_f(softproof_softmax_correct_f(xf, yf, flags, rows, n, T, 3.0, &open), "softmax_correct_f", rows, n, yf, count);
            absorb_bytes(flags, count);
            checked_f(softproof_log_softmax_correct_f(xf, yf, flags, rows, n, T, 2.0, &open), "log_softmax_correct_f", rows, n, yf, count);
            absorb_bytes(flags, count);
            open = softproof_decide_f(x, yf, flags, count, 3.0, (int)(it % 3) - 1);
            checked_f(open <= count ? 0 : 1, "decide_f", rows, n, yf, count);
            absorb_bytes(flags, count);
            free(flags);
        }
        { /* mergeable states: each row's halves (the second from its float32 copy), merged, finished */
            softproof_lse_state *sa = malloc((rows ? rows : 1) * sizeof *sa), *sb = malloc((rows ? rows : 1) * sizeof *sb);
            softproof_lse_state *sm = malloc((rows ? rows : 1) * sizeof *sm);
            double *bound = malloc((rows ? rows : 1) * sizeof *bound);
            const size_t h = n / 2;
            const int valid = T > 0.0 && T < INFINITY;
            int status = 0;
            size_t rr;
            if (!sa || !sb || !sm || !bound) {
                return 2;
            }
            for (rr = 0; rr < rows; ++rr) {
                status |= softproof_lse_state_d(x + rr * n, sa + rr, 1, h, T);
                status |= softproof_lse_state_f(xf + rr * n + h, sb + rr, 1, n - h, T);
            }
            if (valid) {
                status |= softproof_lse_merge(sa, sb, sm, rows);
                status |= softproof_lse_finish(sm, r, bound, rows);
                checked_d(status, "lse_state, lse_merge, lse_finish", rows, n, r, rows);
            } else {
                status_is(status, rows ? SOFTPROOF_EDOMAIN : 0, "lse_state with T not finite > 0", rows, n);
            }
            free(sa);
            free(sb);
            free(sm);
            free(bound);
        }
        if (it % 3 == 0) { /* every third size: the 16-bit entry points convert and call the double kernels above */
            HALF_CALLS(h, 0x7C00u, 0x7E00u);
            HALF_CALLS(b, 0x7F80u, 0x7FC0u);
        }
        /* in place: the output is the input */
        memcpy(y, x, count * sizeof *x);
        status_is(softproof_softmax_d(y, y, rows, n, T), 0, "softmax_d in place", rows, n);
        memcpy(y, x, count * sizeof *x);
        status_is(softproof_log_softmax_d(y, y, rows, n, T), 0, "log_softmax_d in place", rows, n);
        memcpy(yf, xf, count * sizeof *xf);
        status_is(softproof_softmax_f(yf, yf, rows, n, T), 0, "softmax_f in place", rows, n);
        status_is(softproof_softplus_d(y, y, count), 0, "softplus_d in place", rows, n);
        free(x);
        free(y);
        free(g);
        free(xf);
        free(yf);
        free(gf);
        free(r);
        free(rf);
        free(target);
        free(xh);
        free(yh);
        free(gh);
        free(rh);
    }
    printf("%ld iterations, %d bad statuses, digest %016llx\n", iterations, bad_status, digest);
    return bad_status ? 1 : 0;
}
