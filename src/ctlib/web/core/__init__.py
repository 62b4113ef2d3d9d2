"""What every audience of the web app shares: errors carrying their HTTP status and the
one handler that renders them (``errors``), content and language negotiation
(``negotiation``), whole numbers read from query parameters (``parameters``), and a
rendered answer turned into a response, conditional requests included (``responses``).
Owns no URL path."""
