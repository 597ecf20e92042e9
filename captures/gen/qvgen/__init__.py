"""qvgen: deterministic packet-capture generator for the qvpn test corpus.

Everything is hand-packed with struct; every random-looking byte comes from a
random.Random seeded with a fixed value, and every timestamp is an integer number
of microseconds, so two runs give byte-identical files.
"""
