//! GTPv1 plugin keys: nProbe's GTPV1_* information elements (GTPV1_REQ_MSG_TYPE
//! ... GTPV1_RESPONSE_CAUSE, in nProbe's order, without the prefix, lower
//! case), then the transaction count. Values come from the flow's first
//! session transaction (the first one that is not path management, i.e. not
//! Echo / Node Alive / Redirection / Version Not Supported / Supported
//! Extension Headers; the first transaction when there is no other).
//!
//! `c2s_*` are carried by the flow initiator's message of that transaction,
//! `s2c_*` by the responder's. On a GTP-U flow (G-PDUs seen) the data TEIDs
//! are the header TEIDs of the first G-PDU each way instead: the plugin keys
//! are otherwise empty there, GTP-U being nProbe's core's business.

use crate::table::FieldDef;

pub const REQ_MSG_TYPE: FieldDef = FieldDef::int("gtpv1.req_msg_type", "Message type of the request (16 Create PDP Context Request, 18 Update, 20 Delete, 1 Echo, ...); also unpaired messages (26 Error Indication, ...)");
pub const RSP_MSG_TYPE: FieldDef = FieldDef::int("gtpv1.rsp_msg_type", "Message type of the response (request type + 1; 3 Version Not Supported); 0 without a response");
pub const C2S_TEID_DATA: FieldDef = FieldDef::int("gtpv1.c2s_teid_data", "TEID Data I IE of the initiator's message; GTP-U: header TEID of the initiator's first G-PDU");
pub const C2S_TEID_CTRL: FieldDef = FieldDef::int("gtpv1.c2s_teid_ctrl", "TEID Control Plane IE of the initiator's message");
pub const S2C_TEID_DATA: FieldDef = FieldDef::int("gtpv1.s2c_teid_data", "TEID Data I IE of the responder's message; GTP-U: header TEID of the responder's first G-PDU");
pub const S2C_TEID_CTRL: FieldDef = FieldDef::int("gtpv1.s2c_teid_ctrl", "TEID Control Plane IE of the responder's message");
pub const END_USER_IPV4: FieldDef = FieldDef::str("gtpv1.end_user_ipv4", "IPv4 address of the End User Address IE (PDP type IPv4 or IPv4v6), usually from the response");
pub const END_USER_IMSI: FieldDef = FieldDef::str("gtpv1.end_user_imsi", "IMSI digits (IMSI IE, TBCD)");
pub const END_USER_MSISDN: FieldDef = FieldDef::str("gtpv1.end_user_msisdn", "MSISDN digits (MSISDN IE, TBCD after the nature/numbering-plan octet)");
pub const END_USER_IMEI: FieldDef = FieldDef::str("gtpv1.end_user_imei", "IMEI or IMEISV digits (IMEI(SV) IE, TBCD)");
pub const APN_NAME: FieldDef = FieldDef::str("gtpv1.apn_name", "Access Point Name, labels joined with '.'");
pub const RAI_MCC: FieldDef = FieldDef::int("gtpv1.rai_mcc", "Mobile Country Code of the Routing Area Identity IE");
pub const RAI_MNC: FieldDef = FieldDef::int("gtpv1.rai_mnc", "Mobile Network Code of the Routing Area Identity IE (as a number: 06 is 6; the dump keeps the digits)");
pub const RAI_LAC: FieldDef = FieldDef::int("gtpv1.rai_lac", "Location Area Code of the Routing Area Identity IE");
pub const RAI_RAC: FieldDef = FieldDef::int("gtpv1.rai_rac", "Routing Area Code of the Routing Area Identity IE");
pub const ULI_MCC: FieldDef = FieldDef::int("gtpv1.uli_mcc", "Mobile Country Code of the User Location Information IE");
pub const ULI_MNC: FieldDef = FieldDef::int("gtpv1.uli_mnc", "Mobile Network Code of the User Location Information IE (as a number)");
pub const ULI_CELL_LAC: FieldDef = FieldDef::int("gtpv1.uli_cell_lac", "Location Area Code of the User Location Information IE (CGI, SAI or RAI)");
pub const ULI_CELL_CI: FieldDef = FieldDef::int("gtpv1.uli_cell_ci", "Cell Identity of the User Location Information IE (CGI only)");
pub const ULI_SAC: FieldDef = FieldDef::int("gtpv1.uli_sac", "Service Area Code of the User Location Information IE (SAI only)");
pub const RESPONSE_CAUSE: FieldDef = FieldDef::int("gtpv1.response_cause", "Cause IE of the response (128 Request accepted, ...); 0 without one");
pub const NUM_TRANSACTIONS: FieldDef = FieldDef::int("gtpv1.num_transactions", "Signalling transactions seen on the flow (each is a dump-dir line); G-PDUs are not transactions");

pub const ALL: &[FieldDef] = &[
    REQ_MSG_TYPE,
    RSP_MSG_TYPE,
    C2S_TEID_DATA,
    C2S_TEID_CTRL,
    S2C_TEID_DATA,
    S2C_TEID_CTRL,
    END_USER_IPV4,
    END_USER_IMSI,
    END_USER_MSISDN,
    END_USER_IMEI,
    APN_NAME,
    RAI_MCC,
    RAI_MNC,
    RAI_LAC,
    RAI_RAC,
    ULI_MCC,
    ULI_MNC,
    ULI_CELL_LAC,
    ULI_CELL_CI,
    ULI_SAC,
    RESPONSE_CAUSE,
    NUM_TRANSACTIONS,
];

/// One line per transaction. Requester/Responder are the transaction's
/// roles (not the flow's); TEIDs are hex, `<empty>` when the IE was absent;
/// MCC/MNC keep their digits.
pub const DUMP_HEADER: &str = "# When[epoch] Requester[ascii:45] Responder[ascii:45] ReqMsgType[uint] ReqMsg[ascii] RspMsgType[uint] RspMsg[ascii] ResponseCause[uint] SeqNum[uint] ReqTEID_Data[hex] ReqTEID_Ctrl[hex] RspTEID_Data[hex] RspTEID_Ctrl[hex] EndUserIPv4[ascii:15] IMSI[ascii:16] MSISDN[ascii:16] IMEI[ascii:16] APN[ascii:100] RAI_MCC[ascii:3] RAI_MNC[ascii:3] RAI_LAC[uint] RAI_RAC[uint] ULI_MCC[ascii:3] ULI_MNC[ascii:3] ULI_CellLAC[uint] ULI_CellCI[uint] ULI_SAC[uint]";
