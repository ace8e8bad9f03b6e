//! A Java regular expression against a subject: `matches`, `find`,
//! `replaceAll`, `replaceFirst` and `split`. Input layout:
//! `LIMIT PATTERN \0 SUBJECT \0 REPLACEMENT` (lossy UTF-8), where LIMIT is one
//! byte, the split limit minus 2 (so that -2..=253 are reached).
#![no_main]

use apigw_vtl::java::JavaRegex;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&limit, data)) = data.split_first() else {
        return;
    };
    let mut parts = data.splitn(3, |&b| b == 0);
    let pattern = String::from_utf8_lossy(parts.next().unwrap_or(&[])).into_owned();
    let subject = String::from_utf8_lossy(parts.next().unwrap_or(&[])).into_owned();
    let replacement = String::from_utf8_lossy(parts.next().unwrap_or(&[])).into_owned();
    let Ok(re) = JavaRegex::new(&pattern) else {
        return;
    };
    let _ = re.matches(&subject);
    if let Ok(Some((start, end))) = re.find(&subject) {
        assert!(
            start <= end && end <= subject.len(),
            "match out of the subject"
        );
        assert!(subject.is_char_boundary(start) && subject.is_char_boundary(end));
    }
    let _ = re.replace_all(&subject, &replacement);
    let _ = re.replace_first(&subject, &replacement);
    let _ = re.split(&subject, i32::from(limit) - 2);
});
