"""HTTP API (FastAPI): versioned under /v1, JSON errors, OpenAPI at /openapi.json."""
