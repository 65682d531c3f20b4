/* reg.c - reads .reg exports (regedit 5.00 in UTF-16LE, REGEDIT4) and keeps
 * what decides whether updates install: pending-reboot keys, WU policy, the OS
 * version, machine name and update service start types; the rest is counted. */
#include "internal.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALUE_MAX ((size_t)16 << 20)
#define MAX_UPDATE_SERVICES 64

enum key_kind {
    KEY_NONE, /* before any key, or under a deleted key */
    KEY_OTHER,
    KEY_WU_REBOOT,  /* ...\WindowsUpdate\Auto Update\RebootRequired */
    KEY_CBS_REBOOT, /* ...\Component Based Servicing\RebootPending */
    KEY_CBS_PENDED, /* ...\Component Based Servicing\PendedSessionPackages (and below) */
    KEY_SESSION_MANAGER,
    KEY_POLICY_WU, /* SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate and \AU */
    KEY_CURRENT_VERSION,
    KEY_COMPUTER_NAME,
    KEY_ACTIVE_COMPUTER_NAME,
    KEY_SERVICE, /* SYSTEM\CurrentControlSet\Services\<update service> */
};

enum value_type { VAL_SZ, VAL_DWORD, VAL_MULTI, VAL_BINARY, VAL_DELETE };

typedef struct {
    char *product, *display, *release, *build, *build_number, *ubr, *edition, *install_type;
    char *computer, *active_computer;
    char *wu_server, *wu_status_server, *use_wu_server, *no_auto_update, *au_options;
    int policy_seen;
} os_info;

typedef struct {
    wd_input *in;
    const wd_sink *sink;
    wd_source_rec *sum;
    int ansi;    /* REGEDIT4: hex strings are ANSI, not UTF-16LE */
    int started; /* the header line was seen */
    enum key_kind kind;
    size_t service; /* index into wd_update_services() for KEY_SERVICE */
    int sent_wu, sent_cbs, sent_pended, sent_rename;
    int pended_sub; /* the key is below PendedSessionPackages */
    wd_buf logical; /* a value line joined across '\' continuations */
    uint64_t logical_line;
    int continued;
    os_info os;
    int64_t start[MAX_UPDATE_SERVICES];
    int delayed[MAX_UPDATE_SERVICES];
} reg_ctx;

/* ------------------------------------------------------------------ sink */

static int fact(reg_ctx *c, const char *key, const char *value)
{
    wd_fact_rec f = {key, value, c->in->path, NULL};
    return c->sink->fact ? c->sink->fact(c->sink->ctx, &f) : 0;
}

static int bad(reg_ctx *c, uint64_t line, const char *reason)
{
    c->sum->errors++;
    return wd_note(c->sink, WD_NOTE_PARTIAL, c->in->path, reason, "line %llu", (unsigned long long)line);
}

/* ------------------------------------------------------------------ keys */

/* The key path below HKEY_LOCAL_MACHINE with ControlSet00N read as
 * CurrentControlSet; NULL for other roots. Points into path or buf. */
static const char *hklm_path(const char *path, char *buf, size_t size)
{
    static const char *const roots[] = {"HKEY_LOCAL_MACHINE\\", "HKLM\\"};
    const char *p = NULL;
    for (size_t i = 0; i < 2 && !p; i++)
        if (wd_strncaseeq(path, roots[i], strlen(roots[i])))
            p = path + strlen(roots[i]);
    if (!p)
        return NULL;
    if (wd_strncaseeq(p, "SYSTEM\\ControlSet00", 19) && isdigit((unsigned char)p[19]) &&
        p[20] == '\\') {
        snprintf(buf, size, "SYSTEM\\CurrentControlSet\\%s", p + 21);
        return buf;
    }
    return p;
}

#define CBS "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\"
#define CCS "SYSTEM\\CurrentControlSet\\"

