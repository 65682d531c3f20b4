/* array.c - the one growable array: capacity doubles as elements are added,
 * sizes are checked for overflow, and running out of memory leaves the array
 * as it was with WD_ENOMEM recorded. Every dynamic array in wudiag uses it. */
#include "common.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_CAP 16

int wd_array_reserve(void *arrp, size_t *cap, size_t need, size_t size)
{
    void **arr = arrp;
    if (need <= *cap)
        return WD_OK;
    size_t ncap = *cap ? *cap : FIRST_CAP;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return wd_error_set(WD_ENOMEM, "out of memory: %zu elements are too many", need);
        ncap *= 2;
    }
    if (size && ncap > SIZE_MAX / size)
        return wd_error_set(WD_ENOMEM, "out of memory: %zu elements are too many", need);
    void *p = realloc(*arr, ncap * size);
    if (!p)
        return wd_error_set(WD_ENOMEM, "out of memory");
    *arr = p;
    *cap = ncap;
    return WD_OK;
}

void *wd_array_grow(void *arrp, size_t *n, size_t *cap, size_t size)
{
    if (*n == SIZE_MAX || wd_array_reserve(arrp, cap, *n + 1, size))
        return NULL;
    char *el = *(char **)arrp + *n * size;
    memset(el, 0, size);
    (*n)++;
    return el;
}
