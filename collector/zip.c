/* zip.c - evidence zips (libarchive): every entry is streamed to its reader,
 * never read whole into memory. A nested zip or an .evtx (whose reader needs
 * random access) goes through a temporary file bounded by the entry budget.
 * Bytes decompressed are counted against the ratio, entry and bundle
 * budgets; what they cut, and entries that are damaged or encrypted, are
 * notes. */
#define _FILE_OFFSET_BITS 64
#define _DEFAULT_SOURCE
#include "bundle.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef _WIN32
#include <io.h>
#include <windows.h>
#endif

#define BLOCK (64 * 1024)
#define EOCD_SIZE 22
#define EOCD_SEARCH (65535 + EOCD_SIZE) /* the comment is at most 64 KiB */
#define CDIR_MAX ((uint64_t)64 << 20)  /* a larger central directory is streamed */

enum { CUT_NONE, CUT_ENTRY, CUT_RATIO, CUT_TOTAL };

struct wd_zip_entry {
    wd_bundle *bd;
    struct archive *a;
    const char *zip;  /* the zip's display path */
    uint64_t *left;   /* bytes the outermost zip may still unpack (ratio budget) */
    int streaming;    /* read without its central directory */
    uint64_t declared; /* entries its end record gives, UINT64_MAX when none */
    uint64_t ratio_allowed; /* what *left started at */
    uint64_t bytes;   /* bytes read out of the current entry */
    int cut;          /* CUT_*: what cut the current entry */
    int failed;       /* the current entry could not be read to its end */
    char why[256];    /* libarchive's reason */
};

/* ------------------------------------------------------------- reading */

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* Bytes the current entry may still yield, and which budget bounds it. */
static uint64_t room(const wd_zip_entry *e, int *which)
{
    const wd_budget *b = &e->bd->b;
    uint64_t entry = b->entry > e->bytes ? b->entry - e->bytes : 0;
    uint64_t total = b->unpacked > e->bd->unpacked ? b->unpacked - e->bd->unpacked : 0;
    uint64_t r = min_u64(entry, min_u64(*e->left, total));
    *which = r == entry ? CUT_ENTRY : r == *e->left ? CUT_RATIO : CUT_TOTAL;
    return r;
}

static ssize_t read_failed(wd_zip_entry *e)
{
    const char *msg = archive_error_string(e->a);
    e->failed = 1;
    snprintf(e->why, sizeof e->why, "%s", msg ? msg : "read error");
    wd_error_set(WD_EIO, "%s", e->why);
    return -1;
}

/* The raw reader of a wd_input streamed from the current entry. At a budget
 * it ends the input early, after checking there was more to read. */
static ssize_t entry_read(void *ctx, void *buf, size_t n)
{
    wd_zip_entry *e = ctx;
    int which;
    uint64_t r = room(e, &which);
    if (e->cut || e->failed)
        return e->failed ? -1 : 0;
    if (r == 0) {
        char probe;
        la_ssize_t more = archive_read_data(e->a, &probe, 1);
        if (more < 0)
            return read_failed(e);
        e->cut = more > 0 ? which : CUT_NONE;
        return 0;
    }
    if (n > r)
        n = (size_t)r;
    la_ssize_t got = archive_read_data(e->a, buf, n);
    if (got < 0)
        return read_failed(e);
    e->bytes += (uint64_t)got;
    *e->left -= (uint64_t)got;
    e->bd->unpacked += (uint64_t)got;
    return (ssize_t)got;
}

static const char *cut_reason(const wd_zip_entry *e, wd_buf *why)
{
    const wd_budget *b = &e->bd->b;
    switch (e->cut) {
    case CUT_ENTRY:
        wd_buf_printf(why, "budget: zip entry cut after %llu bytes (at most %llu per entry)",
                      (unsigned long long)e->bytes, (unsigned long long)b->entry);
        break;
    case CUT_RATIO:
        wd_buf_printf(why, "budget: zip entry cut after %llu bytes: %s unpacks to more than "
                           "%llu times its size (%llu bytes)",
                      (unsigned long long)e->bytes, e->zip, (unsigned long long)b->ratio,
                      (unsigned long long)e->ratio_allowed);
        break;
    default:
        wd_buf_printf(why, "budget: zip entry cut after %llu bytes: the bundle unpacks to more "
                           "than %llu bytes",
                      (unsigned long long)e->bytes, (unsigned long long)b->unpacked);
        break;
    }
    return wd_buf_cstr(why);
}

