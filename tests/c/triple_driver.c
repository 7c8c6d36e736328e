/* Prints triple_exp(y) and triple_log(s) of generated/c/softmax.c (static functions: this file includes the
 * source) for arguments read from stdin, one per line: "e y_hi y_mid" or "l s_hi s_mid", hex floats in,
 * the triple's three parts out (tests/test_triple.py compares them with mpmath). */
#include "softmax.c"
#include <stdio.h>

int main(void)
{
    char kind;
    double a, b;
    while (scanf(" %c %la %la", &kind, &a, &b) == 3) {
        const triple x = triple_of(a, b);
        const triple out = kind == 'e' ? triple_exp(x) : triple_log(x);
        printf("%a %a %a\n", out.h, out.m, out.l);
    }
    return 0;
}
