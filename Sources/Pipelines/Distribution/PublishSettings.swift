import Delivery
import DialerCore

/// How reports are published: the object store and key, how long links live, who gets them and how.
public struct PublishSettings: Sendable {
    /// Where reports are stored.
    public var objects: any ObjectStore
    /// How mail is sent (SMTP, or `.eml` files in the data folder).
    public var mailer: any MailSender
    public var keyTemplate: ObjectKeyTemplate = .default
    /// How long links work (the seed's 24 hours; at most 7 days).
    public var linkLifetime: Duration = .seconds(86_400)
    /// Who gets the link.
    public var recipients: [String] = []
    /// The sender of the e-mails.
    public var from = "dialer-ledger@localhost.localdomain"
    /// E-mails that failed before the message was handed over are tried this many times in all (failures of
    /// the mail setup, such as a wrong password, do not count).
    public var maxEmailAttempts = Self.defaultMaxEmailAttempts
    /// The default of `maxEmailAttempts`.
    public static let defaultMaxEmailAttempts = 3

    /// Settings with the defaults above.
    public init(objects: any ObjectStore, mailer: any MailSender) {
        self.objects = objects
        self.mailer = mailer
    }

    /// Throws naming the first unusable field: a link lifetime outside 1 s to 7 days, a bad address.
    public func validate() throws {
        let seconds = linkLifetime.components.seconds
        guard linkLifetime.components.attoseconds == 0, (1...604_800).contains(seconds) else {
            throw DialerCoreError.invalidField(
                field: "link_expires", reason: "must be whole seconds from 1 s to 7 days (604800 s); got \(seconds) s")
        }
        for (field, address) in [("mail_from", from)] + recipients.enumerated().map({ ("recipients[\($0)]", $1) }) {
            do {
                _ = try MailMessage(
                    from: address, to: [address], subject: "", body: "", date: Timestamp(milliseconds: 0))
            } catch DialerCoreError.invalidField(_, let reason) {
                throw DialerCoreError.invalidField(field: field, reason: reason)
            }
        }
    }
}
