"""Discovery of every service by machines that do not know ctlib (the API catalogue,
the OpenAPI description) and liveness for operators (/health)."""
