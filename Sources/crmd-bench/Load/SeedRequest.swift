/// `lead.add` of lead number `index`: varied, deterministic and complete for the stages it
/// names (`NEW`, `QUALIFICATION`, `OFFER_SENT`, which require what `NEW` requires).
///
/// Every word is pre-encoded once; a request is spliced from bytes, with a distinct phone
/// (`+79` and the index in nine digits) and e-mail per lead.
struct SeedRequest: RequestSource {
    private struct Words: Sendable {
        let items: [[UInt8]]
        init(_ words: [String]) { items = words.map { Array($0.utf8) } }
        @inline(__always) func pick(_ hash: UInt64) -> [UInt8] { items[Int(hash % UInt64(items.count))] }
    }

    private let cities = Words(LeadCatalog.cities)
    private let maleNames = Words(LeadCatalog.maleNames)
    private let femaleNames = Words(LeadCatalog.femaleNames)
    private let maleLast = Words(LeadCatalog.maleLastNames)
    private let femaleLast = Words(LeadCatalog.maleLastNames.map { $0 + "а" })
    private let malePatronymics = Words(LeadCatalog.malePatronymics)
    private let femalePatronymics = Words(LeadCatalog.femalePatronymics)
    private let latinMale = Words(LeadCatalog.latinNames)
    private let latinFemale = Words(LeadCatalog.latinFemaleNames)
    private let companies = Words(LeadCatalog.companies)
    private let topics = Words(LeadCatalog.topics)
    private let sources = Words(LeadCatalog.sources)
    private let domains = Words(LeadCatalog.domains)
    private let stages = Words(LeadCatalog.stages)
    private let comments = Words(LeadCatalog.comments)

    private static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    private let head = bytes(#"{"jsonrpc":"2.0","id":"#)
    private let method = bytes(#","method":"lead.add","params":{"fields":{"title":""#)
    private let titleSeparator = bytes(": ")
    private let name = bytes(#"","name":""#)
    private let secondName = bytes(#"","secondName":""#)
    private let lastName = bytes(#"","lastName":""#)
    private let companyTitle = bytes(#"","companyTitle":""#)
    private let phone = bytes(#"","phones":[{"value":"+79"#)
    private let email = bytes(#"","type":"MOBILE"}],"emails":[{"value":""#)
    private let city = bytes(#"","type":"WORK"}],"city":""#)
    private let topic = bytes(#"","topic":""#)
    private let source = bytes(#"","source":""#)
    private let comment = bytes(#"","comments":""#)
    private let stage = bytes(#"","stageId":""#)
    private let tail = bytes("\"}}}\n")

    /// SplitMix64: a well-mixed hash of the index, so neighbouring leads differ in every field.
    @inline(__always)
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    func append(index: UInt64, id: UInt64, to b: ByteBuffer) {
        let h = Self.mix(index)
        let female = h & 1 == 1
        let h2 = Self.mix(h)
        b.append(head)
        b.appendDecimal(id)
        b.append(method)
        let topicWord = topics.pick(h >> 8)
        b.append(topicWord)
        b.append(titleSeparator)
        let companyWord = companies.pick(h >> 16)
        b.append(companyWord)
        b.append(name)
        b.append(female ? femaleNames.pick(h >> 24) : maleNames.pick(h >> 24))
        b.append(secondName)
        b.append(female ? femalePatronymics.pick(h >> 32) : malePatronymics.pick(h >> 32))
        b.append(lastName)
        b.append(female ? femaleLast.pick(h >> 40) : maleLast.pick(h >> 40))
        b.append(companyTitle)
        b.append(companyWord)
        b.append(phone)
        b.appendPadded(index, width: 9)
        b.append(email)
        b.append(female ? latinFemale.pick(h >> 24) : latinMale.pick(h >> 24))
        b.append(UInt8(ascii: "."))
        b.appendDecimal(index)
        b.append(UInt8(ascii: "@"))
        b.append(domains.pick(h2))
        b.append(city)
        // Moscow for about one lead in ten, the other cities evenly.
        b.append((h2 >> 8) % 10 == 0 ? cities.items[0] : cities.pick(h2 >> 16))
        b.append(topic)
        b.append(topicWord)
        b.append(source)
        b.append(sources.pick(h2 >> 24))
        if (h2 >> 32) % 5 == 0 {
            b.append(comment)
            b.append(comments.pick(h2 >> 40))
        }
        b.append(stage)
        b.append(stages.pick(h2 >> 48))
        b.append(tail)
    }
}
