/* live.c - wd_collect_live on Windows: runs each live source in turn (services,
 * registry and disk, event logs, update history). A source that fails becomes
 * a collection note and the others still run; without elevation it says so. */
#ifdef _WIN32
#include "live.h"

#include <stdio.h>
#include <stdlib.h>

/* ------------------------------------------------------------- helpers */

int wd_live_summary(const wd_sink *sink, const char *path, const char *kind, uint64_t records,
                    uint64_t kept, uint64_t errors)
{
    if (!sink->source)
        return 0;
    wd_source_rec r = {path, kind, records, kept, errors};
    return sink->source(sink->ctx, &r);
}

/* ---------------------------------------------------------- elevation */

static int report_elevation(const wd_sink *sink)
{
    int e = wd_win_elevated();
    int rc = 0;
    if (sink->fact) {
        wd_fact_rec f = {"collector.elevated", e < 0 ? "unknown" : e ? "1" : "0", "live", NULL};
        rc = sink->fact(sink->ctx, &f);
    }
    if (rc == 0 && e == 0)
        rc = wd_note(sink, WD_NOTE_UNREADABLE, "live",
                     "not elevated: some services, event logs and the update history may be "
                     "hidden; run wudiag from an elevated prompt (Run as administrator) to "
                     "see more",
                     NULL);
    return rc;
}

/* ------------------------------------------------------------- entry */

int wd_collect_live(const wd_sink *sink)
{
    static int (*const sources[])(const wd_sink *) = {
        wd_live_registry,
        wd_live_services,
        wd_live_events,
        wd_live_history,
    };
    int rc = report_elevation(sink);
    for (size_t i = 0; rc == 0 && i < sizeof sources / sizeof sources[0]; i++)
        rc = sources[i](sink);
    return rc;
}

#endif /* _WIN32 */
