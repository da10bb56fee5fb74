//! DHCP plugin keys: nProbe's DHCP information elements (DHCP_CLIENT_MAC,
//! DHCP_CLIENT_IP, DHCP_CLIENT_NAME, DHCP_REMOTE_ID, DHCP_SUBSCRIBER_ID,
//! DHCP_MESSAGE_TYPE) for the flow's first transaction, then the message count.

use crate::table::FieldDef;

pub const CLIENT_MAC: FieldDef =
    FieldDef::str("dhcp.client_mac", "Client hardware address (chaddr) of the first message, aa:bb:cc:dd:ee:ff, lower case");
pub const CLIENT_IP: FieldDef = FieldDef::str(
    "dhcp.client_ip",
    "Address the client has or is given in the first transaction: ciaddr, else the yiaddr of a reply, else the Requested IP (option 50); the latest non-zero value of each",
);
pub const CLIENT_NAME: FieldDef = FieldDef::str("dhcp.client_name", "Host Name (option 12) of the first transaction, trailing NULs removed");
pub const REMOTE_ID: FieldDef =
    FieldDef::str("dhcp.remote_id", "Relay Agent Remote-ID (option 82, sub-option 2) of the first transaction: text when printable, else hex");
pub const SUBSCRIBER_ID: FieldDef = FieldDef::str(
    "dhcp.subscriber_id",
    "Relay Agent Subscriber-ID (option 82, sub-option 6, RFC 3993) of the first transaction: text when printable, else hex",
);
pub const MESSAGE_TYPE: FieldDef =
    FieldDef::int("dhcp.message_type", "DHCP Message Type (option 53) of the first message: 1 DISCOVER, 2 OFFER, 3 REQUEST, 5 ACK, ...; 0 for plain BOOTP");
pub const NUM_MESSAGES: FieldDef = FieldDef::int("dhcp.num_messages", "DHCP/BOOTP messages seen on the flow (each is a dump-dir line)");

pub const ALL: &[FieldDef] = &[CLIENT_MAC, CLIENT_IP, CLIENT_NAME, REMOTE_ID, SUBSCRIBER_ID, MESSAGE_TYPE, NUM_MESSAGES];

/// The DHCP dump header: one line per message, the IE columns first.
pub const DUMP_HEADER: &str = "# When[epoch] Client_MAC[ascii:17] Client_IP[ascii:32] Client_Name[ascii:64] Remote_Id[ascii:64] Subscriber_Id[ascii:64] NumMessageType[uint] MessageType[ascii:16] TransactionId[uint] Src_IP[ascii:32] Dst_IP[ascii:32]";
