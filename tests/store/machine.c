/* machine.c - which machine a snapshot belongs to (issue 11): --machine
 * wins, then the evidence's machine.name fact, then the computer its
 * records name most (a DNS name and its host name being one machine), and
 * evidence that names none gets a fingerprint of itself: the same for the
 * same evidence, different for another machine's, never a shared name. */
#include "store_test.h"

static char *dir, *db;
static wd_store *s;

static void setup(void)
{
    dir = wdt_tempdir();
    db = wdt_path(dir, "history.db");
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &s), WD_OK, "%s", wd_error_last());
}

static void teardown(void)
{
    wd_store_close(s);
    s = NULL;
    wdt_rmtree(dir);
    free(db);
    free(dir);
}

TestSuite(store_machine, .init = setup, .fini = teardown);

typedef struct who {
    char name[128];
    char from[32];
} who;

static int get_who(void *ctx, const wd_snapshot_info *i)
{
    who *w = ctx;
    snprintf(w->name, sizeof w->name, "%s", i->machine);
    snprintf(w->from, sizeof w->from, "%s", i->machine_from ? i->machine_from : "-");
    return 0;
}

static who machine_of(int64_t id)
{
    who w;
    cr_assert_eq(wd_store_snapshot(s, id, get_who, &w), WD_OK, "%s", wd_error_last());
    return w;
}

/* A text-only bundle: WindowsUpdate.log lines from `start` (no computer
 * named anywhere), a source summary, optionally a fact. */
static int64_t text_bundle(int64_t start, const char *option, const wd_fact_rec *fact)
{
    int64_t id = 0;
    char time[WD_TIME_MAX];
    cr_assert_eq(wd_store_begin(s, "wudiag collect", "bundle.zip"), WD_OK);
    if (option)
        cr_assert_eq(wd_store_set_machine(s, option), WD_OK);
    for (int i = 0; i < 20; i++) {
        wd_time_format(start + i * 60, 0, time);
        wd_activity_rec a = {.operation = WD_OP_SCAN, .outcome = WD_OUT_SUCCEEDED,
                             .time = time, .count = 3, .component = "Agent",
                             .where = {WD_LOC_LINE, "WindowsUpdate.log", (uint64_t)i + 1}};
        cr_assert_eq(wd_store_add_activity(s, &a), WD_OK);
    }
    wd_source_rec src = {"WindowsUpdate.log", "windowsupdate-log", 20, 20, 0};
    cr_assert_eq(wd_store_add_source(s, &src), WD_OK);
    if (fact)
        cr_assert_eq(wd_store_add_fact(s, fact), WD_OK);
    cr_assert_eq(wd_store_commit(s, &id), WD_OK, "%s", wd_error_last());
    return id;
}

static void add_events(const char *computer, int n, uint64_t first)
{
    for (int i = 0; i < n; i++) {
        wd_event_rec e = {"System", "p", 7036, 4, first + (uint64_t)i, "2024-01-01T00:00:00Z",
                          computer, NULL, 0, "System.evtx"};
        cr_assert_eq(wd_store_add_event(s, &e), WD_OK);
    }
}

Test(store_machine, option_beats_fact_beats_the_computer_named_most)
{
    int64_t id;
    wd_fact_rec name = {"machine.name", "FACT-PC", "reg", NULL};
    for (int k = 0; k < 3; k++) {
        cr_assert_eq(wd_store_begin(s, "x", "x"), WD_OK);
        add_events("EVENT-PC", 3, 100 * (uint64_t)k);
        if (k < 2)
            cr_assert_eq(wd_store_add_fact(s, &name), WD_OK);
        if (k < 1)
            cr_assert_eq(wd_store_set_machine(s, "OPTION-PC"), WD_OK);
        cr_assert_eq(wd_store_commit(s, &id), WD_OK);
        who w = machine_of(id);
        const char *want[] = {"OPTION-PC", "FACT-PC", "EVENT-PC"};
        const char *from[] = {"option", "evidence", "evidence"};
        cr_assert_str_eq(w.name, want[k]);
        cr_assert_str_eq(w.from, from[k]);
    }
}

Test(store_machine, set_machine_is_checked_and_clearable)
{
    int64_t id;
    cr_assert_eq(wd_store_set_machine(s, "X"), WD_EUSAGE, "no snapshot open");
    cr_assert_eq(wd_store_begin(s, "x", "x"), WD_OK);
    cr_assert_eq(wd_store_set_machine(s, ""), WD_EUSAGE);
    cr_assert_eq(wd_store_set_machine(s, "X"), WD_OK);
    cr_assert_eq(wd_store_set_machine(s, NULL), WD_OK); /* back to the evidence */
    add_events("EV", 1, 1);
    cr_assert_eq(wd_store_finish(s, &id), WD_OK);
    cr_assert_eq(wd_store_set_machine(s, "Y"), WD_EUSAGE, "already decided");
    cr_assert_eq(wd_store_commit(s, &id), WD_OK);
    cr_assert_str_eq(machine_of(id).name, "EV");
}

