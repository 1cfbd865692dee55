import KubernetesClient
import Testing

@Suite("Watch line splitting")
struct LineSplitterTests {
    func split(_ chunks: [String]) throws -> [String] {
        var splitter = LineSplitter()
        var lines: [String] = []
        for chunk in chunks {
            lines += try splitter.append(Array(chunk.utf8)).map { String(decoding: $0, as: UTF8.self) }
        }
        if let rest = splitter.finish() { lines.append(String(decoding: rest, as: UTF8.self)) }
        return lines
    }

    @Test func reassemblesAcrossChunks() throws {
        #expect(try split(["{\"a\":", "1}\n{\"b", "\":2}\n"]) == ["{\"a\":1}", "{\"b\":2}"])
    }

    @Test func manyLinesInOneChunkAndCRLF() throws {
        #expect(try split(["x\r\ny\n\nz\n"]) == ["x", "y", "z"])
    }

    @Test func byteByByte() throws {
        let text = "{\"type\":\"ADDED\"}\n{\"type\":\"DELETED\"}\n"
        #expect(try split(text.map { String($0) }) == ["{\"type\":\"ADDED\"}", "{\"type\":\"DELETED\"}"])
    }

    @Test func unterminatedTailIsReturnedByFinish() throws {
        #expect(try split(["a\nb"]) == ["a", "b"])
    }

    @Test func overlongLineIsAnError() {
        var splitter = LineSplitter(maximumLineLength: 4)
        #expect(throws: LineSplitter.LineTooLong.self) { try splitter.append(Array("12345".utf8)) }
    }
}
