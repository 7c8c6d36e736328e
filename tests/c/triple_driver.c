/* Prints the triple-double operations of generated/c/softmax.c (static functions: this file includes the source) for
 * operands read from stdin, one case per line, hex floats: "A x_h x_m x_l y_h y_m y_l" -> triple_add(x, y),
 * "M ..." -> triple_mul(x, y), "D x_h x_m x_l d" -> triple_div_d(x, d), "E y_h y_m y_l" -> triple_exp_domain(y),
 * "L s_h s_m s_l" -> triple_log_lanes of one sum; the three parts out. tests/test_triple_tapes.py compares them bit for
 * bit with the tapes the Gappa scripts are printed from. "F d rest bound" -> triple_float_decided: "decided value".
 * "R a b" -> SP_PRODUCT_RESIDUAL(a, b, a*b): the FMA's, or without FMA hardware sp_product_residual's. */
#include "softmax.c"
#include <stdio.h>

static int read_triple(triple *x)
{
    return scanf(" %la %la %la", &x->h, &x->m, &x->l) == 3;
}

int main(void)
{
    char kind;
    while (scanf(" %c", &kind) == 1) {
        triple x, y, out;
        double d;
        if (kind == 'R') {
            double a, b;
            if (scanf(" %la %la", &a, &b) != 2) {
                return 1;
            }
            d = a * b;
            printf("%a\n", SP_PRODUCT_RESIDUAL(a, b, d));
            continue;
        }
        if (!read_triple(&x)) {
            return 1;
        }
        if (kind == 'F') {
            const int decided = triple_float_decided(x.h, x.m, x.l, &d);
            printf("%d %a\n", decided, d);
            continue;
        }
        if (kind == 'A' || kind == 'M') {
            if (!read_triple(&y)) {
                return 1;
            }
            out = kind == 'A' ? triple_add(x, y) : triple_mul(x, y);
        } else if (kind == 'D') {
            if (scanf(" %la", &d) != 1) {
                return 1;
            }
            out = triple_div_d(x, d);
        } else if (kind == 'E') {
            out = triple_exp_domain(x);
        } else {
            triple_log_lanes(&x.h, &x.m, &x.l, &out.h, &out.m, &out.l, 1);
        }
        printf("%a %a %a\n", out.h, out.m, out.l);
    }
    return 0;
}
