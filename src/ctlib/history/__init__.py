"""Published history: every version of every record, and the patches between generations."""
