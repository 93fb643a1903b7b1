import Foundation

/// Finds elements in the markup the renderers write (one tag per element start, attributes in
/// double quotes): enough to assert on the SVG's structure without an XML library.
struct MarkupTag: Equatable {
    var name: String
    var attributes: [String: String]
    var classes: [String] { (attributes["class"] ?? "").split(separator: " ").map(String.init) }
}

enum MarkupScan {
    static func tags(_ markup: String, named name: String) -> [MarkupTag] {
        var result: [MarkupTag] = []
        var rest = Substring(markup)
        while let open = rest.range(of: "<" + name) {
            let after = rest[open.upperBound...]
            guard let first = after.first, first == " " || first == ">" || first == "/" else { rest = after; continue }
            guard let close = after.firstIndex(of: ">") else { break }
            result.append(MarkupTag(name: name, attributes: attributes(after[after.startIndex..<close])))
            rest = after[close...]
        }
        return result
    }

    static func attributes(_ text: Substring) -> [String: String] {
        var result: [String: String] = [:]
        var rest = text
        while let eq = rest.range(of: "=\"") {
            let key = rest[rest.startIndex..<eq.lowerBound].split(separator: " ").last.map(String.init) ?? ""
            let valueStart = eq.upperBound
            guard let end = rest[valueStart...].firstIndex(of: "\"") else { break }
            result[key] = String(rest[valueStart..<end])
            rest = rest[rest.index(after: end)...]
        }
        return result
    }

    static func withClass(_ tags: [MarkupTag], _ cls: String) -> [MarkupTag] { tags.filter { $0.classes.contains(cls) } }

    /// The viewBox's width and height.
    static func viewBox(_ svg: MarkupTag) -> (width: Int, height: Int)? {
        let parts = (svg.attributes["viewBox"] ?? "").split(separator: " ").compactMap { Int($0) }
        return parts.count == 4 ? (parts[2], parts[3]) : nil
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }
}
