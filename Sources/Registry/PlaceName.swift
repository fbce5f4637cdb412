/// Formats the registry's location parts («Регион», «Район», «Город», «НаселПункт», each a
/// `Тип` and a `Наим`) the way Russian addresses are written: «Московская обл.», «г. Химки»,
/// «Респ. Татарстан».
///
/// Known types are abbreviated and put before or after the name as customary; an unknown type is
/// kept, lower-cased, before the name. Names written in capitals are set in title case
/// («РОСТОВ-НА-ДОНУ» → «Ростов-на-Дону»); other names are kept as written.
enum PlaceName {
    private enum Position { case before, after }

    /// Lower-cased type without a trailing dot → abbreviation and position.
    private static let types: [String: (String, Position)] = {
        var types: [String: (String, Position)] = [:]
        func add(_ names: [String], _ abbreviation: String, _ position: Position) {
            for name in names { types[name] = (abbreviation, position) }
        }
        add(["область", "обл"], "обл.", .after)
        add(["край"], "край", .after)
        add(["республика", "респ"], "Респ.", .before)
        add(["автономный округ", "ао", "а.окр", "а. окр"], "АО", .after)
        add(["автономная область", "аобл", "а.обл"], "АО", .after)
        add(["город", "г", "город федерального значения"], "г.", .before)
        add(["район", "р-н", "муниципальный район", "м.р-н"], "р-н", .after)
        add(["городской округ", "г.о"], "г.о.", .after)
        add(["поселок", "посёлок", "п", "пос"], "п.", .before)
        add(["поселок городского типа", "посёлок городского типа", "пгт"], "пгт", .before)
        add(["рабочий поселок", "рабочий посёлок", "рп"], "рп", .before)
        add(["село", "с"], "с.", .before)
        add(["деревня", "д"], "д.", .before)
        add(["станица", "ст-ца"], "ст-ца", .before)
        add(["хутор", "х"], "х.", .before)
        add(["аул"], "аул", .before)
        add(["слобода", "сл"], "сл.", .before)
        add(["микрорайон", "мкр"], "мкр.", .before)
        return types
    }()

    /// One formatted part, or nil without a name.
    static func format(type: String?, name: String?) -> String? {
        guard let rawName = name?.trimmed, !rawName.isEmpty else { return nil }
        let name = titleCasedIfCapitals(rawName)
        guard let rawType = type?.trimmed.lowercased(), !rawType.isEmpty else { return name }
        var key = Substring(rawType)
        while key.hasSuffix(".") { key = key.dropLast() }
        guard let (abbreviation, position) = types[String(key)] else { return "\(rawType) \(name)" }
        // «Москва» is written «г. Москва»; a name that already carries its type keeps it.
        if name.lowercased().hasSuffix(" " + String(key)) || name.lowercased().hasPrefix(String(key) + " ") {
            return name
        }
        return position == .before ? "\(abbreviation) \(name)" : "\(name) \(abbreviation)"
    }

    /// Words that stay lower case inside hyphenated or multi-word place names.
    private static let minorWords: Set<String> = ["на", "де", "при", "у", "и", "ла", "ле", "дель"]

    /// «СТАРАЯ КУПАВНА» → «Старая Купавна»; text with any lower-case letter is returned as is.
    static func titleCasedIfCapitals(_ text: String) -> String {
        guard !text.contains(where: { $0.isLowercase }) else { return text }
        var result = ""
        var word = ""
        var wordIndex = 0
        func flush() {
            guard !word.isEmpty else { return }
            let lower = word.lowercased()
            if wordIndex > 0 && minorWords.contains(lower) {
                result += lower
            } else {
                result += lower.prefix(1).uppercased() + lower.dropFirst()
            }
            word = ""
            wordIndex += 1
        }
        for character in text {
            if character.isLetter {
                word.append(character)
            } else {
                flush()
                result.append(character)
            }
        }
        flush()
        return result
    }
}
