/* event_meaning.c - what a kept event means, decided here once: the
 * activities (docs/activities.md) of Windows Update client, servicing,
 * Service Control Manager, boot and BITS events, and the facts a boot event
 * states (the OS build). Fields are read by name, so Windows 7 templates and
 * Windows 10/11 templates (which add or reorder fields) read alike. */
#include "events_meaning.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ sending */

/* An activity with what every event activity shares: time, provider,
 * computer and where (source, channel, record id, event id). */
static wd_activity_rec base(const wd_event_rec *ev, wd_op op, wd_outcome out)
{
    wd_activity_rec a;
    memset(&a, 0, sizeof a);
    a.operation = op;
    a.outcome = out;
    a.time = ev->time;
    a.component = ev->provider;
    a.computer = ev->computer;
    a.count = -1;
    a.where.kind = WD_LOC_EVENT;
    a.where.source = ev->source;
    a.where.channel = ev->channel;
    a.where.record_id = ev->record_id;
    a.where.event_id = ev->event_id;
    return a;
}

static int send(const wd_sink *sink, wd_activity_rec *a, wd_buf *detail)
{
    a->detail = wd_buf_ok(detail) && detail->len ? wd_buf_cstr(detail) : NULL;
    return sink->activity ? sink->activity(sink->ctx, a) : 0;
}

static int send_fact(const wd_sink *sink, const wd_event_rec *ev, const char *key,
                     const char *value)
{
    if (!value || !*value || !sink->fact)
        return 0;
    wd_fact_rec f = {key, value, ev->source, ev->time};
    return sink->fact(sink->ctx, &f);
}

/* A code field: 1 and *hr when it holds a code, else 0. */
static int code_of(const char *v, uint32_t *hr)
{
    return v && wd_hresult_parse(v, hr) == 0;
}

/* A count field ("12"), or -1. */
static int64_t count_of(const char *v)
{
    int64_t n;
    return v && wd_parse_i64(v, &n) == 0 && n >= 0 ? n : -1;
}

/* --------------------------------------------------- update identity */

/* One update an event names: its title, KB, normalised id and product. */
typedef struct ident {
    char title[1024];
    char kb[32];
    char id[WD_GUID_MAX];
    char target[64];
} ident;

/* Fills the identity from a title (may be NULL) and an update id field. */
static wd_product identify(ident *u, const char *title, size_t tlen, const char *guid)
{
    if (!title)
        tlen = 0;
    if (tlen >= sizeof u->title)
        tlen = sizeof u->title - 1;
    if (tlen)
        memcpy(u->title, title, tlen);
    u->title[tlen] = '\0';
    if (!wd_find_kb(u->title, u->kb, sizeof u->kb))
        u->kb[0] = '\0';
    if (!guid || !wd_update_id_normalize(guid, u->id))
        u->id[0] = '\0';
    wd_product p = wd_classify_update(tlen ? u->title : NULL, u->kb[0] ? u->kb : NULL, NULL);
    u->target[0] = '\0';
    if (p == WD_PRODUCT_FEATURE_UPDATE && !wd_feature_version(u->title, u->target, sizeof u->target))
        u->target[0] = '\0';
    return p;
}

static void apply_ident(wd_activity_rec *a, ident *u, wd_product p)
{
    a->title = u->title[0] ? u->title : NULL;
    a->kb = u->kb[0] ? u->kb : NULL;
    a->update_id = u->id[0] ? u->id : NULL;
    a->product = p;
    if (u->target[0])
        a->target = u->target;
    /* installing a new Windows version is a feature update, not an install */
    if (p == WD_PRODUCT_FEATURE_UPDATE && a->operation == WD_OP_INSTALL)
        a->operation = WD_OP_FEATURE_UPDATE;
}

/* ------------------------------------------- Windows Update client */

