/* text.c - the plan and its operations as the text `wudiag fix` prints:
 * what each step is for (which findings call for it), what is not done
 * and why, and what is left to do by hand. */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>

void wd_fix_say(const wd_fix_ui *ui, const char *fmt, ...)
{
    if (!ui || !ui->say)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap); /* a longer line is cut, never overrun */
    va_end(ap);
    ui->say(ui->ctx, line);
}

void wd_fix_op_text(const wd_fix_op *op, wd_buf *out)
{
    switch (op->kind) {
    case WD_FOP_STOP:
        wd_buf_printf(out, "stop %s and wait for it to stop", op->target);
        break;
    case WD_FOP_START:
        wd_buf_printf(out, "start %s and wait for it to run", op->target);
        break;
    case WD_FOP_SET_START:
        wd_buf_printf(out, "set the start type of %s to %s", op->target, op->arg);
        break;
    case WD_FOP_RENAME:
        wd_buf_printf(out, "rename %s to %s", op->target, op->arg);
        break;
    case WD_FOP_RMDIR:
        wd_buf_printf(out, "remove the empty folder %s", op->target);
        break;
    case WD_FOP_PROMPT:
        wd_buf_printf(out, "ask you to restart the PC (wudiag never restarts it)");
        break;
    case WD_FOP_CHECK:
        wd_buf_printf(out, "%s%s", op->refuse ? "cannot be carried out: " : "", op->note);
        break;
    }
}

static void step_text(const wd_fix_step *s, size_t no, wd_buf *out)
{
    wd_buf_printf(out, "  %zu. %s: %s\n", no, s->fix, s->title);
    for (size_t i = 0; i < s->nservices; i++)
        wd_buf_printf(out, "       %s: back to %s if it is disabled\n", s->services[i],
                      s->defaults[i]);
    for (size_t i = 0; i < s->nreasons; i++)
        wd_buf_printf(out, "       %s\n", s->reasons[i]);
}

void wd_fix_plan_text(const wd_fix_plan *p, wd_buf *out)
{
    size_t no = 0, other = 0;
    wd_buf_printf(out, "Plan from the diagnosis (%s, %zu current finding%s):\n", p->verdict,
                  p->findings, p->findings == 1 ? "" : "s");
    for (size_t i = 0; i < p->n; i++)
        if (p->steps[i].status == WD_FIXS_DO)
            step_text(&p->steps[i], ++no, out);
    if (!no)
        wd_buf_puts(out, "  nothing: no current finding calls for a fix wudiag carries out\n");
    for (size_t i = 0; i < p->n; i++) {
        const wd_fix_step *s = &p->steps[i];
        if (s->status == WD_FIXS_DO)
            continue;
        if (!other++)
            wd_buf_puts(out, "Not carried out:\n");
        wd_buf_printf(out, "  - %s (%s): %s\n", s->fix, wd_fix_status_name(s->status), s->why);
    }
    if (p->effects)
        wd_buf_printf(out,
                      "(%zu finding%s %s effects of the ones above: fixing the cause should "
                      "resolve them, and the diagnosis after the fix shows whether it did.)\n",
                      p->effects, p->effects == 1 ? "" : "s", p->effects == 1 ? "is" : "are");
    if (p->nmanual)
        wd_buf_puts(out, "By hand (wudiag does not carry these out; in each finding's list, what "
                         "follows them waits until they are done; see the report):\n");
    for (size_t i = 0; i < p->nmanual; i++)
        wd_buf_printf(out, "  - %s: %s\n      for: %s\n", p->manual[i].fix, p->manual[i].title,
                      p->manual[i].finding);
    if (p->managed)
        wd_buf_printf(out,
                      "This PC's updates are managed by policy%s%s: wudiag fix leaves the "
                      "policy (HKLM\\SOFTWARE\\Policies) alone.\n",
                      p->server ? " and the WSUS server " : "", p->server ? p->server : "");
}
