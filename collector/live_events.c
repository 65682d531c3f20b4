/* live_events.c - the event logs, live: EvtQuery over System, Setup and the
 * update channels with an XPath filter for the providers wudiag keeps and the
 * last WD_LIVE_EVENT_DAYS days. Each event is rendered to XML (EvtRender) and
 * streamed into the same event-XML reader as evidence files. */
#ifdef _WIN32
#include "live.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winevt.h>

#define BATCH 32

/* --------------------------------------------------- query -> wd_input */

/* The state behind a wd_input that pulls rendered events out of a query. */
typedef struct evt_stream {
    EVT_HANDLE query;
    EVT_HANDLE batch[BATCH];
    DWORD nbatch, next;
    wchar_t *wbuf; /* EvtRender output */
    DWORD wbuf_bytes;
    char *pending; /* UTF-8 of the current event, handed out by stream_read */
    size_t pending_len, pending_pos;
    DWORD error; /* what stopped EvtNext, when not the end */
    uint64_t unrendered;
} evt_stream;

/* Renders one event into s->pending; 0, or -1 when it could not be. */
static int render(evt_stream *s, EVT_HANDLE ev)
{
    DWORD used = 0, props = 0;
    if (!EvtRender(NULL, ev, EvtRenderEventXml, s->wbuf_bytes, s->wbuf, &used, &props)) {
        if (GetLastError() != ERROR_INSUFFICIENT_BUFFER)
            return -1;
        wchar_t *nb = realloc(s->wbuf, used + sizeof(wchar_t));
        if (!nb)
            return -1;
        s->wbuf = nb;
        s->wbuf_bytes = used;
        if (!EvtRender(NULL, ev, EvtRenderEventXml, s->wbuf_bytes, s->wbuf, &used, &props))
            return -1;
    }
    free(s->pending);
    s->pending = wd_win_utf8(s->wbuf, -1);
    if (!s->pending)
        return -1;
    s->pending_len = strlen(s->pending);
    s->pending_pos = 0;
    return 0;
}

/* Moves to the next event that renders; 0, or 1 at the end. */
static int next_event(evt_stream *s)
{
    for (;;) {
        if (s->next == s->nbatch) {
            s->next = s->nbatch = 0;
            if (!EvtNext(s->query, BATCH, s->batch, INFINITE, 0, &s->nbatch)) {
                DWORD err = GetLastError();
                if (err != ERROR_NO_MORE_ITEMS)
                    s->error = err;
                s->nbatch = 0;
                return 1;
            }
        }
        EVT_HANDLE ev = s->batch[s->next];
        s->batch[s->next++] = NULL;
        int r = render(s, ev);
        EvtClose(ev);
        if (r == 0)
            return 0;
        s->unrendered++;
    }
}

static ssize_t stream_read(void *ctx, void *buf, size_t n)
{
    evt_stream *s = ctx;
    if (s->pending_pos == s->pending_len && next_event(s))
        return 0;
    size_t avail = s->pending_len - s->pending_pos;
    if (n > avail)
        n = avail;
    memcpy(buf, s->pending + s->pending_pos, n);
    s->pending_pos += n;
    return (ssize_t)n;
}

static void stream_close(evt_stream *s)
{
    for (DWORD i = s->next; i < s->nbatch; i++)
        if (s->batch[i])
            EvtClose(s->batch[i]);
    if (s->query)
        EvtClose(s->query);
    free(s->wbuf);
    free(s->pending);
}

int wd_live_read_query(EVT_HANDLE query, const char *display, const wd_sink *sink,
                       wd_source_rec *sum)
{
    evt_stream s;
    memset(&s, 0, sizeof s);
    s.query = query;
    wd_input in;
    int rc = 0;
    if (wd_input_open_stream(&in, stream_read, &s, UINT64_MAX, display))
        rc = wd_note(sink, WD_NOTE_UNREADABLE, display, wd_error_last(), NULL);
    else
        rc = wd_source_event_xml(&in, sink, sum);
    char why[320];
    if (rc == 0 && s.error) {
        wd_win_error_text(s.error, why, sizeof why);
        rc = wd_note(sink, WD_NOTE_PARTIAL, display, why, "EvtNext after %llu events",
                     (unsigned long long)sum->records);
    }
    if (rc == 0 && s.unrendered) {
        sum->records += s.unrendered;
        sum->errors += s.unrendered;
        rc = wd_note(sink, WD_NOTE_PARTIAL, display, "events that EvtRender could not render as XML", "%llu events",
                     (unsigned long long)s.unrendered);
    }
    stream_close(&s);
    return rc;
}

/* ---------------------------------------------------------- channels */

/* Who is kept from System and Setup (collector/events.c decides per event). */
static const wchar_t PROVIDERS[] =
    L"@Name='Microsoft-Windows-WindowsUpdateClient' or @Name='Microsoft-Windows-Servicing' or "
    L"@Name='Service Control Manager' or @Name='Microsoft-Windows-Bits-Client' or "
    L"@Name='EventLog' or @Name='Microsoft-Windows-Kernel-General' or "
    L"@Name='Microsoft-Windows-Kernel-Power' or @Name='User32'";

static const struct {
    const wchar_t *channel;
    int by_provider; /* filter on PROVIDERS (shared channels) */
} channels[] = {
    {L"System", 1},
    {L"Setup", 1},
    {L"Microsoft-Windows-WindowsUpdateClient/Operational", 0},
    {L"Microsoft-Windows-Bits-Client/Operational", 0},
};

/* The XPath for one channel: its providers within the time window. */
static wchar_t *xpath_for(int by_provider)
{
    wchar_t *q = malloc(2048 * sizeof *q);
    unsigned long long ms = (unsigned long long)WD_LIVE_EVENT_DAYS * 24 * 3600 * 1000;
    if (q && by_provider)
        swprintf(q, 2048,
                 L"*[System[Provider[%ls] and TimeCreated[timediff(@SystemTime) <= %llu]]]",
                 PROVIDERS, ms);
    else if (q)
        swprintf(q, 2048, L"*[System[TimeCreated[timediff(@SystemTime) <= %llu]]]", ms);
    return q;
}

static int one_channel(const wd_sink *sink, const wchar_t *channel, int by_provider)
{
    char *name = wd_win_utf8(channel, -1);
    wd_buf display = WD_BUF_INIT;
    wd_buf_printf(&display, "live:eventlog/%s", name ? name : "?");
    free(name);
    const char *path = wd_buf_cstr(&display);
    wchar_t *xpath = xpath_for(by_provider);
    int rc = 0;
    SetLastError(0);
    EVT_HANDLE q = xpath ? EvtQuery(NULL, channel, xpath, EvtQueryChannelPath) : NULL;
    if (!q) {
        char why[320];
        wd_win_error_text(xpath ? GetLastError() : ERROR_NOT_ENOUGH_MEMORY, why, sizeof why);
        rc = wd_note(sink, WD_NOTE_PARTIAL, path, why, "EvtQuery");
    } else {
        wd_source_rec sum = {path, "live-eventlog", 0, 0, 0};
        rc = wd_live_read_query(q, path, sink, &sum);
        if (rc == 0 && sink->source)
            rc = sink->source(sink->ctx, &sum);
    }
    free(xpath);
    wd_buf_free(&display);
    return rc;
}

int wd_live_events(const wd_sink *sink)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof channels / sizeof channels[0]; i++)
        rc = one_channel(sink, channels[i].channel, channels[i].by_provider);
    return rc;
}

#endif /* _WIN32 */
