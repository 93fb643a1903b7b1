/// Reads the collector script's stdout (`CollectorScript`) back into command runs. Pure, and
/// never fails: text outside a section is ignored, a section whose `end` line never came (the
/// stream was cut, the exec ended, the node limit was reached) is kept with `exitCode` nil,
/// `truncated` set and a note saying so as its last line, and a `begin` inside an open section
/// closes that one the same way.
public enum CollectorStream {
    /// The note appended to output the collector cut (a `#` line, so dump parsers skip it).
    public static func cutNote(limit: Int?) -> String {
        limit.map { "# aksnet: output cut at \($0) bytes" } ?? "# aksnet: output cut here: the command did not finish"
    }

    /// The runs in `bytes` (invalid UTF-8 becomes U+FFFD).
    public static func parse(_ bytes: [UInt8], nonce: String) -> [CommandRun] {
        parse(String(decoding: bytes, as: UTF8.self), nonce: nonce)
    }

    public static func parse(_ text: String, nonce: String) -> [CommandRun] {
        let marker = CollectorScript.marker(nonce: nonce)
        var runs: [CommandRun] = []
        var open: Section?
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // A framing line the stream cut before its newline is not a framing line yet.
        if let last = lines.last, last.hasPrefix(marker) { lines.removeLast() }
        for line in lines {
            guard line.hasPrefix(marker) else {
                open?.append(line)
                continue
            }
            let words = line.dropFirst(marker.count).split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let verb = words.first, words.count >= 2 else {
                open?.append(line)
                continue
            }
            let id = words[1]
            switch verb {
            case "begin":
                if let unfinished = open { runs.append(unfinished.unfinished()) }
                open = Section(id: id, argv: Array(words.dropFirst(2)))
            case "stderr" where open?.id == id && open?.inStderr == false:
                open?.inStderr = true
            case "end" where open?.id == id:
                if let section = open { runs.append(section.finished(fields: Array(words.dropFirst(2)))) }
                open = nil
            default:
                open?.append(line)
            }
        }
        if let unfinished = open { runs.append(unfinished.unfinished()) }
        return runs
    }

    /// One section being read.
    struct Section {
        var id: String
        var argv: [String]
        var stdout: [Substring] = []
        var stderr: [Substring] = []
        var inStderr = false

        mutating func append(_ line: Substring) {
            if inStderr { stderr.append(line) } else { stdout.append(line) }
        }

        /// The text of the lines read. The script writes a newline before each marker line, so
        /// the lines joined are the bytes exactly, whether or not they ended in a newline.
        static func text(_ lines: [Substring]) -> String {
            lines.joined(separator: "\n")
        }

        func finished(fields: [String]) -> CommandRun {
            var values: [String: String] = [:]
            for field in fields {
                guard let equals = field.firstIndex(of: "=") else { continue }
                values[String(field[..<equals])] = String(field[field.index(after: equals)...])
            }
            // timeout(1) answers 124 when it had to stop the command: it did not finish.
            let code = values["exit"].flatMap { Int32($0) }
            let timedOut = code == 124
            let truncated = values["truncated"] == "1"
            var output = Self.text(stdout)
            if truncated { output += (output.hasSuffix("\n") || output.isEmpty ? "" : "\n") + CollectorStream.cutNote(limit: values["limit"].flatMap { Int($0) }) }
            var errors = Self.text(stderr)
            if timedOut { errors += (errors.isEmpty ? "" : "\n") + "aksnet: stopped at its time limit (timeout exit 124)" }
            let ms = values["ms"].flatMap { Int($0) }.map { max(0, $0) } ?? 0
            return CommandRun(id: id, argv: argv, exitCode: timedOut ? nil : code, durationMs: ms, output: output,
                              stderr: errors, truncated: truncated)
        }

        func unfinished() -> CommandRun {
            // No closing marker: whatever came is kept as it came.
            var output = Self.text(stdout)
            output += (output.hasSuffix("\n") || output.isEmpty ? "" : "\n") + CollectorStream.cutNote(limit: nil)
            return CommandRun(id: id, argv: argv, exitCode: nil, durationMs: 0, output: output,
                              stderr: Self.text(stderr), truncated: true)
        }
    }
}
