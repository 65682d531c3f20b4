/* osfacts.c - the typed facts every source that knows the Windows version
 * or the Windows Update policy sends (.reg exports, facts.txt, the live
 * registry): os.build, os.ubr, os.edition, os.version, os.product (decided
 * here, in one place), machine.name, wu.server, wu.status_server and
 * wu.au_setting; and services.listing for service listings
 * (docs/activities.md). */
#include "internal.h"

#include <string.h>

static int send(const wd_sink *sink, const char *source, const char *key, const char *value)
{
    if (!value || !*value || !sink->fact)
        return 0;
    wd_fact_rec f = {key, value, source, NULL};
    return sink->fact(sink->ctx, &f);
}

/* What EditionID says after "Windows 11 ": Core -> Home, Professional ->
 * Pro; others as written. */
static const char *edition_words(const char *edition)
{
    static const struct {
        const char *id, *words;
    } map[] = {
        {"Core", "Home"},
        {"CoreN", "Home N"},
        {"CoreSingleLanguage", "Home Single Language"},
        {"Professional", "Pro"},
        {"ProfessionalN", "Pro N"},
        {"ProfessionalWorkstation", "Pro for Workstations"},
        {"ProfessionalEducation", "Pro Education"},
        {"Education", "Education"},
        {"Enterprise", "Enterprise"},
        {"EnterpriseN", "Enterprise N"},
        {"EnterpriseS", "Enterprise LTSC"},
        {"IoTEnterprise", "IoT Enterprise"},
        {"IoTEnterpriseS", "IoT Enterprise LTSC"},
    };
    for (size_t i = 0; edition && i < sizeof map / sizeof map[0]; i++)
        if (wd_strcaseeq(edition, map[i].id))
            return map[i].words;
    return edition;
}

/* Server releases by build (their ProductName is right; this names a
 * server whose ProductName is missing). */
static const char *server_name(int64_t build)
{
    return build >= 26100   ? "Windows Server 2025"
           : build >= 20348 ? "Windows Server 2022"
           : build >= 17763 ? "Windows Server 2019"
           : build >= 14393 ? "Windows Server 2016"
           : build >= 9600  ? "Windows Server 2012 R2"
                            : "Windows Server";
}

int wd_os_product(const char *product_name, const char *build, const char *edition,
                  const char *installation_type, wd_buf *out)
{
    int64_t b = -1;
    if (build)
        wd_parse_i64(build, &b);
    int server = wd_strcasehas(edition, "Server") || wd_strcasehas(installation_type, "Server") ||
                 wd_strcasehas(product_name, "Server");
    if (server) {
        if (product_name && *product_name)
            return wd_buf_puts(out, product_name);
        return wd_buf_puts(out, b > 0 ? server_name(b) : "Windows Server");
    }
    if (b < 10240) /* before Windows 10, ProductName is right */
        return product_name && *product_name ? wd_buf_puts(out, product_name) : 0;
    const char *base = b >= 22000 ? "Windows 11" : "Windows 10";
    /* Windows 11 keeps "Windows 10 Pro" in ProductName: replace the name,
     * keep the edition words after it */
    const char *rest = NULL;
    if (product_name && (wd_strncaseeq(product_name, "Windows 10", 10) ||
                         wd_strncaseeq(product_name, "Windows 11", 10)))
        rest = product_name + 10;
    if (rest)
        return wd_buf_printf(out, "%s%s", base, rest);
    if (product_name && *product_name)
        return wd_buf_puts(out, product_name);
    const char *words = edition_words(edition);
    return words ? wd_buf_printf(out, "%s %s", base, words) : wd_buf_puts(out, base);
}

int wd_os_facts(const wd_os_info *o, const char *source, const wd_sink *sink)
{
    const char *version = o->display_version && *o->display_version ? o->display_version
                                                                     : o->release_id;
    wd_buf product = WD_BUF_INIT;
    int rc = 0;
    if (o->product_name || o->build || o->edition)
        rc = wd_os_product(o->product_name, o->build, o->edition, o->installation_type,
                           &product);
    const char *keys[] = {"os.build", "os.ubr", "os.edition", "os.version", "os.product",
                          "machine.name"};
    const char *vals[] = {o->build, o->ubr, o->edition, version,
                          product.len ? wd_buf_cstr(&product) : NULL, o->computer};
    for (size_t i = 0; rc == 0 && i < sizeof keys / sizeof keys[0]; i++)
        rc = send(sink, source, keys[i], vals[i]);
    wd_buf_free(&product);
    return rc;
}

/* AUOptions (policy): 2 notify before download, 3 download and notify
 * before install, 4 download and install on a schedule, 5 the local
 * administrator chooses, 7 download, notify before install and restart. */
static const char *au_setting(const wd_wu_policy *p)
{
    int64_t v;
    if (p->no_auto_update && wd_parse_i64(p->no_auto_update, &v) == 0 && v == 1)
        return "disabled-by-policy";
    if (!p->au_options || wd_parse_i64(p->au_options, &v) != 0)
        return NULL;
    switch (v) {
    case 1:
        return "disabled";
    case 2:
        return "notify";
    case 3:
        return "download-notify";
    case 4:
        return "auto";
    case 5:
        return "local-admin";
    case 7:
        return "download-notify-restart";
    default:
        return NULL;
    }
}

int wd_wu_policy_facts(const wd_wu_policy *p, const char *source, const wd_sink *sink)
{
    int64_t use = 0;
    int wsus = p->use_wu_server && wd_parse_i64(p->use_wu_server, &use) == 0 && use == 1;
    int rc = 0;
    if (wsus) {
        rc = send(sink, source, "wu.server", p->wu_server);
        if (rc == 0)
            rc = send(sink, source, "wu.status_server", p->wu_status_server);
    } else if (p->seen) {
        /* a policy key without UseWUServer = 1: WUServer, if set, is unused */
        rc = send(sink, source, "wu.server", "none");
    }
    if (rc == 0)
        rc = send(sink, source, "wu.au_setting", au_setting(p));
    return rc;
}

/* Services every Windows has running: a listing that holds them all, with
 * stopped services too (sc queryex without state= all lists only running
 * ones) and many services, is the whole machine. */
static const char *const core_services[] = {"RpcSs", "EventLog", "PlugPlay", "DcomLaunch"};

void wd_listing_add(wd_listing *l, const char *name, const char *state)
{
    l->count++;
    if (state && !strcmp(state, "stopped"))
        l->stopped++;
    for (size_t i = 0; name && i < sizeof core_services / sizeof core_services[0]; i++)
        if (wd_strcaseeq(name, core_services[i]))
            l->core |= 1u << i;
}

int wd_listing_fact(const wd_listing *l, const char *source, const wd_sink *sink)
{
    unsigned all = (1u << (sizeof core_services / sizeof core_services[0])) - 1;
    if (l->count == 0)
        return 0;
    int complete = l->count >= WD_LISTING_COMPLETE_MIN && l->core == all && l->stopped > 0;
    return send(sink, source, "services.listing", complete ? "complete" : "partial");
}