static int under(const char *p, const char *prefix)
{
    size_t n = strlen(prefix);
    return wd_strncaseeq(p, prefix, n) && (p[n] == '\0' || p[n] == '\\');
}

/* An update service key: SYSTEM\CurrentControlSet\Services\<name> exactly. */
static int service_key(reg_ctx *c, const char *p)
{
    const char *prefix = CCS "Services\\";
    size_t n = strlen(prefix), count;
    if (!wd_strncaseeq(p, prefix, n) || strchr(p + n, '\\'))
        return 0;
    const wd_update_service *s = wd_update_service_find(p + n), *all = wd_update_services(&count);
    if (!s || (size_t)(s - all) >= MAX_UPDATE_SERVICES)
        return 0;
    c->service = (size_t)(s - all);
    return 1;
}

static enum key_kind classify(reg_ctx *c, const char *path)
{
    char buf[1024];
    const char *p = hklm_path(path, buf, sizeof buf);
    if (!p)
        return KEY_OTHER;
    if (wd_strcaseeq(p, "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto "
                        "Update\\RebootRequired"))
        return KEY_WU_REBOOT;
    if (wd_strcaseeq(p, CBS "RebootPending"))
        return KEY_CBS_REBOOT;
    if (under(p, CBS "PendedSessionPackages")) {
        c->pended_sub = !wd_strcaseeq(p, CBS "PendedSessionPackages");
        return KEY_CBS_PENDED;
    }
    if (wd_strcaseeq(p, CCS "Control\\Session Manager"))
        return KEY_SESSION_MANAGER;
    if (wd_strcaseeq(p, "SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate") ||
        wd_strcaseeq(p, "SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU"))
        return KEY_POLICY_WU;
    if (wd_strcaseeq(p, "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"))
        return KEY_CURRENT_VERSION;
    if (wd_strcaseeq(p, CCS "Control\\ComputerName\\ComputerName"))
        return KEY_COMPUTER_NAME;
    if (wd_strcaseeq(p, CCS "Control\\ComputerName\\ActiveComputerName"))
        return KEY_ACTIVE_COMPUTER_NAME;
    return service_key(c, p) ? KEY_SERVICE : KEY_OTHER;
}

/* Sends a "true" fact once per file. */
static int flag_once(reg_ctx *c, int *sent, const char *key)
{
    if (*sent)
        return 0;
    *sent = 1;
    c->sum->kept++;
    return fact(c, key, "true");
}

/* "[HKEY_...]" or "[-HKEY_...]" (line already trimmed). */
static int key_line(reg_ctx *c, char *s, uint64_t line)
{
    size_t n = strlen(s);
    c->sum->records++;
    if (n < 3 || s[n - 1] != ']')
        return bad(c, line, "unterminated key name");
    s[n - 1] = '\0';
    if (s[1] == '-') {
        c->kind = KEY_NONE; /* a deleted key: nothing below it exists */
        return 0;
    }
    c->kind = classify(c, s + 1);
    if (c->kind == KEY_WU_REBOOT)
        return flag_once(c, &c->sent_wu, "reboot.pending.wu");
    if (c->kind == KEY_CBS_REBOOT)
        return flag_once(c, &c->sent_cbs, "reboot.pending.cbs");
    if (c->kind == KEY_CBS_PENDED && c->pended_sub) /* a package below it */
        return flag_once(c, &c->sent_pended, "reboot.pending.cbs_packages");
    return 0;
}

/* ---------------------------------------------------------------- values */

/* "Name" with \\ and \" escapes, or @ for the default value. */
static int parse_name(const char **pp, wd_buf *name)
{
    const char *p = *pp;
    if (*p == '@') {
        *pp = p + 1;
        return wd_buf_append(name, "", 0);
    }
    for (p++; *p && *p != '"'; p++) {
        if (*p == '\\' && p[1])
            p++;
        wd_buf_putc(name, *p);
    }
    if (*p != '"')
        return WD_EFORMAT;
    *pp = p + 1;
    return wd_buf_append(name, "", 0);
}

