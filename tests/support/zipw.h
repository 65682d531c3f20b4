/* zipw.h - writes the zips the safety tests feed wudiag, with libarchive's
 * writer: entries from memory or of N repeated bytes (bombs), stored or
 * deflated, optionally encrypted. Header-only, static helpers. */
#ifndef WDT_ZIPW_H
#define WDT_ZIPW_H

#include <archive.h>
#include <archive_entry.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct zipw_entry {
    const char *name;
    const void *data; /* the content (may be NULL) ... */
    size_t len;
    uint64_t fill;     /* ... followed by this many bytes of fill_byte */
    char fill_byte;
    int stored;        /* store instead of deflate */
} zipw_entry;

/* Writes the entries to path; options as archive_write_set_options takes
 * them ("zip:compression-level=1", "zip:encryption=zipcrypt"), passphrase
 * for encryption. 0 on success. */
static inline int zipw_write(const char *path, const zipw_entry *e, size_t n,
                             const char *options, const char *passphrase)
{
    struct archive *a = archive_write_new();
    int rc = archive_write_set_format_zip(a);
    if (rc == ARCHIVE_OK && options)
        rc = archive_write_set_options(a, options);
    if (rc == ARCHIVE_OK && passphrase)
        rc = archive_write_set_passphrase(a, passphrase);
    if (rc == ARCHIVE_OK)
        rc = archive_write_open_filename(a, path);
    size_t chunk = 1 << 16;
    char *block = calloc(1, chunk);
    for (size_t i = 0; rc == ARCHIVE_OK && i < n; i++) {
        struct archive_entry *ae = archive_entry_new();
        uint64_t size = e[i].len + e[i].fill;
        archive_entry_set_pathname(ae, e[i].name);
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_perm(ae, 0644);
        archive_entry_set_size(ae, (la_int64_t)size);
        if (e[i].stored)
            archive_write_zip_set_compression_store(a);
        else
            archive_write_zip_set_compression_deflate(a);
        rc = archive_write_header(a, ae);
        if (rc == ARCHIVE_OK && e[i].data && e[i].len &&
            archive_write_data(a, e[i].data, e[i].len) != (la_ssize_t)e[i].len)
            rc = ARCHIVE_FATAL;
        memset(block, e[i].fill_byte, chunk);
        for (uint64_t done = 0; rc == ARCHIVE_OK && done < e[i].fill;) {
            size_t k = e[i].fill - done < chunk ? (size_t)(e[i].fill - done) : chunk;
            if (archive_write_data(a, block, k) != (la_ssize_t)k)
                rc = ARCHIVE_FATAL;
            done += k;
        }
        archive_entry_free(ae);
    }
    free(block);
    if (archive_write_close(a) != ARCHIVE_OK)
        rc = ARCHIVE_FATAL;
    archive_write_free(a);
    return rc == ARCHIVE_OK ? 0 : -1;
}

#endif
