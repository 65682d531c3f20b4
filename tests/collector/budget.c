/* budget.c - what one bundle may cost: zip bombs (ratio, entry, bundle),
 * too many files, records and values past their budget, nesting, symbolic
 * link loops, damaged and encrypted zips, duplicate entry names. Every cut
 * is a note of the right kind, never a silent loss. Budgets are made small
 * so that each case stays fast; tests/cli/bounded.c runs the defaults. */
#include "capture_sink.h"
#include "internal.h"
#include "support.h"
#include "zipw.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* ----------------------------------------------------------- a sink */

/* Keeps notes as "kind|source|location|reason", sources as their path, and
 * counts the records. */
typedef struct seen {
    cap_list notes, sources;
    size_t services, events, activities, facts;
    cap_list service_names;
} seen;

static int s_note(void *ctx, const wd_note_rec *r)
{
    seen *s = ctx;
    wd_buf b = WD_BUF_INIT;
    wd_buf_printf(&b, "%s|%s|%s|%s", wd_note_kind_name(r->kind), cap_s(r->source),
                  cap_s(r->location), cap_s(r->reason));
    cap_push(&s->notes, &b);
    return 0;
}

static int s_source(void *ctx, const wd_source_rec *r)
{
    wd_buf b = WD_BUF_INIT;
    wd_buf_printf(&b, "%s|%s", r->path, r->kind);
    cap_push(&((seen *)ctx)->sources, &b);
    return 0;
}

static int s_service(void *ctx, const wd_service_rec *r)
{
    seen *s = ctx;
    wd_buf b = WD_BUF_INIT;
    wd_buf_printf(&b, "%s=%s", r->name, r->state);
    cap_push(&s->service_names, &b);
    s->services++;
    return 0;
}

static int s_event(void *ctx, const wd_event_rec *r)
{
    (void)r;
    ((seen *)ctx)->events++;
    return 0;
}

static int s_activity(void *ctx, const wd_activity_rec *r)
{
    (void)r;
    ((seen *)ctx)->activities++;
    return 0;
}

static int s_fact(void *ctx, const wd_fact_rec *r)
{
    (void)r;
    ((seen *)ctx)->facts++;
    return 0;
}

static wd_sink sink_of(seen *s)
{
    wd_sink k = {s, s_service, s_event, s_fact, s_note, s_source, s_activity};
    return k;
}

static void seen_free(seen *s)
{
    cap_list_free(&s->notes);
    cap_list_free(&s->sources);
    cap_list_free(&s->service_names);
}

/* The one note containing all of the needles (c may be NULL), or fail. */
static const char *note_with3(const seen *s, const char *a, const char *b, const char *c)
{
    for (size_t i = 0; i < s->notes.n; i++)
        if (strstr(s->notes.items[i], a) && strstr(s->notes.items[i], b) &&
            (!c || strstr(s->notes.items[i], c)))
            return s->notes.items[i];
    wd_buf all = WD_BUF_INIT;
    for (size_t i = 0; i < s->notes.n; i++)
        wd_buf_printf(&all, "\n  %s", s->notes.items[i]);
    cr_assert_fail("no note with '%s', '%s', '%s' among:%s", a, b, c ? c : "",
                   wd_buf_cstr(&all));
    return NULL;
}

/* A note of kind ("limit|") on a source ending in path, saying why. */
#define note_with(s, kind_path, why) note_of(s, kind_path, why)
static const char *note_of(const seen *s, const char *kind_path, const char *why)
{
    const char *bar = strchr(kind_path, '|');
    char kind[32];
    snprintf(kind, sizeof kind, "%.*s|", (int)(bar - kind_path), kind_path);
    return note_with3(s, kind, bar[1] ? bar + 1 : "|", why);
}

static wd_budget small(void)
{
    wd_budget b = WD_BUDGET_DEFAULT;
    return b;
}

static int collect(const char *path, seen *s, const wd_budget *b)
{
    memset(s, 0, sizeof *s);
    wd_sink k = sink_of(s);
    return wd_collect_evidence_budget(path, &k, b);
}

