/* emit_xml.c - the XML emitter: libxml2's xmlTextWriter, either streaming
 * to a report file (memory flat whatever the size of the report) or
 * building an in-memory document for the stylesheet. Elements and
 * attributes as the writer calls them; lists leave no trace. */
#include "emit.h"

#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlwriter.h>

#include <stdlib.h>
#include <string.h>

typedef struct xml_emit {
    wd_emit base;
    xmlTextWriterPtr w;
    xmlDocPtr doc; /* tree mode: the document being built */
    wd_outfile *f; /* stream mode: where it goes (borrowed) */
    const char *ns;
    int depth;
} xml_emit;

static void check(xml_emit *x, int rc)
{
    if (rc < 0)
        wd_em_fail(&x->base, wd_error_set(WD_EIO, "cannot write the report XML%s",
                                          x->f ? " (the file could not be written)" : ""));
}

static void x_open(wd_emit *e, const char *name)
{
    xml_emit *x = (xml_emit *)e;
    const xmlChar *n = (const xmlChar *)name;
    check(x, x->depth++ ? xmlTextWriterStartElement(x->w, n)
                        : xmlTextWriterStartElementNS(x->w, NULL, n, (const xmlChar *)x->ns));
}

static void x_close(wd_emit *e)
{
    xml_emit *x = (xml_emit *)e;
    x->depth--;
    check(x, xmlTextWriterEndElement(x->w));
}

static void x_list(wd_emit *e, const char *key)
{
    (void)e, (void)key;
}

static void x_list_end(wd_emit *e)
{
    (void)e;
}

static void x_attr(wd_emit *e, const char *name, const char *value, wd_vkind kind)
{
    (void)kind;
    check((xml_emit *)e, xmlTextWriterWriteAttribute(((xml_emit *)e)->w, (const xmlChar *)name,
                                                     (const xmlChar *)value));
}

static void x_child(wd_emit *e, const char *name, const char *text)
{
    check((xml_emit *)e, xmlTextWriterWriteElement(((xml_emit *)e)->w, (const xmlChar *)name,
                                                   (const xmlChar *)text));
}

static void x_content(wd_emit *e, const char *key, const char *text)
{
    (void)key;
    check((xml_emit *)e, xmlTextWriterWriteString(((xml_emit *)e)->w, (const xmlChar *)text));
}

static int x_finish(wd_emit *e)
{
    xml_emit *x = (xml_emit *)e;
    if (!e->err)
        check(x, xmlTextWriterEndDocument(x->w));
    if (!e->err)
        check(x, xmlTextWriterFlush(x->w));
    return e->err;
}

static void x_destroy(wd_emit *e)
{
    xml_emit *x = (xml_emit *)e;
    if (x->w)
        xmlFreeTextWriter(x->w);
    if (x->doc)
        xmlFreeDoc(x->doc);
    free(x);
}

static xml_emit *x_new(const char *ns)
{
    xml_emit *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->base.open = x_open;
    x->base.close = x_close;
    x->base.list = x_list;
    x->base.list_end = x_list_end;
    x->base.attr = x_attr;
    x->base.child = x_child;
    x->base.content = x_content;
    x->base.finish = x_finish;
    x->base.destroy = x_destroy;
    x->ns = ns;
    return x;
}

/* ---------------------------------------------------------------- sinks */

static int out_write(void *ctx, const char *data, int len)
{
    return wd_outfile_write(ctx, data, (size_t)len) ? -1 : len;
}

static int out_close(void *ctx)
{
    (void)ctx;
    return 0;
}

static int start(xml_emit *x, wd_emit **out)
{
    if (!x->w || xmlTextWriterStartDocument(x->w, NULL, "UTF-8", NULL) < 0) {
        wd_emit_free(&x->base);
        return wd_error_set(WD_ENOMEM, "out of memory starting the report XML");
    }
    *out = &x->base;
    return WD_OK;
}

int wd_emit_xml_stream(wd_outfile *f, const char *ns, wd_emit **out)
{
    xml_emit *x = x_new(ns);
    *out = NULL;
    if (!x)
        return wd_error_set(WD_ENOMEM, "out of memory starting the report XML");
    x->f = f;
    xmlOutputBufferPtr buf = xmlOutputBufferCreateIO(out_write, out_close, f, NULL);
    x->w = buf ? xmlNewTextWriter(buf) : NULL; /* owns buf */
    if (buf && !x->w)
        xmlOutputBufferClose(buf);
    if (x->w) {
        xmlTextWriterSetIndent(x->w, 1);
        xmlTextWriterSetIndentString(x->w, (const xmlChar *)"  ");
    }
    return start(x, out);
}

int wd_emit_xml_tree(const char *ns, wd_emit **out)
{
    xml_emit *x = x_new(ns);
    *out = NULL;
    if (!x)
        return wd_error_set(WD_ENOMEM, "out of memory starting the report XML");
    x->w = xmlNewTextWriterDoc(&x->doc, 0);
    return start(x, out);
}

void *wd_emit_xml_doc(wd_emit *e)
{
    xml_emit *x = (xml_emit *)e;
    xmlDocPtr doc = x->doc;
    if (x->w) { /* the writer must be gone before the document is used */
        xmlFreeTextWriter(x->w);
        x->w = NULL;
    }
    x->doc = NULL;
    return doc;
}

/* ----------------------------------------------------------- documents */

void wd_xml_doc_free(void *doc)
{
    if (doc)
        xmlFreeDoc(doc);
}

int wd_xml_doc_dump(void *doc, char **out, size_t *outlen)
{
    xmlChar *mem = NULL;
    int len = 0;
    *out = NULL;
    *outlen = 0;
    xmlDocDumpFormatMemoryEnc(doc, &mem, &len, "UTF-8", 1);
    if (!mem || len < 0)
        return wd_error_set(WD_ENOMEM, "out of memory writing the report XML");
    *out = wd_strndup((const char *)mem, (size_t)len);
    xmlFree(mem);
    if (!*out)
        return WD_ENOMEM;
    *outlen = (size_t)len;
    return WD_OK;
}
