/* textio.c - the text layer (wd_lines): every encoding and line end that
 * Windows tools write, lines split across read boundaries, invalid bytes,
 * surrogate pairs, odd trailing bytes and lines past the 1 MiB limit. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "capture_sink.h"
#include "internal.h"
#include "support.h"

/* A raw reader handing out at most `chunk` bytes per call, so that every
 * sequence lands across a read boundary at some point. */
typedef struct {
    const unsigned char *data;
    size_t size, pos, chunk;
} dribble;

static ssize_t dribble_read(void *ctx, void *buf, size_t n)
{
    dribble *d = ctx;
    size_t left = d->size - d->pos;
    if (n > d->chunk)
        n = d->chunk;
    if (n > left)
        n = left;
    memcpy(buf, d->data + d->pos, n);
    d->pos += n;
    return (ssize_t)n;
}

/* Decodes all lines, joined with '|'; *count gets the number of lines. */
static char *decode_all(wd_input *in, size_t *count, uint64_t *cut)
{
    wd_lines *l = NULL;
    wd_buf out = WD_BUF_INIT;
    cr_assert_eq(wd_lines_open(&l, in), 0);
    const char *line;
    size_t len, n = 0;
    int rc;
    while ((rc = wd_lines_next(l, &line, &len)) == 1) {
        cr_assert_eq(strlen(line), len, "line %zu has an embedded NUL", n + 1);
        if (n++)
            wd_buf_putc(&out, '|');
        wd_buf_append(&out, line, len);
        cr_assert_eq(wd_lines_number(l), n);
    }
    cr_assert_eq(rc, 0);
    if (count)
        *count = n;
    if (cut)
        *cut = wd_lines_cut(l);
    wd_lines_free(l);
    wd_buf_puts(&out, "");
    return wd_buf_detach(&out);
}

static char *decode_mem(const void *data, size_t size, size_t *count)
{
    wd_input in;
    wd_input_open_mem(&in, data, size, "mem");
    return decode_all(&in, count, NULL);
}

/* The same bytes through every chunk size from 1 to 7 must decode alike. */
static char *decode_dribbled(const void *data, size_t size, size_t chunk)
{
    dribble d = {data, size, 0, chunk};
    wd_input in;
    cr_assert_eq(wd_input_open_stream(&in, dribble_read, &d, size, "stream"), 0);
    return decode_all(&in, NULL, NULL);
}

static void expect(const void *data, size_t size, const char *want, size_t want_lines)
{
    size_t n = 0;
    char *got = decode_mem(data, size, &n);
    cr_assert_str_eq(got, want);
    cr_assert_eq(n, want_lines, "got %zu lines, want %zu", n, want_lines);
    free(got);
    for (size_t chunk = 1; chunk <= 7; chunk++) {
        got = decode_dribbled(data, size, chunk);
        cr_assert_str_eq(got, want, "chunk size %zu", chunk);
        free(got);
    }
}

/* UTF-16 of an ASCII/Latin-1 string with optional BOM. */
static unsigned char *utf16(const char *s, int be, int bom, size_t *size)
{
    size_t n = strlen(s), o = 0;
    unsigned char *b = malloc(2 * n + 2);
    if (bom) {
        b[o++] = be ? 0xFE : 0xFF;
        b[o++] = be ? 0xFF : 0xFE;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        b[o++] = be ? 0 : c;
        b[o++] = be ? c : 0;
    }
    *size = o;
    return b;
}

Test(collector_textio, utf8_without_bom_lf)
{
    const char t[] = "SERVICE_NAME: wuauserv\nDISPLAY_NAME: Windows Update\n";
    expect(t, sizeof t - 1, "SERVICE_NAME: wuauserv|DISPLAY_NAME: Windows Update", 2);
}

Test(collector_textio, utf8_bom_is_skipped_and_crlf_split)
{
    const char t[] = "\xEF\xBB\xBF\"Name\",\"State\"\r\n\"BITS\",\"Running\"\r\n";
    expect(t, sizeof t - 1, "\"Name\",\"State\"|\"BITS\",\"Running\"", 2);
}

Test(collector_textio, cr_only_line_ends)
{
    const char t[] = "a\rb\r\rc";
    expect(t, sizeof t - 1, "a|b||c", 4);
}

Test(collector_textio, mixed_line_ends_and_blank_lines)
{
    const char t[] = "one\r\n\r\ntwo\n\nthree\r";
    expect(t, sizeof t - 1, "one||two||three", 5);
}