/* ------------------------------------------------------------ contents */

/* n bytes of WindowsUpdate.log lines (distinct, compress well). */
static char *wu_log(size_t n, size_t *len)
{
    wd_buf b = WD_BUF_INIT;
    wd_buf_init(&b, n + 4096);
    for (unsigned i = 0; b.len < n; i++)
        wd_buf_printf(&b, "2023/05/22 08:08:32.%07u 8096  8116  Agent           line %u of a "
                          "long log that compresses well\r\n",
                      i % 10000000, i);
    *len = b.len;
    return wd_buf_detach(&b);
}

static char *dir_path(const char *tmp, const char *name)
{
    char *p = wdt_path(tmp, name);
    cr_assert_eq(mkdir(p, 0755), 0);
    return p;
}

/* ----------------------------------------------------------------- zips */

Test(collector_budget, zip_ratio_bomb_is_cut_at_the_ratio_with_a_limit_note, .timeout = 60)
{
    char *tmp = wdt_tempdir(), *zip = wdt_path(tmp, "bomb.zip");
    size_t len;
    char *log = wu_log(8 << 20, &len);
    zipw_entry e[] = {{"WindowsUpdate.log", log, len, 0, 0, 0},
                      {"System.evtx", NULL, 0, 8 << 20, 0, 0}};
    cr_assert_eq(zipw_write(zip, e, 2, NULL, NULL), 0);
    struct stat st;
    stat(zip, &st);
    wd_budget b = small();
    b.ratio = 10;
    b.ratio_floor = 1 << 20;
    uint64_t allowed = (uint64_t)st.st_size * 10 > b.ratio_floor ? (uint64_t)st.st_size * 10
                                                                   : b.ratio_floor;
    seen s;
    cr_assert_eq(collect(zip, &s, &b), 0, "%s", wd_error_last());
    char want[160];
    snprintf(want, sizeof want, "cut after %llu bytes", (unsigned long long)allowed);
    const char *n = note_with(&s, "limit|", "unpacks to more than 10 times its size");
    cr_assert(strstr(n, want) && strstr(n, "bomb.zip/WindowsUpdate.log"), "%s", n);
    note_with(&s, "limit|", "the rest of it was not read"); /* System.evtx is never reached */
    seen_free(&s);
    free(log);
    wdt_rmtree(tmp);
    free(tmp), free(zip);
}

Test(collector_budget, evtx_past_the_entry_budget_is_cut_from_its_temporary_copy, .timeout = 60)
{
    char *tmp = wdt_tempdir(), *zip = wdt_path(tmp, "big.zip");
    wd_budget b = small();
    b.entry = 1 << 20;
    seen s;
    /* an .evtx whose copy would pass the entry budget */
    char *buf = calloc(1, 3 << 20);
    memcpy(buf, "ElfFile", 8);
    zipw_entry big[] = {{"System.evtx", buf, 3 << 20, 0, 0, 0}};
    cr_assert_eq(zipw_write(zip, big, 1, NULL, NULL), 0);
    cr_assert_eq(collect(zip, &s, &b), 0);
    note_with(&s, "limit|big.zip/System.evtx|", "cut after 1048576 bytes (at most 1048576 per entry)");
    seen_free(&s);
    free(buf);
    wdt_rmtree(tmp);
    free(tmp), free(zip);
}

Test(collector_budget, bundle_unpacked_budget_stops_reading_zips, .timeout = 60)
{
    char *tmp = wdt_tempdir(), *zip = wdt_path(tmp, "two.zip");
    size_t len;
    char *log = wu_log(3 << 19, &len);
    zipw_entry e[] = {{"a/WindowsUpdate.log", log, len, 0, 0, 0},
                      {"b/WindowsUpdate.log", log, len, 0, 0, 0},
                      {"c/WindowsUpdate.log", log, len, 0, 0, 0}};
    cr_assert_eq(zipw_write(zip, e, 3, NULL, NULL), 0);
    wd_budget b = small();
    b.unpacked = 2 << 20;
    seen s;
    cr_assert_eq(collect(zip, &s, &b), 0);
    note_with(&s, "limit|two.zip/b/WindowsUpdate.log|", "the bundle unpacks to more than 2097152");
    note_with(&s, "limit|two.zip|", "the rest of the zip was not read");
    cr_assert_eq(cap_count(&s.sources, "two.zip/c/"), 0);
    seen_free(&s);
    free(log);
    wdt_rmtree(tmp);
    free(tmp), free(zip);
}

