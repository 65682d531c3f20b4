/* csv.c - the one CSV row parser shared by the services, history and any
 * other tabular evidence reader: PowerShell Export-Csv and Excel output, any
 * delimiter of ',' ';' TAB, quotes with "" escapes and line breaks inside. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define ROW_MAX ((size_t)1 << 20)
#define FIELDS_MAX 4096

struct wd_csv {
    wd_lines *lines;
    char delim;
    wd_buf text;  /* the fields of the current row, NUL-separated */
    size_t *offs; /* where each field starts in text */
    const char **fields;
    size_t nfields, cap; /* fields in the row, slots in offs and fields */
    char **header;
    size_t nheader;
    uint64_t line;       /* first line of the current row */
    const char *error;   /* why the current row is damaged, or NULL */
    const char *pending; /* a line read ahead (the header), or NULL */
    size_t pending_len;
    int pending_cut;     /* the read-ahead line was cut */
    int cut;             /* the current row was cut (its whole fields remain) */
};

typedef struct {
    int quoted; /* inside a quoted field */
    int start;  /* at the start of a field */
} row_state;

/* ---------------------------------------------------------------- fields */

/* Makes room for one more field; at FIELDS_MAX the rest merge into the last. */
static int grow_fields(wd_csv *c)
{
    if (c->nfields < c->cap)
        return 1;
    if (c->cap >= FIELDS_MAX)
        return 0;
    size_t cap = c->cap, same = c->cap;
    if (wd_array_reserve(&c->offs, &cap, c->cap + 1, sizeof *c->offs) ||
        wd_array_reserve(&c->fields, &same, c->cap + 1, sizeof *c->fields))
        return 0;
    c->cap = cap; /* the same doubling for both: same == cap */
    return 1;
}

static void end_field(wd_csv *c)
{
    wd_buf_putc(&c->text, '\0');
    if (grow_fields(c))
        c->offs[c->nfields++] = c->text.len;
}

/* Parses one physical line into the current row, continuing the state of a
 * quoted field that spans lines. */
static void feed(wd_csv *c, const char *s, size_t n, row_state *st)
{
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (st->quoted) {
            if (ch != '"')
                wd_buf_putc(&c->text, ch);
            else if (i + 1 < n && s[i + 1] == '"')
                wd_buf_putc(&c->text, s[i++]);
            else
                st->quoted = 0;
        } else if (ch == c->delim) {
            end_field(c);
            st->start = 1;
        } else if (ch == '"' && st->start) {
            st->quoted = 1;
            st->start = 0;
        } else {
            wd_buf_putc(&c->text, ch);
            st->start = 0;
        }
    }
}

/* Turns the offsets into field pointers once the row is complete. */
static void seal_row(wd_csv *c)
{
    wd_buf_putc(&c->text, '\0');
    if (!wd_buf_ok(&c->text)) {
        c->error = "row longer than 1 MiB";
        c->nfields = 0;
        return;
    }
    for (size_t i = 0; i < c->nfields; i++)
        c->fields[i] = c->text.data + c->offs[i];
}

/* ------------------------------------------------------------------ rows */

/* Next physical line (the read-ahead one first): 1, 0 at end, negative.
 * *cut tells whether the text layer cut it (longer than WD_LINE_MAX). */
static int next_line(wd_csv *c, const char **s, size_t *n, int *cut)
{
    if (c->pending) {
        *s = c->pending;
        *n = c->pending_len;
        *cut = c->pending_cut;
        c->pending = NULL;
        return 1;
    }
    uint64_t before = wd_lines_cut(c->lines);
    int rc = wd_lines_next(c->lines, s, n);
    *cut = wd_lines_cut(c->lines) != before;
    return rc;
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

/* A physical line cut by the text layer: the quoting state past the cut is
 * unknown, so the row ends with that line (the next line starts a new row,
 * never swallowed into this one), and the field the cut fell in is dropped;
 * the fields before it are whole and stay readable. */
static void cut_row(wd_csv *c)
{
    c->error = "line longer than 1 MiB (cut)";
    c->cut = 1;
    if (c->nfields > 0)
        c->nfields--;
}

/* Reads one row from its first (non-blank) line on. */
static int read_row(wd_csv *c)
{
    const char *s;
    size_t n;
    int rc, cut;
    do {
        if ((rc = next_line(c, &s, &n, &cut)) <= 0)
            return rc;
    } while (is_blank(s, n));
    row_state st = {0, 1};
    wd_buf_reset(&c->text);
    c->nfields = 1;
    c->offs[0] = 0;
    c->error = NULL;
    c->cut = 0;
    c->line = wd_lines_number(c->lines);
    feed(c, s, n, &st);
    while (st.quoted && !cut && wd_buf_ok(&c->text)) {
        if ((rc = next_line(c, &s, &n, &cut)) < 0)
            return rc;
        if (rc == 0) {
            c->error = "unterminated quoted field";
            break;
        }
        wd_buf_putc(&c->text, '\n');
        feed(c, s, n, &st);
    }
    seal_row(c);
    if (!c->error && cut)
        cut_row(c);
    return 1;
}

int wd_csv_next(wd_csv *c)
{
    return read_row(c);
}

/* ---------------------------------------------------------------- header */

/* The delimiter of a header line: the most frequent of , ; TAB outside
 * quotes (',' on a tie or when none appears). */
static char guess_delim(const char *s, size_t n)
{
    size_t comma = 0, semi = 0, tab = 0;
    int quoted = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (!quoted && s[i] == ',')
            comma++;
        else if (!quoted && s[i] == ';')
            semi++;
        else if (!quoted && s[i] == '\t')
            tab++;
    }
    if (semi > comma && semi >= tab)
        return ';';
    if (tab > comma && tab > semi)
        return '\t';
    return ',';
}