static const struct wuc_rule {
    uint32_t id;
    wd_op op;
    wd_outcome out;
    const char *label; /* the event's own heading, for the detail */
} wuc_rules[] = {
    {17, WD_OP_DOWNLOAD, WD_OUT_SUCCEEDED, "Installation Ready"},
    {18, WD_OP_DOWNLOAD, WD_OUT_SUCCEEDED, "Installation Ready"},
    {19, WD_OP_INSTALL, WD_OUT_SUCCEEDED, "Installation Successful"},
    {20, WD_OP_INSTALL, WD_OUT_FAILED, "Installation Failure"},
    {21, WD_OP_INSTALL, WD_OUT_PENDING_REBOOT, "Restart Required"},
    {22, WD_OP_INSTALL, WD_OUT_PENDING_REBOOT, "Restart Required"},
    {23, WD_OP_UNINSTALL, WD_OUT_SUCCEEDED, "Uninstallation Successful"},
    {24, WD_OP_UNINSTALL, WD_OUT_FAILED, "Uninstallation Failure"},
    {25, WD_OP_SCAN, WD_OUT_FAILED, "Scan Failure"},
    {26, WD_OP_SCAN, WD_OUT_SUCCEEDED, "Scan Successful"},
    {31, WD_OP_DOWNLOAD, WD_OUT_FAILED, "Download Failure"},
    {34, WD_OP_SELF_UPDATE, WD_OUT_FAILED, "Self-update Failure"},
    {35, WD_OP_SELF_UPDATE, WD_OUT_FAILED, "Self-update Failure"},
    {36, WD_OP_SELF_UPDATE, WD_OUT_SUCCEEDED, "Self-update Successful"},
    {37, WD_OP_SELF_UPDATE, WD_OUT_SUCCEEDED, "Self-update Successful"},
    {41, WD_OP_DOWNLOAD, WD_OUT_SUCCEEDED, "Download Successful"},
    {43, WD_OP_INSTALL, WD_OUT_IN_PROGRESS, "Installation Started"},
    {44, WD_OP_DOWNLOAD, WD_OUT_IN_PROGRESS, "Download Started"},
    {212, WD_OP_REVERT, WD_OUT_SUCCEEDED, "Revert Successful"},
    {213, WD_OP_REVERT, WD_OUT_FAILED, "Revert Failure"},
    {214, WD_OP_REVERT, WD_OUT_IN_PROGRESS, "Revert Started"},
    {215, WD_OP_UNINSTALL, WD_OUT_IN_PROGRESS, "Uninstallation Started"},
    {216, WD_OP_COMMIT, WD_OUT_SUCCEEDED, "Commit Successful"},
    {217, WD_OP_COMMIT, WD_OUT_FAILED, "Commit Failure"},
    {218, WD_OP_COMMIT, WD_OUT_IN_PROGRESS, "Commit Started"},
};

static const struct wuc_rule *wuc_rule(uint32_t id)
{
    for (size_t i = 0; i < sizeof wuc_rules / sizeof wuc_rules[0]; i++)
        if (wuc_rules[i].id == id)
            return &wuc_rules[i];
    return NULL;
}

/* One activity of a WU client event about the update titled title. */
static int wuc_one(const wd_event_rec *ev, const struct wuc_rule *r, const char *title,
                   size_t tlen, const char *guid, const wd_sink *sink)
{
    wd_activity_rec a = base(ev, r->op, r->out);
    ident u;
    wd_product p = identify(&u, title, tlen, guid);
    apply_ident(&a, &u, p);
    a.has_code = code_of(wd_ev_field(ev, "errorCode"), &a.code);
    if (r->id == 26)
        a.count = count_of(wd_ev_field(ev, "updateCount"));
    if (r->id == 36 || r->id == 37)
        a.target = wd_ev_field(ev, "version2");
    wd_buf d = WD_BUF_INIT;
    wd_buf_printf(&d, "Event %u: %s", (unsigned)ev->event_id, r->label);
    if (a.has_code) {
        char code[11];
        wd_hresult_format(a.code, code);
        wd_buf_printf(&d, ": %s", code);
    }
    if (a.title)
        wd_buf_printf(&d, " %s", a.title);
    int rc = send(sink, &a, &d);
    wd_buf_free(&d);
    return rc;
}

/* "updatelist" is one title, or "\n- title\n- title" (events 17, 18, 21,
 * 22, 24, 213): each line names an update. The update id, when there is
 * one, belongs to a list of one. */