Test(collector_budget, files_past_the_budget_are_counted_in_one_note, .timeout = 60)
{
    char *tmp = wdt_tempdir(), *zip = wdt_path(tmp, "many.zip");
    zipw_entry e[30];
    char names[30][16];
    for (int i = 0; i < 30; i++) {
        snprintf(names[i], sizeof names[i], "f%02d.txt", i);
        zipw_entry x = {names[i], "x", 1, 0, 0, 0};
        e[i] = x;
    }
    cr_assert_eq(zipw_write(zip, e, 30, NULL, NULL), 0);
    wd_budget b = small();
    b.files = 10;
    b.notes = 4;
    seen s;
    cr_assert_eq(collect(zip, &s, &b), 0);
    note_with(&s, "limit|", "20 files past the first 10 were not read");
    /* 10 files read, all unknown: 4 noted, 6 counted in one note */
    cr_assert_eq(cap_count(&s.notes, "not a recognised evidence format"), 4);
    note_with(&s, "info|", "6 more files were skipped");
    cr_assert_eq(s.sources.n, 10);
    seen_free(&s);
    wdt_rmtree(tmp);
    free(tmp), free(zip);
}

Test(collector_budget, many_entries_are_read_as_a_stream_not_held_in_memory, .timeout = 60)
{
    /* a central directory larger than the files budget is not loaded */
    char *tmp = wdt_tempdir(), *zip = wdt_path(tmp, "many.zip");
    zipw_entry *e = calloc(2000, sizeof *e);
    char (*names)[16] = calloc(2000, 16);
    for (int i = 0; i < 2000; i++) {
        snprintf(names[i], 16, "f%04d.txt", i);
        zipw_entry x = {names[i], "x", 1, 0, 0, 0};
        e[i] = x;
    }
    cr_assert_eq(zipw_write(zip, e, 2000, NULL, NULL), 0);
    wd_budget b = small();
    b.files = 100;
    seen s;
    cr_assert_eq(collect(zip, &s, &b), 0);
    note_with(&s, "limit|", "1900 files past the first 100 were not read");
    seen_free(&s);
    free(e), free(names);
    wdt_rmtree(tmp);
    free(tmp), free(zip);
}

Test(collector_budget, files_past_the_budget_in_a_zip_without_its_directory, .timeout = 60)
{
    /* the central directory is cut off: the rest is not skipped through
     * (that could inflate a bomb), and the note says it was not counted */
    char *tmp = wdt_tempdir(), *zip = wdt_path(tmp, "cut.zip");
    zipw_entry e[50];
    char names[50][16];
    for (int i = 0; i < 50; i++) {
        snprintf(names[i], sizeof names[i], "f%02d.txt", i);
        zipw_entry x = {names[i], "some text", 9, 0, 0, 0};
        e[i] = x;
    }
    cr_assert_eq(zipw_write(zip, e, 50, NULL, NULL), 0);
    struct stat st;
    stat(zip, &st);
    cr_assert_eq(truncate(zip, st.st_size * 6 / 10), 0);
    wd_budget b = small();
    b.files = 10;
    seen s;
    cr_assert_eq(collect(zip, &s, &b), 0);
    note_with(&s, "limit|", "past the first 10 were not read, and the rest of a zip that gives no count");
    seen_free(&s);
    wdt_rmtree(tmp);
    free(tmp), free(zip);
}

/* Writes a zip holding `inner` (a file) as name; returns 0. */
static int wrap(const char *inner, const char *name, const char *out)
{
    size_t len;
    char *data = wdt_read(inner, &len);
    zipw_entry e[] = {{name, data, len, 0, 0, 1}};
    int rc = zipw_write(out, e, 1, NULL, NULL);
    free(data);
    return rc;
}

