/* fuzz_logs.c - libFuzzer target for the text-log readers: the same bytes
 * as WindowsUpdate.log, CBS.log and DISM.log. Every activity and
 * fact is read through, so a dangling string shows up under ASan. */
#include "fuzz_sink.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const wd_source_fn readers[] = {wd_source_wu_log, wd_source_cbs_log, wd_source_dism_log};
    size_t n = 0;
    wd_sink sink = fuzz_sink(&n);
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
        wd_source_rec sum = {0};
        wd_input in;
        wd_input_open_mem(&in, data, size, "fuzz.log");
        readers[i](&in, &sink, &sum);
        fuzz_on_source(&n, &sum);
    }
    return 0;
}
