/* cmd_fix.c - `wudiag fix`: diagnoses this PC, shows the plan (the
 * documented fixes the findings call for that wudiag carries out), carries
 * out each step after asking (or all with --yes), journaled, then
 * diagnoses again and shows what changed. --dry-run says what would be
 * done; --undo reverses the last run's reversible steps. */
#include "cli.h"
#include "fix.h"
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct options {
    const char *db, *step, *evidence, *kb;
    int yes, dry_run, undo, force;
    unsigned timeout;
} options;

static const char fix_help[] =
    "usage: wudiag fix [--step NAME] [--yes] [--dry-run] [--timeout SECONDS] [--db FILE]\n"
    "       wudiag fix --undo [--force] [--yes] [--db FILE]\n"
    "       wudiag fix --dry-run --evidence PATH      (any platform: the plan for a bundle)\n\n"
    "On Windows, from an elevated prompt: diagnoses this PC, shows the plan - the\n"
    "documented fixes the current findings call for that wudiag can carry out, in the\n"
    "order of the findings, each finding's list up to its first fix done by hand (what\n"
    "follows that waits for it; --step reaches it) - and carries out each step after\n"
    "asking (all with --yes):\n"
    "  restart-services   stop the Update Orchestrator, then Windows Update, and start\n"
    "                     them again (Start where they were not running)\n"
    "  enable-service     set a service a finding names back from Disabled to the start\n"
    "                     type Windows gives it, and start it\n"
    "  reset-components   stop UsoSvc, wuauserv, BITS and CryptSvc, rename\n"
    "                     SoftwareDistribution and System32\\catroot2 to\n"
    "                     NAME.wudiag-YYYYMMDD-HHMMSS (UTC; never deleted), start them again\n"
    "  restart-pending    asks you to restart (wudiag never restarts the PC): first\n"
    "                     when a restart is due, and then the rest waits for it;\n"
    "                     else last\n"
    "Then it diagnoses again and shows which findings are resolved and what is left.\n\n"
    "Safety: it refuses without elevation and while another wudiag fix runs; it does\n"
    "only what a current finding asks for, never a fix the evidence shows already\n"
    "failed unless asked by --step; a failing step stops the plan (the services it\n"
    "stopped are started again) and says what to do by hand. It never changes update\n"
    "policy (HKLM\\SOFTWARE\\Policies); on a PC managed by policy or WSUS it leaves a\n"
    "disabled service to the administrators. Every action is journaled in the history\n"
    "database (tables fix_run and fix_step) before and after it acts.\n\n"
    "  --step NAME       carry out only this fix (a current finding must list it)\n"
    "  --yes             carry out every step without asking\n"
    "  --dry-run         show exactly what would be done; change nothing\n"
    "  --timeout SECONDS how long to wait for a service to stop or start (default 60)\n"
    "  --undo            reverse the last fix run's start types and renamed folders (a\n"
    "                    folder goes back when the one Windows made since is empty)\n"
    "  --force           with --undo: move a non-empty new folder aside (renamed) and\n"
    "                    put the old one back\n"
    "  --evidence PATH   with --dry-run: the plan for a captured bundle\n"
    "  --db FILE         history database (default as for diagnose)\n"
    "  --kb DIR          use the knowledge base files in DIR\n\n"
    "exit codes: as the diagnosis after the fix (0 healthy, 3 failing, 4 warning,\n"
    "5 incomplete); 1 could not run, or a step failed or was refused; 2 usage error\n";

/* --------------------------------------------------------------- options */

static int flag(const char *arg, options *o)
{
    int *f = !strcmp(arg, "--yes") || !strcmp(arg, "-y") ? &o->yes
             : !strcmp(arg, "--dry-run")                 ? &o->dry_run
             : !strcmp(arg, "--undo")                    ? &o->undo
             : !strcmp(arg, "--force")                   ? &o->force
                                                         : NULL;
    if (f)
        *f = 1;
    return f != NULL;
}