static int wuc_list(const wd_event_rec *ev, const struct wuc_rule *r, const char *list,
                    const wd_sink *sink)
{
    size_t items = 0;
    for (int pass = 0; pass < 2; pass++) {
        const char *p = list;
        while (*p) {
            const char *end = strchr(p, '\n');
            size_t n = end ? (size_t)(end - p) : strlen(p);
            const char *t = p;
            while (n && (*t == ' ' || *t == '\t' || *t == '-' || *t == '\r'))
                t++, n--;
            while (n && isspace((unsigned char)t[n - 1]))
                n--;
            if (n && pass == 0)
                items++;
            if (n && pass == 1) {
                const char *guid = items == 1 ? wd_ev_field(ev, "updateGuid") : NULL;
                int rc = wuc_one(ev, r, t, n, guid, sink);
                if (rc)
                    return rc;
            }
            p = end ? end + 1 : p + strlen(p);
        }
    }
    return items ? 0 : wuc_one(ev, r, NULL, 0, wd_ev_field(ev, "updateGuid"), sink);
}

static int wuc_activities(const wd_event_rec *ev, const wd_sink *sink)
{
    const struct wuc_rule *r = wuc_rule(ev->event_id);
    if (!r)
        return 0; /* 16, 27/28 (paused/resumed), 29/30, 38/39, 40, 42, 209-211 */
    const char *title = wd_ev_field(ev, "updateTitle");
    const char *list = wd_ev_field(ev, "updatelist");
    if (!title && list)
        return wuc_list(ev, r, list, sink);
    return wuc_one(ev, r, title, title ? strlen(title) : 0, wd_ev_field(ev, "updateGuid"),
                   sink);
}

/* -------------------------------------------------------- servicing */

static const struct svc_rule {
    uint32_t id;
    wd_op op;
    wd_outcome out;
    const char *what;
} svc_rules[] = {
    {1, WD_OP_SERVICING, WD_OUT_IN_PROGRESS, "initiating changes"},
    {2, WD_OP_SERVICING, WD_OUT_SUCCEEDED, "changed state"},
    {3, WD_OP_SERVICING, WD_OUT_FAILED, "failed to change state"},
    {4, WD_OP_SERVICING, WD_OUT_PENDING_REBOOT, "needs a restart to change state"},
    {5, WD_OP_SERVICING, WD_OUT_TRACE, "not applicable"},
    {6, WD_OP_SERVICING, WD_OUT_FAILED, "failed to change state, partially installed"},
    {7, WD_OP_FEATURE, WD_OUT_IN_PROGRESS, "turning on"},
    {8, WD_OP_FEATURE, WD_OUT_IN_PROGRESS, "turning off"},
    {9, WD_OP_FEATURE, WD_OUT_SUCCEEDED, "turned on"},
    {10, WD_OP_FEATURE, WD_OUT_SUCCEEDED, "turned off"},
    {11, WD_OP_FEATURE, WD_OUT_FAILED, "failed to turn on"},
    {12, WD_OP_FEATURE, WD_OUT_FAILED, "failed to turn off"},
    {13, WD_OP_FEATURE, WD_OUT_PENDING_REBOOT, "needs a restart to turn on"},
    {14, WD_OP_FEATURE, WD_OUT_PENDING_REBOOT, "needs a restart to turn off"},
    {15, WD_OP_FEATURE, WD_OUT_SUCCEEDED, "turned off, payload removed"},
    {16, WD_OP_FEATURE, WD_OUT_FAILED, "failed to turn off"},
    {1013, WD_OP_REPAIR, WD_OUT_IN_PROGRESS, "started"},
};

/* CbsStoreCorruptionRepairFinish (1014, and 1015 at warning level):
 * errorCode, repaired, totalCorruption. Failed when the code says so or
 * corruption was found and not all of it repaired. */