Test(collector_budget, zips_nested_past_the_depth_budget_are_a_note, .timeout = 60)
{
    char *tmp = wdt_tempdir(), *z0 = wdt_path(tmp, "z0.zip"), *z1 = wdt_path(tmp, "z1.zip");
    char *z2 = wdt_path(tmp, "z2.zip"), *z3 = wdt_path(tmp, "z3.zip");
    size_t len;
    char *log = wu_log(4096, &len);
    zipw_entry e[] = {{"WindowsUpdate.log", log, len, 0, 0, 0}};
    cr_assert_eq(zipw_write(z0, e, 1, NULL, NULL), 0);
    cr_assert_eq(wrap(z0, "z0.zip", z1), 0);
    cr_assert_eq(wrap(z1, "z1.zip", z2), 0);
    cr_assert_eq(wrap(z2, "z2.zip", z3), 0);
    wd_budget b = small();
    b.depth = 3;
    seen s;
    cr_assert_eq(collect(z3, &s, &b), 0);
    note_with(&s, "limit|", "zip nested too deeply");
    seen_free(&s);
    b.depth = 16;
    cr_assert_eq(collect(z3, &s, &b), 0);
    cr_assert_eq(cap_count(&s.sources, "z3.zip/z2.zip/z1.zip/z0.zip/WindowsUpdate.log|"), 1);
    seen_free(&s);
    free(log);
    wdt_rmtree(tmp);
    free(tmp), free(z0), free(z1), free(z2), free(z3);
}

Test(collector_budget, truncated_zip_is_unreadable_for_what_was_lost, .timeout = 60)
{
    char *tmp = wdt_tempdir(), *zip = wdt_path(tmp, "cut.zip");
    size_t len;
    char *log = wu_log(1 << 20, &len);
    zipw_entry e[] = {{"one/WindowsUpdate.log", log, len, 0, 0, 1},
                      {"two/WindowsUpdate.log", log, len, 0, 0, 1}};
    cr_assert_eq(zipw_write(zip, e, 2, NULL, NULL), 0);
    cr_assert_eq(truncate(zip, (off_t)len + len / 2), 0); /* inside the second entry */
    seen s;
    cr_assert_eq(collect(zip, &s, NULL), 0, "%s", wd_error_last());
    cr_assert_eq(cap_count(&s.sources, "cut.zip/one/WindowsUpdate.log|"), 1);
    note_with(&s, "unreadable|cut.zip/two/WindowsUpdate.log|", "cannot be read out of the zip");
    seen_free(&s);
    free(log);
    wdt_rmtree(tmp);
    free(tmp), free(zip);
}

Test(collector_budget, encrypted_entry_says_encrypted, .timeout = 60)
{
    char *tmp = wdt_tempdir(), *zip = wdt_path(tmp, "secret.zip");
    size_t len;
    char *log = wu_log(4096, &len);
    zipw_entry e[] = {{"WindowsUpdate.log", log, len, 0, 0, 0}};
    cr_assert_eq(zipw_write(zip, e, 1, "zip:encryption=zipcrypt", "secret"), 0);
    seen s;
    cr_assert_eq(collect(zip, &s, NULL), 0);
    note_with(&s, "unreadable|secret.zip/WindowsUpdate.log|", "encrypted");
    seen_free(&s);
    free(log);
    wdt_rmtree(tmp);
    free(tmp), free(zip);
}

