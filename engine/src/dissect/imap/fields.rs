//! IMAP plugin keys: nProbe's IMAP information element (IMAP_LOGIN), then
//! the command count.

use crate::table::FieldDef;

pub const LOGIN: FieldDef = FieldDef::str(
    "imap.login",
    "User name of LOGIN or of an AUTHENTICATE exchange that shows it (PLAIN, LOGIN, XOAUTH2, ...): the first one the server accepted, else the first one sent",
);
pub const NUM_COMMANDS: FieldDef = FieldDef::int("imap.num_commands", "Tagged client commands seen on the flow; each is a dump-dir line");

pub const ALL: &[FieldDef] = &[LOGIN, NUM_COMMANDS];

/// One line per tagged command. nProbe documents no IMAP dump columns;
/// these follow the DNS header's style, with the ports added so that a line
/// names its connection. Status is the tagged completion
/// (OK, NO, BAD; `<empty>` when none was seen).
pub const DUMP_HEADER: &str = "# When[epoch] Client[ascii:32] ClientPort[uint] Server[ascii:32] ServerPort[uint] Login[ascii:64] Tag[ascii:16] Command[ascii:16] Status[ascii:4]";
