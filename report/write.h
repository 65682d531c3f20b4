/* write.h - private to the report writer (xml.c, xml_rows.c): the state of
 * one report being written through an emitter, and the sections each file
 * writes. The model is computed before; the writer only formats it and
 * streams rows from the store. */
#ifndef WD_REPORT_WRITE_H
#define WD_REPORT_WRITE_H

#include "emit.h"
#include "kb_private.h"

#define WD_REPORT_NS "urn:wudiag:report:1"
#define WD_REPORT_VERSION "2"

/* How much the summary (the document the stylesheet turns into HTML)
 * shows; the full report (--format xml, json) shows everything. */
enum {
    WD_SUM_FINDINGS = 100,
    WD_SUM_UPDATES = 150,
    WD_SUM_STREAMS = 100,
    WD_SUM_SERVICES = 60, /* services besides the update services */
    WD_SUM_TIMELINE = 300,
    WD_SUM_NOTES = 150,
    WD_SUM_SOURCES = 200,
    WD_CODE_SLOTS = 4096, /* distinct codes decoded (a power of two) */
    WD_MAX_CODES = 2048,
};

typedef struct wd_writer {
    wd_emit *e;
    const wd_model *m;
    const wd_kb *kb;
    const wd_report_options *o;
    int full;         /* everything, streamed; else the bounded summary */
    wd_buf tmp, tmp2; /* scratch for composed text */
    /* the distinct codes the report names, decoded once at its end */
    uint32_t code_slot[WD_CODE_SLOTS];
    unsigned char code_used[WD_CODE_SLOTS];
    size_t ncodes, codes_dropped;
    size_t shown_findings; /* findings written (causes point only at them) */
} wd_writer;

/* Notes a code for the codes section. */
void wd_writer_code(wd_writer *w, uint32_t code);
/* Writes one cited row (a typed reference) as an <evidence> element with
 * its label ("WindowsUpdate.log line 2665"); resolve = 0 writes the
 * reference alone (the full report's timeline holds the row). */
void wd_writer_evidence(wd_writer *w, wd_ref ref, int resolve);
/* The last component of a path ("System.evtx"). */
const char *wd_writer_base(const char *path);
/* Appends the label of an evidence location to out. */
void wd_writer_loc_label(const wd_evidence_loc *l, wd_buf *out);

/* The journal of the last `wudiag fix` run this snapshot can see, after
 * the known issues (xml_fix.c); no section when there is none. */
int wd_write_fix_journal(wd_writer *w);

/* The sections of xml_rows.c, in document order after the fixes. */
int wd_write_subjects(wd_writer *w);
void wd_write_services(wd_writer *w);
void wd_write_facts(wd_writer *w);
int wd_write_timeline(wd_writer *w);
void wd_write_notes(wd_writer *w);
void wd_write_sources(wd_writer *w);
void wd_write_codes(wd_writer *w);

#endif