int wd_zip_entry_notes(wd_zip_entry *e, const wd_input *in)
{
    wd_buf why = WD_BUF_INIT;
    int rc = 0;
    if (!e)
        return 0;
    if (e->failed) {
        wd_buf_printf(&why, "cannot be read out of the zip past byte %llu: %s",
                      (unsigned long long)e->bytes, e->why);
        rc = wd_note(e->bd->sink, WD_NOTE_UNREADABLE, in->path, wd_buf_cstr(&why), NULL);
    } else if (e->cut) {
        rc = wd_note(e->bd->sink, WD_NOTE_LIMIT, in->path, cut_reason(e, &why), NULL);
    }
    e->failed = 0;
    e->cut = CUT_NONE;
    wd_buf_free(&why);
    return rc;
}

/* ------------------------------------------------------------ spooling */

struct wd_spool {
    FILE *f;
    char *path;   /* what to open the copy by */
    char *unlink; /* a name to remove when done (NULL once removed) */
};

void wd_zip_spool_free(wd_spool *s)
{
    if (!s)
        return;
    if (s->f)
        fclose(s->f);
    if (s->unlink)
        remove(s->unlink);
    free(s->path);
    free(s->unlink);
    free(s);
}

#ifdef _WIN32
static int spool_create(wd_spool *s)
{
    char dir[MAX_PATH + 1], name[MAX_PATH + 1];
    DWORD n = GetTempPathA(sizeof dir, dir);
    if (n == 0 || n > sizeof dir || !GetTempFileNameA(dir, "wud", 0, name))
        return wd_error_set(WD_EIO, "cannot make a temporary file");
    s->f = fopen(name, "w+b");
    s->path = wd_strdup(name);
    s->unlink = wd_strdup(name);
    if (!s->f)
        return wd_error_set(WD_EIO, "cannot make a temporary file %s: %s", name, strerror(errno));
    return s->path && s->unlink ? WD_OK : WD_ENOMEM;
}
#else
/* A temporary file in $TMPDIR (else /tmp). On Linux its name is removed at
 * once and it is opened again through /proc/self/fd: nothing is left behind
 * when wudiag is killed. */
static int spool_create(wd_spool *s)
{
    const char *dir = getenv("TMPDIR");
    wd_buf name = WD_BUF_INIT;
    wd_buf_printf(&name, "%s/wudiag-XXXXXX", dir && *dir ? dir : "/tmp");
    if (!wd_buf_ok(&name))
        return WD_ENOMEM;
    int fd = mkstemp(name.data);
    if (fd < 0 || !(s->f = fdopen(fd, "w+b"))) {
        int rc = wd_error_set(WD_EIO, "cannot make a temporary file in %s: %s",
                              dir && *dir ? dir : "/tmp", strerror(errno));
        if (fd >= 0) {
            close(fd);
            remove(name.data);
        }
        wd_buf_free(&name);
        return rc;
    }
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (access(proc, R_OK) == 0 && remove(name.data) == 0) {
        s->path = wd_strdup(proc);
        wd_buf_free(&name);
    } else {
        s->path = wd_strdup(name.data);
        s->unlink = wd_buf_detach(&name);
    }
    return s->path ? WD_OK : WD_ENOMEM;
}
#endif

/* Copies the rest of the input (within the entry's budgets) to the file. */
static int spool_fill(wd_spool *s, wd_input *in)
{
    unsigned char *buf = malloc(BLOCK);
    ssize_t n = 0;
    if (!buf)
        return wd_error_set(WD_ENOMEM, "out of memory");
    while ((n = wd_input_read(in, buf, BLOCK)) > 0)
        if (fwrite(buf, 1, (size_t)n, s->f) != (size_t)n)
            break;
    free(buf);
    if (n < 0)
        n = 0; /* a damaged entry: what came before is kept, its note says why */
    if (n > 0 || fflush(s->f) != 0)
        return wd_error_set(WD_EIO, "cannot write a temporary copy: %s", strerror(errno));
    rewind(s->f);
    return WD_OK;
}

