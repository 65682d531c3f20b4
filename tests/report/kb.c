/* kb.c - the knowledge base: the embedded codes, fixes and Win32 names load
 * and agree with each other, any HRESULT decodes into named parts, and a
 * --kb folder overrides the files it has. */
#include "rules_private.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static wd_kb *load(const char *dir)
{
    wd_kb *kb = NULL;
    cr_assert_eq(wd_kb_load(dir, &kb), 0, "%s", wd_error_last());
    return kb;
}

Test(report_kb, embedded_codes_cover_the_reference_table)
{
    wd_kb *kb = load(NULL);
    cr_assert_eq(kb->ncodes, 1101); /* every row of tests/data/reference/error-codes.csv */
    const wd_kb_code *c = wd_kb_code_find(kb, 0x80070002);
    cr_assert_not_null(c);
    cr_assert_str_eq(c->symbol, "ERROR_FILE_NOT_FOUND");
    cr_assert_str_eq(c->component, "Win32 (HRESULT_FROM_WIN32)");
    cr_assert_str_eq(c->meaning, "The system cannot find the file specified.");
    cr_assert_neq(c->causes[0], '\0');
    cr_assert_eq(strncmp(c->fixes, "restart-services,troubleshooter,reset-components", 48), 0);
    c = wd_kb_code_find(kb, 0x8024402C);
    cr_assert_str_eq(c->symbol, "WU_E_PT_WINHTTP_NAME_NOT_RESOLVED");
    cr_assert_eq(strncmp(c->fixes, "check-network", 13), 0);
    cr_assert_null(wd_kb_code_find(kb, 0x8007ABCD));
    wd_kb_free(kb);
}

Test(report_kb, common_codes_have_our_causes_and_fixes)
{
    static const uint32_t common[] = {
        0x80070002, 0x80070003, 0x80070005, 0x8007000E, 0x80070020, 0x80070422, 0x80070643,
        0x800705B4, 0x80073712, 0x800F081F, 0x800F0922, 0x800F0831, 0x8024402C, 0x80244022,
        0x8024A105, 0x80240034, 0xC1900101, 0x80240FFF, 0x8024002E, 0x80072EE2, 0x80072EFD,
        0x80072F8F, 0x8007000D, 0x800736CC, 0x800705B9, 0x80070246, 0x8007370D, 0x8007370B,
        0x8007370A, 0x80070057, 0x800B0100, 0x80092003, 0x800B0101, 0x8007371B, 0x80070490,
        0x800F0984, 0x800F0986, 0x800F0982, 0x80070070, 0x800F0823, 0x80070BC9};
    wd_kb *kb = load(NULL);
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++) {
        const wd_kb_code *c = wd_kb_code_find(kb, common[i]);
        cr_assert_not_null(c, "0x%08X missing", common[i]);
        cr_assert(c->causes[0] && c->fixes[0], "0x%08X has no causes or fixes", common[i]);
    }
    cr_assert_eq(strncmp(wd_kb_code_find(kb, 0x80070422)->fixes, "enable-service", 14), 0);
    cr_assert_eq(strncmp(wd_kb_code_find(kb, 0x80073712)->fixes, "repair-image", 12), 0);
    wd_kb_free(kb);
}

Test(report_kb, every_fix_a_code_names_exists)
{
    wd_kb *kb = load(NULL);
    for (size_t i = 0; i < kb->ncodes; i++) {
        char list[512];
        snprintf(list, sizeof list, "%s", kb->codes[i].fixes);
        for (char *id = strtok(list, ","); id; id = strtok(NULL, ","))
            cr_assert_not_null(wd_kb_fix_find(kb, id), "0x%08X names unknown fix %s",
                               kb->codes[i].code, id);
    }
    wd_kb_free(kb);
}

