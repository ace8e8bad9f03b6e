//! What API Gateway knows about a request besides the request itself: its
//! identifiers (`requestId`, `extendedRequestId`, the trace id), its time
//! (`requestTime`, `requestTimeEpoch`) and the `$context` object built from them.

use serde_json::{Map, Value as Json};
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::net::IpAddr;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The account id `$context.accountId` reports (no AWS account is involved).
pub const ACCOUNT_ID: &str = "123456789012";
/// The region used where a CloudFormation template says `${AWS::Region}`.
pub const REGION: &str = "us-east-1";

/// 64 unpredictable bits: SipHash, keyed once per process from the operating
/// system's randomness (`RandomState`), of a counter and the clock. Unique
/// within the process (the counter) and unguessable across processes.
pub(crate) fn random_u64() -> u64 {
    static KEYS: OnceLock<RandomState> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut h = KEYS.get_or_init(RandomState::new).build_hasher();
    h.write_u64(n);
    h.write_u128(nanos);
    h.finish()
}

/// A random (version 4) UUID, `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`, as
/// API Gateway's `requestId`.
pub fn uuid_v4() -> String {
    let hi = random_u64();
    let lo = random_u64();
    let hi = (hi & !0xf000) | 0x4000; // version 4 (bits 12-15 of time_hi)
    let lo = (lo & !(0b11 << 62)) | (0b10 << 62); // variant 10
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

/// `n` random characters of `alphabet`.
fn random_text(n: usize, alphabet: &[u8]) -> String {
    let mut out = String::with_capacity(n);
    let mut bits = random_u64();
    let mut left = 10;
    for _ in 0..n {
        if left == 0 {
            bits = random_u64();
            left = 10;
        }
        let len = alphabet.len().max(1) as u64;
        let i = usize::try_from((bits & 0x3f) % len).unwrap_or(0);
        out.push(char::from(alphabet.get(i).copied().unwrap_or(b'A')));
        bits >>= 6;
        left -= 1;
    }
    out
}

/// An `extendedRequestId` (`x-amz-apigw-id`) as API Gateway shapes it: 15
/// base64 characters and `=`.
pub fn extended_request_id() -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = random_text(15, B64);
    s.push('=');
    s
}

/// An X-Ray trace id, `Root=1-{epoch seconds in hex}-{24 hex digits}`.
pub fn trace_id(epoch_seconds: u64) -> String {
    format!(
        "Root=1-{:08x}-{:016x}{:08x}",
        epoch_seconds & 0xffff_ffff,
        random_u64(),
        random_u64() & 0xffff_ffff
    )
}

/// A short stable identifier (`apiId`, `resourceId`) from a text: `len`
/// characters of `[a-z0-9]`, the same for the same text in every run.
pub fn stable_id(text: &str, len: usize) -> String {
    const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    // FNV-1a, then a SplitMix64 walk for as many characters as asked.
    let mut h = crate::value::fnv1a(text.as_bytes());
    let mut out = String::with_capacity(len);
    for _ in 0..len {
        h = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = h;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        let i = usize::try_from(z % ALNUM.len() as u64).unwrap_or(0);
        out.push(char::from(ALNUM.get(i).copied().unwrap_or(b'a')));
    }
    out
}

/// A UTC time broken down into its calendar fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UtcTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millis: u32,
}

impl UtcTime {
    /// The calendar fields of a time (before 1970: the epoch).
    pub fn from_system(t: SystemTime) -> UtcTime {
        let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
        let secs = d.as_secs();
        let days = i64::try_from(secs / 86_400).unwrap_or(0);
        let rem = secs % 86_400;
        let (year, month, day) = civil_from_days(days);
        UtcTime {
            year,
            month,
            day,
            hour: u32::try_from(rem / 3600).unwrap_or(0),
            minute: u32::try_from(rem % 3600 / 60).unwrap_or(0),
            second: u32::try_from(rem % 60).unwrap_or(0),
            millis: d.subsec_millis(),
        }
    }