int wd_zip_spool(wd_zip_entry *e, wd_input *in, wd_spool **out, const char **path)
{
    wd_spool *s = calloc(1, sizeof *s);
    int rc;
    (void)e;
    *out = NULL;
    if (!s)
        return wd_error_set(WD_ENOMEM, "out of memory");
    if ((rc = spool_create(s)) != 0 || (rc = spool_fill(s, in)) != 0) {
        wd_zip_spool_free(s);
        return rc;
    }
    *out = s;
    *path = s->path;
    return WD_OK;
}

/* ------------------------------------------------- the central directory */

/* Where a zip's bytes are: a file or memory. */
typedef struct zsrc {
    FILE *f;
    const unsigned char *mem;
    uint64_t size;
} zsrc;

static int zsrc_read(const zsrc *z, uint64_t off, unsigned char *buf, size_t n)
{
    if (off > z->size || n > z->size - off)
        return -1;
    if (z->mem) {
        memcpy(buf, z->mem + off, n);
        return 0;
    }
    return fseeko(z->f, (off_t)off, SEEK_SET) == 0 && fread(buf, 1, n, z->f) == n ? 0 : -1;
}

static uint64_t le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* The zip64 end record's entry count and directory size, when the classic
 * end record at eocd says to look there. */
static void zip64_counts(const zsrc *z, uint64_t eocd, uint64_t *entries, uint64_t *cd_size)
{
    unsigned char loc[20], rec[56];
    if (eocd < 20 || zsrc_read(z, eocd - 20, loc, sizeof loc) || le(loc, 4) != 0x07064b50)
        return;
    if (zsrc_read(z, le(loc + 8, 8), rec, sizeof rec) || le(rec, 4) != 0x06064b50)
        return;
    *entries = le(rec + 32, 8);
    *cd_size = le(rec + 40, 8);
}

/* 1 when the zip's own end record says its central directory is larger
 * than the files budget left (libarchive's seekable reader would hold all
 * of it in memory): such a zip is read as a stream instead. *declared gets
 * the number of entries the record gives (UINT64_MAX without one). */
static int directory_too_large(const wd_bundle *bd, const zsrc *z, uint64_t *declared)
{
    size_t n = z->size < EOCD_SEARCH ? (size_t)z->size : EOCD_SEARCH;
    unsigned char *tail = malloc(n ? n : 1);
    int large = 0;
    *declared = UINT64_MAX;
    if (!tail || n < EOCD_SIZE || zsrc_read(z, z->size - n, tail, n)) {
        free(tail);
        return 0;
    }
    for (size_t i = n - EOCD_SIZE + 1; i-- > 0;) {
        if (le(tail + i, 4) != 0x06054b50)
            continue;
        uint64_t entries = le(tail + i + 10, 2), cd_size = le(tail + i + 12, 4);
        if (entries == 0xFFFF || cd_size == 0xFFFFFFFF)
            zip64_counts(z, z->size - n + i, &entries, &cd_size);
        uint64_t files_left = bd->b.files > bd->files ? bd->b.files - bd->files : 0;
        large = entries > files_left + 1 || cd_size > CDIR_MAX;
        *declared = entries;
        break;
    }
    free(tail);
    return large;
}

static struct archive *new_archive(int streaming)
{
    struct archive *a = archive_read_new();
    if (a && streaming)
        archive_read_support_format_zip_streamable(a);
    else if (a)
        archive_read_support_format_zip(a);
    return a;
}

/* ------------------------------------------------------ entry names */

/* The display names given so far in one zip, so that a second entry of the
 * same name gets its own ("name (2)") and notes never land on the first. */
typedef struct name_set {
    char **slots;
    size_t cap, n;
} name_set;

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ull;
    return h;
}

