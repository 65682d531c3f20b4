/* kb_private.h - what kb.c, hrdecode.c, rules.c and explain.c share about the
 * loaded knowledge base: its parsed tables (codes, fixes, Win32 names) and
 * the parsed rules. Private to the report module. */
#ifndef WD_KB_PRIVATE_H
#define WD_KB_PRIVATE_H

#include "internal.h"

typedef struct wd_rules wd_rules;

typedef struct wd_kb_win32 {
    unsigned num;
    const char *name;
} wd_kb_win32;

struct wd_kb {
    char *codes_text, *fixes_text, *win32_text, *rules_text, *issues_text; /* owned, split in place */
    wd_kb_code *codes;                                       /* sorted by code */
    size_t ncodes;
    wd_kb_fix *fixes; /* in file order */
    size_t nfixes;
    wd_kb_win32 *win32; /* sorted by number */
    size_t nwin32;
    wd_rules *rules;
    wd_kb_issue *issues; /* in file order */
    size_t nissues;
};

/* The Win32 error name of num ("ERROR_FILE_NOT_FOUND"), or NULL. */
const char *wd_kb_win32_name(const wd_kb *kb, unsigned num);

/* Parses rules.txt text (modified in place and borrowed: keep it alive while
 * the rules are used). `file` names it in error messages. Free with
 * wd_rules_free. */
int wd_rules_parse(char *text, const char *file, wd_rules **out);
void wd_rules_free(wd_rules *r);
size_t wd_rules_count(const wd_rules *r);
/* Checks that every fix id the rules name exists in kb. */
int wd_rules_check(const wd_rules *r, const wd_kb *kb);

/* Splits text in place into lines; calls fn(ctx, line, lineno) for each one
 * (without the newline or a trailing CR). Stops at the first non-zero. */
int wd_kb_lines(char *text, int (*fn)(void *ctx, char *line, unsigned lineno), void *ctx);

#endif