static int store_repair_finish(const wd_event_rec *ev, const wd_sink *sink)
{
    wd_activity_rec a = base(ev, WD_OP_REPAIR, WD_OUT_SUCCEEDED);
    uint32_t hr = 0;
    a.has_code = code_of(wd_ev_field(ev, "errorCode"), &hr);
    a.code = hr;
    a.count = count_of(wd_ev_field(ev, "totalCorruption"));
    int64_t repaired = count_of(wd_ev_field(ev, "repaired"));
    if ((a.has_code && hr & 0x80000000u) || (a.count > 0 && repaired >= 0 && repaired < a.count))
        a.outcome = WD_OUT_FAILED;
    a.target = "component store";
    wd_buf d = WD_BUF_INIT;
    wd_buf_printf(&d, "Event %u: component store corruption repair finished", (unsigned)ev->event_id);
    if (a.count >= 0)
        wd_buf_printf(&d, ": %lld corruption(s) found", (long long)a.count);
    if (repaired >= 0)
        wd_buf_printf(&d, ", %lld repaired", (long long)repaired);
    if (a.has_code) {
        char code[11];
        wd_hresult_format(hr, code);
        wd_buf_printf(&d, " (%s)", code);
    }
    int rc = send(sink, &a, &d);
    wd_buf_free(&d);
    return rc;
}

static int servicing_activities(const wd_event_rec *ev, const wd_sink *sink)
{
    if (ev->event_id == 1014 || ev->event_id == 1015)
        return store_repair_finish(ev, sink);
    const struct svc_rule *r = NULL;
    for (size_t i = 0; i < sizeof svc_rules / sizeof svc_rules[0] && !r; i++)
        if (svc_rules[i].id == ev->event_id)
            r = &svc_rules[i];
    if (!r)
        return 0;
    wd_activity_rec a = base(ev, r->op, r->out);
    uint32_t hr = 0;
    a.has_code = code_of(wd_ev_field(ev, "ErrorCode"), &hr) && (hr || r->out != WD_OUT_FAILED);
    a.code = hr;
    a.package = wd_ev_field(ev, "PackageIdentifier");
    char kb[32];
    a.kb = a.package && wd_find_kb(a.package, kb, sizeof kb) ? kb : NULL;
    a.product = wd_classify_update(NULL, a.kb, a.package);
    a.target = r->op == WD_OP_FEATURE ? wd_ev_field(ev, "UpdateName")
                                      : wd_ev_field(ev, "IntendedPackageStateTextized");
    if (r->id == 1013)
        a.target = "component store";
    const char *client = wd_ev_field(ev, "Client");
    wd_buf d = WD_BUF_INIT;
    /* "package P failed to change state (to Installed)", "feature F turned
     * on (package P)", "component store corruption repair started" */
    if (r->op == WD_OP_SERVICING)
        wd_buf_printf(&d, "Event %u: package %s %s", (unsigned)ev->event_id,
                      a.package ? a.package : "?", r->what);
    else if (r->op == WD_OP_FEATURE)
        wd_buf_printf(&d, "Event %u: feature %s %s", (unsigned)ev->event_id,
                      a.target ? a.target : "?", r->what);
    else
        wd_buf_printf(&d, "Event %u: component store corruption repair %s",
                      (unsigned)ev->event_id, r->what);
    if (r->op == WD_OP_SERVICING && a.target)
        wd_buf_printf(&d, " (to %s)", a.target);
    else if (r->op == WD_OP_FEATURE && a.package)
        wd_buf_printf(&d, " (package %s)", a.package);
    if (a.has_code) {
        char code[11];
        wd_hresult_format(hr, code);
        wd_buf_printf(&d, ": %s", code);
    }
    if (client)
        wd_buf_printf(&d, ", client %s", client);
    int rc = send(sink, &a, &d);
    wd_buf_free(&d);
    return rc;
}

/* ------------------------------------------ Service Control Manager */

/* An SCM error insertion: "%%2147549471" (a decimal HRESULT), "%%1058" (a
 * Win32 error, made HRESULT_FROM_WIN32), or the number without "%%". A
 * service-specific code (7024) is kept as it is. */
static int scm_code(const char *s, int win32, uint32_t *hr)
{
    if (!s)
        return 0;
    if (s[0] == '%' && s[1] == '%')
        s += 2;
    int64_t v;
    if (wd_parse_i64(s, &v) == 0) {
        if (v < INT32_MIN || v > (int64_t)UINT32_MAX)
            return 0;
        *hr = (uint32_t)v;
        if (win32 && v > 0 && v <= 0xFFFF)
            *hr = 0x80070000u | (uint32_t)v;
        return 1;
    }
    return wd_hresult_parse(s, hr) == 0;
}

