/* fuzz_text.c - libFuzzer target for the text layer and the readers built on
 * it: wd_lines (every encoding), the CSV parser, sc queryex, services CSV,
 * update history CSV, .reg exports and the facts file. */
#include "internal.h"
#include "fuzz_sink.h"

#include <stddef.h>
#include <stdint.h>

/* What the text layer gave, summed so it is read (ASan sees bad pointers). */
static size_t touched;

static void lines(const uint8_t *data, size_t size)
{
    wd_input in;
    wd_lines *l = NULL;
    const char *line;
    size_t len;
    wd_input_open_mem(&in, data, size, "fuzz");
    if (wd_lines_open(&l, &in))
        return;
    while (wd_lines_next(l, &line, &len) == 1)
        touched += len ? (unsigned char)line[len - 1] : 0;
    wd_lines_free(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const wd_source_fn readers[] = {wd_source_sc_queryex, wd_source_services_csv,
                                           wd_source_history_csv, wd_source_reg, wd_source_facts};
    wd_sink sink = fuzz_sink(&touched);
    lines(data, size);
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
        wd_input in;
        wd_source_rec sum = {"fuzz", "fuzz", 0, 0, 0};
        wd_input_open_mem(&in, data, size, "fuzz");
        readers[i](&in, &sink, &sum);
    }
    return 0;
}
