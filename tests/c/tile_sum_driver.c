/* Compares, bit for bit, the statistics (m, c, t, t_lo) that the default tier's tiles give each of their SP_TILE rows
 * (tile_load_*: tile_sum) with those the row path gives that row alone (row_max_stats_*: row_sum), out of place and,
 * for float64 (whose row path stores e_j over x_j then), in place; static functions, so this file includes the
 * source. Rows: every length 1 to SP_SHORT, entries m - s u^k for pseudo-random u in [0, 1) (k = 1 or 3: terms
 * spread over many binades, so that sums in another order round otherwise), s from 0.5 to 300, one or more
 * maxima, T among 1, 0.37 and 3.3. Prints "comparisons R tiles K mismatches M chain_differs D" and the first
 * mismatches; tests/test_tile_sums.py builds it and asks for M = 0, and for D > 0: D counts the rows where the one
 * TwoSum chain that every tile took until 2026-12-06 (ONE_CHAIN, on the tile's own terms) differs from the row path,
 * which shows that the comparison tells the orders apart. */
#include "softmax.c"
#include <stdio.h>

static uint64_t state = 0x9E3779B97F4A7C15u;

static double uniform(void) /* xorshift64*, 53 bits */
{
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return (double)((state * 0x2545F4914F6CDD1Du) >> 11) * 0x1p-53;
}

static void fill(double *x, size_t n, double s, int cubic, int maxima)
{
    size_t j;
    for (j = 0; j < n; ++j) {
        const double u = uniform();
        x[j] = 1.5 - s * (cubic ? u * u * u : u);
    }
    for (j = 0; j < (size_t)maxima && j < n; ++j) {
        x[(size_t)(uniform() * (double)n) % n] = 1.5;
    }
}

static int same(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static long mismatches = 0, chain_differs = 0;

/* the tile's lane l summed in one TwoSum chain, as every tile did until 2026-12-06: a check that the comparison can
 * tell two orders of the same terms apart (counted where the row path takes lanes, n >= SP_CHAIN_*) */
#define ONE_CHAIN(tl, n, l, out)                                                         \
    do {                                                                                 \
        double hi_ = 0.0, lo_ = 0.0;                                                     \
        size_t j_;                                                                       \
        for (j_ = 0; j_ < (n); ++j_) {                                                   \
            SP_ACCUMULATE(hi_, lo_, (tl).x[j_][l] == (tl).m[l] ? 0.0 : (tl).e[j_][l]);   \
        }                                                                                \
        (out).t = hi_ + lo_;                                                             \
        (out).t_lo = (hi_ - (out).t) + lo_;                                              \
    } while (0)

static void report(const char *what, size_t n, double T, size_t l, row_stats a, row_stats b)
{
    mismatches += 1;
    if (mismatches <= 5) {
        printf("%s n=%zu T=%g lane %zu: tile (%a %a %a %a) row (%a %a %a %a)\n", what, n, T, l, a.m, a.ties, a.t, a.t_lo, b.m,
               b.ties, b.t, b.t_lo);
    }
}

static int equal_stats(row_stats a, row_stats b)
{
    return same(a.m, b.m) && same(a.ties, b.ties) && same(a.t, b.t) && same(a.t_lo, b.t_lo);
}

int main(void)
{
    static const double scales[] = {0.5, 3.0, 12.0, 40.0, 300.0};
    static const double temperatures[] = {1.0, 0.37, 3.3};
    double x[SP_TILE * SP_SHORT], e[SP_SHORT], in_place[SP_SHORT];
    float xf[SP_TILE * SP_SHORT];
    long rows = 0, tiles = 0; /* rows: comparisons */
    size_t n, si, ti, l, j;
    int round, cubic;
    for (n = 1; n <= SP_SHORT; ++n) {
        for (round = 0; round < 6; ++round) {
            for (cubic = 0; cubic < 2; ++cubic) {
                for (si = 0; si < sizeof scales / sizeof *scales; ++si) {
                    for (ti = 0; ti < sizeof temperatures / sizeof *temperatures; ++ti) {
                        const double T = temperatures[ti];
                        tile_d td;
                        tile_f tf;
                        for (l = 0; l < SP_TILE; ++l) {
                            fill(x + l * n, n, scales[si], cubic, 1 + (int)(uniform() * 3.0) * (round % 2));
                        }
                        for (j = 0; j < SP_TILE * n; ++j) {
                            xf[j] = (float)x[j];
                        }
                        tiles += 2;
                        if (!tile_load_d(&td, x, n, 0, T, 0) || !tile_load_f(&tf, xf, n, 0, T, 0)) {
                            printf("a tile of finite rows declined (n=%zu)\n", n);
                            return 2;
                        }
                        for (l = 0; l < SP_TILE; ++l) {
                            row_stats row, tile, flat;
                            scan_segments sg;
                            double lowest;
                            rows += 3;
                            tile.m = td.m[l];
                            tile.ties = td.ties[l];
                            tile.t = td.t[l];
                            tile.t_lo = td.t_lo[l];
                            (void)row_max_stats_d(x + l * n, e, n, T, 1, &row, &lowest, &sg);
                            if (!equal_stats(tile, row)) {
                                report("float64", n, T, l, tile, row);
                            }
                            if (n >= SP_CHAIN_D) {
                                row_stats chain = tile;
                                ONE_CHAIN(td, n, l, chain);
                                chain_differs += !equal_stats(chain, row);
                            }
                            memcpy(in_place, x + l * n, n * sizeof *in_place);
                            (void)row_max_stats_d(in_place, in_place, n, T, 1, &flat, &lowest, &sg);
                            if (!equal_stats(tile, flat)) {
                                report("float64 in place", n, T, l, tile, flat);
                            }
                            tile.m = tf.m[l];
                            tile.ties = tf.ties[l];
                            tile.t = tf.t[l];
                            tile.t_lo = tf.t_lo[l];
                            (void)row_max_stats_f(xf + l * n, NULL, n, T, 0, &row, &lowest, &sg);
                            if (!equal_stats(tile, row)) {
                                report("float32", n, T, l, tile, row);
                            }
                            if (n >= SP_CHAIN_F) {
                                row_stats chain = tile;
                                ONE_CHAIN(tf, n, l, chain);
                                chain_differs += !equal_stats(chain, row);
                            }
                        }
                    }
                }
            }
        }
    }
    printf("comparisons %ld tiles %ld mismatches %ld chain_differs %ld\n", rows, tiles, mismatches, chain_differs);
    return mismatches == 0 ? 0 : 1;
}