/* The state a 7036 event names: the number after '/' in <Binary>
 * ("wuauserv/4") when it is there (Windows 8 and later), else the state
 * word of param2, which Windows writes in the system language (Windows 7
 * and Server 2008 R2 exports). Japanese and Chinese words as real System
 * logs of those languages show them. */
static const struct {
    const char *word;
    const char *state;
} state_words[] = {
    {"running", "running"},          {"stopped", "stopped"},
    {"paused", "paused"},            {"start pending", "start-pending"},
    {"stop pending", "stop-pending"}, {"continue pending", "continue-pending"},
    {"pause pending", "pause-pending"},
    {"Wird ausgef\xc3\xbchrt", "running"}, /* German */
    {"Ausgef\xc3\xbchrt", "running"},      {"Beendet", "stopped"},
    {"Angehalten", "paused"},
    {"en cours d'ex\xc3\xa9" "cution", "running"}, /* French */
    {"arr\xc3\xaat\xc3\xa9", "stopped"},
    {"en ejecuci\xc3\xb3n", "running"}, /* Spanish */
    {"detenido", "stopped"},
    {"in esecuzione", "running"}, /* Italian */
    {"arrestato", "stopped"},
    {"em execu\xc3\xa7\xc3\xa3o", "running"}, /* Portuguese */
    {"parado", "stopped"},
    {"\xd0\xa0\xd0\xb0\xd0\xb1\xd0\xbe\xd1\x82\xd0\xb0\xd0\xb5\xd1\x82", "running"}, /* Russian "Работает" */
    {"\xd0\x9e\xd1\x81\xd1\x82\xd0\xb0\xd0\xbd\xd0\xbe\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xb0", "stopped"}, /* "Остановлена" */
    {"\xe5\xae\x9f\xe8\xa1\x8c\xe4\xb8\xad", "running"}, /* Japanese "実行中" */
    {"\xe5\x81\x9c\xe6\xad\xa2", "stopped"},             /* Japanese, Chinese "停止" */
    {"\xe6\xad\xa3\xe5\x9c\xa8\xe8\xbf\x90\xe8\xa1\x8c", "running"}, /* Chinese "正在运行" */
    {"\xe5\xb7\xb2\xe5\x81\x9c\xe6\xad\xa2", "stopped"}, /* Chinese "已停止" */
};

static int hexdigit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The state number after '/' in <Binary> hex of UTF-16LE "key/N". */
static const char *state_from_binary(const char *hex)
{
    size_t n = hex ? strlen(hex) : 0;
    for (size_t i = 0; i + 8 <= n; i += 4) {
        int a = hexdigit((unsigned char)hex[i]), b = hexdigit((unsigned char)hex[i + 1]);
        if (a < 0 || b < 0)
            return NULL;
        if ((a << 4 | b) != '/' || hex[i + 2] != '0' || hex[i + 3] != '0')
            continue;
        int64_t v = 0;
        size_t j = i + 4;
        for (; j + 4 <= n && hex[j] == '3' && isdigit((unsigned char)hex[j + 1]); j += 4)
            v = v * 10 + (hex[j + 1] - '0');
        return j > i + 4 ? wd_service_state_from_code(v) : NULL;
    }
    return NULL;
}

static const char *scm_state(const wd_event_rec *ev)
{
    const char *s = state_from_binary(wd_ev_field(ev, "Binary"));
    if (s && strcmp(s, "unknown"))
        return s;
    const char *w = wd_ev_field(ev, "param2");
    for (size_t i = 0; w && i < sizeof state_words / sizeof state_words[0]; i++)
        if (wd_strcaseeq(w, state_words[i].word))
            return state_words[i].state;
    return w; /* a word of a language not in the table, as written */
}

/* 7040's start types, written in the system language: "auto start",
 * "demand start", "disabled", ... The Japanese words as a real Japanese
 * System log writes them ("要求による開始 から 自動的な開始 に変更されました");
 * others as written. */