static int hexval(int ch)
{
    if (isdigit(ch))
        return ch - '0';
    ch = tolower(ch);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* "41,00,42,00" (blanks allowed) into bytes. */
static int parse_bytes(const char *p, wd_buf *bytes)
{
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        int hi = hexval((unsigned char)p[0]), lo = hi < 0 ? -1 : hexval((unsigned char)p[1]);
        if (lo < 0 || (p[2] && p[2] != ',' && p[2] != ' ' && p[2] != '\t'))
            return WD_EFORMAT;
        wd_buf_putc(bytes, (char)(hi << 4 | lo));
        p += 2;
    }
    return wd_buf_ok(bytes) ? WD_OK : WD_ENOMEM;
}

/* The next character of a string stored as bytes (UTF-16LE, or ANSI read
 * as Latin-1 for REGEDIT4); *i advances. */
static uint32_t next_char(const unsigned char *b, size_t n, size_t *i, int ansi)
{
    uint32_t cp;
    if (ansi)
        return b[(*i)++];
    *i += wd_utf16_decode(b + *i, n - *i, WD_ENC_UTF16LE, &cp);
    return cp == WD_UTF_INVALID ? WD_UTF_REPLACEMENT : cp;
}

/* REG_SZ / REG_EXPAND_SZ / REG_MULTI_SZ bytes as UTF-8; the strings of a
 * multi-string are joined with '|', empty ones dropped. */
static void bytes_to_text(const wd_buf *bytes, int ansi, int multi, wd_buf *out)
{
    const unsigned char *b = (const unsigned char *)bytes->data;
    size_t n = bytes->len, i = 0, item = 0;
    while (i < n) {
        uint32_t ch = next_char(b, n, &i, ansi);
        if (ch != 0) {
            if (item == 0 && multi && out->len)
                wd_buf_putc(out, '|');
            wd_buf_put_cp(out, ch);
            item++;
        } else if (!multi) {
            break;
        } else {
            item = 0;
        }
    }
}

/* A little-endian number of up to 8 bytes, as decimal text. */
static void bytes_to_number(const wd_buf *bytes, wd_buf *out)
{
    uint64_t v = 0;
    for (size_t i = bytes->len < 8 ? bytes->len : 8; i > 0; i--)
        v = v << 8 | (unsigned char)bytes->data[i - 1];
    wd_buf_printf(out, "%llu", (unsigned long long)v);
}

/* hex(N):... data into text by its registry type. */
static int decode_hex(reg_ctx *c, const char *p, wd_buf *text, enum value_type *type)
{
    unsigned long code = 3; /* "hex:" is REG_BINARY */
    if (*p == '(') {
        char *end;
        code = strtoul(p + 1, &end, 16);
        if (*end != ')')
            return WD_EFORMAT;
        p = end + 1;
    }
    if (*p++ != ':')
        return WD_EFORMAT;
    wd_buf bytes;
    wd_buf_init(&bytes, VALUE_MAX);
    int rc = parse_bytes(p, &bytes);
    *type = code == 7 ? VAL_MULTI : code == 1 || code == 2 ? VAL_SZ : VAL_BINARY;
    if (rc == 0 && (code == 1 || code == 2 || code == 7))
        bytes_to_text(&bytes, c->ansi, code == 7, text);
    else if (rc == 0 && (code == 4 || code == 0xb)) {
        *type = VAL_DWORD;
        bytes_to_number(&bytes, text);
    } else if (rc == 0)
        for (size_t i = 0; i < bytes.len; i++)
            wd_buf_printf(text, "%02x", (unsigned char)bytes.data[i]);
    wd_buf_free(&bytes);
    return rc;
}