/* Skips blank lines, "#TYPE ..." and "sep=X"; leaves the header line pending. */
static int find_header(wd_csv *c)
{
    const char *s;
    size_t n;
    int rc;
    uint64_t before = wd_lines_cut(c->lines);
    while ((rc = wd_lines_next(c->lines, &s, &n)) == 1) {
        if (n == 0 || s[0] == '#') {
            before = wd_lines_cut(c->lines);
            continue;
        }
        if (n == 5 && wd_strncaseeq(s, "sep=", 4)) {
            c->delim = s[4];
            before = wd_lines_cut(c->lines);
            continue;
        }
        if (!c->delim)
            c->delim = guess_delim(s, n);
        c->pending = s;
        c->pending_len = n;
        c->pending_cut = wd_lines_cut(c->lines) != before;
        return 1;
    }
    return rc;
}

static char *trimmed_copy(const char *s)
{
    size_t n = strlen(s);
    while (*s == ' ' || *s == '\t') {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return wd_strndup(s, n);
}

static int keep_header(wd_csv *c)
{
    c->header = calloc(c->nfields ? c->nfields : 1, sizeof *c->header);
    if (!c->header)
        return wd_error_set(WD_ENOMEM, "out of memory");
    for (size_t i = 0; i < c->nfields; i++) {
        if (!(c->header[i] = trimmed_copy(c->fields[i])))
            return WD_ENOMEM;
        c->nheader++;
    }
    return WD_OK;
}

int wd_csv_open(wd_csv **out, wd_input *in)
{
    *out = NULL;
    wd_csv *c = calloc(1, sizeof *c);
    int rc = WD_ENOMEM;
    if (!c)
        return wd_error_set(WD_ENOMEM, "out of memory");
    wd_buf_init(&c->text, ROW_MAX);
    if (!grow_fields(c)) {
        wd_error_set(WD_ENOMEM, "out of memory");
        goto cleanup;
    }
    if ((rc = wd_lines_open(&c->lines, in)) != 0)
        goto cleanup;
    rc = find_header(c);
    if (rc == 1)
        rc = read_row(c);
    if (rc == 0)
        rc = wd_error_set(WD_EFORMAT, "%s: no CSV header line", in->path);
    if (rc < 0 || (rc = keep_header(c)) != 0)
        goto cleanup;
    c->nfields = 0;
    *out = c;
    return WD_OK;
cleanup:
    wd_csv_free(c);
    return rc;
}

/* --------------------------------------------------------------- access */

int wd_csv_column(const wd_csv *c, const char *name)
{
    for (size_t i = 0; i < c->nheader; i++)
        if (wd_strcaseeq(c->header[i], name))
            return (int)i;
    return -1;
}

const char *wd_csv_field(const wd_csv *c, int col)
{
    if (col < 0 || (size_t)col >= c->nfields)
        return NULL;
    return c->fields[col];
}

size_t wd_csv_nfields(const wd_csv *c)
{
    return c->nfields;
}

const char *wd_csv_row_error(const wd_csv *c)
{
    return c->error;
}

int wd_csv_row_cut(const wd_csv *c)
{
    return c->cut;
}

uint64_t wd_csv_line(const wd_csv *c)
{
    return c->line;
}

void wd_csv_free(wd_csv *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nheader; i++)
        free(c->header[i]);
    free(c->header);
    free(c->offs);
    free(c->fields);
    wd_buf_free(&c->text);
    wd_lines_free(c->lines);
    free(c);
}