static int parse(int argc, char **argv, options *o)
{
    const char *timeout = NULL;
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *v;
        int m = 0;
        if (flag(argv[i], o))
            continue;
        const char **slot = (m = wd_cli_opt(argc, argv, &i, "--db", &v, "fix"))     ? &o->db
                            : (m = wd_cli_opt(argc, argv, &i, "--step", &v, "fix")) ? &o->step
                            : (m = wd_cli_opt(argc, argv, &i, "--evidence", &v, "fix"))
                                ? &o->evidence
                            : (m = wd_cli_opt(argc, argv, &i, "--kb", &v, "fix"))      ? &o->kb
                            : (m = wd_cli_opt(argc, argv, &i, "--timeout", &v, "fix")) ? &timeout
                                                                                       : NULL;
        if (m < 0)
            return WD_EXIT_USAGE;
        if (!slot)
            return wd_cli_usage("fix", "unknown option '%s'", argv[i]);
        *slot = v;
    }
    int64_t t = 60;
    if (timeout && (wd_parse_i64(timeout, &t) || t < 1 || t > 3600))
        return wd_cli_usage("fix", "--timeout takes seconds from 1 to 3600, not '%s'", timeout);
    o->timeout = (unsigned)t;
    if (o->evidence && !o->dry_run)
        return wd_cli_usage("fix", "--evidence is for --dry-run only: wudiag fix changes only "
                                   "the PC it runs on");
    if (o->undo && (o->step || o->dry_run || o->evidence))
        return wd_cli_usage("fix", "--undo takes only --force, --yes and --db");
    if (o->force && !o->undo)
        return wd_cli_usage("fix", "--force is for --undo");
    if (o->step && wd_fix_kind_parse(o->step) < 0)
        return wd_cli_usage("fix",
                            "--step takes restart-services, enable-service, "
                            "reset-components or restart-pending, not '%s'",
                            o->step);
    return 0;
}

/* -------------------------------------------------------------------- ui */

static void say(void *ctx, const char *line)
{
    (void)ctx;
    printf("%s\n", line);
    fflush(stdout);
}

/* Reads the answer to "carry it out?"; end of input stops the plan. */
static int confirm(void *ctx, const wd_fix_plan *p, size_t i)
{
    (void)ctx, (void)p, (void)i;
    char line[64];
    printf("   carry it out? [y]es, [n]o, [q]uit: ");
    fflush(stdout);
    if (!fgets(line, sizeof line, stdin)) {
        printf("\n");
        return -1;
    }
    if (line[0] == 'y' || line[0] == 'Y')
        return 1;
    return line[0] == 'q' || line[0] == 'Q' ? -1 : 0;
}

static void print(const wd_buf *b)
{
    fputs(wd_buf_cstr(b), stdout);
    fflush(stdout);
}

/* ---------------------------------------------------------- diagnosing */

/* Diagnoses (evidence or live) and commits (unless keep is 0: dry run). */
static int diagnose(wd_store *s, const options *o, int keep, int argc, char **argv, int64_t *snap,
                    wd_report **r)
{
    int rc = wd_cli_diagnose_open(s, o->evidence, o->kb, argc, argv, snap, r);
    if (!rc && keep)
        rc = wd_store_commit(s, snap);
    if (rc) {
        wd_store_rollback(s);
        wd_report_free(*r);
        *r = NULL;
    }
    return rc;
}

/* What is left after the fix: each current finding and its next fix. */
static void remaining(const wd_report *r, wd_buf *out)
{
    size_t n = 0;
    for (size_t i = 0; i < wd_report_finding_count(r); i++) {
        wd_finding_rec f;
        wd_report_finding(r, i, &f);
        if (f.state && strcmp(f.state, "current"))
            continue;
        if (!n++)
            wd_buf_puts(out, "Still to do:\n");
        char fix[64] = "";
        snprintf(fix, sizeof fix, "%.*s", (int)strcspn(f.fixes ? f.fixes : "", ","),
                 f.fixes ? f.fixes : "");
        wd_report_fix info = {0};
        wd_report_fix_find(r, fix, &info);
        wd_buf_printf(out, "  [%s] %s\n      next: %s%s%s\n", f.severity, f.title,
                      fix[0] ? fix : "(no fix listed)", info.title ? " - " : "",
                      info.title ? info.title : "");
    }
    if (!n)
        wd_buf_puts(out, "Nothing is left to do: the diagnosis finds no current problem.\n");
}