Test(collector_textio, last_line_without_end)
{
    const char t[] = "first\nlast";
    expect(t, sizeof t - 1, "first|last", 2);
}

Test(collector_textio, empty_input_has_no_lines)
{
    expect("", 0, "", 0);
    expect("\xEF\xBB\xBF", 3, "", 0);
    expect("\xFF\xFE", 2, "", 0);
}

Test(collector_textio, utf16le_with_bom_crlf)
{
    size_t n;
    unsigned char *b =
        utf16("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE]\r\n", 0, 1, &n);
    expect(b, n, "Windows Registry Editor Version 5.00||[HKEY_LOCAL_MACHINE]", 3);
    free(b);
}

Test(collector_textio, utf16be_with_bom)
{
    size_t n;
    unsigned char *b = utf16("Name;Status\nwuauserv;Stopped\n", 1, 1, &n);
    expect(b, n, "Name;Status|wuauserv;Stopped", 2);
    free(b);
}

Test(collector_textio, utf16le_without_bom_detected_from_nuls)
{
    size_t n;
    unsigned char *b = utf16("SERVICE_NAME: BITS\r\nDISPLAY_NAME: Background Intelligent "
                             "Transfer Service\r\n",
                             0, 0, &n);
    expect(b, n, "SERVICE_NAME: BITS|DISPLAY_NAME: Background Intelligent Transfer Service", 2);
    free(b);
}

Test(collector_textio, utf16le_non_ascii_and_surrogate_pair)
{
    /* "Dienst ü €" then U+1F600 as a surrogate pair, LF */
    const unsigned char b[] = {0xFF, 0xFE, 'D',  0,   'i', 0,    ' ',  0,    0xFC, 0,    ' ',
                               0,    0xAC, 0x20, ' ', 0,   0x3D, 0xD8, 0x00, 0xDE, '\n', 0};
    expect(b, sizeof b, "Di \xC3\xBC \xE2\x82\xAC \xF0\x9F\x98\x80", 1);
}

Test(collector_textio, utf16_lone_surrogates_become_replacement)
{
    /* high surrogate followed by 'x', then a lone low surrogate */
    const unsigned char b[] = {0xFF, 0xFE, 0x3D, 0xD8, 'x', 0, 0x00, 0xDE, 'y', 0};
    expect(b, sizeof b, "\xEF\xBF\xBDx\xEF\xBF\xBDy", 1);
}

Test(collector_textio, utf16_odd_trailing_byte_becomes_replacement)
{
    const unsigned char b[] = {0xFF, 0xFE, 'o', 0, 'k', 0, '\n', 0, 'z'};
    expect(b, sizeof b, "ok|\xEF\xBF\xBD", 2);
}

Test(collector_textio, utf8_invalid_sequences_become_replacement)
{
    /* lone continuation, overlong '/', truncated 3-byte sequence, encoded
     * surrogate, byte 0xFF, then a valid "é": one U+FFFD per maximal
     * ill-formed subpart (Unicode ch. 3), so the truncated sequence is one
     * and the surrogate (ED never precedes A0) three */
    const char t[] = "a\x80"
                     "b\xC0\xAF"
                     "c\xE2\x82"
                     "d\xED\xA0\x80"
                     "e\xFF"
                     "f\xC3\xA9\n";
    expect(t, sizeof t - 1,
           "a\xEF\xBF\xBD"
           "b\xEF\xBF\xBD\xEF\xBF\xBD"
           "c\xEF\xBF\xBD"
           "d\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
           "e\xEF\xBF\xBD"
           "f\xC3\xA9",
           1);
}

Test(collector_textio, utf8_four_byte_sequence_kept)
{
    const char t[] = "x\xF0\x9F\x98\x80y\n";
    expect(t, sizeof t - 1, "x\xF0\x9F\x98\x80y", 1);
}

Test(collector_textio, truncated_utf8_at_end_of_input)
{
    const char t[] = "ok\n\xE2\x82";
    expect(t, sizeof t - 1, "ok|\xEF\xBF\xBD", 2);
}

Test(collector_textio, nul_padding_is_dropped)
{
    /* CBS.log and the legacy WindowsUpdate.log end in NUL blocks after a crash */
    const char t[] = "line\r\n\0\0\0\0\0\0\0\0";
    expect(t, sizeof t - 1, "line", 1);
}

