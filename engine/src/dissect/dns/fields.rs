//! DNS plugin keys: nProbe's documented Lua keys first, then its DNS
//! information elements (DNS_QUERY_ID, DNS_QUERY_TYPE, DNS_RET_CODE,
//! DNS_NUM_ANSWERS, DNS_TTL_ANSWER), then the transaction count.

use crate::table::FieldDef;

pub const DNS_CLIENT: FieldDef = FieldDef::str("dns.dns_client", "IP address of the client that made the DNS request");
pub const AS: FieldDef = FieldDef::int("dns.as", "Autonomous System of the client (0 without an AS database)");
pub const CLIENTCOUNTRY: FieldDef = FieldDef::str("dns.clientcountry", "ISO country code of the client (\"\" without a city database)");
pub const CLIENTCITY: FieldDef = FieldDef::str("dns.clientcity", "City of the client, English name (\"\" without a city database)");
pub const QUERY: FieldDef = FieldDef::str("dns.query", "The query name of the first transaction");
pub const ANSWERS: FieldDef = FieldDef::str("dns.answers", "Answers of the first transaction as VALUE/TYPE, joined by ','");
pub const QUERY_ID: FieldDef = FieldDef::int("dns.query_id", "Transaction id of the first transaction");
pub const QUERY_TYPE: FieldDef = FieldDef::int("dns.query_type", "Query type number (1 A, 28 AAAA, 15 MX, ...)");
pub const RET_CODE: FieldDef = FieldDef::int("dns.ret_code", "Response code (0 NOERROR, 3 NXDOMAIN, ...); 0 without a response");
pub const NUM_ANSWERS: FieldDef = FieldDef::int("dns.num_answers", "Answer count of the response");
pub const TTL_ANSWER: FieldDef = FieldDef::int("dns.ttl_answer", "TTL of the first answer");
pub const NUM_QUERIES: FieldDef = FieldDef::int("dns.num_queries", "Transactions seen on the flow (each is a dump-dir line)");

pub const ALL: &[FieldDef] =
    &[DNS_CLIENT, AS, CLIENTCOUNTRY, CLIENTCITY, QUERY, ANSWERS, QUERY_ID, QUERY_TYPE, RET_CODE, NUM_ANSWERS, TTL_ANSWER, NUM_QUERIES];

/// nProbe's DNS dump header (its documented columns, completed with the answers).
pub const DUMP_HEADER: &str = "# When[epoch] DNS_Client[ascii:32] AS[uint] ClientCountry[ascii:32] ClientCity[ascii:32] DNS_Server[ascii:32] Query[ascii:64] NumRetCode[uint] RetCode[ascii:16] NumAnswer[uint] NumQueryType[uint] QueryType[ascii:8] TransactionId[uint] Answers[ascii]";
