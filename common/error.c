/* error.c - the per-thread "last error" message that every module records
 * where a failure happens and only cli/ prints. */
#include "common.h"

#include <stdio.h>
#include <string.h>

static _Thread_local char last_message[1024];

int wd_error_setv(int code, const char *fmt, va_list ap)
{
    vsnprintf(last_message, sizeof last_message, fmt, ap);
    return code;
}

int wd_error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wd_error_setv(code, fmt, ap);
    va_end(ap);
    return code;
}

const char *wd_error_last(void)
{
    return last_message;
}

void wd_error_clear(void)
{
    last_message[0] = '\0';
}