Test(collector_textio, crlf_split_across_read_boundary_is_one_line_end)
{
    /* 65536 bytes of 'a' then CRLF: the CR is the last byte of the first
     * read buffer and the LF the first of the next */
    size_t n = 65535;
    char *t = malloc(n + 8);
    memset(t, 'a', n);
    memcpy(t + n, "\r\nnext\n", 7);
    wd_input in;
    wd_input_open_mem(&in, t, n + 7, "mem");
    size_t lines = 0;
    char *got = decode_all(&in, &lines, NULL);
    cr_assert_eq(lines, 2);
    cr_assert_str_eq(got + n, "|next");
    free(got);
    free(t);
}

Test(collector_textio, long_line_split_across_many_reads_is_whole)
{
    /* a 300 KiB line of UTF-16 text crosses several read buffers */
    size_t chars = 300 * 1024;
    unsigned char *b = malloc(2 + 2 * chars + 2);
    b[0] = 0xFF;
    b[1] = 0xFE;
    for (size_t i = 0; i < chars; i++) {
        b[2 + 2 * i] = (unsigned char)('a' + i % 26);
        b[3 + 2 * i] = 0;
    }
    b[2 + 2 * chars] = '\n';
    b[3 + 2 * chars] = 0;
    char *got = decode_mem(b, 4 + 2 * chars, NULL);
    cr_assert_eq(strlen(got), chars);
    cr_assert_eq(got[chars - 1], 'a' + (chars - 1) % 26);
    free(got);
    free(b);
}

Test(collector_textio, line_over_one_mib_is_cut_and_counted)
{
    size_t n = ((size_t)1 << 20) + 5000;
    char *t = malloc(n + 16);
    memset(t, 'x', n);
    memcpy(t + n, "\nafter\n", 7);
    wd_input in;
    wd_input_open_mem(&in, t, n + 7, "mem");
    size_t lines = 0;
    uint64_t cut = 0;
    char *got = decode_all(&in, &lines, &cut);
    cr_assert_eq(lines, 2);
    cr_assert_eq(cut, 1);
    cr_assert_eq(strlen(got), ((size_t)1 << 20) + strlen("|after"));
    cr_assert_str_eq(got + ((size_t)1 << 20), "|after");
    free(got);
    free(t);
}

Test(collector_textio, multibyte_line_over_limit_is_cut_on_a_character)
{
    /* 400000 x "€" (3 bytes) = 1.2 MB: cut at the last whole character */
    size_t chars = 400000;
    char *t = malloc(3 * chars + 1);
    for (size_t i = 0; i < chars; i++)
        memcpy(t + 3 * i, "\xE2\x82\xAC", 3);
    char *got = decode_mem(t, 3 * chars, NULL);
    size_t len = strlen(got);
    cr_assert_eq(len, ((size_t)1 << 20) / 3 * 3);
    cr_assert_eq(memcmp(got + len - 3, "\xE2\x82\xAC", 3), 0);
    free(got);
    free(t);
}

Test(collector_textio, reads_a_real_log_from_the_corpus)
{
    char *path = wdt_corpus("debajyati-logparsing/WindowsUpdate.log");
    FILE *f = NULL;
    wd_input in;
    if (wd_input_open_file(&in, path, "WindowsUpdate.log", &f) != 0)
        cr_skip_test("corpus not available: %s", path);
    size_t lines = 0;
    char *got = decode_all(&in, &lines, NULL);
    fclose(f);
    /* wc -l counts the line ends; the file ends with one */
    cr_assert_eq(lines, 18773);
    cr_assert_eq(strncmp(got, "20", 2), 0);
    free(got);
    free(path);
}

/* A raw reader that makes up `total` bytes of 100-byte CRLF lines as it
 * goes, so the input never exists in memory. */
typedef struct {
    uint64_t total, pos;
} generator;

static ssize_t generate(void *ctx, void *buf, size_t n)
{
    generator *g = ctx;
    unsigned char *b = buf;
    if (n > g->total - g->pos)
        n = (size_t)(g->total - g->pos);
    for (size_t i = 0; i < n; i++) {
        uint64_t k = (g->pos + i) % 100;
        b[i] = k == 98 ? '\r' : k == 99 ? '\n' : (unsigned char)('a' + k % 26);
    }
    g->pos += n;
    return (ssize_t)n;
}

#include <sys/resource.h>

static long peak_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

