//! HTTP plugin keys: nProbe's HTTP information elements (HTTP_URL,
//! HTTP_METHOD, HTTP_RET_CODE, HTTP_REFERER, HTTP_USER_AGENT, HTTP_MIME,
//! HTTP_HOST, HTTP_SITE, HTTP_X_FORWARDED_FOR, HTTP_VIA), lower-cased without
//! the prefix, from the first transaction of the flow; then the transaction
//! count.

use crate::table::FieldDef;

pub const URL: FieldDef = FieldDef::str("http.url", "Request target of the first request, as sent (origin form /path?query, or absolute form through a proxy)");
pub const METHOD: FieldDef = FieldDef::str("http.method", "Method of the first request (GET, POST, ...)");
pub const RET_CODE: FieldDef = FieldDef::int("http.ret_code", "Status code of the response to the first request; 0 without a response (or an HTTP/0.9 response, which has none)");
pub const REFERER: FieldDef = FieldDef::str("http.referer", "Referer header of the first request");
pub const USER_AGENT: FieldDef = FieldDef::str("http.user_agent", "User-Agent header of the first request");
pub const MIME: FieldDef = FieldDef::str("http.mime", "Content-Type header of the response to the first request, as sent (with its parameters, e.g. \"text/html; charset=UTF-8\")");
pub const HOST: FieldDef = FieldDef::str("http.host", "Host header of the first request, as sent (with its port, if any)");
pub const SITE: FieldDef = FieldDef::str(
    "http.site",
    "Server name of the first request: the Host header without its port (IPv6 brackets removed), lower-cased; from an absolute-form URL when there is no Host header",
);
pub const X_FORWARDED_FOR: FieldDef = FieldDef::str("http.x_forwarded_for", "X-Forwarded-For header of the first request");
pub const VIA: FieldDef = FieldDef::str("http.via", "Via header of the first request, or of its response when the request has none");
pub const NUM_REQUESTS: FieldDef =
    FieldDef::int("http.num_requests", "Transactions seen on the flow: every request, plus every response no request came before (each is a dump-dir line)");

pub const ALL: &[FieldDef] = &[URL, METHOD, RET_CODE, REFERER, USER_AGENT, MIME, HOST, SITE, X_FORWARDED_FOR, VIA, NUM_REQUESTS];

/// The HTTP dump header: one line per transaction, columns separated by one
/// space. Empty values are `<empty>`; inside a value, whitespace and control
/// bytes are written `%XX` (a user agent reads `curl/7.68.0` or
/// `Mozilla/5.0%20(X11;...`). `When` is the request's time (the response's
/// for a response without request); the byte counts are body bytes as carried
/// (after chunked decoding, before any Content-Encoding).
pub const DUMP_HEADER: &str = "# When[epoch] Client[ascii:45] ClientPort[uint] Server[ascii:45] ServerPort[uint] Method[ascii:16] Host[ascii:64] URL[ascii] RetCode[uint] UserAgent[ascii] Referer[ascii] Mime[ascii:64] XForwardedFor[ascii] Via[ascii] Site[ascii:64] ReqBodyBytes[uint] RespBodyBytes[uint]";
