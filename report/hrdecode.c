/* hrdecode.c - takes any 32-bit HRESULT apart: severity, facility and its
 * name, and for HRESULT_FROM_WIN32 codes the Win32 error number and name,
 * so a code missing from the knowledge base is still explained. */
#include "kb_private.h"

#include <string.h>

typedef struct facility {
    unsigned num;
    const char *name;
} facility;

/* winerror.h FACILITY_* values that update failures show. */
static const facility facilities[] = {
    {0, "NULL"},
    {1, "RPC"},
    {2, "DISPATCH"},
    {3, "STORAGE"},
    {4, "ITF"},
    {7, "WIN32"},
    {8, "WINDOWS"},
    {9, "SECURITY"},
    {10, "CONTROL"},
    {11, "CERT"},
    {12, "INTERNET"},
    {13, "MEDIASERVER"},
    {14, "MSMQ"},
    {15, "SETUPAPI"},
    {16, "SCARD"},
    {17, "COMPLUS"},
    {18, "AAF"},
    {19, "URT"},
    {20, "ACS"},
    {21, "DPLAY"},
    {22, "UMI"},
    {23, "SXS"},
    {24, "WINDOWS_CE"},
    {25, "HTTP"},
    {26, "USERMODE_COMMONLOG"},
    {31, "USERMODE_FILTER_MANAGER"},
    {32, "BACKGROUNDCOPY"},
    {33, "CONFIGURATION"},
    {34, "STATE_MANAGEMENT"},
    {35, "METADIRECTORY"},
    {36, "WINDOWSUPDATE"},
    {37, "DIRECTORYSERVICE"},
    {38, "GRAPHICS"},
    {39, "SHELL"},
    {40, "TPM_SERVICES"},
    {41, "TPM_SOFTWARE"},
    {48, "PLA"},
    {49, "FVE"},
    {50, "FWP"},
    {51, "WINRM"},
    {52, "NDIS"},
    {53, "USERMODE_HYPERVISOR"},
    {54, "CMI"},
    {55, "USERMODE_VIRTUALIZATION"},
    {56, "USERMODE_VOLMGR"},
    {57, "BCD"},
    {58, "USERMODE_VHD"},
    {60, "SDIAG"},
    {61, "WEBSERVICES"},
    {80, "WINDOWS_DEFENDER"},
    {81, "OPC"},
    {82, "XPS"},
    {112, "MBN"},
    {114, "EAS"},
    {120, "DEBUGGERS"},
    {208, "DELIVERY_OPTIMIZATION"},
    {1536, "WINDOWS_SETUP"},
};

static const char *facility_name(unsigned num)
{
    for (size_t i = 0; i < sizeof facilities / sizeof facilities[0]; i++)
        if (facilities[i].num == num)
            return facilities[i].name;
    return "";
}

void wd_hr_decode(const wd_kb *kb, uint32_t hr, wd_hr_decoded *out)
{
    memset(out, 0, sizeof *out);
    out->failure = (hr >> 31) & 1;
    out->facility = (hr >> 16) & 0x1FFF;
    out->code = hr & 0xFFFF;
    /* 0xC19xxxxx is Windows Setup: the customer bit (0x20000000) is set and
     * the facility reads 0x190, which winerror.h does not name. */
    if ((hr >> 20) == 0xC19 || (hr >> 20) == 0xC18)
        out->facility_name = "WINDOWS_SETUP";
    else if (hr & 0x20000000)
        out->facility_name = "CUSTOMER";
    else
        out->facility_name = facility_name(out->facility);
    out->is_win32 = out->facility == 7 && !(hr & 0x20000000);
    out->win32_name = "";
    if (out->is_win32 || hr <= 0xFFFF) {
        const char *n = wd_kb_win32_name(kb, out->code);
        if (n)
            out->win32_name = n;
    }
}