static const char *scm_start_type(const char *w)
{
    static const struct {
        const char *word, *type;
    } words[] = {
        {"auto start", "auto"},           {"demand start", "manual"},
        {"disabled", "disabled"},         {"boot start", "boot"},
        {"system start", "system"},
        {"Automatisch starten", "auto"}, /* German */
        {"Manuell starten", "manual"},    {"Deaktiviert", "disabled"},
        {"D\xc3\xa9marrage automatique", "auto"}, /* French */
        {"D\xc3\xa9marrage \xc3\xa0 la demande", "manual"},
        {"D\xc3\xa9sactiv\xc3\xa9", "disabled"},
        {"Inicio autom\xc3\xa1tico", "auto"}, /* Spanish */
        {"Inicio a petici\xc3\xb3n", "manual"},
        {"Deshabilitado", "disabled"},
        {"Avvio automatico", "auto"}, /* Italian */
        {"Avvio su richiesta", "manual"},
        {"Disabilitato", "disabled"},
        {"In\xc3\xad" "cio autom\xc3\xa1tico", "auto"}, /* Portuguese */
        {"Desabilitado", "disabled"},
        {"Desativado", "disabled"},
        {"\xd0\x9e\xd1\x82\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87\xd0\xb5\xd0\xbd\xd0\xb0", "disabled"}, /* Russian "Отключена" */
        {"\xe8\x87\xaa\xe5\x8b\x95\xe7\x9a\x84\xe3\x81\xaa\xe9\x96\x8b\xe5\xa7\x8b", "auto"}, /* Japanese "自動的な開始" */
        {"\xe8\xa6\x81\xe6\xb1\x82\xe3\x81\xab\xe3\x82\x88\xe3\x82\x8b\xe9\x96\x8b\xe5\xa7\x8b", "manual"}, /* "要求による開始" */
        {"\xe7\x84\xa1\xe5\x8a\xb9", "disabled"},                       /* "無効" */
        {"\xe8\x87\xaa\xe5\x8a\xa8\xe5\x90\xaf\xe5\x8a\xa8", "auto"},     /* Chinese "自动启动" */
        {"\xe6\x8c\x89\xe9\x9c\x80\xe5\x90\xaf\xe5\x8a\xa8", "manual"},   /* "按需启动" */
        {"\xe5\xb7\xb2\xe7\xa6\x81\xe7\x94\xa8", "disabled"},               /* "已禁用" */
        {"\xe7\xa6\x81\xe7\x94\xa8", "disabled"},                           /* "禁用" */
    };
    for (size_t i = 0; w && i < sizeof words / sizeof words[0]; i++)
        if (wd_strcaseeq(w, words[i].word))
            return words[i].type;
    return w;
}

static const struct scm_rule {
    uint32_t id;
    wd_op op;
    const char *what;
    const char *code_field; /* NULL: the event gives no code */
    int win32;              /* the code is a Win32 error */
} scm_rules[] = {
    {7000, WD_OP_SERVICE_START, "failed to start", "param2", 1},
    {7001, WD_OP_SERVICE_START, "failed to start: a service it depends on failed", "param3", 1},
    {7009, WD_OP_SERVICE_START, "did not connect in time", NULL, 0},
    {7011, WD_OP_SERVICE_START, "did not answer a control in time", NULL, 0},
    {7022, WD_OP_SERVICE_START, "hung on starting", NULL, 0},
    {7023, WD_OP_SERVICE_CRASH, "terminated with an error", "param2", 1},
    {7024, WD_OP_SERVICE_CRASH, "terminated with a service-specific error", "param2", 0},
    {7031, WD_OP_SERVICE_CRASH, "terminated unexpectedly", NULL, 0},
    {7034, WD_OP_SERVICE_CRASH, "terminated unexpectedly", NULL, 0},
    {7043, WD_OP_SERVICE_CRASH, "did not shut down properly", NULL, 0},
    {7036, WD_OP_SERVICE_CHANGE, "entered a state", NULL, 0},
    {7040, WD_OP_SERVICE_CHANGE, "start type changed", NULL, 0},
};

