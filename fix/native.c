/* native.c - wd_fix_os_native where wudiag cannot change the system: every
 * platform but Windows (win_os.c). The plan works everywhere; carrying it
 * out needs the Windows service control manager. */
#ifndef _WIN32
#include "fix.h"

int wd_fix_os_native(wd_fix_os **out)
{
    *out = NULL;
    return wd_error_set(WD_EUSAGE, "wudiag fix changes a Windows PC and runs on Windows only; "
                                   "here, wudiag fix --dry-run --evidence PATH shows the plan "
                                   "for a captured bundle");
}
#endif
