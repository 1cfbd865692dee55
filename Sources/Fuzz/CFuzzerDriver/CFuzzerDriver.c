#include "CFuzzerDriver.h"

// Weak: a plain build links no libFuzzer, and the symbol is then null instead of a link error.
// SwiftPM links every executable with `--defsym main=<Module>_main`, which overrides libFuzzer's own main,
// so the harness's main has to start the driver itself through this entry point.
extern int LLVMFuzzerRunDriver(int *argc, char ***argv, FuzzerCallback callback) __attribute__((weak));

int pullkeeper_run_fuzzer(int *argc, char ***argv, FuzzerCallback callback) {
    if (!LLVMFuzzerRunDriver) return -1;
    return LLVMFuzzerRunDriver(argc, argv, callback);
}
