/* fuzz_xml.c - libFuzzer target for the event-XML reader: any bytes as an
 * event export (UTF-8 or UTF-16, rooted or not). Every record the reader
 * hands out is read through, so a dangling string shows up under ASan. */
#include "fuzz_sink.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = 0;
    wd_sink sink = fuzz_sink(&n);
    wd_source_rec sum = {0};
    wd_input in;
    wd_input_open_mem(&in, data, size, "fuzz.xml");
    wd_source_event_xml(&in, &sink, &sum);
    fuzz_on_source(&n, &sum);
    return 0;
}
