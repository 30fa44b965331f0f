"""One router per page group; each calls the query functions the JSON API uses."""
