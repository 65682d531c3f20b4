/* emit_json.c - the JSON emitter: the report's elements become objects,
 * attributes and text elements members, lists arrays; numbers and booleans
 * keep their type. Streamed to the report file through a small buffer, so
 * the report's size never sits in memory. */
#include "emit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_DEPTH = 32, FLUSH_AT = 64 * 1024 };

typedef struct json_emit {
    wd_emit base;
    wd_outfile *f;
    wd_buf out;
    int depth;
    char is_array[MAX_DEPTH];
    size_t members[MAX_DEPTH]; /* members written so far at each level */
} json_emit;

static void flush(json_emit *j, int force)
{
    if (!wd_buf_ok(&j->out)) {
        wd_em_fail(&j->base, wd_error_set(WD_ENOMEM, "out of memory writing the report JSON"));
        return;
    }
    if ((force || j->out.len >= FLUSH_AT) && j->out.len) {
        int rc = wd_outfile_write(j->f, j->out.data, j->out.len);
        if (rc)
            wd_em_fail(&j->base, rc);
        wd_buf_reset(&j->out);
    }
}

static void indent(json_emit *j)
{
    wd_buf_putc(&j->out, '\n');
    for (int i = 0; i < j->depth; i++)
        wd_buf_puts(&j->out, "  ");
}

/* The separator and indentation before a new member or element. */
static void next(json_emit *j)
{
    if (j->depth > 0 && j->members[j->depth - 1]++)
        wd_buf_putc(&j->out, ',');
    if (j->depth > 0)
        indent(j);
}

static void string(json_emit *j, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    wd_buf_putc(&j->out, '"');
    for (; *p; p++) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            wd_buf_putc(&j->out, '\\');
            wd_buf_putc(&j->out, (char)c);
        } else if (c == '\n') {
            wd_buf_puts(&j->out, "\\n");
        } else if (c == '\r') {
            wd_buf_puts(&j->out, "\\r");
        } else if (c == '\t') {
            wd_buf_puts(&j->out, "\\t");
        } else if (c < 0x20) {
            char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
            wd_buf_puts(&j->out, u);
        } else if (c == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
            wd_buf_puts(&j->out, p[2] == 0xA8 ? "\\u2028" : "\\u2029"); /* JavaScript-safe */
            p += 2;
        } else {
            wd_buf_putc(&j->out, (char)c);
        }
    }
    wd_buf_putc(&j->out, '"');
}

/* Starts a member "key": (inside an object) or an element (inside an
 * array or at the top). */
static void key(json_emit *j, const char *name)
{
    next(j);
    if (j->depth > 0 && !j->is_array[j->depth - 1]) {
        string(j, name);
        wd_buf_puts(&j->out, ": ");
    }
}

static void push(json_emit *j, int array)
{
    if (j->depth == MAX_DEPTH) {
        wd_em_fail(&j->base, wd_error_set(WD_ERROR, "report JSON nested too deeply"));
        return;
    }
    j->is_array[j->depth] = (char)array;
    j->members[j->depth] = 0;
    j->depth++;
}

static void pop(json_emit *j, char close)
{
    if (j->depth == 0)
        return;
    size_t had = j->members[--j->depth];
    if (had)
        indent(j);
    wd_buf_putc(&j->out, close);
    flush(j, 0);
}

static void j_open(wd_emit *e, const char *name)
{
    json_emit *j = (json_emit *)e;
    key(j, name);
    wd_buf_putc(&j->out, '{');
    push(j, 0);
}

static void j_close(wd_emit *e)
{
    pop((json_emit *)e, '}');
}

static void j_list(wd_emit *e, const char *name)
{
    json_emit *j = (json_emit *)e;
    key(j, name);
    wd_buf_putc(&j->out, '[');
    push(j, 1);
}

static void j_list_end(wd_emit *e)
{
    pop((json_emit *)e, ']');
}

static void j_attr(wd_emit *e, const char *name, const char *value, wd_vkind kind)
{
    json_emit *j = (json_emit *)e;
    key(j, name);
    if (kind == WD_V_STR)
        string(j, value);
    else
        wd_buf_puts(&j->out, value);
}

static void j_child(wd_emit *e, const char *name, const char *text)
{
    j_attr(e, name, text, WD_V_STR);
}

static int j_finish(wd_emit *e)
{
    json_emit *j = (json_emit *)e;
    while (!e->err && j->depth > 0)
        pop(j, j->is_array[j->depth - 1] ? ']' : '}');
    wd_buf_putc(&j->out, '\n');
    if (!e->err)
        flush(j, 1);
    return e->err;
}

static void j_destroy(wd_emit *e)
{
    json_emit *j = (json_emit *)e;
    wd_buf_free(&j->out);
    free(j);
}

int wd_emit_json_stream(wd_outfile *f, wd_emit **out)
{
    json_emit *j = calloc(1, sizeof *j);
    *out = NULL;
    if (!j)
        return wd_error_set(WD_ENOMEM, "out of memory starting the report JSON");
    j->base.open = j_open;
    j->base.close = j_close;
    j->base.list = j_list;
    j->base.list_end = j_list_end;
    j->base.attr = j_attr;
    j->base.child = j_child;
    j->base.content = j_child;
    j->base.finish = j_finish;
    j->base.destroy = j_destroy;
    j->f = f;
    *out = &j->base;
    return WD_OK;
}
