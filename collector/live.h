/* live.h - what the Windows-only live sources share (compiled on _WIN32
 * only): the source summary and one entry point
 * per live source. Each source turns its own failures into collection notes
 * and returns 0, or the sink's non-zero code when the sink asks to stop. */
#ifndef WD_COLLECTOR_LIVE_H
#define WD_COLLECTOR_LIVE_H

#ifdef _WIN32

#include "internal.h"
#include "win.h"

#include <windows.h>
#include <winevt.h>

/* How far back the live event-log query reaches. */
#define WD_LIVE_EVENT_DAYS 90

/* Sends the source summary of a live source. */
int wd_live_summary(const wd_sink *sink, const char *path, const char *kind, uint64_t records,
                    uint64_t kept, uint64_t errors);

/* Streams the events of an open query (closed here) as rendered XML through
 * the event-XML reader, counting into sum; EvtNext errors become notes. */
int wd_live_read_query(EVT_HANDLE query, const char *display, const wd_sink *sink,
                       wd_source_rec *sum);

int wd_live_services(const wd_sink *sink);
int wd_live_events(const wd_sink *sink);
int wd_live_history(const wd_sink *sink);
int wd_live_registry(const wd_sink *sink);

#endif /* _WIN32 */
#endif