Test(store_machine, dns_name_and_host_name_are_one_machine)
{
    int64_t a, b;
    cr_assert_eq(wd_store_begin(s, "x", "x"), WD_OK);
    add_events("PC-7.contoso.local", 3, 1);
    add_events("localhost", 5, 100); /* not a name */
    cr_assert_eq(wd_store_commit(s, &a), WD_OK);
    wd_fact_rec name = {"machine.name", "pc-7", "reg", NULL};
    cr_assert_eq(wd_store_begin(s, "x", "x"), WD_OK);
    cr_assert_eq(wd_store_add_fact(s, &name), WD_OK);
    cr_assert_eq(wd_store_commit(s, &b), WD_OK);
    cr_assert_str_eq(machine_of(a).name, "PC-7");
    cr_assert_eq(st_query(db, "SELECT count(*) FROM machine"), 1);
    cr_assert_eq(st_query(db, "SELECT count(DISTINCT machine_id) FROM snapshot"), 1);
}

Test(store_machine, unnamed_bundles_get_their_own_stable_fingerprint)
{
    /* two machines' bundles, and the first one collected again */
    int64_t a = text_bundle(1700000000, NULL, NULL);
    int64_t b = text_bundle(1700003333, NULL, NULL);
    int64_t a2 = text_bundle(1700000000, NULL, NULL);
    who wa = machine_of(a), wb = machine_of(b), wa2 = machine_of(a2);
    cr_assert_eq(strncmp(wa.name, "unnamed-", 8), 0, "%s", wa.name);
    cr_assert_eq(strlen(wa.name), 16, "%s", wa.name);
    cr_assert_eq(wa.name[8 + strspn(wa.name + 8, "0123456789abcdef")], '\0', "%s", wa.name);
    cr_assert_str_eq(wa.from, "fingerprint");
    cr_assert_str_neq(wa.name, wb.name);
    cr_assert_str_eq(wa.name, wa2.name);
    cr_assert_eq(st_query(db, "SELECT count(*) FROM machine WHERE name = 'unknown'"), 0);
    /* history, streaks and latest never mix them */
    int64_t latest = 0;
    cr_assert_eq(wd_store_latest(s, wb.name, &latest), WD_OK);
    cr_assert_eq(latest, b);
}

Test(store_machine, events_without_computer_are_fingerprinted_by_the_earliest)
{
    int64_t id[3];
    for (int k = 0; k < 3; k++) {
        cr_assert_eq(wd_store_begin(s, "x", "x"), WD_OK);
        /* the same machine's log grows (k = 1 sees more), another's differs */
        for (uint64_t r = 1; r <= (k == 1 ? 8u : 4u); r++) {
            char time[WD_TIME_MAX];
            wd_time_format((k == 2 ? 1600000000 : 1500000000) + (int64_t)r, 0, time);
            wd_event_rec e = {"Setup", "p", 1, 4, r, time, NULL, NULL, 0, "Setup.evtx"};
            cr_assert_eq(wd_store_add_event(s, &e), WD_OK);
        }
        cr_assert_eq(wd_store_commit(s, &id[k]), WD_OK);
    }
    cr_assert_str_eq(machine_of(id[0]).name, machine_of(id[1]).name);
    cr_assert_str_neq(machine_of(id[0]).name, machine_of(id[2]).name);
}

Test(store_machine, identity_facts_win_over_the_records)
{
    wd_fact_rec guid = {"machine.guid", "1f0e5c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b", "reg", NULL};
    wd_fact_rec other = {"machine.guid", "99999999-3b4d-4e5f-8a9b-0c1d2e3f4a5b", "reg", NULL};
    int64_t a = text_bundle(1700000000, NULL, &guid);
    int64_t b = text_bundle(1800000000, NULL, &guid); /* later, other records */
    int64_t c = text_bundle(1700000000, NULL, &other);
    cr_assert_str_eq(machine_of(a).name, machine_of(b).name);
    cr_assert_str_neq(machine_of(a).name, machine_of(c).name);
}

Test(store_machine, nothing_to_recognise_gives_a_name_of_its_own)
{
    int64_t a, b;
    cr_assert_eq(wd_store_begin(s, "x", "empty"), WD_OK);
    cr_assert_eq(wd_store_commit(s, &a), WD_OK);
    cr_assert_eq(wd_store_begin(s, "x", "empty"), WD_OK);
    cr_assert_eq(wd_store_commit(s, &b), WD_OK);
    cr_assert_str_neq(machine_of(a).name, machine_of(b).name);
    cr_assert_eq(strncmp(machine_of(a).name, "unnamed-", 8), 0);
}

Test(store_machine, option_names_an_unnamed_bundle)
{
    int64_t a = text_bundle(1700000000, "HELPDESK-42", NULL);
    who w = machine_of(a);
    cr_assert_str_eq(w.name, "HELPDESK-42");
    cr_assert_str_eq(w.from, "option");
}
