/// SMTP authentication (RFC 4954) with the PLAIN (RFC 4616) or LOGIN mechanism.
///
/// The rule it keeps: credentials are sent only with a mechanism the server advertised, PLAIN
/// preferred; a 535/5xx answer is `.authenticationFailed`, a 4xx answer a temporary
/// `.protocolError`, and AUTH withheld until STARTTLS is `.tlsUnavailable`.
struct SMTPAuthenticator {
    var username: String
    var password: String

    func authenticate(on connection: SMTPConnection, advertised: String?, offersTLS: Bool) throws(MailError) {
        let mechanisms = Set((advertised ?? "").split(separator: " ").map(String.init))
        let reply: SMTPConnection.Reply
        if mechanisms.contains("PLAIN") {
            let token = MIMEEncoding.base64([0] + Array(username.utf8) + [0] + Array(password.utf8))
            reply = try connection.command("AUTH PLAIN \(token)")
        } else if mechanisms.contains("LOGIN") {
            var step = try connection.command("AUTH LOGIN")
            for secret in [username, password] where step.code == 334 {
                step = try connection.command(MIMEEncoding.base64(Array(secret.utf8)))
            }
            reply = step
        } else if advertised == nil && offersTLS {
            throw .tlsUnavailable
        } else {
            throw .authenticationFailed("server offers no supported AUTH mechanism (PLAIN, LOGIN): \(advertised ?? "none")")
        }
        switch reply.code {
        case 235: return
        case _ where (reply.code == 530 || reply.code == 538) && offersTLS: throw .tlsUnavailable
        case 400..<500: throw .protocolError(code: reply.code, message: reply.message)
        default: throw .authenticationFailed("\(reply.code) \(reply.message)")
        }
    }
}
