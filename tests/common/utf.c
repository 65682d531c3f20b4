/* utf.c - the one codec: encodings recognised by BOM or by their zero
 * bytes, UTF-8 decoded with one U+FFFD per maximal ill-formed subpart,
 * UTF-16 pairs joined and lone surrogates replaced, UTF-8 written back. */
#include "common.h"

#include <criterion/criterion.h>
#include <string.h>

/* s decoded code point by code point, each written back as UTF-8 (invalid
 * as U+FFFD), with "|" between the pieces each call consumed. */
static void decode8(const char *s, size_t n, wd_buf *out)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t used = wd_utf8_decode(p + i, n - i, &cp);
        cr_assert_geq(used, 1);
        if (i)
            wd_buf_putc(out, '|');
        wd_buf_put_cp(out, cp == WD_UTF_INVALID ? WD_UTF_REPLACEMENT : cp);
        i += used;
    }
}

#define R "\xEF\xBF\xBD"

Test(common_utf, utf8_ill_formed_sequences_give_one_replacement_per_maximal_subpart)
{
    static const struct {
        const char *in;
        size_t n;
        const char *out;
    } cases[] = {
        {"a\xC3\xA9z", 4, "a|\xC3\xA9|z"},
        {"\xE2\x82\xAC", 3, "\xE2\x82\xAC"},
        {"\xF0\x9F\x98\x80", 4, "\xF0\x9F\x98\x80"},
        {"\xEF\xBF\xBD", 3, R}, /* a real U+FFFD is kept */
        {"\x80", 1, R},                      /* lone continuation */
        {"\xC0\xAF", 2, R "|" R},            /* overlong: C0 starts nothing */
        {"\xE0\x80\xAF", 3, R "|" R "|" R},  /* overlong 3-byte form */
        {"\xE2\x82", 2, R},                  /* truncated at the end */
        {"\xE2\x82x", 3, R "|x"},            /* truncated before ASCII */
        {"\xED\xA0\x80", 3, R "|" R "|" R},  /* an encoded surrogate */
        {"\xED\x9F\xBF", 3, "\xED\x9F\xBF"}, /* U+D7FF, just below them */
        {"\xF4\x90\x80\x80", 4, R "|" R "|" R "|" R}, /* past U+10FFFF */
        {"\xF4\x8F\xBF\xBF", 4, "\xF4\x8F\xBF\xBF"},  /* U+10FFFF */
        {"\xF0\x9F\x98", 3, R},              /* a 4-byte form cut short */
        {"\xFF\xFE", 2, R "|" R},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wd_buf b = WD_BUF_INIT;
        decode8(cases[i].in, cases[i].n, &b);
        cr_expect_str_eq(wd_buf_cstr(&b), cases[i].out, "case %zu", i);
        wd_buf_free(&b);
    }
}

Test(common_utf, utf8_encode_writes_each_length_and_replaces_what_is_no_character)
{
    char u[4];
    cr_assert_eq(wd_utf8_encode('A', u), 1);
    cr_assert_eq(wd_utf8_encode(0xE9, u), 2);
    cr_assert_eq(memcmp(u, "\xC3\xA9", 2), 0);
    cr_assert_eq(wd_utf8_encode(0x20AC, u), 3);
    cr_assert_eq(memcmp(u, "\xE2\x82\xAC", 3), 0);
    cr_assert_eq(wd_utf8_encode(0x1F600, u), 4);
    cr_assert_eq(memcmp(u, "\xF0\x9F\x98\x80", 4), 0);
    cr_assert_eq(wd_utf8_encode(0xD800, u), 3);
    cr_assert_eq(memcmp(u, R, 3), 0);
    cr_assert_eq(wd_utf8_encode(0x110000, u), 3);
    cr_assert_eq(memcmp(u, R, 3), 0);
}

/* The UTF-16 bytes of units (LE or BE). */
static size_t units16(const uint16_t *u, size_t n, wd_text_enc enc, unsigned char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = (unsigned char)(enc == WD_ENC_UTF16BE ? u[i] >> 8 : u[i] & 0xFF);
        out[2 * i + 1] = (unsigned char)(enc == WD_ENC_UTF16BE ? u[i] & 0xFF : u[i] >> 8);
    }
    return 2 * n;
}

