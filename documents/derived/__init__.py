"""What every profile write derives from the profile's fields: completeness, search
tokens (words, typos, filters, availability) and the rank key. Pure functions, no I/O."""
