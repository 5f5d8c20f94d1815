"""ledger.merkle against an independent RFC 9162 implementation written here.

The reference below follows the RFC's recursive definitions (MTH, PATH, PROOF of
§2.1.1, §2.1.3.1, §2.1.4.1) literally over the list of leaf data, and shares no code
with the module under test.
"""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from ledger import merkle


def ref_mth(data: list[bytes]) -> bytes:
    n = len(data)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + data[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + ref_mth(data[:k]) + ref_mth(data[k:])).digest()


def ref_path(m: int, data: list[bytes]) -> list[bytes]:
    n = len(data)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return ref_path(m, data[:k]) + [ref_mth(data[k:])]
    return ref_path(m - k, data[k:]) + [ref_mth(data[:k])]


def ref_subproof(m: int, data: list[bytes], b: bool) -> list[bytes]:
    n = len(data)
    if m == n:
        return [] if b else [ref_mth(data)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return ref_subproof(m, data[:k], b) + [ref_mth(data[k:])]
    return ref_subproof(m - k, data[k:], False) + [ref_mth(data[:k])]


def ref_root_from_path(m: int, n: int, leaf: bytes, path: list[bytes]) -> bytes:
    """Recompute the root from an audit path by retracing the recursion top-down."""
    sides = []  # for each level from the top: was the leaf in the left subtree?
    lo, hi = 0, n
    while hi - lo > 1:
        k = 1
        while k * 2 < hi - lo:
            k *= 2
        sides.append(m < lo + k)
        lo, hi = (lo, lo + k) if m < lo + k else (lo + k, hi)
    assert len(sides) == len(path)
    node = leaf
    for left, sibling in zip(reversed(sides), path, strict=True):
        node = hashlib.sha256(b"\x01" + (node + sibling if left else sibling + node)).digest()
    return node


leaf_lists = st.lists(st.binary(max_size=8), min_size=1, max_size=70)


@given(leaf_lists)
def test_the_root_is_rfc_9162_mth(data):
    hashes = [merkle.leaf_hash(d) for d in data]
    assert merkle.root_of(hashes) == ref_mth(data)
    frontier = merkle.Frontier()
    for h in hashes:
        frontier.append(h)
    assert frontier.root() == ref_mth(data)
    assert merkle.Frontier(frontier.size, frontier.nodes).root() == ref_mth(data)


@given(leaf_lists, st.data())
def test_inclusion_proofs_match_the_reference_and_verify(data, draw):
    n = len(data)
    m = draw.draw(st.integers(0, n - 1))
    hashes = [merkle.leaf_hash(d) for d in data]
    path = merkle.inclusion_path(m, n, merkle.subtree_from(hashes))
    assert path == ref_path(m, data)
    root = ref_mth(data)
    assert ref_root_from_path(m, n, merkle.leaf_hash(data[m]), path) == root
    assert merkle.verify_inclusion(m, n, hashes[m], path, root)
    assert not merkle.verify_inclusion(m, n, merkle.leaf_hash(data[m] + b"x"), path, root)
    if path:
        bad = list(path)
        bad[0] = merkle.leaf_hash(b"forged")
        assert not merkle.verify_inclusion(m, n, hashes[m], bad, root)
    if n > 1:
        assert not merkle.verify_inclusion((m + 1) % n, n, hashes[m], path, root) or \
            hashes[(m + 1) % n] == hashes[m]


@given(leaf_lists, st.data())
def test_consistency_proofs_match_the_reference_and_verify(data, draw):
    n = len(data)
    m = draw.draw(st.integers(1, n))
    hashes = [merkle.leaf_hash(d) for d in data]
    proof = merkle.consistency_path(m, n, merkle.subtree_from(hashes))
    assert proof == ([] if m == n else ref_subproof(m, data, True))
    old_root, new_root = ref_mth(data[:m]), ref_mth(data)
    assert merkle.verify_consistency(m, n, old_root, new_root, proof)
    if m < n:
        forged_old = ref_mth(data[: m - 1] + [b"forged"])
        assert not merkle.verify_consistency(m, n, forged_old, new_root, proof)
        assert not merkle.verify_consistency(m, n, old_root, merkle.leaf_hash(b"x"), proof)


def test_known_answer_for_the_empty_tree_and_one_leaf():
    assert merkle.root_of([]).hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    assert merkle.root_of([merkle.leaf_hash(b"")]).hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")


def test_a_proof_outside_the_tree_is_refused():
    hashes = [merkle.leaf_hash(b"a")]
    try:
        merkle.inclusion_path(1, 1, merkle.subtree_from(hashes))
    except merkle.ProofError:
        pass
    else:
        raise AssertionError("a leaf beyond the tree got a proof")