Test(common_utf, utf16_pairs_join_and_lone_surrogates_are_replaced)
{
    /* 'A', U+1F600 as a pair, a high surrogate before 'x', a lone low one */
    const uint16_t u[] = {'A', 0xD83D, 0xDE00, 0xD800, 'x', 0xDC00};
    const uint32_t want[] = {'A', 0x1F600, WD_UTF_INVALID, 'x', WD_UTF_INVALID};
    for (int e = WD_ENC_UTF16LE; e <= WD_ENC_UTF16BE; e++) {
        unsigned char b[16];
        size_t n = units16(u, 6, (wd_text_enc)e, b), i = 0, k = 0;
        while (i < n) {
            uint32_t cp;
            i += wd_utf16_decode(b + i, n - i, (wd_text_enc)e, &cp);
            cr_assert_lt(k, 5);
            cr_expect_eq(cp, want[k], "enc %d unit %zu: %X", e, k, cp);
            k++;
        }
        cr_assert_eq(k, 5);
    }
}

Test(common_utf, utf16_odd_byte_and_a_cut_pair_are_told)
{
    const unsigned char odd[] = {'o', 0, 'k'}, cut[] = {0x3D, 0xD8, 0x00};
    uint32_t cp;
    cr_assert_eq(wd_utf16_decode(odd + 2, 1, WD_ENC_UTF16LE, &cp), 1);
    cr_assert_eq(cp, WD_UTF_INVALID);
    /* a streaming decoder waits for the low surrogate, or the unit's end */
    cr_assert_eq(wd_utf16_needs_more(cut, 2, WD_ENC_UTF16LE), 1);
    cr_assert_eq(wd_utf16_needs_more(cut, 3, WD_ENC_UTF16LE), 1);
    cr_assert_eq(wd_utf16_needs_more(odd, 1, WD_ENC_UTF16LE), 1);
    cr_assert_eq(wd_utf16_needs_more(odd, 2, WD_ENC_UTF16LE), 0);
    /* at the end of the input, the high surrogate alone is replaced */
    cr_assert_eq(wd_utf16_decode(cut, 3, WD_ENC_UTF16LE, &cp), 2);
    cr_assert_eq(cp, WD_UTF_INVALID);
}

Test(common_utf, detect_by_bom_then_by_zero_bytes)
{
    static const struct {
        const char *head;
        size_t n;
        wd_text_enc enc;
        size_t bom;
    } cases[] = {
        {"\xEF\xBB\xBFtext", 7, WD_ENC_UTF8, 3},
        {"\xFF\xFEt\0", 4, WD_ENC_UTF16LE, 2},
        {"\xFE\xFF\0t", 4, WD_ENC_UTF16BE, 2},
        {"<\0E\0v\0", 6, WD_ENC_UTF16LE, 0},
        {"\0<\0E\0v", 6, WD_ENC_UTF16BE, 0},
        {"plain text", 10, WD_ENC_UTF8, 0},
        {"caf\xC3\xA9", 5, WD_ENC_UTF8, 0},
        {"<\0", 2, WD_ENC_UTF8, 0},      /* one unit says nothing */
        {"a\0bcdefg", 8, WD_ENC_UTF8, 0}, /* one zero byte in four units */
        {"", 0, WD_ENC_UTF8, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t bom = 99;
        wd_text_enc enc = wd_text_detect((const unsigned char *)cases[i].head, cases[i].n, &bom);
        cr_expect_eq(enc, cases[i].enc, "case %zu", i);
        cr_expect_eq(bom, cases[i].bom, "case %zu", i);
    }
}

Test(common_utf, a_cut_never_splits_a_sequence)
{
    const char *s = "ab\xE2\x82\xAC" "cd";
    cr_assert_eq(wd_utf8_boundary(s, 2), 2);
    cr_assert_eq(wd_utf8_boundary(s, 3), 2);
    cr_assert_eq(wd_utf8_boundary(s, 4), 2);
    cr_assert_eq(wd_utf8_boundary(s, 5), 5);
    /* stray continuation bytes: at most three are stepped over */
    const char *junk = "\x80\x80\x80\x80\x80\x80";
    cr_assert_eq(wd_utf8_boundary(junk, 5), 2);
}
