import JSONKit
import Storage

/// Keeps activities with their records: a lead's meetings and tasks go with the deal and
/// contact made from it (a meeting about a lead stays with the deal after conversion, and the
/// contact is reminded where the lead was), and a deleted record is unbound.
struct ActivityListener: ChangeListener {
    func apply(_ change: Change, in db: Database, crm: CRM) throws {
        guard let record = change.record else { return }
        switch change.operation {
        case .converted where record.type == .lead:
            guard let deal = change.data["dealId"]?.int64Value else { return }
            try crm.activities.follow(db, lead: record.id, deal: deal, contact: change.data["contactId"]?.int64Value, by: change.caller.unlimited)
        case .deleted:
            try ActivityStore.unbind(db, record)
        default:
            return
        }
    }
}

extension ActivityService {
    /// Binds the lead's activities to the deal and contact made from it as well; the contact
    /// is reminded where the lead was.
    func follow(_ db: Database, lead: Int64, deal: Int64, contact: Int64?, by caller: Caller) throws {
        let source = RecordRef(.lead, lead)
        for id in try ActivityStore.bound(db, source) {
            let old = try load(db, id)
            var activity = old
            for target in [RecordRef(.deal, deal)] + (contact.map { [RecordRef(.contact, $0)] } ?? []) where !activity.bindings.contains(target) {
                activity.bindings.append(target)
            }
            if let contact, activity.clientContacts.contains(source), !activity.clientContacts.contains(RecordRef(.contact, contact)) {
                activity.clientContacts.append(RecordRef(.contact, contact))
            }
            if activity != old {
                activity.updatedAt = crm.nowText
                try save(db, old: old, new: activity, by: caller, keepSequence: true)
            }
        }
    }
}