Test(collector_textio, memory_stays_flat_on_a_256_mib_stream)
{
    generator g = {(uint64_t)256 << 20, 0};
    wd_input in;
    wd_lines *l = NULL;
    const char *line;
    size_t len, bad = 0;
    cr_assert_eq(wd_input_open_stream(&in, generate, &g, g.total, "big"), 0);
    long before = peak_kib();
    cr_assert_eq(wd_lines_open(&l, &in), 0);
    while (wd_lines_next(l, &line, &len) == 1)
        bad += len != 98;
    cr_assert_eq(wd_lines_number(l), g.total / 100 + (g.total % 100 != 0));
    cr_assert_eq(bad, 1); /* the last line is cut short by the end of input */
    wd_lines_free(l);
    /* peak RSS grows by less than 16 MiB for 256 MiB of input */
    cr_assert_lt(peak_kib() - before, 16 * 1024, "grew by %ld KiB", peak_kib() - before);
}

/* ------------------------------------------------------------------ csv */

static wd_csv *csv_mem(const char *t, wd_input *in)
{
    wd_csv *c = NULL;
    wd_input_open_mem(in, t, strlen(t), "mem");
    cr_assert_eq(wd_csv_open(&c, in), 0, "%s", wd_error_last());
    return c;
}

Test(collector_textio, csv_quoted_fields_with_escapes_delimiters_and_line_breaks)
{
    wd_input in;
    wd_csv *c = csv_mem("#TYPE Selected.System.ServiceProcess.ServiceController\r\n"
                        "\"Name\",\"Description\",\"Status\"\r\n"
                        "\"wuauserv\",\"Enables \"\"Windows Update\"\", downloads\r\nand more\","
                        "\"Running\"\r\n"
                        "BITS,,Stopped\r\n",
                        &in);
    cr_assert_eq(wd_csv_column(c, "status"), 2);
    cr_assert_eq(wd_csv_column(c, "Missing"), -1);
    cr_assert_eq(wd_csv_next(c), 1);
    cr_assert_eq(wd_csv_line(c), 3);
    cr_assert_eq(wd_csv_nfields(c), 3);
    cr_assert_str_eq(wd_csv_field(c, 1), "Enables \"Windows Update\", downloads\nand more");
    cr_assert_str_eq(wd_csv_field(c, 2), "Running");
    cr_assert_null(wd_csv_row_error(c));
    cr_assert_eq(wd_csv_next(c), 1);
    cr_assert_eq(wd_csv_line(c), 5);
    cr_assert_str_eq(wd_csv_field(c, 0), "BITS");
    cr_assert_str_eq(wd_csv_field(c, 1), "");
    cr_assert_null(wd_csv_field(c, 3));
    cr_assert_null(wd_csv_field(c, -1));
    cr_assert_eq(wd_csv_next(c), 0);
    wd_csv_free(c);
}

Test(collector_textio, csv_delimiter_is_guessed_from_the_header)
{
    wd_input in;
    wd_csv *c =
        csv_mem("\"Name\";\"DisplayName\";\"Status\"\n\"BITS\";\"Hintergrund, intelligent\";"
                "\"Running\"\n",
                &in);
    cr_assert_eq(wd_csv_column(c, "Status"), 2);
    cr_assert_eq(wd_csv_next(c), 1);
    cr_assert_str_eq(wd_csv_field(c, 1), "Hintergrund, intelligent");
    wd_csv_free(c);
    c = csv_mem("Name\tStatus\nBITS\tRunning\n", &in);
    cr_assert_eq(wd_csv_next(c), 1);
    cr_assert_str_eq(wd_csv_field(c, 1), "Running");
    wd_csv_free(c);
}

Test(collector_textio, csv_input_without_header_is_refused)
{
    wd_input in;
    wd_csv *c = NULL;
    wd_input_open_mem(&in, "#TYPE x\r\n\r\n", 11, "mem");
    cr_assert_eq(wd_csv_open(&c, &in), WD_EFORMAT);
    cr_assert_null(c);
    cr_assert_str_eq(wd_error_last(), "mem: no CSV header line");
}

