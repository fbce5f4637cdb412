/// One meeting, call or task as an iCalendar (RFC 5545) component: a `VEVENT` (start and end
/// required) or a `VTODO` (due optional). Times are Unix seconds; `timeZone` is the IANA zone
/// whose wall clock DTSTART/DTEND/DUE are written in.
package struct ICalendarItem: Sendable, Equatable {
    package enum Kind: String, Sendable { case event, todo }

    /// STATUS: an event is `confirmed`, `tentative` or `cancelled`; a task `needsAction`,
    /// `inProcess`, `completed` or `cancelled`.
    package enum Status: String, Sendable {
        case confirmed = "CONFIRMED", tentative = "TENTATIVE", cancelled = "CANCELLED"
        case needsAction = "NEEDS-ACTION", inProcess = "IN-PROCESS", completed = "COMPLETED"
    }

    /// An organizer or attendee; written only when `email` is known (ORGANIZER and ATTENDEE
    /// need an address, and crmd makes none up), with `name` as CN.
    package struct Person: Sendable, Equatable {
        package var name: String
        package var email: String?
        package init(name: String, email: String? = nil) {
            self.name = name
            self.email = email
        }
    }

    package var kind: Kind
    package var uid: String
    /// SEQUENCE: raised each time the item changes in a way attendees should see.
    package var sequence: Int
    package var start: Int64?
    package var end: Int64?
    package var due: Int64?
    package var timeZone: String
    package var summary: String
    package var description: String?
    package var location: String?
    package var status: Status?
    package var created: Int64?
    package var lastModified: Int64?
    /// When a task was done; written (as COMPLETED) only with status `completed`.
    package var completed: Int64?
    package var organizer: Person?
    package var attendees: [Person]
    package var categories: [String]

    package init(kind: Kind, uid: String, sequence: Int = 0, start: Int64? = nil, end: Int64? = nil, due: Int64? = nil,
                 timeZone: String, summary: String, description: String? = nil, location: String? = nil, status: Status? = nil,
                 created: Int64? = nil, lastModified: Int64? = nil, completed: Int64? = nil,
                 organizer: Person? = nil, attendees: [Person] = [], categories: [String] = []) {
        self.kind = kind
        self.uid = uid
        self.sequence = sequence
        self.start = start
        self.end = end
        self.due = due
        self.timeZone = timeZone
        self.summary = summary
        self.description = description
        self.location = location
        self.status = status
        self.created = created
        self.lastModified = lastModified
        self.completed = completed
        self.organizer = organizer
        self.attendees = attendees
        self.categories = categories
    }
}
