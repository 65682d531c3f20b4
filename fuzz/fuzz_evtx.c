/* fuzz_evtx.c - libFuzzer target for the .evtx reader and the shared event
 * filter: any bytes as one evidence file held in memory (as from a zip), so
 * detection, libevtx through a libbfio memory range, the record XML and
 * wd_event_emit all run. Every string handed out is read through.
 * Build: CC=clang cmake -S . -B build-fuzz -DWUDIAG_BUILD_FUZZERS=ON
 *   -DWUDIAG_SANITIZE=ON -DWUDIAG_BUILD_TESTS=OFF -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link
 * Run:   build-fuzz/fuzz/fuzz_evtx -max_len=300000 fuzz/corpus/evtx */
#include "collector.h"
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
    wd_sink sink = fuzz_sink(&n);
    wd_collect_buffer(data, size, "fuzz.evtx", &sink);
    return 0;
}
