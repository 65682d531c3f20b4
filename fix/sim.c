/* sim.c - the os --dry-run works out its steps with: reads go to this PC,
 * actions only change a remembered copy of the services and folders they
 * touch, so each step is worked out from the state the steps before it
 * would leave, and nothing on the PC changes. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SIM_MAX = 32 };

typedef struct sim {
    wd_fix_os os; /* first: a sim is its os */
    wd_fix_os *real;
    struct {
        char *name;
        wd_fix_svc v;
    } svc[SIM_MAX];
    size_t nsvc;
    struct {
        char *path;
        int exists, empty;
    } dir[SIM_MAX];
    size_t ndir;
} sim;

static wd_fix_svc *svc_slot(sim *m, const char *name)
{
    for (size_t i = 0; i < m->nsvc; i++)
        if (wd_strcaseeq(m->svc[i].name, name))
            return &m->svc[i].v;
    if (m->nsvc == SIM_MAX || !(m->svc[m->nsvc].name = wd_strdup(name)))
        return NULL;
    wd_fix_svc *v = &m->svc[m->nsvc++].v;
    memset(v, 0, sizeof *v);
    if (m->real->query(m->real, name, v))
        v->exists = 0;
    return v;
}

static int sim_query(wd_fix_os *os, const char *name, wd_fix_svc *out)
{
    wd_fix_svc *v = svc_slot((sim *)os, name);
    if (!v)
        return wd_error_set(WD_ENOMEM, "out of memory simulating the fix");
    *out = *v;
    return WD_OK;
}

static int set_state(wd_fix_os *os, const char *name, const char *state, const char *start)
{
    wd_fix_svc *v = svc_slot((sim *)os, name);
    if (!v)
        return wd_error_set(WD_ENOMEM, "out of memory simulating the fix");
    if (state)
        snprintf(v->state, sizeof v->state, "%s", state);
    if (start)
        snprintf(v->start, sizeof v->start, "%s", start);
    return WD_OK;
}

static int sim_stop(wd_fix_os *os, const char *name, unsigned t)
{
    (void)t;
    return set_state(os, name, "stopped", NULL);
}

static int sim_start(wd_fix_os *os, const char *name, unsigned t)
{
    (void)t;
    return set_state(os, name, "running", NULL);
}

static int sim_set_start(wd_fix_os *os, const char *name, const char *start)
{
    return set_state(os, name, NULL, start);
}

static int dir_slot(sim *m, const char *path, size_t *at)
{
    for (size_t i = 0; i < m->ndir; i++)
        if (wd_strcaseeq(m->dir[i].path, path))
            return *at = i, WD_OK;
    if (m->ndir == SIM_MAX || !(m->dir[m->ndir].path = wd_strdup(path)))
        return wd_error_set(WD_ENOMEM, "out of memory simulating the fix");
    *at = m->ndir++;
    return m->real->folder(m->real, path, &m->dir[*at].exists, &m->dir[*at].empty);
}

static int sim_folder(wd_fix_os *os, const char *path, int *exists, int *empty)
{
    sim *m = (sim *)os;
    size_t at;
    int rc = dir_slot(m, path, &at);
    *exists = m->dir[at].exists;
    *empty = m->dir[at].empty;
    return rc;
}

static int sim_rename(wd_fix_os *os, const char *from, const char *to)
{
    sim *m = (sim *)os;
    size_t a, b;
    int rc = dir_slot(m, from, &a);
    if (!rc)
        rc = dir_slot(m, to, &b);
    if (rc)
        return rc;
    m->dir[b].exists = 1;
    m->dir[b].empty = m->dir[a].empty;
    m->dir[a].exists = 0;
    return WD_OK;
}

static int sim_rmdir(wd_fix_os *os, const char *path)
{
    sim *m = (sim *)os;
    size_t a;
    int rc = dir_slot(m, path, &a);
    if (!rc)
        m->dir[a].exists = 0;
    return rc;
}

/* What only reads goes to the PC. */
static int sim_elevated(wd_fix_os *os)
{
    return ((sim *)os)->real->elevated(((sim *)os)->real);
}

static int sim_windir(wd_fix_os *os, wd_buf *out)
{
    return ((sim *)os)->real->windir(((sim *)os)->real, out);
}

static int sim_machine(wd_fix_os *os, wd_buf *out)
{
    return ((sim *)os)->real->machine(((sim *)os)->real, out);
}

static void sim_destroy(wd_fix_os *os)
{
    sim *m = (sim *)os;
    for (size_t i = 0; i < m->nsvc; i++)
        free(m->svc[i].name);
    for (size_t i = 0; i < m->ndir; i++)
        free(m->dir[i].path);
    free(m);
}

int wd_fix_os_sim(wd_fix_os *real, wd_fix_os **out)
{
    sim *m = calloc(1, sizeof *m);
    *out = NULL;
    if (!m)
        return wd_error_set(WD_ENOMEM, "out of memory simulating the fix");
    m->real = real;
    m->os.elevated = sim_elevated;
    m->os.machine = sim_machine;
    m->os.windir = sim_windir;
    m->os.query = sim_query;
    m->os.stop = sim_stop;
    m->os.start = sim_start;
    m->os.set_start = sim_set_start;
    m->os.folder = sim_folder;
    m->os.rename = sim_rename;
    m->os.rmdir_empty = sim_rmdir;
    m->os.destroy = sim_destroy;
    *out = &m->os;
    return WD_OK;
}

void wd_fix_os_free(wd_fix_os *os)
{
    if (os && os->destroy)
        os->destroy(os);
}