Test(report_kb, fixes_are_complete_and_the_documented_first_steps_come_first)
{
    wd_kb *kb = load(NULL);
    cr_assert_geq(kb->nfixes, 20);
    cr_assert_str_eq(kb->fixes[0].id, "restart-services");
    cr_assert_str_eq(kb->fixes[1].id, "troubleshooter");
    for (size_t i = 0; i < kb->nfixes; i++) {
        const wd_kb_fix *f = &kb->fixes[i];
        cr_assert(f->title[0] && f->why[0] && f->risk[0] && f->nsteps, "fix %s", f->id);
    }
    const wd_kb_fix *r = wd_kb_fix_find(kb, "restart-services");
    cr_assert_not_null(strstr(r->steps[0].text, "services.msc"));
    cr_assert_not_null(strstr(r->steps[1].text, "Update Orchestrator Service"));
    cr_assert_not_null(strstr(r->steps[1].text, "choose Start"));
    cr_assert(r->admin);
    const wd_kb_fix *t = wd_kb_fix_find(kb, "troubleshooter");
    cr_assert_str_eq(t->steps[0].os, "11");
    cr_assert_not_null(
        strstr(t->steps[0].text, "Settings > System > Troubleshoot > Other troubleshooters"));
    cr_assert_str_eq(t->steps[2].os, "10");
    cr_assert_not_null(strstr(t->steps[2].text, "Settings > Update & Security > Troubleshoot"));
    const wd_kb_fix *s = wd_kb_fix_find(kb, "reset-components");
    const char *stop = s->steps[1].text;
    cr_assert(strstr(stop, "usosvc") < strstr(stop, "wuauserv"), "UsoSvc stops first");
    cr_assert_not_null(strstr(wd_kb_fix_find(kb, "repair-image")->steps[2].text, "/Source:WIM:"));
    cr_assert_str_eq(wd_kb_fix_find(kb, "check-network")->managed, "check-wsus");
    cr_assert_null(wd_kb_fix_find(kb, "no-such-fix"));
    wd_kb_free(kb);
}

typedef struct decode_case {
    uint32_t hr;
    unsigned facility;
    const char *facility_name;
    int is_win32;
    unsigned code;
    const char *win32_name;
} decode_case;

Test(report_kb, any_hresult_decodes_into_named_parts)
{
    static const decode_case cases[] = {
        {0x80070002, 7, "WIN32", 1, 2, "ERROR_FILE_NOT_FOUND"},
        {0x80070422, 7, "WIN32", 1, 1058, "ERROR_SERVICE_DISABLED"},
        {0x80072EE7, 7, "WIN32", 1, 12007, "ERROR_WINHTTP_NAME_NOT_RESOLVED"},
        {0x80072F8F, 7, "WIN32", 1, 12175, "ERROR_WINHTTP_SECURE_FAILURE"},
        {0x80073712, 7, "WIN32", 1, 14098, "ERROR_SXS_COMPONENT_STORE_CORRUPT"},
        {0x8007ABCD, 7, "WIN32", 1, 43981, ""},
        {0x80244022, 0x24, "WINDOWSUPDATE", 0, 0x4022, ""},
        {0x800F081F, 0xF, "SETUPAPI", 0, 0x081F, ""},
        {0x80200053, 0x20, "BACKGROUNDCOPY", 0, 0x53, ""},
        {0x80190194, 0x19, "HTTP", 0, 0x194, ""},
        {0x80D02002, 0xD0, "DELIVERY_OPTIMIZATION", 0, 0x2002, ""},
        {0x80040154, 4, "ITF", 0, 0x154, ""},
        {0x80080005, 8, "WINDOWS", 0, 5, ""},
        {0x80090326, 9, "SECURITY", 0, 0x326, ""},
        {0x800B0101, 0xB, "CERT", 0, 0x101, ""},
        {0x80131500, 0x13, "URT", 0, 0x1500, ""},
        {0xC1900101, 0x190, "WINDOWS_SETUP", 0, 0x101, ""},
    };
    wd_kb *kb = load(NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wd_hr_decoded d;
        wd_hr_decode(kb, cases[i].hr, &d);
        cr_assert_eq(d.failure, 1);
        cr_assert_eq(d.facility, cases[i].facility, "0x%08X", cases[i].hr);
        cr_assert_str_eq(d.facility_name, cases[i].facility_name, "0x%08X", cases[i].hr);
        cr_assert_eq(d.is_win32, cases[i].is_win32, "0x%08X", cases[i].hr);
        cr_assert_eq(d.code, cases[i].code, "0x%08X", cases[i].hr);
        cr_assert_str_eq(d.win32_name, cases[i].win32_name, "0x%08X", cases[i].hr);
    }
    wd_hr_decoded d;
    wd_hr_decode(kb, 0x00240006, &d);
    cr_assert_eq(d.failure, 0);
    cr_assert_str_eq(d.facility_name, "WINDOWSUPDATE");
    wd_kb_free(kb);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char *p = wdt_path(dir, name);
    cr_assert_eq(wdt_write(p, text, strlen(text)), 0);
    free(p);
}