static char **slot(const name_set *ns, const char *s)
{
    size_t i = (size_t)fnv1a(s) & (ns->cap - 1);
    while (ns->slots[i] && strcmp(ns->slots[i], s))
        i = (i + 1) & (ns->cap - 1);
    return &ns->slots[i];
}

static int set_grow(name_set *ns)
{
    name_set bigger = {calloc(ns->cap ? ns->cap * 2 : 64, sizeof(char *)),
                       ns->cap ? ns->cap * 2 : 64, ns->n};
    if (!bigger.slots)
        return WD_ENOMEM;
    for (size_t i = 0; i < ns->cap; i++)
        if (ns->slots[i])
            *slot(&bigger, ns->slots[i]) = ns->slots[i];
    free(ns->slots);
    *ns = bigger;
    return WD_OK;
}

/* Adds name if it is new: 1 added, 0 already there, negative on ENOMEM. */
static int set_add(name_set *ns, const char *name)
{
    if ((ns->n + 1) * 2 > ns->cap && set_grow(ns))
        return WD_ENOMEM;
    char **p = slot(ns, name);
    if (*p)
        return 0;
    if (!(*p = wd_strdup(name)))
        return WD_ENOMEM;
    ns->n++;
    return 1;
}

static void set_free(name_set *ns)
{
    for (size_t i = 0; i < ns->cap; i++)
        free(ns->slots[i]);
    free(ns->slots);
}

/* "zip/entry", or "zip/entry (2)" ... when that was given already. */
static int entry_name(name_set *ns, const char *zip, struct archive_entry *ae, uint64_t index,
                      wd_buf *out)
{
    const char *name = archive_entry_pathname_utf8(ae);
    if (!name)
        name = archive_entry_pathname(ae);
    wd_buf_reset(out);
    if (name && *name)
        wd_buf_printf(out, "%s/%s", zip, name);
    else
        wd_buf_printf(out, "%s/(entry %llu)", zip, (unsigned long long)index);
    size_t base = out->len;
    for (unsigned k = 2; wd_buf_ok(out); k++) {
        int r = set_add(ns, wd_buf_cstr(out));
        if (r != 0)
            return r < 0 ? wd_error_set(WD_ENOMEM, "out of memory") : WD_OK;
        out->len = base;
        wd_buf_printf(out, " (%u)", k);
    }
    return wd_error_set(WD_ENOMEM, "out of memory");
}

/* ------------------------------------------------------------- entries */

/* Counts the entries left past the files budget (not read). Through the
 * central directory that is cheap; a zip read as a stream would have to
 * inflate what it skips, so its end record's count is taken instead. */
static void count_rest(wd_zip_entry *z, uint64_t index)
{
    struct archive_entry *ae;
    if (z->streaming || z->declared == UINT64_MAX) {
        if (z->declared != UINT64_MAX && z->declared > index)
            z->bd->files_over += z->declared - index;
        else if (z->declared == UINT64_MAX)
            z->bd->files_uncounted = 1;
        return;
    }
    while (archive_read_next_header(z->a, &ae) == ARCHIVE_OK)
        if (archive_entry_filetype(ae) == AE_IFREG)
            z->bd->files_over++;
}

/* One entry: budgets first, then its reader. */
static int read_entry(wd_zip_entry *z, struct archive_entry *ae, const char *name, int depth)
{
    wd_bundle *bd = z->bd;
    if (archive_entry_filetype(ae) != AE_IFREG)
        return wd_bundle_skipped(bd, WD_NOTE_INFO, name,
                                 "not a regular file in the zip (a link or device); not read");
    bd->files_seen++;
    bd->files++;
    if (archive_entry_is_encrypted(ae))
        return wd_note(bd->sink, WD_NOTE_UNREADABLE, name,
                       "encrypted (password-protected) zip entry: wudiag cannot read it; "
                       "send the bundle without a password",
                       NULL);
    int64_t size = archive_entry_size_is_set(ae) ? archive_entry_size(ae) : -1;
    wd_input in;
    z->bytes = 0;
    z->cut = CUT_NONE;
    z->failed = 0;
    if (wd_input_open_stream(&in, entry_read, z, size >= 0 ? (uint64_t)size : UINT64_MAX, name))
        z->failed = 1; /* noted below, with libarchive's reason */
    if (z->failed) {
        in.path = name;
        return wd_zip_entry_notes(z, &in);
    }
    return wd_bundle_dispatch(bd, &in, depth, z);
}

