//! The response path of a method around a mapping template.
