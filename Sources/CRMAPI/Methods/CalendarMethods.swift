import CRM
import JSONKit

/// `calendar.*`: work schedules, the production calendar, free slots, occupation, iCalendar.
enum CalendarMethods {
    static func all(_ crm: CRM) -> [Method] {
        [
            Method("calendar.getSchedule") { params, _ in try crm.calendar.schedule(userID: try params.int64("userId")) },
            Method("calendar.setSchedule") { params, context in
                let user = try params.int64("userId")
                // One's own calendar, or anyone's with users.update.
                if user != context.identity.userID { try context.access.require(.users, .update) }
                return try crm.calendar.setSchedule(userID: user, hours: params["hours"], daysOff: try params.stringList("daysOff"),
                                                    timeZone: try params.optionalString("timeZone"), by: context.caller)
            },
            Method("calendar.setHolidays") { params, context in
                try crm.calendar.setHolidays(year: Int(try params.int64("year")), days: params["days"] ?? .array([]), by: context.caller)
            },
            Method("calendar.holidays") { params, _ in try crm.calendar.holidays(year: Int(try params.int64("year"))) },
            Method("calendar.freeSlots") { params, _ in
                try crm.calendar.freeSlots(userIDs: try params.int64List("userIds"), from: try time(params, "from"), to: try time(params, "to"),
                                           duration: try params.int64("duration") * 60, step: try params.optionalInt64("step").map { $0 * 60 },
                                           resourceID: try params.optionalInt64("resourceId"), limit: Int(try params.optionalInt64("limit") ?? 100))
            },
            // What the caller may read of another's calendar: their activities the caller's scope reaches.
            Method("calendar.events") { params, context in
                try crm.calendar.events(userID: try params.int64("userId"), from: try time(params, "from"), to: try time(params, "to"),
                                        access: context.access)
            },
            Method("calendar.export") { params, context in
                try crm.calendar.export(userID: try params.int64("userId"), from: try time(params, "from"), to: try time(params, "to"),
                                        access: context.access)
            },
        ]
    }

    private static func time(_ params: Params, _ key: String) throws -> Int64 {
        guard let value = try ActivityService.time(params[key] ?? .null, key) else {
            throw CRMError.invalidValue(field: key, reason: "required", message: "\(key) is required")
        }
        return value
    }
}
