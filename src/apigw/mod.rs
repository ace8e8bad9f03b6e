//! The API Gateway variables: `$input`, `$util`, `$context`, `$stageVariables`.
pub mod util {
    //! (Temporary shim until the json branch lands.)
    pub fn escape_javascript(s: &str, out: &mut String) {
        out.push_str(s)
    }
    pub fn url_encode(s: &str, out: &mut String) {
        out.push_str(s)
    }
    pub fn url_decode(s: &str) -> Result<String, String> {
        Ok(s.to_string())
    }
    pub fn base64_encode(s: &str, out: &mut String) {
        out.push_str(s)
    }
    pub fn base64_decode(s: &str) -> Result<String, String> {
        Ok(s.to_string())
    }
}
