/* array.c - the growable array: elements are appended zeroed, capacity
 * doubles, reserving never shrinks, and a size that would overflow is
 * refused with WD_ENOMEM and the array left as it was. */
#include "common.h"

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct pair {
    int64_t a;
    char tag[12];
} pair;

Test(common_array, grow_appends_zeroed_elements_and_keeps_the_old_ones)
{
    pair *v = NULL;
    size_t n = 0, cap = 0;
    for (int i = 0; i < 1000; i++) {
        pair *p = wd_array_grow(&v, &n, &cap, sizeof *p);
        cr_assert_not_null(p);
        cr_assert_eq(p->a, 0);
        cr_assert_eq(p->tag[0], '\0');
        cr_assert_eq(p, &v[i]);
        p->a = i;
        snprintf(p->tag, sizeof p->tag, "t%d", i);
    }
    cr_assert_eq(n, 1000);
    cr_assert_geq(cap, n);
    cr_assert_eq(cap & (cap - 1), 0, "the capacity doubles: %zu", cap);
    for (int i = 0; i < 1000; i++) {
        char want[12];
        snprintf(want, sizeof want, "t%d", i);
        cr_assert_eq(v[i].a, i);
        cr_assert_str_eq(v[i].tag, want);
    }
    free(v);
}

Test(common_array, reserve_makes_room_and_never_shrinks)
{
    char *b = NULL;
    size_t cap = 0;
    cr_assert_eq(wd_array_reserve(&b, &cap, 1, 1), WD_OK);
    cr_assert_eq(cap, 16);
    cr_assert_eq(wd_array_reserve(&b, &cap, 100, 1), WD_OK);
    cr_assert_eq(cap, 128);
    memset(b, 'x', 100);
    cr_assert_eq(wd_array_reserve(&b, &cap, 3, 1), WD_OK);
    cr_assert_eq(cap, 128);
    cr_assert_eq(b[99], 'x');
    free(b);
}

Test(common_array, overflowing_sizes_are_refused_and_change_nothing)
{
    int64_t *v = NULL;
    size_t n = 0, cap = 0;
    int64_t *first = wd_array_grow(&v, &n, &cap, sizeof *v);
    cr_assert_not_null(first);
    *first = 7;
    int64_t *before = v;
    size_t before_cap = cap;
    cr_assert_eq(wd_array_reserve(&v, &cap, SIZE_MAX / 4, sizeof *v), WD_ENOMEM);
    cr_assert_not_null(strstr(wd_error_last(), "out of memory"), "%s", wd_error_last());
    cr_assert_eq(wd_array_reserve(&v, &cap, SIZE_MAX, 1), WD_ENOMEM);
    cr_assert_eq(v, before);
    cr_assert_eq(cap, before_cap);
    n = SIZE_MAX;
    cr_assert_null(wd_array_grow(&v, &n, &cap, sizeof *v));
    cr_assert_eq(v[0], 7);
    free(v);
}
