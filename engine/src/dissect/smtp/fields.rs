//! SMTP plugin keys: nProbe's SMTP information elements (SMTP_MAIL_FROM,
//! SMTP_RCPT_TO) for the first mail of the flow, then the mail count.

use crate::table::FieldDef;

pub const MAIL_FROM: FieldDef = FieldDef::str("smtp.mail_from", "Sender (MAIL FROM) of the first mail, without <>; \"\" for the null sender");
pub const RCPT_TO: FieldDef = FieldDef::str("smtp.rcpt_to", "Recipients (RCPT TO) of the first mail, without <>, joined by ',' in the order sent");
pub const NUM_MAILS: FieldDef = FieldDef::int("smtp.num_mails", "Mail transactions (MAIL FROM) seen on the flow; each is a dump-dir line");

pub const ALL: &[FieldDef] = &[MAIL_FROM, RCPT_TO, NUM_MAILS];

/// One line per mail. nProbe documents no SMTP dump columns; these follow
/// the DNS header's style, with the ports added so that a line names its
/// connection. User is the SASL user name when AUTH showed it (the first one
/// accepted, else the first one sent);
/// Bytes the DATA/BDAT size; RetCode the server's reply to the end of the
/// mail data (0 when none was seen).
pub const DUMP_HEADER: &str = "# When[epoch] Client[ascii:32] ClientPort[uint] Server[ascii:32] ServerPort[uint] Helo[ascii:64] User[ascii:64] MailFrom[ascii:64] RcptTo[ascii] NumRcpt[uint] Bytes[uint] RetCode[uint]";
