import KubeModel

/// `--diff -o json`: schema `aksnet.io/inspect-diff/v1`, keys in a fixed order.
extension InspectDiff {
    public var json: JSONValue {
        var object = JSONObject()
        object["apiVersion"] = .string(Self.apiVersion)
        object["kind"] = .string("InspectDiff")
        object["old"] = old.json
        object["new"] = new.json
        object["changed"] = .bool(!isEmpty)
        object["cluster"] = .array(cluster.map(\.json))
        object["routeTable"] = routeTable.json
        object["nodesAdded"] = JSONCoding.strings(nodesAdded)
        object["nodesRemoved"] = JSONCoding.strings(nodesRemoved)
        object["nodes"] = .array(nodes.map(\.json))
        object["findingsAppeared"] = .array(findingsAppeared.map(\.json))
        object["findingsResolved"] = .array(findingsResolved.map(\.json))
        return .object(object)
    }
}

extension InspectDiff.Snapshot {
    var json: JSONValue {
        var object = JSONObject()
        object["collectedAt"] = .string(collectedAt)
        object["context"] = JSONCoding.optional(context)
        return .object(object)
    }
}

extension ValueChange {
    var json: JSONValue {
        var object = JSONObject()
        object["key"] = .string(key)
        object["old"] = JSONCoding.optional(old)
        object["new"] = JSONCoding.optional(new)
        return .object(object)
    }
}

extension LineChanges {
    var json: JSONValue {
        var object = JSONObject()
        object["added"] = JSONCoding.strings(added)
        object["removed"] = JSONCoding.strings(removed)
        return .object(object)
    }
}

extension NodeDiff {
    var json: JSONValue {
        var object = JSONObject()
        object["node"] = .string(node)
        object["facts"] = .array(facts.map(\.json))
        object["routes"] = routes.json
        object["rules"] = .array(rules.map { chain in
            var c = JSONObject()
            c["source"] = .string(chain.source)
            c["table"] = .string(chain.table)
            c["chain"] = .string(chain.chain)
            c["status"] = .string(chain.status.rawValue)
            c["policy"] = chain.policy?.json ?? .null
            c["rules"] = chain.rules.json
            return .object(c)
        })
        object["sysctls"] = .array(sysctls.map(\.json))
        object["cniFiles"] = .array(cniFiles.map { file in
            var f = JSONObject()
            f["path"] = .string(file.path)
            f["status"] = .string(file.status.rawValue)
            f["lines"] = file.lines.json
            return .object(f)
        })
        object["probes"] = .array(probes.map(\.json))
        return .object(object)
    }
}
