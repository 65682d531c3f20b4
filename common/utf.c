/* utf.c - the one text codec: which encoding a file is in (byte order mark,
 * else UTF-16 recognised by its zero bytes), UTF-8 and UTF-16 decoding one
 * code point at a time with U+FFFD for what is ill-formed, and UTF-8 encoding.
 * Every reader and writer that touches encodings goes through here. */
#include "common.h"

#include <string.h>

/* Code units looked at to recognise UTF-16 without a BOM. */
#define SNIFF_UNITS 256

/* ------------------------------------------------------------ detection */

/* UTF-16 without a BOM: at least three quarters of the first code units
 * (at least two) have one zero byte, on the same side: ASCII text in UTF-16.
 * UTF-8 text has no zero bytes at all. */
static wd_text_enc sniff_utf16(const unsigned char *h, size_t n)
{
    size_t units = n / 2, le = 0, be = 0;
    if (units > SNIFF_UNITS)
        units = SNIFF_UNITS;
    if (units < 2)
        return WD_ENC_UTF8;
    for (size_t i = 0; i < units; i++) {
        unsigned char a = h[2 * i], b = h[2 * i + 1];
        le += a != 0 && b == 0;
        be += a == 0 && b != 0;
    }
    if (le * 4 >= units * 3)
        return WD_ENC_UTF16LE;
    if (be * 4 >= units * 3)
        return WD_ENC_UTF16BE;
    return WD_ENC_UTF8;
}

wd_text_enc wd_text_detect(const unsigned char *h, size_t n, size_t *bom)
{
    *bom = 0;
    if (n >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF) {
        *bom = 3;
        return WD_ENC_UTF8;
    }
    if (n >= 2 && h[0] == 0xFF && h[1] == 0xFE) {
        *bom = 2;
        return WD_ENC_UTF16LE;
    }
    if (n >= 2 && h[0] == 0xFE && h[1] == 0xFF) {
        *bom = 2;
        return WD_ENC_UTF16BE;
    }
    return sniff_utf16(h, n);
}

/* ---------------------------------------------------------------- UTF-8 */

/* The range the second byte of a sequence starting with lead must be in
 * (Unicode, table 3-7): this is what rules out overlong forms, surrogates
 * and code points past U+10FFFF; 0 when lead starts no sequence. */
static size_t utf8_shape(unsigned char lead, unsigned char *lo, unsigned char *hi)
{
    *lo = 0x80, *hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF)
        return 2;
    if (lead >= 0xE0 && lead <= 0xEF) {
        if (lead == 0xE0)
            *lo = 0xA0;
        else if (lead == 0xED)
            *hi = 0x9F;
        return 3;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        if (lead == 0xF0)
            *lo = 0x90;
        else if (lead == 0xF4)
            *hi = 0x8F;
        return 4;
    }
    return 0;
}

size_t wd_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned char lo, hi;
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    size_t len = utf8_shape(p[0], &lo, &hi);
    *cp = WD_UTF_INVALID;
    if (len == 0)
        return 1;
    uint32_t c = p[0] & (0xFFu >> (len + 1));
    for (size_t i = 1; i < len; i++) {
        if (i >= n || p[i] < lo || p[i] > hi)
            return i; /* the maximal subpart: one U+FFFD for all of it */
        c = c << 6 | (p[i] & 0x3Fu);
        lo = 0x80, hi = 0xBF;
    }
    *cp = c;
    return len;
}

size_t wd_utf8_encode(uint32_t cp, char out[4])
{
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = WD_UTF_REPLACEMENT;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

int wd_buf_put_cp(wd_buf *b, uint32_t cp)
{
    char u[4];
    return wd_buf_append(b, u, wd_utf8_encode(cp, u));
}

size_t wd_utf8_boundary(const char *s, size_t n)
{
    for (int k = 0; k < 3 && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80; k++)
        n--;
    return n;
}

/* --------------------------------------------------------------- UTF-16 */

static uint32_t unit16(const unsigned char *p, wd_text_enc enc)
{
    return enc == WD_ENC_UTF16BE ? (uint32_t)(p[0] << 8 | p[1]) : (uint32_t)(p[0] | p[1] << 8);
}

size_t wd_utf16_decode(const unsigned char *p, size_t n, wd_text_enc enc, uint32_t *cp)
{
    if (n < 2) {
        *cp = WD_UTF_INVALID; /* an odd last byte */
        return n;
    }
    uint32_t u = unit16(p, enc);
    *cp = u >= 0xD800 && u <= 0xDFFF ? WD_UTF_INVALID : u;
    if (u < 0xD800 || u > 0xDBFF || n < 4)
        return 2; /* not a high surrogate, or one with nothing after it */
    uint32_t lo = unit16(p + 2, enc);
    if (lo < 0xDC00 || lo > 0xDFFF)
        return 2; /* a lone high surrogate: the next unit is read on its own */
    *cp = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
    return 4;
}

int wd_utf16_needs_more(const unsigned char *p, size_t n, wd_text_enc enc)
{
    if (n < 2)
        return 1;
    uint32_t u = unit16(p, enc);
    return n < 4 && u >= 0xD800 && u <= 0xDBFF;
}