/* The text after '=': "string", dword:..., hex...:..., or - (deleted). */
static int decode_value(reg_ctx *c, const char *p, wd_buf *text, enum value_type *type)
{
    while (*p == ' ' || *p == '\t')
        p++;
    wd_buf_append(text, "", 0);
    if (!strcmp(p, "-")) {
        *type = VAL_DELETE;
        return WD_OK;
    }
    if (*p == '"') {
        *type = VAL_SZ;
        return parse_name(&p, text) == 0 && !*p ? WD_OK : WD_EFORMAT;
    }
    if (wd_strncaseeq(p, "dword:", 6)) {
        char *end;
        unsigned long long v = strtoull(p + 6, &end, 16);
        *type = VAL_DWORD;
        if (end == p + 6 || *end || v > 0xFFFFFFFFULL)
            return WD_EFORMAT;
        return wd_buf_printf(text, "%llu", v);
    }
    if (wd_strncaseeq(p, "hex", 3))
        return decode_hex(c, p + 3, text, type);
    return WD_EFORMAT;
}

/* --------------------------------------------------------------- meaning */

static void keep(char **slot, const char *v)
{
    free(*slot);
    *slot = wd_strdup(v);
}

/* Values that are remembered until the end of the file (so DisplayVersion
 * wins over ReleaseId whatever their order). Returns 1 if kept. */
static int remember(reg_ctx *c, const char *name, const char *v)
{
    static const struct {
        const char *name;
        size_t off;
    } cv[] = {{"ProductName", offsetof(os_info, product)},
              {"DisplayVersion", offsetof(os_info, display)},
              {"ReleaseId", offsetof(os_info, release)},
              {"CurrentBuild", offsetof(os_info, build)},
              {"CurrentBuildNumber", offsetof(os_info, build_number)},
              {"UBR", offsetof(os_info, ubr)},
              {"EditionID", offsetof(os_info, edition)},
              {"InstallationType", offsetof(os_info, install_type)}};
    if (c->kind == KEY_COMPUTER_NAME || c->kind == KEY_ACTIVE_COMPUTER_NAME) {
        if (!wd_strcaseeq(name, "ComputerName"))
            return 0;
        keep(c->kind == KEY_COMPUTER_NAME ? &c->os.computer : &c->os.active_computer, v);
        return 1;
    }
    for (size_t i = 0; i < sizeof cv / sizeof cv[0]; i++)
        if (wd_strcaseeq(name, cv[i].name)) {
            keep((char **)((char *)&c->os + cv[i].off), v);
            return 1;
        }
    return 0;
}

/* The policy values that decide the update server and Automatic Updates. */
static void remember_policy(reg_ctx *c, const char *name, const char *v)
{
    static const struct {
        const char *name;
        size_t off;
    } pv[] = {{"WUServer", offsetof(os_info, wu_server)},
              {"WUStatusServer", offsetof(os_info, wu_status_server)},
              {"UseWUServer", offsetof(os_info, use_wu_server)},
              {"NoAutoUpdate", offsetof(os_info, no_auto_update)},
              {"AUOptions", offsetof(os_info, au_options)}};
    c->os.policy_seen = 1;
    for (size_t i = 0; i < sizeof pv / sizeof pv[0]; i++)
        if (wd_strcaseeq(name, pv[i].name))
            keep((char **)((char *)&c->os + pv[i].off), v);
}

static int service_value(reg_ctx *c, const char *name, const char *v)
{
    int64_t n;
    if (wd_parse_i64(v, &n))
        return 0;
    if (wd_strcaseeq(name, "Start"))
        c->start[c->service] = n;
    else if (wd_strcaseeq(name, "DelayedAutostart"))
        c->delayed[c->service] = n != 0;
    else
        return 0;
    return 1;
}

