import JSONKit

/// The roles every CRM starts with, by code. Their permissions may be changed like any role's;
/// they cannot be deleted.
enum BuiltInRoles {
    static let records: [PermissionEntity] = [.lead, .deal, .contact, .company, .invoice, .activity]
    static let recordActions: [PermissionAction] = [.read, .add, .update, .delete, .export, .convert, .changeStage]

    static var all: [(code: String, name: String, permissions: Permissions)] {
        [
            ("administrator", "Администратор", Permissions(everything: .all)),
            ("manager", "Менеджер", manager),
            ("headOfSales", "Руководитель отдела продаж", headOfSales),
            ("accountant", "Бухгалтер", accountant),
            ("exchange", "Обмен с 1С", exchange),
        ]
    }

    /// Own records and those open to all; reads the catalogue and colleagues; no settings.
    static var manager: Permissions {
        var permissions = Permissions()
        for entity in records {
            for action in recordActions { permissions.set(entity, action, action == .read ? .open : .own) }
        }
        permissions.set(.product, .read, .all)
        permissions.set(.users, .read, .all)
        return permissions
    }

    /// Everything of their department and its sub-departments; no settings.
    static var headOfSales: Permissions {
        var permissions = Permissions()
        for entity in records {
            for action in recordActions { permissions.set(entity, action, .department) }
        }
        permissions.set(.product, .read, .all)
        permissions.set(.users, .read, .all)
        return permissions
    }

    /// Invoices and the exchange with 1C; reads the rest.
    static var accountant: Permissions {
        var permissions = Permissions()
        for entity in PermissionEntity.allCases where entity != .settings { permissions.set(entity, .read, .all) }
        for action in [PermissionAction.add, .update, .export, .changeStage] { permissions.set(.invoice, action, .all) }
        for action in PermissionAction.allCases { permissions.set(.exchange, action, .all) }
        return permissions
    }

    /// The 1C exchange only.
    static var exchange: Permissions {
        var permissions = Permissions()
        for action in PermissionAction.allCases { permissions.set(.exchange, action, .all) }
        return permissions
    }
}
