"""The similarity index finds the same best roles as comparing against every candidate."""

from __future__ import annotations

from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from jobzone import similarity
from jobzone.similarity import (
    MAX_POSTING,
    SHORTLIST,
    TASK_WEIGHT,
    TITLE_WEIGHT,
    Profile,
    SimilarityIndex,
    jaccard,
    words,
)

WORDS = st.sampled_from(
    ["data", "cloud", "platform", "nurse", "clinical", "engineer", "ops", "senior", "lead", "aide"]
)
PROFILES = st.builds(
    Profile,
    title_words=st.frozensets(WORDS, max_size=6),
    task_words=st.frozensets(WORDS, max_size=5),
)
SLUGS = [f"role-{i:02d}" for i in range(30)]


def brute_force(
    roles: dict[str, Profile],
    query: Profile,
    exclude: frozenset[str],
    limit: int,
    *,
    max_posting: int,
    shortlist: int,
) -> list[tuple[str, float]]:
    """What SimilarityIndex.ranked promises, by comparing the query with every role: the
    candidates share a title word held by at most ``max_posting`` roles, or else are the
    ``max_posting`` first by slug of its least held word; the ``shortlist`` closest by title
    are compared with Profile.similarity, and the ``limit`` best returned, ties by slug."""
    holders = {
        w: sorted(s for s, p in roles.items() if w in p.title_words) for w in query.title_words
    }
    held = [slugs for slugs in holders.values() if slugs]
    rare = [slugs for slugs in held if len(slugs) <= max_posting]
    if rare:
        candidates = set().union(*rare)
    else:
        candidates = set(min(held, key=len)[:max_posting]) if held else set()
    by_title = sorted(
        candidates - exclude, key=lambda s: (-jaccard(query.title_words, roles[s].title_words), s)
    )[: max(shortlist, limit)]
    return sorted(
        ((s, query.similarity(roles[s])) for s in by_title), key=lambda pair: (-pair[1], pair[0])
    )[:limit]


@settings(max_examples=500, deadline=None)
@given(
    roles=st.lists(st.tuples(PROFILES, st.booleans()), max_size=30),
    slugs=st.permutations(SLUGS),
    added_first=st.integers(0, 30),
    queries=st.lists(
        st.tuples(PROFILES, st.sets(st.integers(0, 29), max_size=3), st.integers(1, 5)),
        min_size=1,
        max_size=3,
    ),
    max_posting=st.integers(1, 8),
    shortlist=st.integers(1, 6),
)
def test_ranked_equals_brute_force_over_every_role(
    roles: list[tuple[Profile, bool]],
    slugs: list[str],
    added_first: int,
    queries: list[tuple[Profile, set[int], int]],
    max_posting: int,
    shortlist: int,
) -> None:
    """Small MAX_POSTING and SHORTLIST, so that common words, a full shortlist and the pass over
    candidates sharing two words (or its fallback) all come up; roles added as a profile or as
    text, in any slug order, some after a first look-up, which must leave no stale cache."""
    index = SimilarityIndex()
    added: dict[str, Profile] = {}

    def add(upto: int) -> None:
        for slug, (profile, as_text) in zip(slugs, roles[:upto], strict=False):
            if slug in added:
                continue
            added[slug] = profile
            if as_text:
                index.add_words(slug, profile.title_words, " ".join(profile.task_words))
            else:
                index.add(slug, profile)

    with (
        patch.object(similarity, "MAX_POSTING", max_posting),
        patch.object(similarity, "SHORTLIST", shortlist),
    ):
        for upto in (added_first, len(roles)):
            add(upto)
            for query, excluded, limit in queries:
                exclude = frozenset(slugs[i] for i in excluded)
                expected = brute_force(
                    added, query, exclude, limit, max_posting=max_posting, shortlist=shortlist
                )
                assert index.ranked(query, exclude=exclude, limit=limit) == expected


