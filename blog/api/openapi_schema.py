"""Small builders of JSON Schema for the API's OpenAPI document (blog/api/openapi_components.py
and openapi.py use them): strings, records, payloads nested under one name."""

TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"


def ref(section, name):
    """A reference to components/<section>/<name>."""
    return {"$ref": f"#/components/{section}/{name}"}


def text(description=None, **constraints):
    """A string schema."""
    schema = {"type": "string", **constraints}
    if description:
        schema["description"] = description
    return schema


def nullable(schema):
    """`schema`, or null (RealWorld 2.0: bio and image are null when unset)."""
    return {**schema, "type": [schema["type"], "null"]}


def flag(description):
    return {"type": "boolean", "description": description}


def timestamp():
    return {"type": "string", "format": "date-time", "pattern": TIMESTAMP_PATTERN}


def record(properties):
    """An object the API answers with: always every one of these properties, and no other."""
    return {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }


def fields(properties, required=(), **extra):
    """An object a client sends: these properties, `required` among them; others are ignored."""
    schema = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = list(required)
    return schema


def wrapped(root, schema):
    """{"<root>": schema}: the spec nests every payload under one name."""
    return record({root: schema})


def tag_list(description):
    return {
        "type": "array",
        "maxItems": 4,
        "items": text(pattern=r"^[A-Za-z0-9_-]{1,30}$"),
        "description": description,
    }