    /// Common Log Format, as `$context.requestTime`: `26/Nov/2026:08:30:34 +0000`.
    pub fn clf(&self) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let month = usize::try_from(self.month.saturating_sub(1))
            .ok()
            .and_then(|i| MONTHS.get(i))
            .copied()
            .unwrap_or("Jan");
        format!(
            "{:02}/{month}/{:04}:{:02}:{:02}:{:02} +0000",
            self.day, self.year, self.hour, self.minute, self.second
        )
    }

    /// `08:30:34.123`, for log lines.
    pub fn clock(&self) -> String {
        format!(
            "{:02}:{:02}:{:02}.{:03}",
            self.hour, self.minute, self.second, self.millis
        )
    }
}

/// Days since 1970-01-01 to (year, month 1-12, day 1-31), proleptic
/// Gregorian (Howard Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let m = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let y = if m <= 2 { y + 1 } else { y };
    (
        y,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

/// Milliseconds since the epoch.
pub fn epoch_millis(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// What the `$context` of one request is made of.
#[derive(Clone, Debug)]
pub struct RequestFacts<'a> {
    pub request_id: &'a str,
    pub extended_request_id: &'a str,
    pub time: SystemTime,
    pub http_method: &'a str,
    /// The route's resource path, `/pets/{id}`.
    pub resource_path: &'a str,
    /// The concrete path, `/pets/7` (without the stage).
    pub path: &'a str,
    pub stage: &'a str,
    pub api_id: &'a str,
    /// The `Host` header (the API's domain name).
    pub domain_name: Option<&'a str>,
    pub source_ip: IpAddr,
    pub user_agent: Option<&'a str>,
    /// `HTTP/1.1`.
    pub protocol: &'a str,
}

/// The `$context` object (and the Lambda proxy event's `requestContext`) of
/// a request, with the fields API Gateway sets for an API without
/// authorizers, in the order its proxy events list them. Fields that have no
/// value here (`identity.caller`, `identity.apiKey`, ...) are null, as in an
/// unauthenticated request to AWS.
pub fn context_json(f: &RequestFacts<'_>) -> Json {
    let s = |v: &str| Json::String(v.to_string());
    let opt = |v: Option<&str>| v.map_or(Json::Null, |v| Json::String(v.to_string()));
    let mut identity = Map::new();
    for key in [
        "cognitoIdentityPoolId",
        "accountId",
        "cognitoIdentityId",
        "caller",
        "apiKey",
        "apiKeyId",
        "accessKey",
    ] {
        identity.insert(key.into(), Json::Null);
    }
    identity.insert("sourceIp".into(), s(&f.source_ip.to_string()));
    for key in [
        "principalOrgId",
        "cognitoAuthenticationType",
        "cognitoAuthenticationProvider",
        "userArn",
    ] {
        identity.insert(key.into(), Json::Null);
    }
    identity.insert("userAgent".into(), opt(f.user_agent));
    identity.insert("user".into(), Json::Null);

    let domain = f.domain_name.unwrap_or("localhost");
    let prefix = domain.split(['.', ':']).next().unwrap_or(domain);
    let mut c = Map::new();
    c.insert(
        "resourceId".into(),
        s(&stable_id(&format!("{} {}", f.api_id, f.resource_path), 6)),
    );
    c.insert("resourcePath".into(), s(f.resource_path));
    c.insert("httpMethod".into(), s(f.http_method));
    c.insert("extendedRequestId".into(), s(f.extended_request_id));
    c.insert("requestTime".into(), s(&UtcTime::from_system(f.time).clf()));
    c.insert("path".into(), s(&format!("/{}{}", f.stage, f.path)));
    c.insert("accountId".into(), s(ACCOUNT_ID));
    c.insert("protocol".into(), s(f.protocol));
    c.insert("stage".into(), s(f.stage));
    c.insert("domainPrefix".into(), s(prefix));
    c.insert(
        "requestTimeEpoch".into(),
        Json::Number(epoch_millis(f.time).into()),
    );
    c.insert("requestId".into(), s(f.request_id));
    c.insert("identity".into(), Json::Object(identity));
    c.insert("domainName".into(), s(domain));
    c.insert(
        "deploymentId".into(),
        s(&stable_id(&format!("{} deployment", f.api_id), 6)),
    );
    c.insert("apiId".into(), s(f.api_id));
    Json::Object(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn uuids_are_version_4_and_distinct() {
        let a = uuid_v4();
        let b = uuid_v4();
        assert_ne!(a, b);
        for u in [&a, &b] {
            let parts: Vec<&str> = u.split('-').collect();
            let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
            assert_eq!(lens, vec![8, 4, 4, 4, 12], "{u}");
            assert!(u.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
            assert!(parts[2].starts_with('4'), "{u}");
            assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"), "{u}");
        }
    }

    #[test]
    fn common_log_format() {
        // (seconds since the epoch, CLF) — checked with `date -u -d @N`.
        let table: &[(u64, &str)] = &[
            (0, "01/Jan/1970:00:00:00 +0000"),
            (951_782_400, "29/Feb/2000:00:00:00 +0000"),
            (1_700_000_000, "14/Nov/2023:22:13:20 +0000"),
            (1_709_251_199, "29/Feb/2024:23:59:59 +0000"),
            (4_102_444_800, "01/Jan/2100:00:00:00 +0000"),
        ];
        for (secs, want) in table {
            let t = UNIX_EPOCH + Duration::from_secs(*secs);
            assert_eq!(UtcTime::from_system(t).clf(), *want, "{secs}");
        }
        let t = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        assert_eq!(UtcTime::from_system(t).clock(), "22:13:20.123");
        assert_eq!(epoch_millis(t), 1_700_000_000_123);
    }

    #[test]
    fn ids() {
        let e = extended_request_id();
        assert_eq!(e.len(), 16);
        assert!(e.ends_with('='));
        let t = trace_id(0x5d13_7d67);
        assert!(t.starts_with("Root=1-5d137d67-"), "{t}");
        assert_eq!(t.len(), "Root=1-5d137d67-".len() + 24);
        assert_eq!(stable_id("/pets", 6), stable_id("/pets", 6));
        assert_ne!(stable_id("/pets", 10), stable_id("/pet", 10));
        assert_eq!(stable_id("x", 10).len(), 10);
    }

    #[test]
    fn context_fields() {
        let f = RequestFacts {
            request_id: "r-1",
            extended_request_id: "x=",
            time: UNIX_EPOCH + Duration::from_millis(1_700_000_000_123),
            http_method: "GET",
            resource_path: "/pets/{id}",
            path: "/pets/7",
            stage: "dev",
            api_id: "abc",
            domain_name: Some("localhost:3000"),
            source_ip: "127.0.0.1".parse().unwrap(),
            user_agent: Some("curl/8.0"),
            protocol: "HTTP/1.1",
        };
        let c = context_json(&f);
        assert_eq!(c["requestId"], "r-1");
        assert_eq!(c["requestTime"], "14/Nov/2023:22:13:20 +0000");
        assert_eq!(c["requestTimeEpoch"], 1_700_000_000_123u64);
        assert_eq!(c["path"], "/dev/pets/7");
        assert_eq!(c["resourcePath"], "/pets/{id}");
        assert_eq!(c["httpMethod"], "GET");
        assert_eq!(c["stage"], "dev");
        assert_eq!(c["domainName"], "localhost:3000");
        assert_eq!(c["domainPrefix"], "localhost");
        assert_eq!(c["identity"]["sourceIp"], "127.0.0.1");
        assert_eq!(c["identity"]["userAgent"], "curl/8.0");
        assert_eq!(c["identity"]["caller"], Json::Null);
        assert_eq!(c["accountId"], ACCOUNT_ID);
        assert_eq!(c["resourceId"].as_str().map(str::len), Some(6));
    }
}
