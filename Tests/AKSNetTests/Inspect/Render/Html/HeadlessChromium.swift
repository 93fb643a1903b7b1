import Foundation
import KubeModel
import TestSupport

/// Debian's `chromium` run headless on a file, with what it did: the DOM after load, the console
/// lines it logged, and the requests the page made (from Chromium's own NetLog). Every run gets
/// its own profile; DNS resolves nothing (`MAP * ~NOTFOUND`), so nothing can leave the machine.
struct HeadlessChromium {
    static let path = "/usr/bin/chromium"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: path) }

    struct Run {
        var result: ProcessResult
        /// `CONSOLE` lines of `--enable-logging=stderr`: console messages, CSP violations included.
        var consoleLines: [String]
        /// URLs the page (not the browser's own background services) asked for.
        var pageRequests: [String]
    }

    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "aksnet-chromium-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    func write(_ name: String, _ content: String) throws -> String {
        let file = directory + "/" + name
        try content.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// `--dump-dom` (stdout) or `--screenshot=PNG`; `label` names the profile and NetLog files.
    func run(_ file: String, label: String, extra: [String]) throws -> Run {
        let netlog = "\(directory)/\(label).netlog.json"
        let arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(directory)/profile-\(label)",
                         "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
                         "--log-net-log=\(netlog)"] + extra + ["file://" + file]
        let result = try Shell.run(Self.path, arguments, timeout: 120)
        let console = result.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
        let log = (try? String(contentsOfFile: netlog, encoding: .utf8)) ?? ""
        return Run(result: result, consoleLines: console, pageRequests: Self.pageRequests(netlog: log))
    }

    /// URL requests whose network isolation key is the file:// page: what the page loaded. The
    /// browser's own requests (update checks, accounts) carry another key and are not the page's.
    static func pageRequests(netlog: String) -> [String] {
        guard let root = try? JSONValue.parse(netlog) else { return ["(NetLog unreadable: \(netlog.count) bytes)"] }
        var names: [Int64: String] = [:]
        for (name, value) in root["constants"]?["logEventTypes"]?.objectValue ?? JSONObject() {
            if let id = value.intValue { names[id] = name }
        }
        var urls: [String] = []
        for event in root["events"]?.arrayValue ?? [] {
            guard let type = event["type"]?.intValue, names[type] == "URL_REQUEST_START_JOB",
                  let url = event["params"]?["url"]?.stringValue else { continue }
            let key = (event["params"]?["network_isolation_key"]?.stringValue ?? "") + " "
                + (event["params"]?["site_for_cookies"]?.stringValue ?? "")
            if key.contains("file://") && !url.hasPrefix("file:") { urls.append(url) }
        }
        return urls
    }
}
