import CRM
import JSONKit

/// What a method asks of its caller's roles before it runs: one table for every method
/// (`MethodPermission.table`), so what each call needs is read in one place. Record-level scopes
/// (own, department, open) are judged where the records are: lists and reads filter by the
/// call's `Access`, and the change funnel's `AccessListener` checks every change. This check
/// refuses early, without reading anything, a call the caller's roles allow on no record at all.
enum MethodPermission: Sendable {
    /// Anyone signed in (the session itself, what every client needs to work, public links).
    case anyone
    /// `action` on `entity` on some records at least.
    case needs(PermissionEntity, PermissionAction)
    /// One of these.
    case anyOf([(PermissionEntity, PermissionAction)])
    /// `action` on the record type named by param `param` (`entityType`).
    case onEntityParam(String, PermissionAction)
    /// `action` on the record type named by param `param` when it is given; else `otherwise`
    /// (what a call about no record needs).
    case onEntityParamOr(String, PermissionAction, otherwise: (PermissionEntity, PermissionAction))
    /// Configuration of the record type named by param `param`: its `settings` action, or
    /// `settings.update`.
    case settingsOf(String)
    /// `update` or `changeStage` of a record with stages; refused as the one `fields` needs.
    case updateOrMove(PermissionEntity)
    /// Some record type's `settings`, or `settings.update`; the method judges which.
    case anySettings
    /// The method judges its caller itself (API tokens: one's own, or with `users.update`).
    case inMethod

    func check(_ params: Params, _ context: CallContext) throws {
        let access = context.access
        switch self {
        case .anyone, .inMethod:
            return
        case .needs(let entity, let action):
            try access.require(entity, action)
        case .anyOf(let options):
            guard let first = options.first else { return }
            if !options.contains(where: { access.allows($0.0, $0.1) }) { throw Access.denied(first.0, first.1, id: nil) }
        case .onEntityParam(let param, let action):
            guard let entity = try params.optionalString(param).flatMap(PermissionEntity.init(rawValue:)) else { return }
            try access.require(entity, action)
        case .onEntityParamOr(let param, let action, let otherwise):
            if let entity = try params.optionalString(param).flatMap(PermissionEntity.init(rawValue:)) {
                try access.require(entity, action)
            } else {
                try access.require(otherwise.0, otherwise.1)
            }
        case .updateOrMove(let entity):
            if !access.allows(entity, .update) && !access.allows(entity, .changeStage) {
                let fields = try params.optionalObject("fields") ?? [:]
                throw Access.denied(entity, Access.refusedUpdate(fields.keys), id: nil)
            }
        case .anySettings:
            if !PermissionEntity.allCases.contains(where: { access.allows($0, .settings) }) && !access.allows(.settings, .update) {
                throw Access.denied(.settings, .update, id: nil)
            }
        case .settingsOf(let param):
            if access.allows(.settings, .update) { return }
            guard let entity = try params.optionalString(param).flatMap(PermissionEntity.init(rawValue:)) else {
                throw Access.denied(.settings, .update, id: nil)
            }
            try access.requireSettings(of: entity)
        }
    }

