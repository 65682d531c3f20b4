/* html.c - the XSLT step: applies templates/report.xsl or history.xsl (the
 * embedded copy, or a user's --template file) to a report document with
 * libxslt, with file and network access forbidden to the stylesheet. */
#include "render.h"

#include <libxml/parser.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include <stdlib.h>

/* Parses the stylesheet: a file when path is set, else the embedded text. */
static int load_stylesheet(const char *path, const unsigned char *tpl, size_t tpl_len,
                           xsltStylesheetPtr *out)
{
    int opts = XML_PARSE_NONET | XML_PARSE_NOCDATA;
    xmlDocPtr sdoc = path
                         ? xmlReadFile(path, NULL, opts)
                         : xmlReadMemory((const char *)tpl, (int)tpl_len, "report.xsl", NULL, opts);
    *out = NULL;
    if (!sdoc)
        return wd_error_set(WD_EFORMAT, "cannot read the stylesheet: %s",
                            path ? path : "(embedded)");
    *out = xsltParseStylesheetDoc(sdoc); /* owns sdoc from here */
    if (!*out) {
        xmlFreeDoc(sdoc);
        return wd_error_set(WD_EFORMAT, "not a usable XSLT stylesheet: %s",
                            path ? path : "(embedded)");
    }
    return WD_OK;
}

static xsltSecurityPrefsPtr locked_prefs(void)
{
    xsltSecurityPrefsPtr p = xsltNewSecurityPrefs();
    if (!p)
        return NULL;
    xsltSecurityOption opts[] = {XSLT_SECPREF_READ_FILE, XSLT_SECPREF_WRITE_FILE,
                                 XSLT_SECPREF_CREATE_DIRECTORY, XSLT_SECPREF_READ_NETWORK,
                                 XSLT_SECPREF_WRITE_NETWORK};
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
        xsltSetSecurityPrefs(p, opts[i], xsltSecurityForbid);
    return p;
}

int wd_xslt_apply(void *doc, const char *template_path, const unsigned char *tpl, size_t tpl_len,
                  char **out, size_t *outlen)
{
    xsltStylesheetPtr style = NULL;
    xsltTransformContextPtr ctxt = NULL;
    xsltSecurityPrefsPtr prefs = NULL;
    xmlDocPtr res = NULL;
    xmlChar *mem = NULL;
    int len = 0, rc;
    *out = NULL;
    *outlen = 0;
    rc = load_stylesheet(template_path, tpl, tpl_len, &style);
    if (rc)
        goto cleanup;
    ctxt = xsltNewTransformContext(style, doc);
    prefs = locked_prefs();
    if (!ctxt || !prefs || xsltSetCtxtSecurityPrefs(prefs, ctxt)) {
        rc = wd_error_set(WD_ENOMEM, "out of memory preparing the stylesheet");
        goto cleanup;
    }
    res = xsltApplyStylesheetUser(style, doc, NULL, NULL, NULL, ctxt);
    if (!res || ctxt->state != XSLT_STATE_OK) {
        rc = wd_error_set(WD_EFORMAT, "the stylesheet failed on this report: %s",
                          template_path ? template_path : "(embedded)");
        goto cleanup;
    }
    if (xsltSaveResultToString(&mem, &len, res, style) || len < 0) {
        rc = wd_error_set(WD_ENOMEM, "out of memory writing the HTML");
        goto cleanup;
    }
    *out = mem ? wd_strndup((const char *)mem, (size_t)len) : wd_strdup("");
    rc = *out ? WD_OK : WD_ENOMEM;
    *outlen = *out ? (size_t)len : 0;
cleanup:
    xmlFree(mem);
    xmlFreeDoc(res);
    xsltFreeTransformContext(ctxt);
    xsltFreeSecurityPrefs(prefs);
    xsltFreeStylesheet(style);
    return rc;
}
