//! RADIUS plugin keys: nProbe's RADIUS information elements (RADIUS_REQ_MSG_TYPE
//! ... RADIUS_ACCT_OUT_PKTS) for the flow's first transaction, then the
//! message count. Attribute values come from the request, else from its response.

use crate::table::FieldDef;

pub const REQ_MSG_TYPE: FieldDef =
    FieldDef::int("radius.req_msg_type", "Code of the first request (1 Access-Request, 4 Accounting-Request, 43 CoA-Request, ...); 0 without one");
pub const RSP_MSG_TYPE: FieldDef =
    FieldDef::int("radius.rsp_msg_type", "Code of its response (2 Access-Accept, 3 Access-Reject, 11 Access-Challenge, 5 Accounting-Response, ...); 0 without one");
pub const USER_NAME: FieldDef = FieldDef::str("radius.user_name", "User-Name (1)");
pub const CALLING_STATION_ID: FieldDef = FieldDef::str("radius.calling_station_id", "Calling-Station-Id (31), as sent");
pub const CALLED_STATION_ID: FieldDef = FieldDef::str("radius.called_station_id", "Called-Station-Id (30), as sent");
pub const NAS_IP_ADDR: FieldDef = FieldDef::str("radius.nas_ip_addr", "NAS-IP-Address (4), else NAS-IPv6-Address (95)");
pub const NAS_IDENTIFIER: FieldDef = FieldDef::str("radius.nas_identifier", "NAS-Identifier (32)");
pub const USER_IMSI: FieldDef = FieldDef::str("radius.user_imsi", "3GPP-IMSI (Vendor-Specific 26, vendor 10415, type 1), digits");
pub const USER_IMEI: FieldDef = FieldDef::str("radius.user_imei", "3GPP-IMEISV (Vendor-Specific 26, vendor 10415, type 20), digits");
pub const FRAMED_IP_ADDR: FieldDef = FieldDef::str("radius.framed_ip_addr", "Framed-IP-Address (8)");
pub const ACCT_SESSION_ID: FieldDef = FieldDef::str("radius.acct_session_id", "Acct-Session-Id (44)");
pub const ACCT_STATUS_TYPE: FieldDef =
    FieldDef::int("radius.acct_status_type", "Acct-Status-Type (40): 1 Start, 2 Stop, 3 Interim-Update, 7 Accounting-On, 8 Accounting-Off; 0 without one");
pub const ACCT_IN_OCTETS: FieldDef = FieldDef::int("radius.acct_in_octets", "Acct-Input-Octets (42) plus 2^32 x Acct-Input-Gigawords (52)");
pub const ACCT_OUT_OCTETS: FieldDef = FieldDef::int("radius.acct_out_octets", "Acct-Output-Octets (43) plus 2^32 x Acct-Output-Gigawords (53)");
pub const ACCT_IN_PKTS: FieldDef = FieldDef::int("radius.acct_in_pkts", "Acct-Input-Packets (47)");
pub const ACCT_OUT_PKTS: FieldDef = FieldDef::int("radius.acct_out_pkts", "Acct-Output-Packets (48)");
pub const NUM_MESSAGES: FieldDef = FieldDef::int("radius.num_messages", "RADIUS messages seen on the flow, both directions (the dump dir has one line per request/response pair)");

pub const ALL: &[FieldDef] = &[
    REQ_MSG_TYPE,
    RSP_MSG_TYPE,
    USER_NAME,
    CALLING_STATION_ID,
    CALLED_STATION_ID,
    NAS_IP_ADDR,
    NAS_IDENTIFIER,
    USER_IMSI,
    USER_IMEI,
    FRAMED_IP_ADDR,
    ACCT_SESSION_ID,
    ACCT_STATUS_TYPE,
    ACCT_IN_OCTETS,
    ACCT_OUT_OCTETS,
    ACCT_IN_PKTS,
    ACCT_OUT_PKTS,
    NUM_MESSAGES,
];

/// The RADIUS dump header: one line per transaction (request and its response), the IE columns in table order.
pub const DUMP_HEADER: &str = "# When[epoch] Client_IP[ascii:32] Server_IP[ascii:32] Identifier[uint] ReqMsgType[uint] ReqMsgName[ascii:24] RspMsgType[uint] RspMsgName[ascii:24] User_Name[ascii:64] Calling_Station_Id[ascii:64] Called_Station_Id[ascii:64] NAS_IP_Addr[ascii:32] NAS_Identifier[ascii:64] User_IMSI[ascii:16] User_IMEI[ascii:16] Framed_IP_Addr[ascii:32] Acct_Session_Id[ascii:64] Acct_Status_Type[uint] Acct_In_Octets[uint] Acct_Out_Octets[uint] Acct_In_Pkts[uint] Acct_Out_Pkts[uint]";
