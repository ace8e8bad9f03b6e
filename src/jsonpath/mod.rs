//! Jayway-semantics JSONPath. (Temporary shim until the json branch lands.)
use crate::value::{Heap, Value};
pub struct JsonPath;
impl JsonPath {
    pub fn compile(_p: &str) -> Result<JsonPath, String> {
        Ok(JsonPath)
    }
}
pub fn read(_heap: &mut Heap, doc: Value, _p: &JsonPath) -> Result<Value, String> {
    Ok(doc)
}