Test(collector_budget, duplicate_entry_names_get_their_own_display_names, .timeout = 60)
{
    char *tmp = wdt_tempdir(), *zip = wdt_path(tmp, "dup.zip");
    zipw_entry e[] = {{"notes.txt", "a", 1, 0, 0, 0},
                      {"notes.txt", "b", 1, 0, 0, 0},
                      {"notes.txt (2)", "c", 1, 0, 0, 0}};
    cr_assert_eq(zipw_write(zip, e, 3, NULL, NULL), 0);
    seen s;
    cr_assert_eq(collect(zip, &s, NULL), 0);
    cr_assert_eq(s.sources.n, 3);
    cr_assert_eq(cap_count(&s.sources, "dup.zip/notes.txt|"), 1);
    cr_assert_eq(cap_count(&s.sources, "dup.zip/notes.txt (2)|"), 1);
    cr_assert_eq(cap_count(&s.sources, "dup.zip/notes.txt (2) (2)|"), 1);
    seen_free(&s);
    wdt_rmtree(tmp);
    free(tmp), free(zip);
}

/* --------------------------------------------------- records and values */

static const char history_head[] =
    "\"Date\",\"Operation\",\"ResultCode\",\"HResult\",\"Title\",\"UpdateID\"\r\n";

Test(collector_budget, records_and_values_past_their_budget_are_noted, .timeout = 60)
{
    char *tmp = wdt_tempdir(), *ev = dir_path(tmp, "ev"), *csv = wdt_path(ev, "history.csv");
    wd_buf b = WD_BUF_INIT;
    wd_buf_puts(&b, history_head);
    for (int i = 0; i < 20; i++)
        wd_buf_printf(&b, "\"4/10/2024 3:12:%02d AM\",\"1\",\"4\",\"-2146498270\",\"Update %d "
                          "(KB50368%02d) with a title longer than sixty-four bytes of text\","
                          "\"3c3a7e8f-1d2b-4f5e-9a61-0b7c2d9e4f%02d\"\r\n",
                      i, i, i, i);
    cr_assert_eq(wdt_write(csv, b.data, b.len), 0);
    wd_budget bud = small();
    bud.records = 5;
    bud.field = 64;
    seen s;
    cr_assert_eq(collect(ev, &s, &bud), 0);
    /* each row is a failed install: the first 5 are kept */
    cr_assert_eq(s.activities, 5, "%zu activities", s.activities);
    note_with3(&s, "limit|", "past the first 5 were not kept", "15 ");
    note_with(&s, "limit|history.csv|", "text values longer than 64 bytes were cut");
    seen_free(&s);
    wd_buf_free(&b);
    wdt_rmtree(tmp);
    free(tmp), free(ev), free(csv);
}

/* ------------------------------------------------------------- text */

Test(collector_budget, nul_in_a_log_is_noted, .timeout = 30)
{
    char *tmp = wdt_tempdir(), *ev = dir_path(tmp, "ev"), *log = wdt_path(ev, "CBS.log");
    const char t[] = "2023-05-17 08:25:52, Info                  CBS    Failed [HRESULT = "
                     "0x8024\0 02C]\r\n";
    cr_assert_eq(wdt_write(log, t, sizeof t - 1), 0);
    seen s;
    cr_assert_eq(collect(ev, &s, NULL), 0);
    note_with(&s, "info|CBS.log|line 1|", "1 NUL characters");
    seen_free(&s);
    wdt_rmtree(tmp);
    free(tmp), free(ev), free(log);
}

Test(collector_budget, service_row_over_one_mib_keeps_it_and_the_next_row, .timeout = 30)
{
    char *tmp = wdt_tempdir(), *ev = dir_path(tmp, "ev"), *csv = wdt_path(ev, "services.csv");
    wd_buf b = WD_BUF_INIT;
    wd_buf_puts(&b, "\"Name\",\"DisplayName\",\"State\",\"StartMode\",\"Description\"\r\n"
                    "\"wuauserv\",\"Windows Update\",\"Running\",\"Manual\",\"");
    for (int i = 0; i < (3 << 19) / 64; i++)
        wd_buf_puts(&b, "a description longer than a line may be, written by a tool....\t");
    wd_buf_puts(&b, "\"\r\n\"CryptSvc\",\"Cryptographic Services\",\"Running\",\"Auto\",\"d\"\r\n");
    cr_assert_eq(wdt_write(csv, b.data, b.len), 0);
    seen s;
    cr_assert_eq(collect(ev, &s, NULL), 0);
    cr_assert_eq(cap_count(&s.service_names, "CryptSvc=running"), 1, "CryptSvc lost");
    cr_assert_eq(cap_count(&s.service_names, "wuauserv=running"), 1, "wuauserv lost");
    note_with(&s, "limit|services.csv|line 2|", "line longer than 1 MiB");
    seen_free(&s);
    wd_buf_free(&b);
    wdt_rmtree(tmp);
    free(tmp), free(ev), free(csv);
}

