"""The API's own OpenAPI document and a page that reads it."""