static int scm_activities(const wd_event_rec *ev, const char *service, const wd_sink *sink)
{
    const struct scm_rule *r = NULL;
    for (size_t i = 0; i < sizeof scm_rules / sizeof scm_rules[0] && !r; i++)
        if (scm_rules[i].id == ev->event_id)
            r = &scm_rules[i];
    if (!r)
        return 0;
    wd_activity_rec a = base(ev, r->op, r->op == WD_OP_SERVICE_CHANGE ? WD_OUT_SUCCEEDED
                                                                       : WD_OUT_FAILED);
    a.service = service;
    if (r->code_field)
        a.has_code = scm_code(wd_ev_field(ev, r->code_field), r->win32, &a.code);
    if (ev->event_id == 7031 || ev->event_id == 7034)
        a.count = count_of(wd_ev_field(ev, "param2"));
    if (ev->event_id == 7036)
        a.target = scm_state(ev);
    else if (ev->event_id == 7040)
        a.target = scm_start_type(wd_ev_field(ev, "param3"));
    wd_buf d = WD_BUF_INIT;
    const char *display = ev->event_id == 7009 || ev->event_id == 7011
                              ? wd_ev_field(ev, "param2")
                              : wd_ev_field(ev, "param1");
    wd_buf_printf(&d, "Event %u: %s (%s) %s", (unsigned)ev->event_id, display ? display : service,
                  service ? service : "?", r->what);
    if (a.target)
        wd_buf_printf(&d, ": %s", a.target);
    if (a.has_code) {
        char code[11];
        wd_hresult_format(a.code, code);
        wd_buf_printf(&d, ": %s", code);
    }
    if (a.count >= 0)
        wd_buf_printf(&d, ", %lld time(s)", (long long)a.count);
    int rc = send(sink, &a, &d);
    wd_buf_free(&d);
    return rc;
}

/* ------------------------------------------------ boots and shutdowns */

/* A positional value: "paramN" (Windows 10) or the Nth unnamed Data
 * ("DataN", Windows 7). */
static const char *param(const wd_event_rec *ev, int n)
{
    char name[16];
    snprintf(name, sizeof name, "param%d", n);
    const char *v = wd_ev_field(ev, name);
    if (!v) {
        snprintf(name, sizeof name, "Data%d", n);
        v = wd_ev_field(ev, name);
    }
    return v;
}

/* Kernel-General 12: MajorVersion, BuildVersion, QfeVersion (the UBR on
 * Windows 10 and later). EventLog 6009: "10.00.", "19045", ... */
static int boot_facts(const wd_event_rec *ev, const wd_sink *sink)
{
    if (ev->event_id == 6009)
        return count_of(param(ev, 2)) > 0 ? send_fact(sink, ev, "os.build", param(ev, 2)) : 0;
    const char *build = wd_ev_field(ev, "BuildVersion");
    int rc = count_of(build) > 0 ? send_fact(sink, ev, "os.build", build) : 0;
    if (rc == 0 && count_of(wd_ev_field(ev, "MajorVersion")) >= 10 &&
        count_of(wd_ev_field(ev, "QfeVersion")) >= 0)
        rc = send_fact(sink, ev, "os.ubr", wd_ev_field(ev, "QfeVersion"));
    return rc;
}

/* User32 1074: param1 process, param3 reason, param4 reason code, param5
 * "restart" or "power off", param6 comment, param7 user. */
static int restart_request(const wd_event_rec *ev, const wd_sink *sink)
{
    const char *kind = param(ev, 5);
    int off = kind && (wd_strcaseeq(kind, "power off") || wd_strcaseeq(kind, "shutdown"));
    wd_activity_rec a = base(ev, off ? WD_OP_SHUTDOWN : WD_OP_REBOOT, WD_OUT_SUCCEEDED);
    a.target = kind;
    wd_buf d = WD_BUF_INIT;
    wd_buf_printf(&d, "Event 1074: %s asked for a %s", param(ev, 1) ? param(ev, 1) : "a process",
                  kind ? kind : "restart");
    if (param(ev, 3))
        wd_buf_printf(&d, ": %s", param(ev, 3));
    if (param(ev, 4))
        wd_buf_printf(&d, " (%s)", param(ev, 4));
    if (param(ev, 6) && *param(ev, 6))
        wd_buf_printf(&d, "; %s", param(ev, 6));
    int rc = send(sink, &a, &d);
    wd_buf_free(&d);
    return rc;
}

