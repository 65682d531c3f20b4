/* emit.h - private to the report module: the one interface the report's
 * content is written through, with an XML implementation (libxml2's
 * xmlTextWriter, streamed to a file or built into an in-memory document)
 * and a JSON one, and the redactor every evidence string passes through.
 * The writer says what to write; the emitter decides how it looks. */
#ifndef WD_REPORT_EMIT_H
#define WD_REPORT_EMIT_H

#include "render.h"

#include <stdint.h>

/* ------------------------------------------------------------- redactor */

/* Replaces what identifies a customer - machine, user, domain and internal
 * host names, IPv4/IPv6 and e-mail addresses, account SIDs - with stable
 * placeholders (MACHINE-1, USER-1, DOMAIN-1, HOST-1, IP-1, EMAIL-1, SID-1).
 * Names are learned first; patterns (addresses, SIDs, profile folders,
 * URLs, DOMAIN\user) are also replaced wherever they appear. Memory is
 * bounded: at most WD_REDACT_MAX names are remembered. */
typedef struct wd_redactor wd_redactor;
enum { WD_REDACT_MAX = 4096 };

int wd_redactor_new(wd_redactor **out);
void wd_redactor_free(wd_redactor *r); /* NULL-safe */
/* Learning: a machine (and the labels of its FQDN), a user, an account
 * value ("DOMAIN\user", "user", "user@domain"), a host or URL, or free text
 * scanned for profile folders, DOMAIN\user of known domains, URLs, bundle
 * names (wudiag-evidence-<MACHINE>-<time>) and FQDNs of known domains. */
void wd_redact_learn_machine(wd_redactor *r, const char *name);
void wd_redact_learn_user(wd_redactor *r, const char *name);
void wd_redact_learn_account(wd_redactor *r, const char *value);
void wd_redact_learn_hosts(wd_redactor *r, const char *text);
void wd_redact_learn_text(wd_redactor *r, const char *text);
/* Learns from a model and its snapshot: the machine, the computers, facts,
 * services, notes, sources, the stored and given command lines and paths,
 * then every event (account fields, computers) and activity (free text) of
 * the snapshot, streamed. */
int wd_redact_learn_report(wd_redactor *r, const wd_model *m, const wd_report_options *o);
/* Appends s to out with everything learned or recognised replaced. */
void wd_redact_apply(wd_redactor *r, const char *s, wd_buf *out);
/* Non-zero when learning ran out of memory. */
int wd_redact_failed(const wd_redactor *r);

/* -------------------------------------------------------------- emitter */

typedef enum wd_vkind { WD_V_STR, WD_V_NUM, WD_V_BOOL } wd_vkind;

/* An emitter: elements that become JSON objects, attributes that become
 * members, lists that are repeated elements in XML and arrays in JSON. The
 * calls below never fail on their own: the first error is kept in err and
 * every later call does nothing. */
typedef struct wd_emit wd_emit;
struct wd_emit {
    /* the implementation */
    void (*open)(wd_emit *e, const char *name); /* element / object */
    void (*close)(wd_emit *e);
    void (*list)(wd_emit *e, const char *key); /* JSON array; nothing in XML */
    void (*list_end)(wd_emit *e);
    void (*attr)(wd_emit *e, const char *name, const char *value, wd_vkind kind);
    void (*child)(wd_emit *e, const char *name, const char *text);  /* text element */
    void (*content)(wd_emit *e, const char *key, const char *text); /* element text */
    int (*finish)(wd_emit *e); /* ends the document and flushes it */
    void (*destroy)(wd_emit *e);
    /* shared */
    wd_redactor *redact; /* borrowed; NULL: no redaction */
    wd_buf clean, red;   /* scratch for cleaning and redacting */
    int err;
};

/* A streamed XML document to f (borrowed; the caller commits it), its root
 * element in namespace ns (static). */
int wd_emit_xml_stream(wd_outfile *f, const char *ns, wd_emit **out);
/* An in-memory XML document; after finish, wd_emit_xml_doc hands it over
 * (an xmlDocPtr as void *, free with wd_xml_doc_free). */
int wd_emit_xml_tree(const char *ns, wd_emit **out);
void *wd_emit_xml_doc(wd_emit *e);
/* A streamed JSON document to f (borrowed). */
int wd_emit_json_stream(wd_outfile *f, wd_emit **out);
void wd_emit_free(wd_emit *e); /* NULL-safe */

/* What the writer calls. Text given as NULL writes nothing. str, text and
 * content (any text, the knowledge base's too) are cleaned for XML 1.0 and
 * redacted; sym is our own vocabulary (ids, enumerations, codes), only
 * cleaned. */
void wd_em_open(wd_emit *e, const char *name);
void wd_em_close(wd_emit *e);
void wd_em_list(wd_emit *e, const char *key);
void wd_em_list_end(wd_emit *e);
void wd_em_str(wd_emit *e, const char *name, const char *value);
void wd_em_sym(wd_emit *e, const char *name, const char *value);
void wd_em_i64(wd_emit *e, const char *name, int64_t v);
void wd_em_bool(wd_emit *e, const char *name, int v);
void wd_em_code(wd_emit *e, const char *name, uint32_t code); /* "0x80070002" */
void wd_em_text(wd_emit *e, const char *name, const char *text);
void wd_em_content(wd_emit *e, const char *key, const char *text);
/* Records a failure (a store error while streaming) once. */
void wd_em_fail(wd_emit *e, int rc);

#endif
