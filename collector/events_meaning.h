/* events_meaning.h - what events.c (which events are kept) and
 * event_meaning.c (what a kept event means) share: the class of an event
 * and field access by name. Private to the collector. */
#ifndef WD_EVENTS_MEANING_H
#define WD_EVENTS_MEANING_H

#include "internal.h"

typedef enum wd_ev_class {
    WD_EV_NONE = 0,
    WD_EV_WUC,       /* Microsoft-Windows-WindowsUpdateClient */
    WD_EV_SERVICING, /* Microsoft-Windows-Servicing (Setup channel) */
    WD_EV_SCM,       /* Service Control Manager, about an update service */
    WD_EV_BOOT,      /* boots, shutdowns, restarts, the OS version at boot */
    WD_EV_BITS,      /* Bits-Client, a Windows Update job */
} wd_ev_class;

/* The value of the field called name (case-insensitive), or NULL. */
const char *wd_ev_field(const wd_event_rec *ev, const char *name);

/* Sends the activities (and facts) a kept event means, right after the
 * event itself. service is the key name of the update service an SCM event
 * is about (NULL for other classes). Returns 0 or the sink's answer. */
int wd_event_meaning(const wd_event_rec *ev, wd_ev_class cls, const char *service,
                     const wd_sink *sink);

#endif
