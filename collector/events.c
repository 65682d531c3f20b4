/* events.c - the shared rules for which event-log records wudiag keeps (the
 * Windows Update client, servicing, the Service Control Manager about update
 * services, boots and shutdowns, BITS update jobs). Each kept event is sent
 * with the activities it means (event_meaning.c). Used by the .evtx, the
 * event-XML and the live readers alike. */
#include "events_meaning.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define P_WUC "Microsoft-Windows-WindowsUpdateClient"
#define P_SERVICING "Microsoft-Windows-Servicing"
#define P_SCM "Service Control Manager"
#define P_BITS "Microsoft-Windows-Bits-Client"

#define KEY_NAME_MAX 256


/* ------------------------------------------------------------- the rules */

static const struct {
    const char *provider;
    uint32_t id;
} boot_events[] = {
    {"EventLog", 6005},                       /* event log service started: a boot */
    {"EventLog", 6006},                       /* event log service stopped: a clean shutdown */
    {"EventLog", 6008},                       /* the previous shutdown was unexpected */
    {"EventLog", 6009},                       /* the OS version, at boot */
    {"Microsoft-Windows-Kernel-General", 12}, /* operating system started */
    {"Microsoft-Windows-Kernel-General", 13}, /* operating system shutting down */
    {"Microsoft-Windows-Kernel-Power", 41},   /* rebooted without a clean shutdown */
    {"User32", 1074},                         /* a process asked for a restart */
};

static const uint32_t scm_ids[] = {7000, 7001, 7009, 7011, 7022, 7023,
                                   7024, 7031, 7034, 7036, 7040, 7043};

/* What a BITS job title or URL says when the job is Windows Update's. */
static const char *const bits_markers[] = {
    "Windows Update", "WU Client", "windowsupdate", "update.microsoft", "delivery.mp.microsoft",
};

static wd_ev_class classify(const char *provider, uint32_t id)
{
    if (!provider)
        return WD_EV_NONE;
    if (wd_strcaseeq(provider, P_WUC))
        return WD_EV_WUC;
    if (wd_strcaseeq(provider, P_SERVICING))
        return WD_EV_SERVICING;
    if (wd_strcaseeq(provider, P_BITS))
        return WD_EV_BITS;
    if (wd_strcaseeq(provider, P_SCM)) {
        for (size_t i = 0; i < sizeof scm_ids / sizeof scm_ids[0]; i++)
            if (scm_ids[i] == id)
                return WD_EV_SCM;
        return WD_EV_NONE;
    }
    for (size_t i = 0; i < sizeof boot_events / sizeof boot_events[0]; i++)
        if (boot_events[i].id == id && wd_strcaseeq(boot_events[i].provider, provider))
            return WD_EV_BOOT;
    return WD_EV_NONE;
}

/* ---------------------------------------------------------------- fields */

const char *wd_ev_field(const wd_event_rec *ev, const char *name)
{
    for (size_t i = 0; i < ev->nfields; i++)
        if (ev->fields[i].name && ev->fields[i].value && wd_strcaseeq(ev->fields[i].name, name))
            return ev->fields[i].value;
    return NULL;
}

static int contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (wd_strncaseeq(hay, needle, n))
            return 1;
    return 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The service key name in an SCM event's <Binary>: hex of UTF-16LE
 * "<ServiceKeyName>" or "<ServiceKeyName>/<state>". Key names are ASCII;
 * anything else gives 0 (no name). */
static int key_from_binary(const char *hex, char out[KEY_NAME_MAX])
{
    size_t n = 0;
    while (hex && hex[0] && hex[1] && hex[2] && hex[3]) {
        int a = hexval((unsigned char)hex[0]), b = hexval((unsigned char)hex[1]);
        int c = hexval((unsigned char)hex[2]), d = hexval((unsigned char)hex[3]);
        if (a < 0 || b < 0 || c < 0 || d < 0)
            return 0;
        unsigned unit = (unsigned)(a << 4 | b) | (unsigned)(c << 4 | d) << 8;
        if (unit == 0 || unit == '/')
            break;
        if (unit < 0x21 || unit > 0x7E || n + 1 >= KEY_NAME_MAX)
            return 0;
        out[n++] = (char)unit;
        hex += 4;
    }
    out[n] = '\0';
    return n > 0;
}

/* ---------------------------------------------------- matching services */

static const wd_update_service *service_by_any_name(const char *name)
{
    return wd_update_service_by_any_name(name);
}

/* The update service an SCM event is about, or NULL. The key name (from
 * <Binary>, or param4 of 7040) is not localised and decides when present;
 * otherwise param1 (param2 for the timeouts 7009/7011, whose param1 is the
 * time) is compared with the key names and the display names, English or
 * localised (common/services.c). */
