"""The similarity index finds the same best roles as comparing against every candidate."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jobzone.similarity import (
    MAX_POSTING,
    SHORTLIST,
    Profile,
    SimilarityIndex,
    jaccard,
    words,
)

WORDS = st.sampled_from(["data", "cloud", "platform", "nurse", "clinical", "engineer", "ops"])
PROFILES = st.builds(
    Profile,
    title_words=st.frozensets(WORDS, min_size=1, max_size=3),
    task_words=st.frozensets(WORDS, max_size=5),
)


@settings(max_examples=200, deadline=None)
@given(
    roles=st.lists(PROFILES, min_size=1, max_size=SHORTLIST),
    query=PROFILES,
    limit=st.integers(1, 4),
)
def test_ranked_equals_brute_force_over_candidates(
    roles: list[Profile], query: Profile, limit: int
) -> None:
    index = SimilarityIndex()
    for i, profile in enumerate(roles):
        index.add(f"role-{i:02d}", profile)
    brute = sorted(
        ((slug, query.similarity(index.profiles[slug])) for slug in index.candidates(query)),
        key=lambda pair: (-pair[1], pair[0]),
    )[:limit]
    assert index.ranked(query, limit=limit) == brute


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
    assert index.candidates(Profile.of(["Quantum Engineer"], [])) == {"rare"}
    assert len(index.candidates(Profile.of(["Engineer"], []))) == MAX_POSTING


def test_words_and_jaccard() -> None:
    assert words(["The Data & AI Engineer"]) == {"data", "engineer"}
    assert jaccard(frozenset({"a", "b"}), frozenset({"b", "c"})) == 1 / 3
    assert jaccard(frozenset(), frozenset({"a"})) == 0.0