/* Why the zip is not read further (into why), or NULL while budgets last. */
static const char *exhausted(const wd_zip_entry *z, wd_buf *why)
{
    wd_buf_reset(why);
    if (*z->left == 0)
        wd_buf_printf(why, "budget: the zip unpacks to more than %llu times the size of the "
                           "outermost zip (%llu bytes); the rest of it was not read",
                      (unsigned long long)z->bd->b.ratio, (unsigned long long)z->ratio_allowed);
    else if (z->bd->unpacked >= z->bd->b.unpacked)
        wd_buf_printf(why, "budget: the bundle unpacks to more than %llu bytes; the rest of "
                           "the zip was not read",
                      (unsigned long long)z->bd->b.unpacked);
    else
        return NULL;
    return wd_buf_cstr(why);
}

static int read_entries(wd_zip_entry *z, int depth)
{
    struct archive_entry *ae;
    name_set names = {NULL, 0, 0};
    wd_buf name = WD_BUF_INIT;
    uint64_t index = 0;
    int rc = 0, r = ARCHIVE_OK;
    while (rc == 0) {
        /* checked before the next header: skipping the rest of a cut entry
         * would inflate it, and a bomb's rest is what the budget is for */
        const char *why = exhausted(z, &name);
        if (why) {
            rc = wd_note(z->bd->sink, WD_NOTE_LIMIT, z->zip, why, NULL);
            r = ARCHIVE_EOF;
            break;
        }
        if ((r = archive_read_next_header(z->a, &ae)) != ARCHIVE_OK)
            break;
        index++;
        if (archive_entry_filetype(ae) == AE_IFDIR)
            continue;
        if (z->bd->files >= z->bd->b.files) {
            z->bd->files_over += archive_entry_filetype(ae) == AE_IFREG;
            count_rest(z, index);
            r = ARCHIVE_EOF;
            break;
        }
        if ((rc = entry_name(&names, z->zip, ae, index, &name)) == 0)
            rc = read_entry(z, ae, wd_buf_cstr(&name), depth);
    }
    if (rc == 0 && r != ARCHIVE_EOF && r != ARCHIVE_OK) {
        wd_buf_reset(&name);
        const char *msg = archive_error_string(z->a);
        wd_buf_printf(&name, "the zip is damaged or truncated after %llu entries: %s; what "
                             "follows could not be read",
                      (unsigned long long)index, msg ? msg : "unknown error");
        rc = wd_note(z->bd->sink, WD_NOTE_UNREADABLE, z->zip, wd_buf_cstr(&name), NULL);
    }
    wd_buf_free(&name);
    set_free(&names);
    return rc;
}

/* Reads an opened archive; the caller frees it. */
static int read_archive(wd_bundle *bd, struct archive *a, const char *display, int depth,
                        uint64_t *left, uint64_t allowed, int streaming, uint64_t declared)
{
    wd_zip_entry z = {bd, a, display, left, streaming, declared, allowed, 0, CUT_NONE, 0, ""};
    return read_entries(&z, depth);
}

/* ------------------------------------------------------------- opening */

static uint64_t ratio_allowance(const wd_budget *b, uint64_t size)
{
    uint64_t r = size > UINT64_MAX / (b->ratio ? b->ratio : 1) ? UINT64_MAX : size * b->ratio;
    return r > b->ratio_floor ? r : b->ratio_floor;
}

static int unreadable_zip(wd_bundle *bd, struct archive *a, const char *display)
{
    wd_buf why = WD_BUF_INIT;
    const char *msg = a ? archive_error_string(a) : NULL;
    wd_buf_printf(&why, "not a readable zip: %s", msg ? msg : "out of memory");
    int rc = wd_note(bd->sink, WD_NOTE_UNREADABLE, display, wd_buf_cstr(&why), NULL);
    wd_buf_free(&why);
    return rc;
}