Test(report_kb, kb_dir_overrides_the_files_it_has)
{
    char *dir = wdt_tempdir();
    write_file(dir, "codes.tsv",
               "# ours\n0x80070002\tMY_SYMBOL\tmine\tmy meaning\tbecause\t"
               "free-disk\n");
    wd_kb *kb = load(dir);
    cr_assert_eq(kb->ncodes, 1);
    cr_assert_str_eq(wd_kb_code_find(kb, 0x80070002)->symbol, "MY_SYMBOL");
    cr_assert_not_null(wd_kb_fix_find(kb, "free-disk")); /* fixes stay embedded */
    cr_assert_geq(wd_rules_count(kb->rules), 20);
    wd_kb_free(kb);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_kb, broken_kb_files_are_refused_with_file_and_line)
{
    static const struct {
        const char *file, *text, *msg;
    } cases[] = {
        {"codes.tsv", "0x80070002\tonly two\n", "codes.tsv line 1"},
        {"codes.tsv", "nothex\ta\tb\tc\n", "codes.tsv line 1"},
        {"fixes.txt", "fix a\ntitle A\nwhy W\nstep any: s\n", "has no \"end\""},
        {"fixes.txt", "fix a\ntitle A\nwhy W\nstep 12: s\nend\n", "fixes.txt line 4"},
        {"fixes.txt", "fix a\ntitle A\nwhy W\nmanaged nope\nstep any: s\nend\n",
         "unknown fix nope"},
        {"rules.txt", "rule r\nfrom nowhere\nend\n", "rules.txt line 2: unknown source"},
        {"rules.txt", "rule r\nseverity fatal\n", "rules.txt line 2: unknown severity"},
        {"rules.txt", "rule r\nfrom once\nseverity info\ntitle t\nexplain e\nfixes nope\nend\n",
         "names unknown fix nope"},
        {"rules.txt", "rule r\nfrom once\nwhere a ?? b\n", "rules.txt line 3"},
        {"rules.txt", "rule r\nfrom once\nseverity info\ntitle t\nexplain e\nfixes free-disk\n",
         "has no \"end\""},
        {"rules.txt", "rule r\nfrom events\n", "rules.txt line 2: unknown source: events"},
        {"rules.txt", "rule r\nfrom subjects\nexplains nothing 1\n", "rules.txt line 3"},
        {"rules.txt", "rule r\nfrom subjects\nstate maybe\n", "state is current or resolved"},
        {"known-issues.txt", "issue x\ncode 0x80070643\ntitle t\ncause c\nworkaround w\n"
         "source s\nfixes nope\nend\n", "fixes names an unknown fix"},
        {"known-issues.txt", "issue x\ntitle t\ncause c\nworkaround w\nsource s\nend\n",
         "needs a code or kb list"},
        {"fixes.txt", "fix a\ntitle A\nwhy W\ntried-by nothing\nstep any: s\nend\n",
         "tried-by names no known operation"},
        {"win32.tsv", "x\ty\n", "win32.tsv line 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *dir = wdt_tempdir();
        write_file(dir, cases[i].file, cases[i].text);
        wd_kb *kb = NULL;
        cr_assert_eq(wd_kb_load(dir, &kb), WD_EFORMAT, "case %zu", i);
        cr_assert_null(kb);
        cr_assert_not_null(strstr(wd_error_last(), cases[i].msg), "case %zu: %s", i,
                           wd_error_last());
        wdt_rmtree(dir);
        free(dir);
    }
}

Test(report_kb, missing_kb_dir_is_an_error)
{
    wd_kb *kb = NULL;
    cr_assert_eq(wd_kb_load("/nonexistent/wudiag-kb", &kb), WD_ENOTFOUND);
    cr_assert_null(kb);
    cr_assert_not_null(strstr(wd_error_last(), "/nonexistent/wudiag-kb"));
}

Test(report_kb, codes_match_the_shared_reference_csv)
{
    char *csv_path = wdt_corpus("../reference/error-codes.csv");
    char *csv = wdt_read(csv_path, NULL);
    cr_assert_not_null(csv, "cannot read %s (tests/data/reference in the tree)", csv_path);
    wd_kb *kb = load(NULL);
    size_t rows = 0;
    for (char *line = strtok(csv, "\n"); line; line = strtok(NULL, "\n")) {
        uint32_t hr;
        if (strncmp(line, "0x", 2) || strlen(line) < 11 || line[10] != ',')
            continue;
        line[10] = '\0';
        cr_assert_eq(wd_hresult_parse(line, &hr), 0);
        cr_assert_not_null(wd_kb_code_find(kb, hr), "%s from the CSV is not in codes.tsv", line);
        rows++;
    }
    cr_assert_eq(rows, kb->ncodes);
    wd_kb_free(kb);
    free(csv);
    free(csv_path);
}
