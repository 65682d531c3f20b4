/* render.h - private to the report renderer: the report handle shared by
 * report.c, html.c and history.c, redaction of a model, the XSLT step and
 * the atomic file writer. Nothing here is visible outside report/. */
#ifndef WD_REPORT_RENDER_H
#define WD_REPORT_RENDER_H

#include "internal.h"

#include <stddef.h>

/* The embedded templates (cmake/Embed.cmake, NUL-terminated). */
extern const unsigned char wd_tpl_report_xsl[];
extern const size_t wd_tpl_report_xsl_len;
extern const unsigned char wd_tpl_history_xsl[];
extern const size_t wd_tpl_history_xsl_len;
extern const unsigned char wd_tpl_report_xsd[];
extern const size_t wd_tpl_report_xsd_len;

/* Replaces machine names, user names and SIDs in every string of m (and in
 * the strings of *opts_strings, NULL-terminated array of owned strings that
 * may be replaced) with stable placeholders MACHINE-n, USER-n, SID-n. */
int wd_redact_model(wd_model *m, char **extra[], size_t nextra);

/* Applies an XSLT stylesheet to doc with file and network access forbidden.
 * The stylesheet is template_path when not NULL, else the embedded text
 * (tpl, tpl_len). The HTML text goes to *out (free()) and *outlen. */
int wd_xslt_apply(void *doc, const char *template_path, const unsigned char *tpl, size_t tpl_len,
                  char **out, size_t *outlen);

/* Writes data to path through a temporary file in the same folder and a
 * rename ("-" writes to stdout). */
int wd_write_atomic(const char *path, const char *data, size_t len);

/* Serialises an XML document (void * = xmlDocPtr) as indented UTF-8. */
int wd_xml_doc_dump(void *doc, char **out, size_t *outlen);

/* Appends s to out with characters XML 1.0 does not allow removed and
 * invalid UTF-8 replaced by U+FFFD. */
void wd_xml_clean(const char *s, wd_buf *out);

#endif
