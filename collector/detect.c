/* detect.c - recognises an evidence file by its content (magic bytes, byte
 * order mark, first lines); the file name is only a hint, used where two
 * text formats look alike (CBS.log and DISM.log). */
#include "internal.h"

#include <ctype.h>
#include <string.h>

/* Decodes the head for detection, in the encoding the readers will decode
 * the file in (wd_text_detect); non-ASCII characters become '?'. */
void wd_text_head(const wd_input *in, char *out, size_t outsz)
{
    const unsigned char *h = in->head;
    size_t n = in->head_len, o = 0, i = 0;
    wd_text_enc enc = wd_text_detect(h, n, &i);
    while (i < n && o + 1 < outsz) {
        uint32_t c;
        if (enc != WD_ENC_UTF8 && i + 1 >= n)
            break;
        if (enc != WD_ENC_UTF8)
            i += wd_utf16_decode(h + i, n - i, enc, &c);
        else
            c = h[i++];
        out[o++] = c < 0x80 ? (char)c : '?';
    }
    out[o] = '\0';
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    const char *b = strrchr(path, '\\');
    if (b && (!s || b > s))
        s = b;
    return s ? s + 1 : path;
}

static int name_has(const char *path, const char *needle)
{
    const char *b = base_name(path);
    size_t n = strlen(needle);
    for (; *b; b++)
        if (wd_strncaseeq(b, needle, n))
            return 1;
    return 0;
}

static int is_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* "2024-04-11 12:48:04.6269606 1980  8444  ", with slashes, or with the
 * date (and time) separators of the regional format Get-WindowsUpdateLog
 * ran under: "2024.04.11", "2024. 04. 11", "12.48.04". */
static int is_wu_log_line(const char *l)
{
    char sep = l[4];
    if (!is_digits(l, 4) || (sep != '-' && sep != '/' && sep != '.'))
        return 0;
    const char *d = l + 5 + (sep == '.' && l[5] == ' ');
    if (!is_digits(d, 2) || d[2] != sep)
        return 0;
    d += 3 + (sep == '.' && d[3] == ' ');
    if (!is_digits(d, 2))
        return 0;
    const char *t = d + 3;
    if (d[2] == ' ' && is_digits(t, 2) && (t[2] == ':' || t[2] == '.') && t[8] == '.' &&
        is_digits(t + 9, 7) && t[16] == ' ')
        return 1;
    /* legacy: date TAB time(:ms) TAB pid TAB tid */
    return sep == '-' && d[2] == '\t' && is_digits(t, 2) && t[2] == ':';
}

/* "2023-05-17 08:24:08, Info  CBS ..." (CBS.log and DISM.log) */
static int is_cbs_style_line(const char *l)
{
    return is_digits(l, 4) && l[4] == '-' && l[10] == ' ' && l[13] == ':' && l[16] == ':' &&
           l[19] == ',';
}

/* The source column of such a line is DISM (a CBS.log names DISM too, in
 * "client DISM Package Manager Provider": the column decides). */
static int is_dism_source(const char *l)
{
    const char *p = wd_text_skip_blanks(l + 20);
    p = wd_text_skip_blanks(wd_text_token_end(p));
    return !strncmp(p, "DISM", 4) && (p[4] == ' ' || p[4] == '\t' || p[4] == '\0');
}

static int header_has(const char *line, const char *col)
{
    /* a CSV header cell, quoted or not, compared case-insensitively */
    size_t n = strlen(col);
    const char *p = line;
    while (*p) {
        while (*p == ' ' || *p == '"' || *p == ',' || *p == ';' || *p == '\t')
            p++;
        if (wd_strncaseeq(p, col, n) && (p[n] == '"' || p[n] == ',' || p[n] == ';' ||
                                         p[n] == '\t' || p[n] == '\0' || p[n] == '\r'))
            return 1;
        while (*p && *p != ',' && *p != ';' && *p != '\t')
            p++;
    }
    return 0;
}

