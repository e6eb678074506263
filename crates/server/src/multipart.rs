//! `multipart/form-data` bodies (RFC 7578), read whole: a page form that uploads a file.
//!
//! Small on purpose: the CSRF layer reads the form's `csrf` field from the buffered body, and
//! the upload handlers read the file and the other fields. Parts are found by their boundary
//! line; headers other than `Content-Disposition` and `Content-Type` are ignored.

/// One part of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part<'a> {
    pub name: String,
    /// Present for a file input (may be empty when no file was chosen).
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub data: &'a [u8],
}

/// Whether a `Content-Type` header value is `multipart/form-data`.
pub fn is_multipart(content_type: &str) -> bool {
    content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
}

/// The boundary of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    if !is_multipart(content_type) {
        return None;
    }
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("boundary"))
            .then(|| v.trim().trim_matches('"').to_string())
            .filter(|b| !b.is_empty() && b.len() <= 70)
    })
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| &hay[i..i + needle.len()] == needle)
}

/// A parameter of a `Content-Disposition` header (`name="csrf"`).
fn parameter(header: &str, key: &str) -> Option<String> {
    let mut rest = header;
    while let Some(i) = rest.find(';') {
        rest = &rest[i + 1..];
        let item = rest.split(';').next().unwrap_or("").trim();
        if let Some((k, v)) = item.split_once('=')
            && k.trim().eq_ignore_ascii_case(key)
        {
            let v = v.trim();
            return Some(
                v.strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(v)
                    .to_string(),
            );
        }
    }
    None
}

/// Every part of `body`, or why it is not a well-formed `multipart/form-data` body.
pub fn parse<'a>(content_type: &str, body: &'a [u8]) -> Result<Vec<Part<'a>>, String> {
    let boundary = boundary(content_type).ok_or("not multipart/form-data with a boundary")?;
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut at = find(body, delimiter.as_bytes(), 0).ok_or("no boundary line in the body")?;
    loop {
        at += delimiter.len();
        if body[at..].starts_with(b"--") {
            return Ok(parts);
        }
        // The boundary line ends with CRLF.
        let start = find(body, b"\r\n", at).ok_or("a part without headers")? + 2;
        let head_end = find(body, b"\r\n\r\n", start).ok_or("a part's headers never end")?;
        let head = std::str::from_utf8(&body[start..head_end]).map_err(|_| "headers not UTF-8")?;
        let next = find(body, format!("\r\n{delimiter}").as_bytes(), head_end + 4)
            .ok_or("the body ends inside a part")?;
        let (mut name, mut file_name, mut content_type) = (None, None, None);
        for line in head.split("\r\n") {
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            if k.trim().eq_ignore_ascii_case("content-disposition") {
                name = parameter(v, "name");
                file_name = parameter(v, "filename");
            } else if k.trim().eq_ignore_ascii_case("content-type") {
                content_type = Some(v.trim().to_string());
            }
        }
        parts.push(Part {
            name: name.ok_or("a part without a name")?,
            file_name,
            content_type,
            data: &body[head_end + 4..next],
        });
        at = next + 2;
    }
}

/// The text of a field (the first part named `name` that is not a file).
pub fn text_field(content_type: &str, body: &[u8], name: &str) -> Option<String> {
    parse(content_type, body)
        .ok()?
        .into_iter()
        .find(|p| p.name == name && p.file_name.is_none())
        .and_then(|p| String::from_utf8(p.data.to_vec()).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CT: &str = "multipart/form-data; boundary=----x1";

    fn body() -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(
            b"------x1\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n",
        );
        b.extend_from_slice(b"------x1\r\nContent-Disposition: form-data; name=\"document\"; filename=\"nv.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n\r\nend\r\n");
        b.extend_from_slice(b"------x1--\r\n");
        b
    }

    #[test]
    fn reads_fields_and_files_with_crlf_inside() {
        let b = body();
        let parts = parse(CT, &b).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "csrf");
        assert_eq!(parts[0].data, b"tok");
        assert_eq!(parts[1].file_name.as_deref(), Some("nv.pdf"));
        assert_eq!(parts[1].content_type.as_deref(), Some("application/pdf"));
        assert_eq!(parts[1].data, b"%PDF-1.4\r\n\r\nend");
        assert_eq!(text_field(CT, &b, "csrf").as_deref(), Some("tok"));
        assert_eq!(
            text_field(CT, &b, "document"),
            None,
            "a file is not a text field"
        );
    }

    #[test]
    fn refuses_what_is_not_multipart() {
        assert!(parse("application/x-www-form-urlencoded", b"a=b").is_err());
        assert!(
            parse(
                CT,
                b"------x1\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end"
            )
            .is_err()
        );
        assert_eq!(
            boundary("multipart/form-data; boundary=\"abc\"").as_deref(),
            Some("abc")
        );
    }
}