Test(collector_textio, csv_runaway_quote_is_cut_at_one_mib)
{
    /* an opening quote that never closes: the row stops at 1 MiB */
    size_t n = (size_t)3 << 20;
    char *t = malloc(n + 32);
    strcpy(t, "Name\n\"");
    size_t o = strlen(t);
    for (; o < n; o += 10)
        memcpy(t + o, "xxxxxxxxx\n", 10);
    wd_input in;
    wd_csv *c = NULL;
    wd_input_open_mem(&in, t, o, "mem");
    cr_assert_eq(wd_csv_open(&c, &in), 0);
    cr_assert_eq(wd_csv_next(c), 1);
    cr_assert_str_eq(wd_csv_row_error(c), "row longer than 1 MiB");
    wd_csv_free(c);
    free(t);
}

/* ------------------------------------------------------- NUL inside text */

Test(collector_textio, nul_inside_a_line_is_a_visible_mark_that_keeps_tokens_apart)
{
    /* "8024\0 02C" must not read as a code: the run shows as one U+FFFD */
    const char t[] = "error 8024\0\0\0002C here\r\nnext\0\r\n";
    wd_input in;
    wd_input_open_mem(&in, t, sizeof t - 1, "mem");
    size_t lines = 0;
    char *got = decode_all(&in, &lines, NULL);
    cr_assert_str_eq(got, "error 8024\xEF\xBF\xBD" "2C here|next\xEF\xBF\xBD");
    cr_assert_eq(lines, 2);
    cr_assert_eq(in.nul_bytes, 4);
    cr_assert_eq(in.nul_line, 1);
    free(got);
}

Test(collector_textio, nul_in_utf16_text_is_counted_and_shown)
{
    size_t len;
    unsigned char *b = cap_utf16("a b\n", 0, &len); /* BOM a SP b LF */
    b[4] = 0; /* the space becomes U+0000 */
    wd_input in;
    wd_input_open_mem(&in, b, len, "mem");
    char *got = decode_all(&in, NULL, NULL);
    cr_assert_str_eq(got, "a\xEF\xBF\xBD" "b");
    cr_assert_eq(in.nul_bytes, 1);
    free(got);
    free(b);
}

Test(collector_textio, cut_lines_are_counted_in_the_input)
{
    size_t n = ((size_t)1 << 20) + 100;
    char *t = malloc(n + 16);
    memcpy(t, "ok\n", 3);
    memset(t + 3, 'x', n);
    memcpy(t + 3 + n, "\nend\n", 5);
    wd_input in;
    wd_input_open_mem(&in, t, n + 8, "mem");
    uint64_t cut = 0;
    char *got = decode_all(&in, NULL, &cut);
    cr_assert_eq(cut, 1);
    cr_assert_eq(in.cut_lines, 1);
    cr_assert_eq(in.cut_line, 2);
    free(got);
    free(t);
}

/* ------------------------------------------------------ CSV long rows */

Test(collector_textio, csv_line_over_one_mib_ends_its_row_and_keeps_the_next)
{
    /* a quoted description longer than a line may be: the line is cut inside
     * the quotes, and the next row (CryptSvc) is still read as a row */
    size_t big = (size_t)3 << 19; /* 1.5 MiB */
    const char *head = "\"Name\",\"State\",\"Description\"\r\n\"wuauserv\",\"Running\",\"";
    const char *tail = "\"\r\n\"CryptSvc\",\"Running\",\"d\"\r\n";
    size_t hl = strlen(head), tl = strlen(tail);
    char *t = malloc(hl + big + tl);
    memcpy(t, head, hl);
    memset(t + hl, 'x', big);
    memcpy(t + hl + big, tail, tl);
    wd_input in;
    wd_csv *c = NULL;
    wd_input_open_mem(&in, t, hl + big + tl, "mem");
    cr_assert_eq(wd_csv_open(&c, &in), 0);
    cr_assert_eq(wd_csv_next(c), 1);
    cr_assert_eq(wd_csv_row_cut(c), 1);
    cr_assert_str_eq(wd_csv_row_error(c), "line longer than 1 MiB (cut)");
    cr_assert_str_eq(wd_csv_field(c, 0), "wuauserv");
    cr_assert_str_eq(wd_csv_field(c, 1), "Running");
    cr_assert_null(wd_csv_field(c, 2), "the cut field is not handed out");
    cr_assert_eq(wd_csv_next(c), 1);
    cr_assert_null(wd_csv_row_error(c));
    cr_assert_str_eq(wd_csv_field(c, 0), "CryptSvc");
    cr_assert_eq(wd_csv_line(c), 3);
    cr_assert_eq(wd_csv_next(c), 0);
    wd_csv_free(c);
    free(t);
}