/* Opens the zip in f through its descriptor (libarchive then seeks to the
 * central directory itself). */
static int open_fd(struct archive *a, FILE *f)
{
    if (fflush(f) != 0 || lseek(fileno(f), 0, SEEK_SET) != 0) {
        archive_set_error(a, errno, "cannot seek: %s", strerror(errno));
        return ARCHIVE_FATAL;
    }
    return archive_read_open_fd(a, fileno(f), BLOCK);
}

/* A zip held in a FILE (on disk, or a temporary copy): left is the ratio
 * budget it shares with the zips around it, or NULL when it is outermost. */
static int read_zip_stream(wd_bundle *bd, FILE *f, const char *display, int depth,
                           uint64_t *left, uint64_t allowed)
{
    zsrc src = {f, NULL, 0};
    if (fseeko(f, 0, SEEK_END) == 0)
        src.size = (uint64_t)ftello(f);
    uint64_t own = ratio_allowance(&bd->b, src.size), declared;
    int streaming = directory_too_large(bd, &src, &declared);
    struct archive *a = new_archive(streaming);
    int rc;
    if (!left) {
        left = &own;
        allowed = own;
    }
    if (!a || open_fd(a, f) != ARCHIVE_OK)
        rc = unreadable_zip(bd, a, display);
    else
        rc = read_archive(bd, a, display, depth, left, allowed, streaming, declared);
    archive_read_free(a);
    return rc;
}

int wd_zip_read_file(wd_bundle *bd, const char *fs_path, const char *display, int depth)
{
    if (depth == 0) { /* the bundle itself: a file that is no zip at all is an error */
        struct archive *a = new_archive(0);
        int rc = a && archive_read_open_filename(a, fs_path, BLOCK) == ARCHIVE_OK
                     ? WD_OK
                     : wd_error_set(WD_EFORMAT, "%s: not a readable zip: %s", display,
                                    a && archive_error_string(a) ? archive_error_string(a)
                                                                 : "out of memory");
        archive_read_free(a);
        if (rc)
            return rc;
        depth = 1;
    }
    FILE *f = fopen(fs_path, "rb");
    if (!f) {
        wd_buf why = WD_BUF_INIT;
        wd_buf_printf(&why, "cannot open: %s", strerror(errno));
        int rc = wd_note(bd->sink, WD_NOTE_UNREADABLE, display, wd_buf_cstr(&why), NULL);
        wd_buf_free(&why);
        return rc;
    }
    int rc = read_zip_stream(bd, f, display, depth, NULL, 0);
    fclose(f);
    return rc;
}

static int read_zip_memory(wd_bundle *bd, wd_input *in, int depth)
{
    zsrc src = {NULL, in->mem, in->size};
    uint64_t left = ratio_allowance(&bd->b, in->size), declared;
    int streaming = directory_too_large(bd, &src, &declared);
    struct archive *a = new_archive(streaming);
    int rc;
    if (!a || archive_read_open_memory(a, in->mem, (size_t)in->size) != ARCHIVE_OK)
        rc = unreadable_zip(bd, a, in->path);
    else
        rc = read_archive(bd, a, in->path, depth, &left, left, streaming, declared);
    archive_read_free(a);
    return rc;
}

int wd_zip_read_input(wd_bundle *bd, wd_input *in, int depth, wd_zip_entry *outer)
{
    if (in->mem)
        return read_zip_memory(bd, in, depth);
    if (in->fs_path)
        return wd_zip_read_file(bd, in->fs_path, in->path, depth);
    wd_spool *s = NULL;
    const char *path;
    int rc = wd_zip_spool(outer, in, &s, &path);
    if (rc == 0)
        rc = read_zip_stream(bd, s->f, in->path, depth, outer->left, outer->ratio_allowed);
    else
        rc = wd_note(bd->sink, WD_NOTE_UNREADABLE, in->path, wd_error_last(), NULL);
    wd_zip_spool_free(s);
    return rc;
}