/* The diagnosis after the fix, and what changed since the one before. */
static int rediagnose(wd_store *s, const options *o, int argc, char **argv, int64_t run,
                      int64_t before, const char **verdict, wd_report **r)
{
    int64_t after = 0;
    wd_buf out = WD_BUF_INIT;
    size_t changes = 0;
    printf("\nDiagnosing again...\n");
    fflush(stdout);
    int rc = diagnose(s, o, 1, argc, argv, &after, r);
    if (!rc)
        rc = wd_store_fix_snapshots(s, run, 0, after);
    if (!rc)
        rc = wd_report_diff(s, before, after, &out, &changes);
    if (!rc) {
        *verdict = wd_report_verdict(*r);
        wd_buf_printf(&out, "Now: %s (snapshot %lld).\n", *verdict, (long long)after);
        remaining(*r, &out);
        print(&out);
    }
    wd_buf_free(&out);
    return rc;
}

/* ----------------------------------------------------------------- fix */

static void print_outcome(const wd_fix_outcome *out)
{
    printf("\n%zu action%s done, %zu unchanged, %zu skipped, %zu refused, %zu failed.\n", out->done,
           out->done == 1 ? "" : "s", out->unchanged, out->skipped, out->refused, out->failed);
    if (out->stopped && out->message[0])
        printf("The plan stopped: %s\n", out->message);
    if (out->prompted)
        printf("Restart the PC now to finish the pending update, then run wudiag fix again.\n");
}

/* The plan's text, then each step carried out (or, dry, worked out). */
static int plan_and_carry(wd_fix_os *os, wd_store *s, int64_t run, const wd_report *r,
                          const options *o, wd_fix_outcome *out)
{
    wd_fix_plan *p = NULL;
    wd_buf text = WD_BUF_INIT;
    wd_fix_options fo = {o->timeout, o->force, o->dry_run};
    wd_fix_ui ui = {NULL, say, o->yes ? NULL : confirm};
    memset(out, 0, sizeof *out);
    int rc = wd_fix_plan_build(r, o->step, &p);
    if (!rc) {
        wd_fix_plan_text(p, &text);
        print(&text);
    }
    /* a real run journals even steps it does not carry out (refused, by hand) */
    if (!rc && os && (o->dry_run ? wd_fix_plan_todo(p) > 0 : p->n > 0)) {
        fputs(o->dry_run ? "\nWhat carrying it out would do on this PC now:\n" : "\n", stdout);
        rc = wd_fix_carry_out(os, s, run, p, &fo, &ui, out);
    }
    if (!rc && !os && o->dry_run)
        printf("(The operations are worked out from this PC's live state when wudiag fix runs "
               "on it.)\n");
    wd_fix_plan_free(p);
    wd_buf_free(&text);
    return rc;
}

static int dry_run(wd_fix_os *os, wd_store *s, const options *o, int argc, char **argv)
{
    int64_t snap = 0;
    wd_report *r = NULL;
    wd_fix_outcome out;
    int rc = diagnose(s, o, 0, argc, argv, &snap, &r);
    if (!rc)
        rc = plan_and_carry(os, s, 0, r, o, &out);
    int code = rc == WD_EUSAGE ? WD_EXIT_USAGE
               : rc            ? WD_EXIT_FAILED
                               : wd_cli_verdict_exit(wd_report_verdict(r));
    if (rc)
        wd_cli_error(NULL);
    else if (os && os->elevated(os) == 0)
        printf("Carrying it out needs an elevated prompt (Run as administrator).\n");
    wd_store_rollback(s); /* a dry run keeps nothing */
    wd_report_free(r);
    return code;
}

