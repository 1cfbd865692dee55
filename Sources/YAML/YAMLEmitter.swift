internal import CLibYAML

/// Owns a `yaml_emitter_t` writing into a byte buffer; freed in `deinit`.
final class EmitterHandle {
    var emitter = yaml_emitter_t()
    var output: [UInt8] = []

    init() throws(YAMLError) {
        guard yaml_emitter_initialize(&emitter) == 1 else {
            throw YAMLError(.emitter, problem: "libyaml could not initialise an emitter (out of memory)")
        }
        yaml_emitter_set_unicode(&emitter, 1)
        yaml_emitter_set_indent(&emitter, 2)
        yaml_emitter_set_width(&emitter, -1)
        yaml_emitter_set_break(&emitter, YAML_LN_BREAK)
        yaml_emitter_set_output(
            &emitter,
            { data, buffer, size in
                guard let data, let buffer else { return 0 }
                let handle = Unmanaged<EmitterHandle>.fromOpaque(data).takeUnretainedValue()
                handle.output.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
                return 1
            }, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit { yaml_emitter_delete(&emitter) }

    /// Emits one event; libyaml takes ownership of the event whether or not it succeeds.
    func emit(_ event: inout yaml_event_t, _ what: @autoclosure () -> String) throws(YAMLError) {
        guard yaml_emitter_emit(&emitter, &event) == 1 else {
            let problem = emitter.problem.map { String(cString: $0) } ?? "emitter error"
            throw YAMLError(.emitter, problem: "\(problem) while emitting \(what())")
        }
    }
}

extension YAML {
    /// Emits documents in block style with 2-space indentation, `---` between documents, literal blocks for
    /// multi-line strings and quotes wherever a plain scalar would read back as something other than the string.
    public static func emit(_ documents: [YAMLNode]) throws(YAMLError) -> String {
        let handle = try EmitterHandle()
        var event = yaml_event_t()
        guard yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING) == 1 else { throw eventFailure() }
        try handle.emit(&event, "the stream start")
        for document in documents {
            guard yaml_document_start_event_initialize(&event, nil, nil, nil, 1) == 1 else { throw eventFailure() }
            try handle.emit(&event, "a document start")
            try emit(document, into: handle, depth: 0)
            guard yaml_document_end_event_initialize(&event, 1) == 1 else { throw eventFailure() }
            try handle.emit(&event, "a document end")
        }
        guard yaml_stream_end_event_initialize(&event) == 1 else { throw eventFailure() }
        try handle.emit(&event, "the stream end")
        guard yaml_emitter_flush(&handle.emitter) == 1 else {
            throw YAMLError(.emitter, problem: "could not flush the emitter")
        }
        return String(decoding: handle.output, as: UTF8.self)
    }

    /// Emits one document.
    public static func emit(_ document: YAMLNode) throws(YAMLError) -> String {
        try emit([document])
    }

    private static func emit(_ node: YAMLNode, into handle: EmitterHandle, depth: Int) throws(YAMLError) {
        guard depth < YAMLLimits.default.maxDepth else {
            throw YAMLError(
                .tooDeep, problem: "cannot emit collections nested deeper than \(YAMLLimits.default.maxDepth)")
        }
        var event = yaml_event_t()
        switch node.content {
        case .scalar(let scalar):
            let style = ScalarStyle.choose(for: scalar)
            let ok = scalar.value.withCString { value in
                withOptionalCString(scalar.tag) { tag in
                    value.withMemoryRebound(to: yaml_char_t.self, capacity: scalar.value.utf8.count + 1) { bytes in
                        yaml_scalar_event_initialize(
                            &event, nil, tag, bytes, Int32(scalar.value.utf8.count),
                            scalar.tag == nil ? 1 : 0, scalar.tag == nil ? 1 : 0, style)
                    }
                }
            }
            guard ok == 1 else { throw eventFailure() }
            try handle.emit(&event, "a scalar")
        case .sequence(let items):
            guard yaml_sequence_start_event_initialize(&event, nil, nil, 1, YAML_BLOCK_SEQUENCE_STYLE) == 1 else {
                throw eventFailure()
            }
            try handle.emit(&event, "a sequence")
            for item in items { try emit(item, into: handle, depth: depth + 1) }
            guard yaml_sequence_end_event_initialize(&event) == 1 else { throw eventFailure() }
            try handle.emit(&event, "a sequence end")
        case .mapping(let pairs):
            guard yaml_mapping_start_event_initialize(&event, nil, nil, 1, YAML_BLOCK_MAPPING_STYLE) == 1 else {
                throw eventFailure()
            }
            try handle.emit(&event, "a mapping")
            for pair in pairs {
                try emit(pair.key, into: handle, depth: depth + 1)
                try emit(pair.value, into: handle, depth: depth + 1)
            }
            guard yaml_mapping_end_event_initialize(&event) == 1 else { throw eventFailure() }
            try handle.emit(&event, "a mapping end")
        }
    }

    private static func eventFailure() -> YAMLError {
        YAMLError(.emitter, problem: "libyaml could not create an event (invalid UTF-8 or out of memory)")
    }

    private static func withOptionalCString<R>(
        _ string: String?, _ body: (UnsafeMutablePointer<yaml_char_t>?) -> R
    ) -> R {
        guard let string else { return body(nil) }
        return string.withCString { pointer in
            body(UnsafeMutablePointer(mutating: UnsafeRawPointer(pointer).assumingMemoryBound(to: yaml_char_t.self)))
        }
    }
}