Test(collector_budget, unreadable_event_log_is_an_unreadable_note, .timeout = 30)
{
    char *tmp = wdt_tempdir(), *ev = dir_path(tmp, "ev"), *evtx = wdt_path(ev, "System.evtx");
    char junk[8192];
    memset(junk, 0x5A, sizeof junk);
    memcpy(junk, "ElfFile", 8);
    cr_assert_eq(wdt_write(evtx, junk, sizeof junk), 0);
    seen s;
    cr_assert_eq(collect(ev, &s, NULL), 0);
    note_with(&s, "unreadable|System.evtx|", "cannot be read");
    seen_free(&s);
    if (geteuid() != 0) { /* root reads a file whatever its mode */
        cr_assert_eq(chmod(evtx, 0), 0);
        cr_assert_eq(collect(ev, &s, NULL), 0);
        note_with(&s, "unreadable|System.evtx|", "cannot open");
        seen_free(&s);
        chmod(evtx, 0644);
    }
    wdt_rmtree(tmp);
    free(tmp), free(ev), free(evtx);
}

/* ---------------------------------------------------------- folders */

Test(collector_budget, symlink_loops_end_and_links_outside_are_not_followed, .timeout = 30)
{
    char *tmp = wdt_tempdir(), *ev = dir_path(tmp, "ev"), *out = wdt_path(tmp, "secret.log");
    char *log = wdt_path(ev, "WindowsUpdate.log");
    size_t len;
    char *text = wu_log(2048, &len);
    cr_assert_eq(wdt_write(log, text, len), 0);
    cr_assert_eq(wdt_write(out, text, len), 0);
    const char *links[] = {"a", "b", "c"};
    for (int i = 0; i < 3; i++) {
        char *l = wdt_path(ev, links[i]);
        cr_assert_eq(symlink(".", l), 0);
        free(l);
    }
    char *outlink = wdt_path(ev, "outside.log");
    cr_assert_eq(symlink(out, outlink), 0);
    seen s;
    cr_assert_eq(collect(ev, &s, NULL), 0);
    cr_assert_eq(s.sources.n, 1, "the log is read once");
    cr_assert_eq(cap_count(&s.sources, "WindowsUpdate.log|"), 1);
    cr_assert_eq(cap_count(&s.notes, "a symbolic link to a folder of the evidence"), 3);
    note_with(&s, "unreadable|outside.log|", "outside the evidence folder");
    seen_free(&s);
    free(text);
    wdt_rmtree(tmp);
    free(tmp), free(ev), free(out), free(log), free(outlink);
}

Test(collector_budget, folders_past_the_depth_budget_are_a_note, .timeout = 30)
{
    char *tmp = wdt_tempdir();
    wd_buf p = WD_BUF_INIT;
    wd_buf_puts(&p, tmp);
    for (int i = 0; i < 6; i++) {
        wd_buf_puts(&p, "/d");
        cr_assert_eq(mkdir(wd_buf_cstr(&p), 0755), 0);
    }
    char *leaf = wdt_path(wd_buf_cstr(&p), "notes.txt");
    cr_assert_eq(wdt_write(leaf, "x", 1), 0);
    char *first = wdt_path(tmp, "d");
    wd_budget b = small();
    b.depth = 3;
    seen s;
    cr_assert_eq(collect(first, &s, &b), WD_ENOTFOUND); /* nothing readable within depth */
    note_with(&s, "limit|", "folder nested too deeply");
    seen_free(&s);
    wd_buf_free(&p);
    wdt_rmtree(tmp);
    free(tmp), free(leaf), free(first);
}
