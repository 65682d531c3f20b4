/* activity.c - the names of the activity vocabulary (records.h): the text
 * the store keeps and rules and SQL use for operations, outcomes, update
 * kinds and note kinds, and the way back from text. */
#include "common.h"

#include <ctype.h>
#include <string.h>

static const char *const op_names[WD_OP_COUNT] = {
    [WD_OP_UNKNOWN] = "unknown",
    [WD_OP_SCAN] = "scan",
    [WD_OP_DOWNLOAD] = "download",
    [WD_OP_INSTALL] = "install",
    [WD_OP_UNINSTALL] = "uninstall",
    [WD_OP_COMMIT] = "commit",
    [WD_OP_REVERT] = "revert",
    [WD_OP_SELF_UPDATE] = "self-update",
    [WD_OP_SERVICING] = "servicing",
    [WD_OP_REPAIR] = "repair",
    [WD_OP_VERIFY] = "verify",
    [WD_OP_SFC] = "sfc",
    [WD_OP_FEATURE] = "feature",
    [WD_OP_FEATURE_UPDATE] = "feature-update",
    [WD_OP_SERVICE_START] = "service-start",
    [WD_OP_SERVICE_CRASH] = "service-crash",
    [WD_OP_SERVICE_CHANGE] = "service-change",
    [WD_OP_REBOOT] = "reboot",
    [WD_OP_BOOT] = "boot",
    [WD_OP_SHUTDOWN] = "shutdown",
    [WD_OP_POLICY] = "policy",
};

static const char *const outcome_names[WD_OUT_COUNT] = {
    [WD_OUT_UNKNOWN] = "unknown",
    [WD_OUT_SUCCEEDED] = "succeeded",
    [WD_OUT_FAILED] = "failed",
    [WD_OUT_PENDING_REBOOT] = "pending-reboot",
    [WD_OUT_CANCELLED] = "cancelled",
    [WD_OUT_IN_PROGRESS] = "in-progress",
    [WD_OUT_TRACE] = "trace",
};

static const char *const product_names[WD_PRODUCT_COUNT] = {
    [WD_PRODUCT_UNKNOWN] = "unknown",
    [WD_PRODUCT_OS_CUMULATIVE] = "os-cumulative",
    [WD_PRODUCT_SERVICING_STACK] = "servicing-stack",
    [WD_PRODUCT_DOTNET] = "dotnet",
    [WD_PRODUCT_DEFENDER] = "defender",
    [WD_PRODUCT_STORE_APP] = "store-app",
    [WD_PRODUCT_DRIVER] = "driver",
    [WD_PRODUCT_OFFICE] = "office",
    [WD_PRODUCT_FEATURE_UPDATE] = "feature-update",
    [WD_PRODUCT_MSRT] = "msrt",
    [WD_PRODUCT_OS_OTHER] = "os-other",
    [WD_PRODUCT_OTHER] = "other",
};

static const char *const note_kind_names[] = {
    [WD_NOTE_INFO] = "info",
    [WD_NOTE_PARTIAL] = "partial",
    [WD_NOTE_UNREADABLE] = "unreadable",
    [WD_NOTE_LIMIT] = "limit",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *name_of(const char *const *names, size_t n, int v)
{
    return v >= 0 && (size_t)v < n && names[v] ? names[v] : names[0];
}

static int parse(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (names[i] && strcmp(names[i], name) == 0)
            return (int)i;
    return 0;
}

const char *wd_op_name(wd_op op)
{
    return name_of(op_names, COUNT(op_names), (int)op);
}

wd_op wd_op_parse(const char *name)
{
    return (wd_op)parse(op_names, COUNT(op_names), name);
}

const char *wd_outcome_name(wd_outcome o)
{
    return name_of(outcome_names, COUNT(outcome_names), (int)o);
}

wd_outcome wd_outcome_parse(const char *name)
{
    return (wd_outcome)parse(outcome_names, COUNT(outcome_names), name);
}

const char *wd_product_name(wd_product p)
{
    return name_of(product_names, COUNT(product_names), (int)p);
}

wd_product wd_product_parse(const char *name)
{
    return (wd_product)parse(product_names, COUNT(product_names), name);
}

const char *wd_note_kind_name(wd_note_kind k)
{
    return name_of(note_kind_names, COUNT(note_kind_names), (int)k);
}

wd_note_kind wd_note_kind_parse(const char *name)
{
    return (wd_note_kind)parse(note_kind_names, COUNT(note_kind_names), name);
}

int wd_update_id_normalize(const char *s, char out[WD_GUID_MAX])
{
    static const int group[] = {8, 4, 4, 4, 12};
    if (!s)
        return 0;
    while (*s == ' ' || *s == '{')
        s++;
    size_t o = 0;
    for (size_t g = 0; g < sizeof group / sizeof group[0]; g++) {
        if (g) {
            if (*s != '-')
                return 0;
            out[o++] = *s++;
        }
        for (int i = 0; i < group[g]; i++, s++) {
            if (!isxdigit((unsigned char)*s))
                return 0;
            out[o++] = (char)toupper((unsigned char)*s);
        }
    }
    if (isxdigit((unsigned char)*s) || *s == '-')
        return 0; /* longer than a GUID */
    out[o] = '\0';
    return 1;
}
