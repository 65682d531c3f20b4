/* path.c - where the history database lives when --db is not given. */
#include "store.h"

#include <stdlib.h>

int wd_store_default_path(wd_buf *out)
{
#ifdef _WIN32
    const char *pd = getenv("ProgramData");
    wd_buf_printf(out, "%s\\wudiag\\history.db", pd && *pd ? pd : "C:\\ProgramData");
#else
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    if (xdg && *xdg == '/')
        wd_buf_printf(out, "%s/wudiag/history.db", xdg);
    else if (home && *home)
        wd_buf_printf(out, "%s/.local/share/wudiag/history.db", home);
    else
        return wd_error_set(WD_EUSAGE, "neither XDG_DATA_HOME nor HOME is set: use --db FILE");
#endif
    return wd_buf_ok(out) ? WD_OK : WD_ENOMEM;
}
