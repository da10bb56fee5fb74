//! POP3 plugin keys: nProbe's POP information element (POP_USER), then the
//! command count.

use crate::table::FieldDef;

pub const USER: FieldDef = FieldDef::str(
    "pop.user",
    "User name the client logged in with (USER, APOP, or AUTH PLAIN/LOGIN/XOAUTH2/...): the first one the server accepted, else the first one sent",
);
pub const NUM_COMMANDS: FieldDef = FieldDef::int("pop.num_commands", "Client commands seen on the flow (SASL responses not counted); each is a dump-dir line");

pub const ALL: &[FieldDef] = &[USER, NUM_COMMANDS];

/// One line per command. nProbe documents no POP dump columns; these follow
/// the DNS header's style, with the ports added so that a line names its
/// connection. Passwords, APOP digests and SASL data are not
/// written: the argument column shows `*` for them.
pub const DUMP_HEADER: &str = "# When[epoch] Client[ascii:32] ClientPort[uint] Server[ascii:32] ServerPort[uint] User[ascii:64] Command[ascii:16] Argument[ascii:64] Status[ascii:4]";
