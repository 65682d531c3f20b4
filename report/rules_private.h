/* rules_private.h - the parsed form of rules.txt shared by the parser
 * (rules.c) and the evaluator (rules_eval.c). A rule picks items from one
 * source, filters them, groups them, and turns each group into a finding. */
#ifndef WD_RULES_PRIVATE_H
#define WD_RULES_PRIVATE_H

#include "kb_private.h"

enum { WD_R_MAX_CONDS = 12, WD_R_MAX_SMALL = 4 };

typedef enum rule_src {
    SRC_SERVICES,   /* service rows */
    SRC_MISSING,    /* update services a complete listing lacks */
    SRC_SUBJECTS,   /* updates and streams with their current state */
    SRC_FAILURES,   /* failed activities, each with its state */
    SRC_ACTIVITIES, /* every activity that is not trace */
    SRC_FACTS,      /* fact rows */
    SRC_ONCE,       /* a single empty item: rules over global figures */
    SRC_COUNT
} rule_src;

typedef enum rule_op {
    OP_EQ,
    OP_NE,
    OP_IN,
    OP_NOTIN,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_EXISTS,
    OP_MISSING,
    OP_GLOB,
} rule_op;

/* "FIELD OP VALUE": value is the raw text (a list for in/not-in). */
typedef struct rule_cond {
    const char *field;
    rule_op op;
    const char *value;
} rule_cond;

typedef struct rule_escalate {
    rule_cond cond;
    const char *severity;
    const char *fixes; /* appended to the rule's fixes; may be NULL */
} rule_escalate;

typedef struct rule {
    const char *id;
    unsigned line;
    rule_src src;
    rule_cond where[WD_R_MAX_CONDS];
    size_t nwhere;
    const char *group_by;           /* NULL: one finding per item; "all"; fields */
    rule_cond having[WD_R_MAX_SMALL];
    size_t nhaving;
    rule_cond ifs[WD_R_MAX_SMALL]; /* over global figures */
    size_t nifs;
    int has_attach;
    rule_src attach_src;
    rule_cond attach;                 /* rows of attach_src cited as evidence */
    const char *cite[WD_R_MAX_SMALL]; /* fact keys cited as evidence */
    size_t ncite;
    const char *severity, *title, *explain, *fixes, *fixes_managed;
    const char *explains_codes; /* effects: findings citing only these codes */
    const char *explains_rules; /* effects: findings of these rules */
    const char *state;          /* "current" (default) or "resolved" */
    rule_escalate esc[WD_R_MAX_SMALL];
    size_t nesc;
} rule;

typedef struct rule_set {
    const char *name;
    const char *list;
} rule_set;

struct wd_rules {
    rule *rules;
    size_t n, cap;
    rule_set *sets;
    size_t nsets, setcap;
};

/* Severity rank: critical 4, error 3, warning 2, info 1, else 0. */
int wd_rules_severity_rank(const char *s);
/* The list of a named set ("network" for "@network"), or NULL. */
const char *wd_rules_set(const wd_rules *r, const char *name);
/* Whether v is in a comma list of values, "lo-hi" numeric ranges and @sets
 * (numbers compare as numbers, codes in any notation, text ignoring case). */
int wd_rules_in_list(const wd_rules *r, const char *v, const char *list);

/* After the rules: links causes to effects, puts the fixes the evidence
 * shows already failed after what to do instead, applies known issues,
 * ranks causes before effects, and sets the verdict (judge.c). */
typedef struct wd_judge_input {
    int op_failed[WD_OP_COUNT]; /* failures of an operation since its last success */
    int incomplete;             /* evidence given was not read or was cut */
    int restart_pending;        /* a fact or an update's state says a restart is due */
} wd_judge_input;
int wd_judge(const wd_kb *kb, wd_model *m, const wd_judge_input *in);

#endif