/* Applies one decoded value to what the report needs. */
static int on_value(reg_ctx *c, const char *name, enum value_type type, const char *v)
{
    int kept = 0, rc = 0;
    if (type == VAL_DELETE || c->kind == KEY_NONE || c->kind == KEY_OTHER)
        return 0;
    if (c->kind == KEY_POLICY_WU && *name) {
        wd_buf key = WD_BUF_INIT;
        wd_buf_printf(&key, "policy.wu.%s", name);
        rc = wd_buf_ok(&key) ? fact(c, wd_buf_cstr(&key), v) : WD_ENOMEM;
        wd_buf_free(&key);
        remember_policy(c, name, v);
        kept = 1;
    } else if (c->kind == KEY_SESSION_MANAGER && *v &&
               (wd_strcaseeq(name, "PendingFileRenameOperations") ||
                wd_strcaseeq(name, "PendingFileRenameOperations2"))) {
        return flag_once(c, &c->sent_rename, "reboot.pending.file_rename");
    } else if (c->kind == KEY_CBS_PENDED && *name) {
        return flag_once(c, &c->sent_pended, "reboot.pending.cbs_packages");
    } else if (c->kind == KEY_SERVICE) {
        kept = service_value(c, name, v);
    } else if (c->kind == KEY_CURRENT_VERSION || c->kind == KEY_COMPUTER_NAME ||
               c->kind == KEY_ACTIVE_COMPUTER_NAME) {
        kept = remember(c, name, v);
    }
    c->sum->kept += (uint64_t)kept;
    return rc;
}

/* A whole value line: "Name"=data or @=data. */
static int value_line(reg_ctx *c, const char *s, uint64_t line)
{
    wd_buf name = WD_BUF_INIT, text;
    enum value_type type = VAL_BINARY;
    int rc = 0;
    wd_buf_init(&text, VALUE_MAX);
    c->sum->records++;
    if (parse_name(&s, &name) || *s++ != '=')
        rc = bad(c, line, "not a registry value line");
    else if (decode_value(c, s, &text, &type) || !wd_buf_ok(&text))
        rc = bad(c, line, "registry value data cannot be decoded");
    else
        rc = on_value(c, wd_buf_cstr(&name), type, wd_buf_cstr(&text));
    wd_buf_free(&name);
    wd_buf_free(&text);
    return rc;
}

/* ------------------------------------------------------------ end of file */

static int finish(reg_ctx *c)
{
    const os_info *o = &c->os;
    wd_os_info info = {o->product, o->edition, o->install_type, o->display, o->release,
                       o->build ? o->build : o->build_number, o->ubr,
                       o->computer ? o->computer : o->active_computer};
    int rc = wd_os_facts(&info, c->in->path, c->sink);
    wd_wu_policy pol = {o->wu_server,      o->wu_status_server, o->use_wu_server,
                        o->no_auto_update, o->au_options,       o->policy_seen};
    if (rc == 0)
        rc = wd_wu_policy_facts(&pol, c->in->path, c->sink);
    if (rc == 0 && o->computer && o->active_computer &&
        !wd_strcaseeq(o->computer, o->active_computer))
        rc = fact(c, "reboot.pending.computer_rename", "true");
    size_t count;
    const wd_update_service *svc = wd_update_services(&count);
    for (size_t i = 0; i < count && i < MAX_UPDATE_SERVICES && rc == 0; i++) {
        if (c->start[i] < 0)
            continue;
        wd_buf key = WD_BUF_INIT;
        wd_buf_printf(&key, "service.%s.start", svc[i].name);
        rc = fact(c, wd_buf_cstr(&key), wd_service_start_from_code(c->start[i], c->delayed[i]));
        wd_buf_free(&key);
    }
    return rc;
}

/* ------------------------------------------------------------------ lines */

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Collects a value line and its '\' continuations; processes it when whole. */
static int value_part(reg_ctx *c, char *s, uint64_t line)
{
    size_t n = strlen(s);
    if (!c->continued) {
        wd_buf_reset(&c->logical);
        c->logical_line = line;
    }
    c->continued = n && s[n - 1] == '\\';
    wd_buf_append(&c->logical, s, c->continued ? n - 1 : n);
    if (c->continued)
        return 0;
    if (!wd_buf_ok(&c->logical)) {
        c->sum->records++;
        return bad(c, c->logical_line, "registry value longer than 16 MiB");
    }
    return value_line(c, wd_buf_cstr(&c->logical), c->logical_line);
}

