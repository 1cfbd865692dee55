import CFuzzerDriver
import Foundation

/// Runs one fuzz body under libFuzzer when the harness was built with `-sanitize=fuzzer`, and otherwise replays
/// the files and folders named on the command line through the same body (a plain build type-checks the harness
/// and can re-run any corpus or crash input without the fuzzer).
public enum FuzzHarness {
    /// Never returns: exits with libFuzzer's code, or 0 after a replay, or 2 on a usage error.
    public static func run(_ body: @escaping @Sendable ([UInt8]) -> Void) -> Never {
        FuzzBody.current = body
        var argc = CommandLine.argc
        var argv = Optional(CommandLine.unsafeArgv)
        let code = pullkeeper_run_fuzzer(&argc, &argv) { data, size in
            fuzzerTestOneInput(data, size)
        }
        if code >= 0 { exit(code) }
        exit(replay(Array(CommandLine.arguments.dropFirst())))
    }

    /// Runs every file named (folders: every file inside, sorted) through the body; libFuzzer flags are skipped.
    static func replay(_ arguments: [String]) -> Int32 {
        let paths = arguments.filter { !$0.hasPrefix("-") }
        guard !paths.isEmpty else {
            print("usage: \(CommandLine.arguments[0]) FILE-OR-FOLDER... (built without -sanitize=fuzzer: replay only)")
            return 2
        }
        var count = 0
        for path in paths {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    print("cannot read \(file)")
                    return 2
                }
                FuzzBody.current?(Array(data))
                count += 1
            }
        }
        print("replayed \(count) inputs without a crash")
        return 0
    }

    private static func files(at path: String) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            return [path]
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { "\(path)/\($0)" }.filter {
            var nested: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &nested) && !nested.boolValue
        }
    }
}

/// The body libFuzzer's callback runs: set once before the driver starts, read-only afterwards (libFuzzer calls
/// the callback on one thread), hence the unchecked global.
enum FuzzBody {
    nonisolated(unsafe) static var current: (@Sendable ([UInt8]) -> Void)?
}

/// libFuzzer's entry point: its archive's `main` object references it, so it must exist even though the driver
/// is started through `pullkeeper_run_fuzzer` with this same function.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzBody.current?(bytes)
    return 0
}
