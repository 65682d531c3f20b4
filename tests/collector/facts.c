/* facts.c - the key=value facts file that capture-evidence.ps1 writes:
 * every key kept (known or not), comments and blank lines skipped, bad lines
 * noted with their line number. */
#include "capture.h"

Test(collector_facts, utf16_facts_file_gives_every_key)
{
    capture c;
    cap_collect_fixture(&c, "facts/facts.txt");
    cap_has(&c, "F capture.time=2024-04-12T08:15:02.4471193Z");
    cap_has(&c, "F elevated=true");
    cap_has(&c, "F machine.name=DESKTOP-7Q1LM0C");
    cap_has(&c, "F os.build=19045");
    cap_has(&c, "F disk.system.free_bytes=2147483648");
    cap_has(&c, "F disk.system.total_bytes=254721126400");
    /* unknown keys are kept too, values may hold '=' and ':' */
    cap_has(&c, "F disk.system.drive=C:");
    cap_has(&c, "F proxy.winhttp=Direct access (no proxy server).");
    /* the Windows version lines as the typed os.* facts */
    cap_has(&c, "F os.product=Windows 10 Pro");
    cap_has(&c, "F os.ubr=4291");
    cr_assert_eq(c.facts, 11);
    cap_has(&c, "R facts/facts.txt|facts|11|11|0");
    cap_free(&c);
}

Test(collector_facts, blanks_are_trimmed_and_cr_stripped)
{
    const char t[] = "\xEF\xBB\xBFwudiag-facts 1\r\n\r\n  os.product = Windows 11 Pro \r\n"
                     "# comment\r\nempty=\r\nquery=a=b\r";
    capture c;
    cap_run(&c, wd_source_facts, t, sizeof t - 1);
    cap_has(&c, "F os.product=Windows 11 Pro");
    cap_has(&c, "F empty=");
    cap_has(&c, "F query=a=b");
    cr_assert_eq(c.facts, 3);
    cr_assert_eq(c.notes, 0);
    cap_free(&c);
}

Test(collector_facts, product_follows_the_build_and_display_version_is_the_version)
{
    const char t[] = "wudiag-facts 1\nmachine.name=PC-11\nos.product=Windows 10 Enterprise\n"
                     "os.display_version=24H2\nos.build=26100\nos.ubr=2605\n"
                     "os.edition=Enterprise\n";
    capture c;
    cap_run(&c, wd_source_facts, t, sizeof t - 1);
    cap_has(&c, "F os.product=Windows 11 Enterprise");
    cap_has(&c, "F os.version=24H2");
    cap_has(&c, "F os.edition=Enterprise");
    cap_has(&c, "F machine.name=PC-11");
    cap_lacks(&c, "os.display_version");
    cr_assert_eq(c.facts, 6);
    cap_free(&c);
}

Test(collector_facts, bad_lines_are_noted)
{
    const char t[] = "wudiag-facts 1\nno equals sign\n=value\nbad key=1\nos.build=22631\n";
    capture c;
    cap_run(&c, wd_source_facts, t, sizeof t - 1);
    cap_has(&c, "N line 2: not a key=value line");
    cap_has(&c, "N line 3: invalid fact key");
    cap_has(&c, "N line 4: invalid fact key");
    cap_has(&c, "F os.build=22631");
    cr_assert_eq(c.sum.records, 4);
    cr_assert_eq(c.sum.kept, 1);
    cr_assert_eq(c.sum.errors, 3);
    cap_free(&c);
}

Test(collector_facts, newer_version_and_missing_header_are_noted)
{
    const char t1[] = "wudiag-facts 2\nos.build=26100\n";
    capture c;
    cap_run(&c, wd_source_facts, t1, sizeof t1 - 1);
    cap_has(&c, "N line 1: facts file from a newer capture script; known keys are still read");
    cap_has(&c, "F os.build=26100");
    cap_free(&c);
    const char t2[] = "os.build=26100\n";
    cap_run(&c, wd_source_facts, t2, sizeof t2 - 1);
    cap_has(&c, "N line 1: no \"wudiag-facts 1\" header; reading key=value lines anyway");
    cap_has(&c, "F os.build=26100");
    cap_free(&c);
}
