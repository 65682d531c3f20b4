/* hostile.c - evidence crafted (by the fuzzer) to break the readers: each
 * file becomes collection notes and the diagnosis finishes quickly, within
 * the CLI's memory cap. Skipped in sanitizer builds, which run without the
 * cap (their allocator reserves far more address space than it). */
#include "support.h"

#include <criterion/criterion.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif

static void diagnose_one(const char *fixture, const char *note_text)
{
#ifdef SANITIZED
    cr_skip_test("the memory cap is off in sanitizer builds");
#endif
    char *tmp = wdt_tempdir(), *ev = wdt_path(tmp, "ev"), *src = wdt_source(fixture);
    char *db = wdt_path(tmp, "h.db"), *out = wdt_path(tmp, "r.xml");
    char *dest = NULL;
    cr_assert_eq(mkdir(ev, 0755), 0);
    const char *base = strrchr(fixture, '/') + 1;
    dest = wdt_path(ev, base);
    size_t len;
    char *data = wdt_read(src, &len);
    cr_assert_not_null(data, "missing fixture %s", src);
    cr_assert_eq(wdt_write(dest, data, len), 0);
    const char *argv[] = {"diagnose", "--evidence", ev, "--db", db, "--format", "xml", "-o", out,
                          NULL};
    char *err = NULL;
    int code = wdt_run(argv, NULL, &err);
    /* a verdict, whatever it is (incomplete when nothing else could be read) */
    cr_assert(code == 0 || (code >= 3 && code <= 5), "exit %d: %s", code, err);
    char *xml = wdt_read(out, NULL);
    cr_assert_not_null(xml);
    cr_assert(strstr(xml, note_text), "no note '%s' in the report", note_text);
    free(xml);
    free(err);
    free(data);
    wdt_rmtree(tmp);
    free(tmp), free(ev), free(src), free(db), free(out), free(dest);
}

Test(cli_hostile, evtx_that_makes_libevtx_allocate_without_bound_is_a_note, .timeout = 60)
{
    diagnose_one("fuzz/regressions/evtx/libevtx-oom-template-values.evtx", "cannot be decoded");
}

Test(cli_hostile, evtx_shorter_than_its_header_is_a_note, .timeout = 60)
{
    diagnose_one("fuzz/regressions/evtx/libbfio-memory-range-overread.evtx",
                 "cannot be read as an .evtx event log");
}

/* Two more found by a 20-minute fuzz_evtx run: the same libevtx allocation
 * growth through other record layouts. */
Test(cli_hostile, more_evtx_that_grow_libevtx_allocations_are_notes, .timeout = 60)
{
    diagnose_one("fuzz/regressions/evtx/libevtx-oom-2.evtx", "record cannot be decoded");
    diagnose_one("fuzz/regressions/evtx/libevtx-oom-3.evtx", "record cannot be decoded");
}
