#ifndef PULLKEEPER_CFUZZERDRIVER_H
#define PULLKEEPER_CFUZZERDRIVER_H

#include <stddef.h>
#include <stdint.h>

/// The per-input callback libFuzzer calls.
typedef int (*FuzzerCallback)(const uint8_t *data, size_t size);

/// Runs libFuzzer's driver when the binary was linked with it (`-sanitize=fuzzer`) and returns its exit code;
/// returns -1 at once when it was not, so the same harness source builds in a plain `swift build` too.
int pullkeeper_run_fuzzer(int *argc, char ***argv, FuzzerCallback callback);

#endif