static int fix(wd_fix_os *os, wd_store *s, const options *o, int64_t run, int argc, char **argv)
{
    int64_t snap = 0;
    wd_report *r = NULL, *r2 = NULL;
    wd_fix_outcome out;
    const char *verdict = NULL;
    memset(&out, 0, sizeof out);
    int rc = diagnose(s, o, 1, argc, argv, &snap, &r);
    if (!rc)
        rc = wd_store_fix_snapshots(s, run, snap, 0);
    if (!rc)
        printf("Diagnosis: %s (snapshot %lld).\n\n", wd_report_verdict(r), (long long)snap);
    if (!rc)
        rc = plan_and_carry(os, s, run, r, o, &out);
    if (!rc && out.done + out.unchanged + out.failed + out.refused + out.skipped + out.prompted)
        print_outcome(&out);
    /* something changed (or may have, when an action failed): look again */
    if (!rc && out.done + out.failed > 0)
        rc = rediagnose(s, o, argc, argv, run, snap, &verdict, &r2);
    if (!verdict && r)
        verdict = wd_report_verdict(r);
    int code = rc == WD_EUSAGE     ? WD_EXIT_USAGE
               : rc || out.stopped ? WD_EXIT_FAILED
                                   : wd_cli_verdict_exit(verdict);
    const char *msg = rc ? wd_error_last() : out.message[0] ? out.message : NULL;
    if (rc)
        wd_cli_error(NULL);
    if (wd_store_fix_end(s, run, rc || out.stopped ? "stopped" : "done", msg))
        wd_cli_error(NULL);
    wd_report_free(r);
    wd_report_free(r2);
    return code;
}

/* ---------------------------------------------------------------- undo */

static int undo(wd_fix_os *os, wd_store *s, const options *o, int argc, char **argv)
{
    wd_buf machine = WD_BUF_INIT;
    int64_t last = 0, run = 0;
    wd_fix_outcome out;
    wd_fix_options fo = {o->timeout, o->force, 0};
    wd_fix_ui ui = {NULL, say, NULL};
    int rc = os->machine(os, &machine);
    if (!rc)
        rc = wd_store_fix_last(s, wd_buf_cstr(&machine), "fix", NULL, &last);
    if (!rc && !last) {
        printf("Nothing to undo: the history database has no wudiag fix run on %s.\n",
               wd_buf_cstr(&machine));
        wd_buf_free(&machine);
        return WD_EXIT_HEALTHY;
    }
    wd_buf_free(&machine);
    char *cmdline = wd_cli_command_line(argc, argv);
    if (!rc)
        rc = wd_fix_begin(os, s, "undo", last, cmdline, &run);
    free(cmdline);
    if (!rc && !o->yes) {
        printf("Undo fix run %lld (start types set back, renamed folders put back)?\n",
               (long long)last);
        if (confirm(NULL, NULL, 0) != 1) {
            printf("Nothing was changed.\n");
            wd_store_fix_end(s, run, "done", "you chose not to undo");
            return WD_EXIT_HEALTHY;
        }
    }
    memset(&out, 0, sizeof out);
    if (!rc)
        rc = wd_fix_undo(os, s, run, last, &fo, &ui, &out);
    if (rc)
        wd_cli_error(NULL);
    else
        print_outcome(&out);
    if (run && wd_store_fix_end(s, run, rc || out.stopped ? "stopped" : "done",
                                rc               ? wd_error_last()
                                : out.message[0] ? out.message
                                                 : NULL))
        wd_cli_error(NULL);
    return rc || out.failed || out.refused ? WD_EXIT_FAILED : WD_EXIT_HEALTHY;
}

/* ------------------------------------------------------------------ verb */

int wd_cmd_fix(int argc, char **argv)
{
    options o;
    wd_fix_os *os = NULL;
    wd_store *s = NULL;
    int64_t run = 0;
    if (argc > 1 && wd_cli_is_help(argv[1])) {
        fputs(fix_help, stdout);
        return WD_EXIT_HEALTHY;
    }
    int code = parse(argc, argv, &o);
    if (code)
        return code;
    code = WD_EXIT_FAILED;
    if ((!o.evidence && wd_fix_os_native(&os)) || (!o.dry_run && wd_fix_check_elevated(os))) {
        wd_cli_error(NULL);
        wd_fix_os_free(os);
        return code;
    }
    if (wd_cli_open_store(o.db, WD_STORE_CREATE, &s)) {
        wd_cli_error(NULL);
        goto cleanup;
    }
    if (o.dry_run) {
        code = dry_run(os, s, &o, argc, argv);
    } else if (o.undo) {
        code = undo(os, s, &o, argc, argv);
    } else {
        char *cmdline = wd_cli_command_line(argc, argv);
        int rc = wd_fix_begin(os, s, "fix", 0, cmdline, &run);
        free(cmdline);
        if (rc)
            wd_cli_error(NULL);
        else
            code = fix(os, s, &o, run, argc, argv);
    }
cleanup:
    wd_store_close(s);
    wd_fix_os_free(os);
    return code;
}
