/* fuzz_zip.c - libFuzzer target for evidence zips: any bytes as a bundle
 * held in memory, so the zip reader (libarchive, seekable or streamed),
 * entry names, nested zips and .evtx entries through their temporary
 * copies, the budgets and every reader behind them all run. The budgets are
 * small so that a run stays fast and its temporary files small.
 * Build: see fuzz_evtx.c. Run: build-fuzz/fuzz/fuzz_zip -max_len=200000 fuzz/corpus_zip */
#include "fuzz_sink.h"

#include <string.h>

/* libevtx 20181227 leaks the partial XML tree of a record it cannot parse;
 * that is upstream's, not ours, and must not stop the fuzzer. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libevtx.so\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = 0;
    wd_budget b = WD_BUDGET_DEFAULT;
    b.unpacked = 16 << 20;
    b.entry = 4 << 20;
    b.ratio_floor = 1 << 20;
    b.files = 500;
    b.records = 2000;
    b.notes = 50;
    wd_sink sink = fuzz_sink(&n);
    wd_collect_buffer_budget(data, size, "fuzz.zip", &sink, &b);
    return 0;
}