/* The first line: "Windows Registry Editor Version 5.00" or "REGEDIT4".
 * *consumed says whether the line was the header. */
static int header_line(reg_ctx *c, const char *s, uint64_t line, int *consumed)
{
    c->started = 1;
    *consumed = 1;
    if (!strcmp(s, "REGEDIT4")) {
        c->ansi = 1;
        return 0;
    }
    if (!strncmp(s, "Windows Registry Editor Version", 31))
        return 0;
    *consumed = 0;
    return wd_note(c->sink, WD_NOTE_INFO, c->in->path, "no registry editor header; read anyway", "line %llu",
                   (unsigned long long)line);
}

static int one_line(reg_ctx *c, char *raw, uint64_t line)
{
    char *s = trim(raw);
    if (c->continued)
        return value_part(c, s, line);
    if (!*s || *s == ';')
        return 0;
    if (!c->started) {
        int consumed, rc = header_line(c, s, line, &consumed);
        if (rc || consumed)
            return rc;
    }
    if (*s == '[')
        return key_line(c, s, line);
    if (*s == '"' || *s == '@')
        return value_part(c, s, line);
    c->sum->records++;
    return bad(c, line, "not a line of a .reg export");
}

static int read_all(reg_ctx *c, wd_lines *l)
{
    const char *line;
    size_t len;
    int r = 0, rc = 0;
    wd_buf copy = WD_BUF_INIT;
    while (rc == 0 && (r = wd_lines_next(l, &line, &len)) == 1) {
        wd_buf_reset(&copy);
        if (wd_buf_append(&copy, line, len) == 0)
            rc = one_line(c, copy.data, wd_lines_number(l));
        else
            rc = bad(c, wd_lines_number(l), wd_error_last());
    }
    if (rc == 0 && r < 0)
        rc = wd_note(c->sink, WD_NOTE_UNREADABLE, c->in->path, wd_error_last(), NULL);
    if (rc == 0 && c->continued) /* the file ends inside a continued value */
        rc = value_line(c, wd_buf_cstr(&c->logical), c->logical_line);
    c->sum->errors += wd_lines_cut(l);
    wd_buf_free(&copy);
    return rc;
}

int wd_source_reg(wd_input *in, const wd_sink *sink, wd_source_rec *summary)
{
    reg_ctx *c = calloc(1, sizeof *c);
    wd_lines *l = NULL;
    if (!c)
        return wd_note(sink, WD_NOTE_UNREADABLE, in->path, "out of memory", NULL);
    c->in = in;
    c->sink = sink;
    c->sum = summary;
    wd_buf_init(&c->logical, VALUE_MAX);
    for (size_t i = 0; i < MAX_UPDATE_SERVICES; i++)
        c->start[i] = -1;
    int rc = wd_lines_open(&l, in);
    if (rc)
        rc = wd_note(sink, WD_NOTE_UNREADABLE, in->path, wd_error_last(), NULL);
    else if ((rc = read_all(c, l)) == 0)
        rc = finish(c);
    char **strs[] = {&c->os.product,        &c->os.display,          &c->os.release,
                     &c->os.build,          &c->os.build_number,     &c->os.ubr,
                     &c->os.edition,        &c->os.install_type,     &c->os.computer,
                     &c->os.active_computer, &c->os.wu_server,       &c->os.wu_status_server,
                     &c->os.use_wu_server,  &c->os.no_auto_update,   &c->os.au_options};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        free(*strs[i]);
    wd_buf_free(&c->logical);
    wd_lines_free(l);
    free(c);
    return rc;
}