static wd_kind detect_text(const char *text, const char *path)
{
    const char *p = text;
    while (*p && isspace((unsigned char)*p))
        p++;
    if (*p == '<')
        return WD_KIND_EVENT_XML;
    if (!strncmp(p, "Windows Registry Editor", 23) || !strncmp(p, "REGEDIT4", 8))
        return WD_KIND_REG;
    /* sc queryex starts with SERVICE_NAME:, sc qc with its [SC] status line */
    if (!strncmp(p, "SERVICE_NAME:", 13) || !strncmp(p, "[SC] ", 5))
        return WD_KIND_SC_QUERYEX;
    if (!strncmp(p, "wudiag-facts", 12))
        return WD_KIND_FACTS;
    /* Log files are recognised by any of their first lines (a copy may start
     * with a header or a cut line); a CSV by its header, the first line that
     * is not a PowerShell "#TYPE" comment or an Excel "sep=;" hint. */
    char line[1024];
    const char *q = p;
    int header_seen = 0;
    for (int tries = 0; tries < 8 && *q; tries++) {
        size_t n = strcspn(q, "\r\n");
        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, q, n);
        line[n] = '\0';
        q += n;
        while (*q == '\r' || *q == '\n')
            q++;
        if (is_wu_log_line(line))
            return WD_KIND_WU_LOG;
        /* sc output saved from a console: a prompt line comes first */
        const char *lt = wd_text_skip_blanks(line);
        if (tries > 0 && (!strncmp(lt, "SERVICE_NAME:", 13) || !strncmp(lt, "[SC] ", 5)))
            return WD_KIND_SC_QUERYEX;
        if (is_cbs_style_line(line)) {
            if (name_has(path, "dism") || is_dism_source(line))
                return WD_KIND_DISM_LOG;
            return WD_KIND_CBS_LOG;
        }
        if (header_seen || line[0] == '#' || !strncmp(line, "sep=", 4))
            continue;
        header_seen = 1;
        /* QueryHistory rows; Get-WUHistory exports say Operationname/Result */
        if ((header_has(line, "Operation") && header_has(line, "ResultCode")) ||
            (header_has(line, "Title") &&
             (header_has(line, "Operationname") || header_has(line, "Result"))))
            return WD_KIND_HISTORY_CSV;
        if (header_has(line, "Name") &&
            (header_has(line, "State") || header_has(line, "Status")))
            return WD_KIND_SERVICES_CSV;
    }
    return WD_KIND_UNKNOWN;
}

wd_kind wd_detect(const wd_input *in)
{
    const unsigned char *h = in->head;
    if (in->head_len >= 8 && !memcmp(h, "ElfFile", 8))
        return WD_KIND_EVTX;
    if (in->head_len >= 8 && !memcmp(h + 4, "LfLe", 4))
        return WD_KIND_EVT;
    if (in->head_len >= 4 && !memcmp(h, "PK\3\4", 4))
        return WD_KIND_ZIP;
    char text[WD_INPUT_HEAD];
    wd_text_head(in, text, sizeof text);
    return detect_text(text, in->path);
}

const char *wd_kind_name(wd_kind kind)
{
    switch (kind) {
    case WD_KIND_EVTX: return "evtx";
    case WD_KIND_EVT: return "evt";
    case WD_KIND_EVENT_XML: return "event-xml";
    case WD_KIND_SC_QUERYEX: return "sc-queryex";
    case WD_KIND_SERVICES_CSV: return "services-csv";
    case WD_KIND_WU_LOG: return "windowsupdate-log";
    case WD_KIND_CBS_LOG: return "cbs-log";
    case WD_KIND_DISM_LOG: return "dism-log";
    case WD_KIND_HISTORY_CSV: return "update-history-csv";
    case WD_KIND_REG: return "reg";
    case WD_KIND_FACTS: return "facts";
    case WD_KIND_ZIP: return "zip";
    default: return "unknown";
    }
}
