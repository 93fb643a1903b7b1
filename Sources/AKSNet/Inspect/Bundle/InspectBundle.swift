import KubeModel

/// `--bundle FILE.tar.gz`: evidence.json (the whole `ClusterEvidence`, what `--from` reads
/// back), report.json (the JSON report of that run) and every run's raw output as
/// nodes/NODE/ID.txt (its stderr, when any, as ID.stderr.txt). Written 0600. It holds only what
/// the evidence holds: no Secret is read, no token or key is ever in the evidence.
public enum InspectBundle {
    public static let evidenceFile = "evidence.json"
    public static let reportFile = "report.json"

    /// The archive's files, in order, made one at a time (a 100-node bundle is never all in memory).
    public static func eachEntry(evidence: ClusterEvidence, reportJSON: String, _ body: (Tar.Entry) throws(InspectError) -> Void) throws(InspectError) {
        try body(Tar.Entry(path: evidenceFile, bytes: Array((evidence.json.serialized(indent: 2) + "\n").utf8)))
        try body(Tar.Entry(path: reportFile, bytes: Array((reportJSON.hasSuffix("\n") ? reportJSON : reportJSON + "\n").utf8)))
        for node in evidence.nodes {
            for run in node.runs {
                let base = "nodes/" + safeName(node.node) + "/" + safeName(run.id)
                try body(Tar.Entry(path: base + ".txt", bytes: Array(run.output.utf8)))
                if !run.stderr.isEmpty { try body(Tar.Entry(path: base + ".stderr.txt", bytes: Array(run.stderr.utf8))) }
            }
        }
    }

    public static func entries(evidence: ClusterEvidence, reportJSON: String) -> [Tar.Entry] {
        var entries: [Tar.Entry] = []
        try? eachEntry(evidence: evidence, reportJSON: reportJSON) { entries.append($0) }
        return entries
    }

    public static func archive(evidence: ClusterEvidence, reportJSON: String, mtime: Int) throws(InspectError) -> [UInt8] {
        let tar: [UInt8]
        do { tar = try Tar.write(entries(evidence: evidence, reportJSON: reportJSON), mtime: mtime) } catch {
            throw InspectError.bundle("cannot write the bundle: \(error.description)")
        }
        guard let gzipped = Gzip.compress(tar) else { throw InspectError.bundle("cannot write the bundle: gzip failed") }
        return gzipped
    }

    /// Writes the bundle to `path` (created or truncated, mode 0600), gzip'd as it goes.
    public static func write(evidence: ClusterEvidence, reportJSON: String, to path: String) throws(InspectError) {
        let stream: GzipFile
        do { stream = try GzipFile(path: path) } catch { throw InspectError.bundle("cannot write the bundle \(path): \(error.description)") }
        let mtime = Int(WallClock.now)
        do {
            try eachEntry(evidence: evidence, reportJSON: reportJSON) { entry throws(InspectError) in
                do { try stream.write(try Tar.record(entry, mtime: mtime)) } catch let failure as Tar.Failure {
                    throw InspectError.bundle("cannot write the bundle: \(failure.description)")
                } catch {
                    throw InspectError.bundle("cannot write the bundle \(path): \(error)")
                }
            }
            try stream.write(Tar.trailer)
            try stream.close()
        } catch let error as InspectError {
            stream.abandon()
            throw error
        } catch {
            stream.abandon()
            throw InspectError.bundle("cannot write the bundle \(path): \(error)")
        }
    }

    /// The evidence of a bundle (gzip'd or plain tar), or of a bare evidence.json.
    public static func read(path: String) throws(InspectError) -> ClusterEvidence {
        let bytes: [UInt8]
        do { bytes = try PrivateFile.read(path) } catch { throw InspectError.bundle("cannot read \(path): \(error.description)") }
        return try evidence(from: bytes, name: path)
    }

    public static func evidence(from bytes: [UInt8], name: String) throws(InspectError) -> ClusterEvidence {
        var data = bytes
        if Gzip.isGzip(data) {
            guard let plain = Gzip.decompress(data) else { throw InspectError.bundle("\(name): not a readable gzip file (cut or corrupt)") }
            data = plain
        }
        let json: [UInt8]
        if data.first == UInt8(ascii: "{") {
            json = data
        } else {
            let entries: [Tar.Entry]
            do { entries = try Tar.read(data) } catch { throw InspectError.bundle("\(name): \(error.description)") }
            if entries.isEmpty { throw InspectError.bundle("\(name): not a tar archive, gzip'd tar or evidence.json") }
            guard let found = entries.first(where: { $0.path == evidenceFile || $0.path.hasSuffix("/" + evidenceFile) }) else {
                throw InspectError.bundle("\(name) holds no \(evidenceFile): not an inspect bundle")
            }
            json = found.bytes
        }
        let value: JSONValue
        do { value = try JSONValue.parse(json) } catch { throw InspectError.bundle("\(name): \(evidenceFile) is not JSON: \(error)") }
        do { return try ClusterEvidence(json: value) } catch { throw InspectError.bundle("\(name): \(error.description)") }
    }

    /// A name safe as one path component (node names and ids are DNS-like already).
    static func safeName(_ name: String) -> String {
        let mapped = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "_" })
        return mapped.isEmpty || mapped == "." || mapped == ".." ? "_" : mapped
    }
}
