//! FTP plugin keys: nProbe's FTP information elements (FTP_LOGIN,
//! FTP_PASSWORD, FTP_COMMAND, FTP_COMMAND_RET_CODE), then the command count.

use crate::table::FieldDef;

pub const LOGIN: FieldDef = FieldDef::str("ftp.login", "User name (USER) of the login the server accepted (230), else of the first USER sent");
pub const PASSWORD: FieldDef = FieldDef::str("ftp.password", "Password (PASS) sent with that login");
pub const COMMAND: FieldDef = FieldDef::str("ftp.command", "The last command of the flow (verb, upper-cased; its argument is in the dump)");
pub const COMMAND_RET_CODE: FieldDef = FieldDef::int("ftp.command_ret_code", "The server's final reply code to the last command (0 when none was seen)");
pub const NUM_COMMANDS: FieldDef = FieldDef::int("ftp.num_commands", "Client commands seen on the flow; each is a dump-dir line");

pub const ALL: &[FieldDef] = &[LOGIN, PASSWORD, COMMAND, COMMAND_RET_CODE, NUM_COMMANDS];

/// One line per command. nProbe documents no FTP dump columns; these follow
/// the DNS header's style, with the ports added so that a line names its
/// connection. RetCode is the final (non-1xx) reply code.
pub const DUMP_HEADER: &str = "# When[epoch] Client[ascii:32] ClientPort[uint] Server[ascii:32] ServerPort[uint] Login[ascii:64] Command[ascii:16] Argument[ascii] RetCode[uint]";
