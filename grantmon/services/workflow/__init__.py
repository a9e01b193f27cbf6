"""Quarterly review: submit, approve, return and reopen a partner's quarter."""
