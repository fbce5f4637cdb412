/// Reads one XML file of the SME registry as a stream and hands each `Документ` to a callback
/// as a `RegistryRecord`.
///
/// The shape is checked as it goes: the root must be `Файл` (with `ТипИнф="РЕЕСТРМСП"` when the
/// attribute is present), each `Документ` must name an organisation or a sole proprietor with an
/// INN, and the file must hold at least one `Документ`; otherwise `badFile`. Elements it does not
/// use (`ИдОтпр`, `СвОКВЭДДоп`, `СвЛиценз`, `СвПрод`, …) are skipped.
struct RSMPParser {
    private enum Section { case none, organisation, entrepreneur, location, activities, other }

    let scanner: XMLScanner
    /// Documents read so far in this file.
    private(set) var documents = 0
    private var places = TextCache()
    private var names = TextCache()
    private var dates = TextCache(capacity: 1_000)

    init(scanner: XMLScanner) {
        self.scanner = scanner
    }

    mutating func parse(_ onRecord: (RegistryRecord) throws(RegistryError) -> Void) throws(RegistryError) {
        typealias N = RSMPNames
        var document: RSMPDocument?
        var section = Section.none
        while true {
            switch try scanner.next() {
            case .endOfDocument:
                guard documents > 0 else {
                    throw .badFile(reason: "the file holds no Документ: not the SME registry")
                }
                return
            case .end:
                switch scanner.depth {
                case 1:
                    if let finished = document {
                        documents += 1
                        try onRecord(try finished.record(number: documents, names: &names))
                        document = nil
                    }
                case 2: section = .none
                default: break
                }
            case .start:
                switch scanner.depth {
                case 1:
                    guard scanner.nameIs(N.file) else {
                        throw .badFile(reason: "the root element is <\(scanner.name)>, not <Файл>: not the SME registry")
                    }
                    if let kind = try scanner.attribute(N.informationType), kind != N.expectedInformationType {
                        throw .badFile(reason: "ТипИнф is \"\(kind)\", not \(N.expectedInformationType): not the SME registry")
                    }
                case 2:
                    guard scanner.nameIs(N.document) else { continue }
                    var started = RSMPDocument()
                    started.stateDate = try scanner.attribute(N.stateDate).flatMap { dates.value($0, RSMPDocument.isoDate) }
                    started.subjectKind = try scanner.attribute(N.subjectKind)
                    started.category = try scanner.attribute(N.category)
                    document = started
                case 3:
                    guard document != nil else { continue }
                    section = try readSection(into: &document!)
                case 4:
                    guard document != nil else { continue }
                    try readDetail(of: section, into: &document!)
                default:
                    continue
                }
            }
        }
    }

    private func readSection(into document: inout RSMPDocument) throws(RegistryError) -> Section {
        typealias N = RSMPNames
        if scanner.nameIs(N.organisation) {
            document.hasOrganisation = true
            document.organisationName = try scanner.attribute(N.organisationName)
            document.organisationShortName = try scanner.attribute(N.organisationShortName)
            document.organisationINN = try scanner.attribute(N.organisationINN)
            document.ogrn = try scanner.attribute(N.ogrn)
            return .organisation
        }
        if scanner.nameIs(N.entrepreneur) {
            document.hasEntrepreneur = true
            document.entrepreneurINN = try scanner.attribute(N.entrepreneurINN)
            document.ogrnip = try scanner.attribute(N.ogrnip)
            return .entrepreneur
        }
        if scanner.nameIs(N.location) { return .location }
        if scanner.nameIs(N.activities) { return .activities }
        return .other
    }

    private mutating func readDetail(of section: Section, into document: inout RSMPDocument) throws(RegistryError) {
        typealias N = RSMPNames
        switch section {
        case .entrepreneur where scanner.nameIs(N.personName):
            document.lastName = try scanner.attribute(N.lastName)
            document.firstName = try scanner.attribute(N.firstName)
            document.middleName = try scanner.attribute(N.middleName)
        case .location:
            for (level, name) in N.placeLevels.enumerated() where scanner.nameIs(name) {
                let type = try scanner.attribute(N.placeType) ?? ""
                guard let name = try scanner.attribute(N.placeName) else { continue }
                // The unit separator cannot occur in either part.
                document.places[level] = places.value(type + "\u{1F}" + name) { _ in PlaceName.format(type: type, name: name) }
            }
        case .activities where scanner.nameIs(N.mainActivity):
            document.okved = try scanner.attribute(N.activityCode)
            document.okvedName = try scanner.attribute(N.activityName)
        default:
            break
        }
    }
}
