import CRM
import JSONKit

/// `settings.*`: the company's own data, numbering, mail and registry choices.
enum SettingsMethods {
    static func all(_ crm: CRM) -> [Method] {
        [
            Method("settings.get") { _, _ in try crm.settings.get() },
            Method("settings.update") { params, context in try crm.settings.update(params.object, by: context.caller) },
        ]
    }
}