static const wd_update_service *scm_service(const wd_event_rec *ev)
{
    const char *key = wd_ev_field(ev, "ServiceKeyName");
    if (!key && ev->event_id == 7040)
        key = wd_ev_field(ev, "param4");
    if (key)
        return wd_update_service_find(key);
    const char *name = wd_ev_field(ev, "param1");
    if (ev->event_id == 7009 || ev->event_id == 7011)
        name = wd_ev_field(ev, "param2");
    const wd_update_service *s = service_by_any_name(name);
    if (!s && ev->event_id == 7001) /* dependency of the service failed */
        s = service_by_any_name(wd_ev_field(ev, "param2"));
    return s;
}

static int bits_is_update_job(const wd_event_rec *ev)
{
    for (size_t i = 0; i < ev->nfields; i++) {
        const char *v = ev->fields[i].value;
        if (!v)
            continue;
        for (size_t m = 0; m < sizeof bits_markers / sizeof bits_markers[0]; m++)
            if (contains_ci(v, bits_markers[m]))
                return 1;
    }
    return 0;
}

/* ---------------------------------------------------------- cheap tests */

int wd_event_wanted(const char *provider, uint32_t event_id)
{
    if (!provider)
        return 1;
    wd_ev_class cls = classify(provider, event_id & 0xFFFF);
    return cls == WD_EV_NONE ? 0 : cls == WD_EV_SCM || cls == WD_EV_BITS ? 2 : 1;
}

/* Whether a value, whatever its name, names an update service: a key name,
 * a display name, or <Binary> hex of a key name. */
static int names_update_service(const char *v)
{
    char key[KEY_NAME_MAX];
    return service_by_any_name(v) || (key_from_binary(v, key) && wd_update_service_find(key));
}

int wd_event_wanted_values(const char *provider, uint32_t event_id, const char *const *values,
                           size_t nvalues)
{
    wd_ev_class cls = classify(provider, event_id & 0xFFFF);
    if (cls != WD_EV_SCM && cls != WD_EV_BITS)
        return cls != WD_EV_NONE || !provider;
    for (size_t i = 0; i < nvalues; i++) {
        if (!values[i])
            continue;
        if (cls == WD_EV_SCM && names_update_service(values[i]))
            return 1;
        for (size_t m = 0; cls == WD_EV_BITS && m < sizeof bits_markers / sizeof bits_markers[0];
             m++)
            if (contains_ci(values[i], bits_markers[m]))
                return 1;
    }
    return 0;
}

/* ------------------------------------------------------------ keep rule */

static int keep(const wd_event_rec *ev, wd_ev_class cls)
{
    switch (cls) {
    case WD_EV_WUC:
    case WD_EV_BOOT:
        return 1;
    case WD_EV_SERVICING:
        return !ev->channel || wd_strcaseeq(ev->channel, "Setup");
    case WD_EV_SCM:
        return scm_service(ev) != NULL;
    case WD_EV_BITS:
        return bits_is_update_job(ev);
    default:
        return 0;
    }
}

/* An SCM event whose <Binary> names the service gets the decoded key name
 * as an extra field "ServiceKeyName" (matching needs it, and the store keeps
 * it): *out is ev or a copy with a malloc'd field array in *fields (free()). */
static int add_key_name(const wd_event_rec *ev, char key[KEY_NAME_MAX], wd_event_rec *out,
                        wd_field **fields)
{
    *out = *ev;
    *fields = NULL;
    if (wd_ev_field(ev, "ServiceKeyName") || !key_from_binary(wd_ev_field(ev, "Binary"), key))
        return 0;
    *fields = malloc((ev->nfields + 1) * sizeof **fields);
    if (!*fields)
        return wd_error_set(WD_ENOMEM, "out of memory keeping an event");
    if (ev->nfields)
        memcpy(*fields, ev->fields, ev->nfields * sizeof **fields);
    (*fields)[ev->nfields].name = "ServiceKeyName";
    (*fields)[ev->nfields].value = key;
    out->fields = *fields;
    out->nfields = ev->nfields + 1;
    return 0;
}

int wd_event_emit(const wd_event_rec *ev, const wd_sink *sink)
{
    wd_ev_class cls = classify(ev->provider, ev->event_id);
    if (cls == WD_EV_NONE)
        return 0;
    char key[KEY_NAME_MAX];
    wd_event_rec rec = *ev;
    wd_field *fields = NULL;
    if (cls == WD_EV_SCM && add_key_name(ev, key, &rec, &fields))
        return WD_ENOMEM;
    int rc = 0;
    if (keep(&rec, cls)) {
        const wd_update_service *svc = cls == WD_EV_SCM ? scm_service(&rec) : NULL;
        rc = sink->event ? sink->event(sink->ctx, &rec) : 0;
        if (rc == 0)
            rc = wd_event_meaning(&rec, cls, svc ? svc->name : NULL, sink);
        /* 1: kept; a sink's non-zero answer is passed on as a negative code */
        rc = rc == 0 ? 1 : rc < 0 ? rc : WD_ERROR;
    }
    free(fields);
    return rc;
}
