/// Delivers messages to an SMTP server over plain TCP (RFC 5321), optionally authenticating
/// with AUTH PLAIN or LOGIN (RFC 4954).
///
/// The rule it keeps: a message is either accepted for every recipient or not sent at all — any
/// refused recipient aborts the transaction (RSET) with `.rejected`. Every wait is bounded by
/// `timeout`. Sender and recipient addresses are checked locally first, so nothing that is not a
/// plain address ever reaches a command line.
///
/// TLS: Foundation on Linux offers no TLS socket API and this package takes no dependencies, so
/// STARTTLS (RFC 3207) is not spoken. When the server demands it (530 with STARTTLS advertised,
/// or credentials given but AUTH only offered after STARTTLS) `send` fails with `.tlsUnavailable`;
/// use a local relay (e.g. a sendmail-compatible MTA via `SendmailTransport`) for such servers.
public struct SMTPTransport: MailTransport {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var heloName: String
    public var timeout: Duration

    public init(host: String, port: Int, username: String? = nil, password: String? = nil,
                heloName: String = "crmd.local", timeout: Duration = .seconds(30)) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.heloName = heloName
        self.timeout = timeout
    }

    public func send(_ message: MailMessage) throws(MailError) {
        guard message.from.isValid else {
            throw .protocolError(code: 501, message: "invalid sender address \(message.from.address)")
        }
        var recipients: [String] = []
        for address in message.to + message.cc where !recipients.contains(address.address) {
            guard address.isValid else {
                throw .rejected(recipient: address.address, code: 501, message: "invalid address syntax")
            }
            recipients.append(address.address)
        }
        guard !recipients.isEmpty else { throw .protocolError(code: 554, message: "no recipients") }

        let connection = try SMTPConnection(host: host, port: port, timeout: timeout)
        defer { connection.disconnect() }
        do {
            try transact(message, recipients: recipients, on: connection)
        } catch {
            switch error {
            case .timeout, .connectionFailed: break
            default:   // the server is still talking: end the failed transaction politely
                _ = try? connection.command("RSET")
                _ = try? connection.command("QUIT")
            }
            throw error
        }
        _ = try? connection.command("QUIT")
    }

    private func transact(_ message: MailMessage, recipients: [String], on connection: SMTPConnection) throws(MailError) {
        let greeting = try connection.readReply()
        guard greeting.code == 220 else { throw .protocolError(code: greeting.code, message: greeting.message) }

        var extensions: [String: String] = [:]
        let ehlo = try connection.command("EHLO \(heloName)")
        if ehlo.code == 250 {
            for line in ehlo.lines.dropFirst() {
                let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                if let keyword = parts.first { extensions[keyword.uppercased()] = parts.count > 1 ? parts[1].uppercased() : "" }
            }
        } else {
            let helo = try connection.command("HELO \(heloName)")
            guard helo.code == 250 else { throw .protocolError(code: helo.code, message: helo.message) }
        }
        let offersTLS = extensions["STARTTLS"] != nil

        if let username, let password {
            try SMTPAuthenticator(username: username, password: password)
                .authenticate(on: connection, advertised: extensions["AUTH"], offersTLS: offersTLS)
        }

        let mail = try connection.command("MAIL FROM:<\(message.from.address)>")
        if mail.code == 530 && offersTLS { throw .tlsUnavailable }
        guard mail.code == 250 else { throw .protocolError(code: mail.code, message: mail.message) }

        for recipient in recipients {
            let reply = try connection.command("RCPT TO:<\(recipient)>")
            if reply.code == 530 && offersTLS { throw .tlsUnavailable }
            guard reply.code == 250 || reply.code == 251 else {
                throw .rejected(recipient: recipient, code: reply.code, message: reply.message)
            }
        }

        let data = try connection.command("DATA")
        guard data.code == 354 else { throw .protocolError(code: data.code, message: data.message) }
        try connection.write(Self.dotStuffed(message.rendered()) + Array(".\r\n".utf8))
        let accepted = try connection.readReply()
        guard accepted.code == 250 else { throw .protocolError(code: accepted.code, message: accepted.message) }
    }

    /// The DATA payload (RFC 5321 §4.5.2): a "." is doubled at the start of every line, line
    /// ends become CRLF and the text ends with CRLF, ready for the terminating ".\r\n".
    static func dotStuffed(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 64 + 2)
        var atLineStart = true
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == 0x0A && previous != 0x0D { output.append(0x0D) }
            if previous == 0x0D && byte != 0x0A { output.append(0x0A); atLineStart = true }
            if atLineStart && byte == 0x2E { output.append(0x2E) }
            output.append(byte)
            atLineStart = byte == 0x0A
            previous = byte
        }
        if previous == 0x0D { output.append(0x0A) } else if previous != 0x0A { output += [0x0D, 0x0A] }
        return output
    }
}
