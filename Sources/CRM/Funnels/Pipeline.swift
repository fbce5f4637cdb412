import JSONKit

/// What reaching a stage means: still working, won, or lost.
package enum StageSemantic: String, Sendable {
    case process, success, failure
}

/// One step of a funnel, with the fields a record must have from this step on.
package struct Stage: Sendable, Equatable {
    /// The largest `sort` a call may give (and the smallest, negated): room enough to place
    /// stages anywhere, far from `Int`'s end, so the default "after the last" never overflows.
    package static let sortLimit = 1_000_000_000

    /// Unique within its entity type across all pipelines (`NEW`, `C2:NEW`).
    package var id: String
    package var title: String
    package var semantic: StageSemantic
    /// Position key, within ±`sortLimit`.
    package var sort: Int
    /// Fields named as in the API (`city`, `custom.area`) that this stage itself adds.
    package var requiredFields: [String]

    package var json: JSON {
        [
            "id": .string(id), "title": .string(title), "semantic": .string(semantic.rawValue), "sort": .int(sort),
            "requiredFields": .array(requiredFields.map { .string($0) }),
        ]
    }
}

/// A funnel: an ordered list of stages for one entity type.
package struct Pipeline: Sendable, Equatable {
    package var id: Int64
    package var entityType: EntityType
    package var title: String
    package var isDefault: Bool
    /// In funnel order (by `sort`, then id).
    package var stages: [Stage]

    /// Where new records start: the first in-progress stage (a won or lost stage sorted first is skipped).
    package var firstStage: Stage? { stages.first { $0.semantic == .process } ?? stages.first }

    package func stage(_ id: String) -> Stage? { stages.first { $0.id == id } }

    /// Everything required at `stage`: its own fields plus, unless it is a failure stage, the
    /// fields of every earlier in-progress stage. So a jump over stages never skips a
    /// requirement, and giving up on a record ("lost") asks only what the lost stage asks.
    package func effectiveRequiredFields(at stage: Stage) -> [String] {
        var fields: [String] = []
        if stage.semantic != .failure {
            for earlier in stages where earlier.semantic == .process && earlier.sort <= stage.sort && earlier.id != stage.id {
                fields += earlier.requiredFields
            }
        }
        fields += stage.requiredFields
        var seen = Set<String>()
        return fields.filter { seen.insert($0).inserted }
    }

    package var json: JSON {
        [
            "id": .int(id), "entityType": .string(entityType.rawValue), "title": .string(title),
            "isDefault": .bool(isDefault), "stages": .array(stages.map(\.json)),
        ]
    }
}
