"""The quick search: one box over partners, contacts, agreements and proposals."""