static int boot_activities(const wd_event_rec *ev, const wd_sink *sink)
{
    static const struct {
        uint32_t id;
        wd_op op;
        wd_outcome out;
        const char *what;
    } rules[] = {
        {6005, WD_OP_BOOT, WD_OUT_SUCCEEDED, "the event log service started (a boot)"},
        {12, WD_OP_BOOT, WD_OUT_SUCCEEDED, "the operating system started"},
        {6006, WD_OP_SHUTDOWN, WD_OUT_SUCCEEDED, "the event log service stopped (a clean shutdown)"},
        {13, WD_OP_SHUTDOWN, WD_OUT_SUCCEEDED, "the operating system is shutting down"},
        {6008, WD_OP_SHUTDOWN, WD_OUT_FAILED, "the previous shutdown was unexpected"},
        {41, WD_OP_SHUTDOWN, WD_OUT_FAILED, "the system rebooted without cleanly shutting down"},
    };
    int rc = 0;
    if (ev->event_id == 12 || ev->event_id == 6009)
        rc = boot_facts(ev, sink);
    if (rc == 0 && ev->event_id == 1074)
        return restart_request(ev, sink);
    for (size_t i = 0; rc == 0 && i < sizeof rules / sizeof rules[0]; i++) {
        if (rules[i].id != ev->event_id)
            continue;
        wd_activity_rec a = base(ev, rules[i].op, rules[i].out);
        wd_buf d = WD_BUF_INIT;
        wd_buf_printf(&d, "Event %u: %s", (unsigned)ev->event_id, rules[i].what);
        rc = send(sink, &a, &d);
        wd_buf_free(&d);
    }
    return rc;
}

/* --------------------------------------------------------------- BITS */

/* A Windows Update BITS job: 3 created, 4 completed, 5 cancelled; the
 * transfer events 59-61 are steps of a job BITS retries (trace). */
static int bits_activities(const wd_event_rec *ev, const wd_sink *sink)
{
    wd_outcome out;
    switch (ev->event_id) {
    case 3:
        out = WD_OUT_IN_PROGRESS;
        break;
    case 4:
        out = WD_OUT_SUCCEEDED;
        break;
    case 5:
        out = WD_OUT_CANCELLED;
        break;
    case 59:
    case 60:
    case 61:
        out = WD_OUT_TRACE;
        break;
    default:
        return 0;
    }
    wd_activity_rec a = base(ev, WD_OP_DOWNLOAD, out);
    const char *title = wd_ev_field(ev, "jobTitle");
    if (!title)
        title = wd_ev_field(ev, "name");
    a.session = wd_ev_field(ev, "jobId");
    if (!a.session)
        a.session = wd_ev_field(ev, "Id");
    a.target = wd_ev_field(ev, "url");
    uint32_t hr = 0;
    a.has_code = code_of(wd_ev_field(ev, "hr"), &hr) && hr != 0;
    a.code = hr;
    wd_buf d = WD_BUF_INIT;
    wd_buf_printf(&d, "Event %u: BITS job %s", (unsigned)ev->event_id, title ? title : "?");
    if (a.has_code) {
        char code[11];
        wd_hresult_format(hr, code);
        wd_buf_printf(&d, ": %s", code);
    }
    int rc = send(sink, &a, &d);
    wd_buf_free(&d);
    return rc;
}

/* --------------------------------------------------------------- entry */

int wd_event_meaning(const wd_event_rec *ev, wd_ev_class cls, const char *service,
                     const wd_sink *sink)
{
    switch (cls) {
    case WD_EV_WUC:
        return wuc_activities(ev, sink);
    case WD_EV_SERVICING:
        return servicing_activities(ev, sink);
    case WD_EV_SCM:
        return scm_activities(ev, service, sink);
    case WD_EV_BOOT:
        return boot_activities(ev, sink);
    case WD_EV_BITS:
        return bits_activities(ev, sink);
    default:
        return 0;
    }
}