    /// Every method's permission, by name; `CRMHandler` refuses to start if one is missing.
    static let table: [String: MethodPermission] = {
        var table: [String: MethodPermission] = [
            "rpc.discover": .anyone, "server.info": .anyone, "session.login": .anyone, "user.current": .anyone,
            "pipeline.list": .anyone, "field.list": .anyone, "invoice.getPublic": .anyone,
            "lead.convert": .needs(.lead, .convert),
            "deal.productRows.get": .needs(.deal, .read), "deal.productRows.set": .needs(.deal, .update),
            "document.render": .needs(.deal, .read),
            "invoice.createFromDeal": .needs(.invoice, .add), "invoice.render": .needs(.invoice, .read),
            "invoice.setStatus": .needs(.invoice, .changeStage), "invoice.addPayment": .needs(.invoice, .update),
            "invoice.send": .needs(.invoice, .update), "invoice.publicLink": .needs(.invoice, .update),
            "invoice.revokeLink": .needs(.invoice, .update),
            "invoice.attachDocument": .needs(.invoice, .update), "invoice.documents": .needs(.invoice, .read),
            "invoice.getDocument": .needs(.invoice, .read),
            "duplicate.find": .onEntityParam("entityType", .read),
            "timeline.list": .onEntityParam("entityType", .read), "comment.add": .onEntityParam("entityType", .read),
            // Requisites and bank details are judged by the record they belong to.
            "requisite.add": .onEntityParam("entityType", .update), "requisite.list": .onEntityParam("entityType", .read),
            "requisite.get": .anyOf([(.company, .read), (.contact, .read)]),
            "requisite.update": .anyOf([(.company, .update), (.contact, .update)]),
            "requisite.delete": .anyOf([(.company, .update), (.contact, .update)]),
            "bankDetail.list": .anyOf([(.company, .read), (.contact, .read)]),
            "bankDetail.add": .anyOf([(.company, .update), (.contact, .update)]),
            "bankDetail.update": .anyOf([(.company, .update), (.contact, .update)]),
            "bankDetail.delete": .anyOf([(.company, .update), (.contact, .update)]),
            "requisite.lookup": .needs(.company, .read),
            "settings.get": .needs(.settings, .read), "template.list": .needs(.settings, .read),
            "automation.get": .needs(.settings, .read), "automation.list": .needs(.settings, .read),
            "automation.log": .onEntityParamOr("entityType", .read, otherwise: (.settings, .read)),
            "settings.update": .needs(.settings, .update), "template.add": .needs(.settings, .update),
            "template.update": .needs(.settings, .update), "registry.import": .needs(.settings, .update),
            // A stage is judged by its pipeline's record type, once the pipeline is read.
            "stage.add": .anySettings, "stage.update": .anySettings,
            "automation.update": .needs(.settings, .update), "automation.delete": .needs(.settings, .update),
            "pipeline.add": .settingsOf("entityType"), "field.add": .settingsOf("entityType"),
            "automation.add": .settingsOf("entityType"),
            "token.add": .inMethod, "token.list": .inMethod, "token.revoke": .inMethod,
            // Every caller sees the events of what they may read (judged per event).
            "event.list": .anyone, "event.subscribe": .anyone, "event.unsubscribe": .anyone,
            // Each acts on the caller's own notifications only.
            "notification.list": .anyone, "notification.markRead": .anyone, "notification.rules": .anyone,
            "notification.setRules": .anyone,
            // A webhook receives every event: it is the administrator's to set up.
            "webhook.list": .needs(.settings, .read), "webhook.deliveries": .needs(.settings, .read),
            "webhook.add": .needs(.settings, .update), "webhook.update": .needs(.settings, .update),
            "webhook.delete": .needs(.settings, .update), "webhook.redeliver": .needs(.settings, .update),
            // Activities are judged by their responsible (and participants read theirs).
            "activity.add": .needs(.activity, .add), "activity.get": .needs(.activity, .read), "activity.list": .needs(.activity, .read),
            "activity.update": .needs(.activity, .update), "activity.complete": .needs(.activity, .update),
            "activity.delete": .needs(.activity, .delete),
            "resource.list": .anyone, "resource.add": .needs(.settings, .update), "resource.update": .needs(.settings, .update),
            "resource.delete": .needs(.settings, .update),
            // Anyone sees when colleagues are free and the production calendar; one's own calendar, or with users.read anyone's.
            "calendar.freeSlots": .needs(.activity, .read), "calendar.holidays": .anyone, "calendar.getSchedule": .anyone,
            "calendar.events": .inMethod, "calendar.export": .inMethod, "calendar.setSchedule": .inMethod,
            "calendar.setHolidays": .needs(.settings, .update),
            // A message about a record needs read access to it (the change funnel asks update of
            // that record for its `queued` change); one to a bare number, and the whole outbox,
            // are the administrator's. `sms.get` and `sms.status` judge the message's record themselves.
            "sms.send": .onEntityParamOr("entityType", .read, otherwise: (.settings, .update)),
            "sms.list": .onEntityParamOr("entityType", .read, otherwise: (.settings, .read)),
            "sms.get": .inMethod, "sms.status": .inMethod, "settings.sms": .needs(.settings, .update),
            // Bank statements are the exchange's: importing one adds its matched payments to their
            // invoices without asking for invoice rights (the accountant's and the 1C exchange's roles).
            "exchange.importPayments": .needs(.exchange, .update), "payment.match": .needs(.exchange, .update),
            "payment.ignore": .needs(.exchange, .update), "payment.unmatched": .needs(.exchange, .read),
            // Invoices to 1C: the export reads every invoice for the exchange's role, the
            // acknowledgement moves its marker.
            "exchange.export1C": .needs(.exchange, .export), "exchange.acknowledge": .needs(.exchange, .update),
        ]
        for prefix in ["user", "department", "role"] {
            table["\(prefix).get"] = .needs(.users, .read)
            table["\(prefix).list"] = .needs(.users, .read)
            table["\(prefix).add"] = .needs(.users, .add)
            table["\(prefix).update"] = .needs(.users, .update)
        }
        table["user.setRoles"] = .needs(.users, .update)
        table["department.setRoles"] = .needs(.users, .update)
        table["user.deactivate"] = .needs(.users, .delete)
        table["department.delete"] = .needs(.users, .delete)
        table["role.delete"] = .needs(.users, .delete)
        for type in EntityType.allCases {
            let entity = PermissionEntity(type), name = type.rawValue
            table["\(name).get"] = .needs(entity, .read)
            table["\(name).list"] = .needs(entity, .read)
            table["\(name).fields"] = .anyone
            if type == .invoice { continue }
            table["\(name).add"] = .needs(entity, .add)
            // A change of stage alone needs only `changeStage`; the funnel judges which it is.
            table["\(name).update"] = type.descriptor.hasStages ? .updateOrMove(entity) : .needs(entity, .update)
            table["\(name).delete"] = .needs(entity, .delete)
            table["\(name).merge"] = .needs(entity, .update)
        }
        return table
    }()
}
