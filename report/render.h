/* render.h - private to the report renderer: the report handle shared by
 * report.c, html.c and history.c, the XSLT step and the atomic file
 * writer. Nothing here is visible outside report/. */
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

/* A report file being written (outfile.c): to a temporary name in the
 * target's folder, renamed over the target by commit; "-" is standard
 * output. abort (NULL-safe) removes the temporary file. Both free f. */
typedef struct wd_outfile wd_outfile;
int wd_outfile_open(const char *path, wd_outfile **out);
int wd_outfile_write(wd_outfile *f, const char *data, size_t len);
int wd_outfile_commit(wd_outfile *f);
void wd_outfile_abort(wd_outfile *f);

/* Applies an XSLT stylesheet to doc with file and network access forbidden.
 * The stylesheet is template_path when not NULL, else the embedded text
 * (tpl, tpl_len). The HTML text goes to *out (free()) and *outlen. */
int wd_xslt_apply(void *doc, const char *template_path, const unsigned char *tpl, size_t tpl_len,
                  char **out, size_t *outlen);

/* Writes data to path through a temporary file in the same folder and a
 * rename ("-" writes to stdout). */
int wd_write_atomic(const char *path, const char *data, size_t len);

/* The first fix to try (xml.c): the first fix the evidence does not show
 * failed, of the first current finding that has one; *idx (may be NULL)
 * gets the finding. NULL when nothing current calls for a fix. */
const char *wd_model_first_fix(const wd_model *m, size_t *idx);

/* Writes the full report (every subject and activity, streamed from the
 * store: memory flat whatever the evidence) as "xml" or "json" to path. */
int wd_report_stream(const wd_model *m, const wd_kb *kb, const wd_report_options *o,
                     const char *format, const char *path);

/* Serialises an XML document (void * = xmlDocPtr) as indented UTF-8. */
int wd_xml_doc_dump(void *doc, char **out, size_t *outlen);

/* Appends s to out with characters XML 1.0 does not allow removed and
 * invalid UTF-8 replaced by U+FFFD. */
void wd_xml_clean(const char *s, wd_buf *out);

#endif
