"""saylau-verify: check Saylau's transparency log with the standard library and `cryptography`.

`merkle` is RFC 9162's Merkle tree (hashes, inclusion and consistency proofs), `note` the C2SP
signed-note, tlog-checkpoint and tlog-cosignature formats, `client` reads a site or an archive
and checks them, `cli` is the `saylau-verify` command.
"""
