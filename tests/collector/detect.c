/* detect.c - evidence is recognised by content, whatever its name: magic
 * bytes, byte order marks, first lines. */
#include "internal.h"

#include <criterion/criterion.h>
#include <string.h>

static wd_kind kind_of(const void *data, size_t n, const char *name)
{
    wd_input in;
    wd_input_open_mem(&in, data, n, name);
    return wd_detect(&in);
}

static const struct {
    const char *name, *text;
    wd_kind kind;
} cases[] = {
    {"x.bin", "ElfFile\0\0\0\0", WD_KIND_EVTX},
    {"x.evt", "\x30\0\0\0LfLe\1\0\0\0", WD_KIND_EVT},
    {"x.dat", "PK\3\4rest", WD_KIND_ZIP},
    {"a.txt", "<?xml version=\"1.0\"?><Events><Event/></Events>", WD_KIND_EVENT_XML},
    {"b.txt", "\r\n<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>",
     WD_KIND_EVENT_XML},
    {"c.txt", "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\X]", WD_KIND_REG},
    {"d.txt", "REGEDIT4\n", WD_KIND_REG},
    {"e.txt", "\r\nSERVICE_NAME: wuauserv\r\nDISPLAY_NAME: Windows Update\r\n", WD_KIND_SC_QUERYEX},
    {"f.txt", "[SC] QueryServiceConfig SUCCESS\r\n\r\nSERVICE_NAME: wuauserv\r\n",
     WD_KIND_SC_QUERYEX},
    {"g.txt", "wudiag-facts 1\nmachine.name=PC\n", WD_KIND_FACTS},
    /* sc output saved from a console window: the prompt line comes first */
    {"g2.txt", "C:\\WINDOWS\\system32> sc query wuauserv\r\n\r\nSERVICE_NAME: wuauserv\r\n",
     WD_KIND_SC_QUERYEX},
    {"h.csv", "#TYPE Selected.Microsoft.Management.Infrastructure.CimInstance\r\n"
              "\"Name\",\"DisplayName\",\"State\",\"StartMode\"\r\n", WD_KIND_SERVICES_CSV},
    {"i.csv", "sep=;\r\nName;DisplayName;Status;StartType\r\n", WD_KIND_SERVICES_CSV},
    {"j.csv", "\"Date\",\"Operation\",\"ResultCode\",\"HResult\",\"Title\"\r\n",
     WD_KIND_HISTORY_CSV},
    {"k.csv", "ComputerName,Operationname,Result,Date,KB,Title\r\n", WD_KIND_HISTORY_CSV},
    {"l.log", "2024/04/11 12:48:04.6269606 1980  8444  DownloadManager x\r\n", WD_KIND_WU_LOG},
    {"m.log", "2024-04-11 12:48:04.6269606 1980  8444  Agent           x\r\n", WD_KIND_WU_LOG},
    /* Get-WindowsUpdateLog under other regional formats (de-DE, cs-CZ, fi-FI) */
    {"m2.log", "2024.04.11 12:48:04.6269606 1980  8444  Agent           x\r\n", WD_KIND_WU_LOG},
    {"m3.log", "2024. 04. 11 12:48:04.6269606 1980  8444  Agent           x\r\n", WD_KIND_WU_LOG},
    {"m4.log", "2024.04.11 12.48.04.6269606 1980  8444  Agent           x\r\n", WD_KIND_WU_LOG},
    {"n.log", "2013-01-27\t10:55:33:204\t1160\t3ca0\tDnldMgr\t  * BITS job\r\n", WD_KIND_WU_LOG},
    {"CBS.log", "2023-05-17 08:24:08, Info                  CBS    Starting TiWorker\r\n",
     WD_KIND_CBS_LOG},
    {"dism.log", "2023-05-22 07:23:32, Info                  DISM   DISM.EXE: x\r\n",
     WD_KIND_DISM_LOG},
    {"renamed.txt", "2023-05-22 07:23:32, Warning               DISM   DISM Provider Store\r\n",
     WD_KIND_DISM_LOG},
    /* a CBS.log that names DISM as a session's client is still a CBS.log */
    {"CBS.log", "2023-09-20 11:05:40, Info                  CBS    Session: 31056412_3521830164 "
                "initialized by client DISM Package Manager Provider\r\n",
     WD_KIND_CBS_LOG},
    {"o.log", "Windows Update log, decoded by Get-WindowsUpdateLog\r\n\r\n"
              "2024-04-11 12:48:04.6269606 1980  8444  Agent           x\r\n", WD_KIND_WU_LOG},
    {"p.log", "partial line without a date\r\n"
              "2023-05-17 08:24:08, Info                  CBS    Starting TiWorker\r\n",
     WD_KIND_CBS_LOG},
    {"q.csv", "Title,Something\r\nName,State\r\n", WD_KIND_UNKNOWN},
    {"System.evtx", "this is a text file, not an event log\r\n", WD_KIND_UNKNOWN},
    {"empty", "", WD_KIND_UNKNOWN},
};

Test(collector_detect, recognises_formats_by_content_not_name)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = strlen(cases[i].text);
        if (cases[i].kind == WD_KIND_EVTX || cases[i].kind == WD_KIND_EVT)
            n = 12; /* binary heads hold NULs */
        cr_expect_eq(kind_of(cases[i].text, n, cases[i].name), cases[i].kind,
                     "%s detected as %s", cases[i].name,
                     wd_kind_name(kind_of(cases[i].text, n, cases[i].name)));
    }
}

/* The same text in UTF-16LE with a BOM (how reg export and Out-File write). */
Test(collector_detect, reads_utf16_heads)
{
    const char *text = "Windows Registry Editor Version 5.00\r\n";
    unsigned char buf[256] = {0xFF, 0xFE};
    size_t n = 2;
    for (const char *p = text; *p; p++) {
        buf[n++] = (unsigned char)*p;
        buf[n++] = 0;
    }
    cr_assert_eq(kind_of(buf, n, "policy.reg"), WD_KIND_REG);
    /* without a BOM, as some tools write UTF-16 */
    cr_assert_eq(kind_of(buf + 2, n - 2, "policy.reg"), WD_KIND_REG);
}
