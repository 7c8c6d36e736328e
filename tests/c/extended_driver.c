/* Prints the extended-precision kernels of generated/c/softmax.c (static functions: this file includes the
 * source) for arguments read from stdin, one per line, hex floats: "e y_hi y_mid" -> triple_exp, "l s_hi s_mid"
 * -> triple_log (the three parts out), "d a b" -> sp_exp_dd(a, b) (hi, lo and 0 out). tests/test_extended_kernels.py
 * compares them with mpmath. */
#include "softmax.c"
#include <stdio.h>

int main(void)
{
    char kind;
    double a, b;
    while (scanf(" %c %la %la", &kind, &a, &b) == 3) {
        if (kind == 'd') {
            double lo;
            const double hi = sp_exp_dd(a, b, &lo);
            printf("%a %a %a\n", hi, lo, 0.0);
        } else {
            const triple x = triple_of(a, b);
            const triple out = kind == 'e' ? triple_exp(x) : triple_log(x);
            printf("%a %a %a\n", out.h, out.m, out.l);
        }
    }
    return 0;
}
