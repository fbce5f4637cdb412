/// A VAT (НДС) rate: 22 % standard from 2026, 20 % for older documents, 10 % reduced, 7 and 5 %
/// for simplified-regime payers, 0 % for exports, or "none" (Без НДС, exempt).
package enum VATRate: String, Sendable, CaseIterable {
    case r22 = "22", r20 = "20", r10 = "10", r7 = "7", r5 = "5", r0 = "0", none

    package var percent: Int64 {
        switch self {
        case .r22: 22
        case .r20: 20
        case .r10: 10
        case .r7: 7
        case .r5: 5
        case .r0, .none: 0
        }
    }
}
