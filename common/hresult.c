/* hresult.c - one 32-bit HRESULT from every notation a failure code is
 * written in: event logs (0x80248007), WindowsUpdate.log ([8024402C]),
 * wusa and the Setup log (decimal 2359302), PowerShell (-2147024894). */
#include "common.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int parse_hex(const char *p, size_t n, uint32_t *out)
{
    uint64_t v = 0;
    if (n == 0 || n > 8)
        return WD_EFORMAT;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)p[i];
        if (!isxdigit(c))
            return WD_EFORMAT;
        v = v * 16 + (uint64_t)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
    }
    *out = (uint32_t)v;
    return WD_OK;
}

static int parse_dec(const char *p, size_t n, int negative, uint32_t *out)
{
    uint64_t v = 0;
    if (n == 0 || n > 10)
        return WD_EFORMAT;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)p[i]))
            return WD_EFORMAT;
        v = v * 10 + (uint64_t)(p[i] - '0');
    }
    if (negative) {
        if (v > 2147483648ULL)
            return WD_EFORMAT;
        *out = (uint32_t)(0x100000000ULL - v);
        return WD_OK;
    }
    if (v > 0xFFFFFFFFULL)
        return WD_EFORMAT;
    *out = (uint32_t)v;
    return WD_OK;
}

int wd_hresult_parse(const char *s, uint32_t *out)
{
    if (!s)
        return WD_EFORMAT;
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']') { /* [8024402C] */
        s++;
        n -= 2;
    }
    if (n == 0)
        return WD_EFORMAT;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        return parse_hex(s + 2, n - 2, out);
    if (s[0] == '-')
        return parse_dec(s + 1, n - 1, 1, out);
    if (s[0] == '+')
        return parse_dec(s + 1, n - 1, 0, out);
    int has_alpha = 0;
    for (size_t i = 0; i < n; i++)
        if (isalpha((unsigned char)s[i]))
            has_alpha = 1;
    /* eight digits is how logs print a code without 0x; decimal codes that
     * matter (HRESULTs) have ten digits, wusa's success codes seven. */
    if (has_alpha || n == 8)
        return parse_hex(s, n, out);
    return parse_dec(s, n, 0, out);
}

void wd_hresult_format(uint32_t hr, char out[11])
{
    snprintf(out, 11, "0x%08X", (unsigned)hr);
}
