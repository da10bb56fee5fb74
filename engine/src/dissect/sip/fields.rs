//! SIP plugin keys: nProbe's SIP information elements lower-cased without
//! their `SIP_` prefix (SIP_CALL_ID -> `sip.call_id`, ...), in nProbe's
//! order, then the message and call counts. The table carries the flow's
//! first call (its first Call-ID); the dump dir has one line per call.

use crate::table::FieldDef;

pub const CALL_ID: FieldDef = FieldDef::str("sip.call_id", "Call-ID of the flow's first call (first Call-ID seen, whatever its method)");
pub const CALLING_PARTY: FieldDef = FieldDef::str("sip.calling_party", "URI of the call's From header (display name and tag dropped)");
pub const CALLED_PARTY: FieldDef = FieldDef::str("sip.called_party", "URI of the call's To header (display name and tag dropped)");
pub const RTP_CODECS: FieldDef =
    FieldDef::str("sip.rtp_codecs", "Codec names of the call's first SDP with a media stream (rtpmap names, or RFC 3551 names of static types), joined by ','");
pub const INVITE_TIME: FieldDef = FieldDef::int("sip.invite_time", "Epoch seconds of the first INVITE (0 when not seen)");
pub const TRYING_TIME: FieldDef = FieldDef::int("sip.trying_time", "Epoch seconds of the first 100 Trying to an INVITE");
pub const RINGING_TIME: FieldDef = FieldDef::int("sip.ringing_time", "Epoch seconds of the first 180 Ringing or 183 Session Progress to an INVITE");
pub const INVITE_OK_TIME: FieldDef = FieldDef::int("sip.invite_ok_time", "Epoch seconds of the first 2xx to an INVITE");
pub const INVITE_FAILURE_TIME: FieldDef =
    FieldDef::int("sip.invite_failure_time", "Epoch seconds of the first final error (3xx-6xx, not the 401/407 challenges) to an INVITE before any 2xx");
pub const BYE_TIME: FieldDef = FieldDef::int("sip.bye_time", "Epoch seconds of the first BYE");
pub const BYE_OK_TIME: FieldDef = FieldDef::int("sip.bye_ok_time", "Epoch seconds of the first 2xx to a BYE");
pub const CANCEL_TIME: FieldDef = FieldDef::int("sip.cancel_time", "Epoch seconds of the first CANCEL");
pub const CANCEL_OK_TIME: FieldDef = FieldDef::int("sip.cancel_ok_time", "Epoch seconds of the first 2xx to a CANCEL");
pub const RTP_IPV4_SRC_ADDR: FieldDef =
    FieldDef::str("sip.rtp_ipv4_src_addr", "Caller's media address: the IPv4 c= of the offer (SDP of the INVITE, else of the ACK); \"\" if none or not IPv4");
pub const RTP_IPV4_DST_ADDR: FieldDef =
    FieldDef::str("sip.rtp_ipv4_dst_addr", "Callee's media address: the IPv4 c= of the answer (SDP of the 2xx to the INVITE, else of a 18x)");
pub const RTP_L4_SRC_PORT: FieldDef = FieldDef::int("sip.rtp_l4_src_port", "Caller's media port (m= of the offer)");
pub const RTP_L4_DST_PORT: FieldDef = FieldDef::int("sip.rtp_l4_dst_port", "Callee's media port (m= of the answer)");
pub const RESPONSE_CODE: FieldDef = FieldDef::int(
    "sip.response_code",
    "Last final response code to the call's first request method (INVITE, REGISTER, ...); the last provisional one if no final was seen",
);
pub const REASON_CAUSE: FieldDef = FieldDef::int("sip.reason_cause", "cause of the call's first Reason header (RFC 3326; Q.850 preferred)");
pub const UAC: FieldDef = FieldDef::str("sip.uac", "User-Agent of the call's first request that has one");
pub const UAS: FieldDef = FieldDef::str("sip.uas", "Server header of the call's first response that has one (else its User-Agent)");
pub const C_IP: FieldDef = FieldDef::str("sip.c_ip", "SDP c= addresses of the call (offer first), distinct, joined by ','");
pub const CALL_STATE: FieldDef = FieldDef::str(
    "sip.call_state",
    "CALL_STARTED, CALL_IN_PROGRESS (answered), CALL_COMPLETED (BYE), CALL_CANCELED, CALL_ERROR; \"\" for a Call-ID without INVITE, BYE or CANCEL",
);
pub const NUM_MESSAGES: FieldDef = FieldDef::int("sip.num_messages", "SIP messages seen on the flow (all calls, retransmissions included)");
pub const NUM_CALLS: FieldDef = FieldDef::int("sip.num_calls", "Distinct Call-IDs seen on the flow (each is a dump-dir line)");

pub const ALL: &[FieldDef] = &[
    CALL_ID,
    CALLING_PARTY,
    CALLED_PARTY,
    RTP_CODECS,
    INVITE_TIME,
    TRYING_TIME,
    RINGING_TIME,
    INVITE_OK_TIME,
    INVITE_FAILURE_TIME,
    BYE_TIME,
    BYE_OK_TIME,
    CANCEL_TIME,
    CANCEL_OK_TIME,
    RTP_IPV4_SRC_ADDR,
    RTP_IPV4_DST_ADDR,
    RTP_L4_SRC_PORT,
    RTP_L4_DST_PORT,
    RESPONSE_CODE,
    REASON_CAUSE,
    UAC,
    UAS,
    C_IP,
    CALL_STATE,
    NUM_MESSAGES,
    NUM_CALLS,
];

/// Dump header: one line per call. nProbe publishes no SIP dump header; the
/// columns are the table's, after the time and endpoints, plus the call's
/// request methods and response codes (distinct, in order of first sight).
pub const DUMP_HEADER: &str = "# When[epoch] Client[ascii:32] Server[ascii:32] CallId[ascii:64] CallingParty[ascii:64] CalledParty[ascii:64] RtpCodecs[ascii] InviteTime[epoch] TryingTime[epoch] RingingTime[epoch] InviteOkTime[epoch] InviteFailureTime[epoch] ByeTime[epoch] ByeOkTime[epoch] CancelTime[epoch] CancelOkTime[epoch] RtpSrcAddr[ascii:16] RtpDstAddr[ascii:16] RtpSrcPort[uint] RtpDstPort[uint] ResponseCode[uint] ReasonCause[uint] UAC[ascii] UAS[ascii] C_IP[ascii] CallState[ascii:16] NumMessages[uint] Methods[ascii] ResponseCodes[ascii]";