def test_a_title_sharing_one_word_that_ties_with_the_shortlist_wins_on_slug() -> None:
    """The shortlist found among candidates sharing two words is kept only if closer than any
    sharing one word could be; here "aide" (1 / (2 + 1 - 1)) ties with all of them (2 / (2 + 4
    - 2)) and comes first by slug."""
    index = SimilarityIndex()
    for i in range(SHORTLIST):
        index.add(f"pool-{i:02d}", Profile(frozenset({"data", "ops", "x", "y"}), frozenset()))
    index.add("aide", Profile(frozenset({"data"}), frozenset({"audits"})))
    query = Profile(frozenset({"data", "ops"}), frozenset({"audits"}))
    assert index.ranked(query, limit=1) == [("aide", TITLE_WEIGHT * 0.5 + TASK_WEIGHT * 1.0)]


def test_a_role_added_after_a_look_up_is_found_by_the_next() -> None:
    """Look-ups keep the roles of a common word and of a pair of words: adding a role must
    drop what they kept."""
    index = SimilarityIndex()
    for i in range(MAX_POSTING + 1):
        index.add(f"engineer-{i:03d}", Profile(frozenset({"engineer"}), frozenset()))
    for i in range(SHORTLIST):
        index.add(f"pool-{i:02d}", Profile(frozenset({"data", "ops", "x"}), frozenset()))
    common = Profile(frozenset({"engineer"}), frozenset({"audits"}))
    pair = Profile(frozenset({"data", "ops"}), frozenset({"audits"}))
    assert index.ranked(common, limit=1)[0][0] == "engineer-000"
    assert index.ranked(pair, limit=1)[0][0] == "pool-00"
    index.add("a-engineer", Profile(frozenset({"engineer"}), frozenset({"audits"})))
    index.add("z-pool", Profile(frozenset({"data", "ops"}), frozenset({"audits"})))
    assert index.ranked(common, limit=1) == [("a-engineer", 1.0)]
    assert index.ranked(pair, limit=1) == [("z-pool", 1.0)]


def test_only_the_closest_titles_are_compared_by_tasks() -> None:
    index = SimilarityIndex()
    query = Profile.of(["Cloud Data Engineer"], ["pipelines", "warehouses"])
    for i in range(SHORTLIST):
        index.add(f"near-{i:02d}", Profile.of([f"Cloud Data Engineer {i}"], ["audits"]))
    # Same tasks as the query, but a title further away than every shortlisted role.
    index.add("far", Profile.of(["Data Clerk"], ["pipelines", "warehouses"]))
    ranked = [slug for slug, _ in index.ranked(query, limit=SHORTLIST + 1)]
    assert len(ranked) == SHORTLIST + 1 and "far" in ranked  # a larger limit reaches it
    assert "far" not in [slug for slug, _ in index.ranked(query, limit=1)]


def test_excluded_roles_are_never_ranked() -> None:
    index = SimilarityIndex()
    index.add("a", Profile.of(["Data Engineer"], ["pipelines"]))
    index.add("b", Profile.of(["Data Analyst"], ["reports"]))
    query = Profile.of(["Data Engineer"], ["pipelines"])
    assert [slug for slug, _ in index.ranked(query)] == ["a", "b"]
    assert [slug for slug, _ in index.ranked(query, exclude=frozenset({"a"}))] == ["b"]


def test_a_very_common_title_word_alone_finds_a_bounded_candidate_list() -> None:
    index = SimilarityIndex()
    for i in range(MAX_POSTING + 50):
        index.add(f"role-{i:04d}", Profile.of([f"Engineer {i}"], []))
    index.add("rare", Profile.of(["Quantum Engineer"], []))
    assert index.candidates(Profile.of(["Quantum Engineer"], [])).keys() == {"rare"}
    assert len(index.candidates(Profile.of(["Engineer"], []))) == MAX_POSTING


def test_words_and_jaccard() -> None:
    assert words(["The Data & AI Engineer"]) == {"data", "engineer"}
    assert jaccard(frozenset({"a", "b"}), frozenset({"b", "c"})) == 1 / 3
    assert jaccard(frozenset(), frozenset({"a"})) == 0.0
