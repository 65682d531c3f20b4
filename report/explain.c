/* explain.c - `wudiag explain CODE`: a failure code in any notation turned
 * into text: symbol, component, meaning, our likely causes, and the fix
 * procedures in order with their steps; decoded parts when not in the KB. */
#include "kb_private.h"

#include <string.h>

static const char *os_label(const char *os)
{
    return !strcmp(os, "10") ? "(Windows 10) " : !strcmp(os, "11") ? "(Windows 11) " : "";
}

static void put_fix(wd_buf *out, const wd_kb_fix *fx, int n)
{
    wd_buf_printf(out, "  %d. %s  [%s%s]\n", n, fx->title, fx->id,
                  fx->admin ? ", needs an administrator" : "");
    for (size_t i = 0; i < fx->nsteps; i++)
        wd_buf_printf(out, "     - %s%s\n", os_label(fx->steps[i].os), fx->steps[i].text);
    wd_buf_printf(out, "     Why: %s\n", fx->why);
    if (fx->risk[0])
        wd_buf_printf(out, "     Cost/risk: %s\n", fx->risk);
}

/* The fixes of a comma list, numbered. */
static void put_fixes(wd_buf *out, const wd_kb *kb, const char *list)
{
    int n = 0;
    const char *p = list;
    while (*p) {
        size_t len = strcspn(p, ",");
        char id[64];
        if (len && len < sizeof id) {
            memcpy(id, p, len);
            id[len] = '\0';
            const wd_kb_fix *fx = wd_kb_fix_find(kb, id);
            if (fx) {
                if (!n)
                    wd_buf_puts(out, "\nFixes, in the order to try them:\n");
                put_fix(out, fx, ++n);
            }
        }
        p += len;
        if (*p == ',')
            p++;
    }
}

/* The Windows Update agent part a 0x8024xxxx code comes from (its 4th hex
 * digit, as wuerror.h groups them). */
static const char *wu_part(uint32_t hr)
{
    static const char *parts[16] = {"general",
                                    "Windows Installer (MSI)",
                                    "update handler",
                                    "user interface",
                                    "protocol talker (client-server communication)",
                                    "redirector / service-initiated healing",
                                    "download manager",
                                    "offline scan / metadata integrity",
                                    "data store",
                                    "inventory",
                                    "Automatic Updates / Update Orchestrator",
                                    "task, SLS, trust or evaluator",
                                    "driver utility",
                                    "agent setup (self-update)",
                                    "expression evaluator",
                                    "reporter"};
    return parts[(hr >> 12) & 0xF];
}

static void put_decoded(wd_buf *out, const wd_kb *kb, uint32_t hr)
{
    wd_hr_decoded d;
    wd_hr_decode(kb, hr, &d);
    wd_buf_printf(out, "Decoded:    %s, facility %u", d.failure ? "failure" : "success",
                  d.facility);
    if (d.facility_name[0])
        wd_buf_printf(out, " (%s)", d.facility_name);
    wd_buf_printf(out, ", code %u (0x%04X)\n", d.code, d.code);
    if (d.facility == 0x24)
        wd_buf_printf(out, "WU part:    %s\n", wu_part(hr));
    if (d.is_win32 || hr <= 0xFFFF)
        wd_buf_printf(out, "Win32:      error %u%s%s\n", d.code, d.win32_name[0] ? " " : "",
                      d.win32_name);
}

int wd_report_explain(const char *code, const char *kb_dir, wd_buf *out)
{
    uint32_t hr;
    if (wd_hresult_parse(code, &hr))
        return wd_error_set(WD_EUSAGE,
                            "'%s' is not a failure code (try 0x80070002, "
                            "80070002 or -2147024894)",
                            code ? code : "");
    wd_kb *kb = NULL;
    int rc = wd_kb_load(kb_dir, &kb);
    if (rc)
        return rc;
    char hex[11];
    wd_hresult_format(hr, hex);
    const wd_kb_code *k = wd_kb_code_find(kb, hr);
    wd_buf_printf(out, "%s  %s\n", hex, k && k->symbol[0] ? k->symbol : "");
    wd_buf_printf(out, "Decimal:    %u (signed %d)\n", (unsigned)hr, (int)(int32_t)hr);
    if (k) {
        wd_buf_printf(out, "Component:  %s\nMeaning:    %s\n", k->component, k->meaning);
        put_decoded(out, kb, hr);
        if (k->causes[0])
            wd_buf_printf(out, "\nLikely causes:\n  %s\n", k->causes);
        put_fixes(out, kb, k->fixes);
    } else {
        put_decoded(out, kb, hr);
        wd_buf_puts(out, "\nThis code is not in wudiag's knowledge base; the parts above are "
                         "decoded from its bits.\n");
    }
    wd_kb_free(kb);
    if (!wd_buf_ok(out))
        return wd_error_set(WD_ENOMEM, "out of memory explaining %s", hex);
    return k ? 0 : 1;
}
