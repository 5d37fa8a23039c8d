"""Literal figures in commentary prose: finding them and saying what each should be.

Commentary writes figures as references (``{{ aijri }}``) so they cannot go stale, but a writer,
or a model, sometimes types the number itself. This module finds such literal *claims* in a text
whose references have been masked out, and pairs each with the computed figure it claims. It is
deliberately narrow: a number is a claim only inside a phrase that can mean nothing else, so
"three to five years", "2028", "24.7% CAGR" or "scores 3 or more" are never claims.

The phrases read, in this order (a number belongs to the first phrase that reads it):

- a distance: "5.4 points below the Green threshold" (to a zone's threshold; "above" also accepts
  the zone's upper edge) or "31.9 points above DevOps Engineer" (the gap to a canonical role);
- a share of task time: "25% displacement", "65% of task time is augmented", and "70% of task
  time scores 3 or more" (3 being the rubric's exposed task score);
- a total: "evidence total of +5", "Evidence +5" (bare forms need a sign), "barrier total 1",
  "protective total 2", "task resistance 3.05", "task total 2.95", "raw 3.9199" (decimals
  needed), "growth correlation +1", "growth +1";
- an AIJRI: "AIJRI 41.2", "AIJRI of 41.2", "41.2/100", and, when written to the aijri's display
  precision and followed by the end of the phrase, "at 41.2", "scores 41.2", "a score of 41.2";
  "(10.7" counts only right after a role's name. An AIJRI phrase right after the title or an alias
  of a canonical role ("DevOps Engineer (AIJRI 10.7", "DevOps Engineer at 10.7") claims that role's
  aijri; one in a sentence that names another role earlier is ambiguous and skipped; any other
  claims this role's;
- a zone or sub-label written beside the score reference: "Yellow (Urgent) at {{ aijri }}",
  "{{ aijri }} (Red)", "{{ aijri }} puts it in Green".

A written number agrees with a figure when it equals the figure as shown, or the shown figure
rounded half up to the precision written ("AIJRI 43" agrees with 42.6).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache, cached_property
from typing import NamedTuple

from jobzone import similarity
from jobzone.assessment import Assessment, Impact
from jobzone.canonical import CanonicalRole, CanonicalSet
from jobzone.commentary import REFERENCE_RE, Reference, parse_reference
from jobzone.references import FIGURES, shown_figures
from jobzone.rubric import Rubric, load_rubric
from jobzone.scoring import Score

# Building blocks of the patterns. A number is not part of a larger number or word; a share is a
# number with a percent sign; a clause runs to the end of the sentence (decimal points excepted).
NUM = r"(?<![\w.])(?P<num>[+\-\u2212]?\d+(?:\.\d+)?)(?!\d|\.\d)"
NOT_PERCENT = r"(?!\s*(?:%|per\s*cent\b|percent\b))"
PERCENT = r"(?<![\w.])(?P<num>\d+(?:\.\d+)?)\s*(?:%|per\s*cent\b|percent\b)"
CLAUSE = r"(?:[^.;!?\n]|\.(?=\d))*"
CONNECTOR = r"(?:\s+(?:of|is|was|at|comes\s+to|sums?\s+to|stands\s+at|reaches)\b|\s*[:=])?\s*"
#: References are masked as one private-use character each, so no pattern reads into them.
MARK_BASE = 0xE000
MARK = "[\ue000-\uf8ff]"

APPROXIMATELY = r"(?:(?:about|around|roughly|nearly|almost|just\s+(?:over|under))\s+)?"
_AIJRI_RE = re.compile(
    rf"\bAIJRI\b(?:\s+(?:score|value))?"
    rf"(?:\s+(?:of|is|was|at|sits\s+at|stands\s+at)\b|\s*[:=])?\s*"
    rf"{APPROXIMATELY}{NUM}{NOT_PERCENT}",
    re.IGNORECASE,
)
_SOFT_AIJRI_RE = re.compile(
    rf"\b(?:(?:sits|stands|lands|is|comes\s+in)\s+)?"
    rf"(?:at|scores|scored|scoring|score\s+of)\s+{NUM}{NOT_PERCENT}",
    re.IGNORECASE,
)
#: Words that, among the few before "at", "scores" or "score of", make the number something else
#: than an aijri: another score ("a task score of 3.5"), a rating, a price or a rate of change.
_NOT_AIJRI_BEFORE = frozenset(
    {"average", "mean", "median", "weighted", "task", "evidence", "barrier", "protective"}
    | {"growth", "rate", "rated", "rates", "rating", "priced", "valued", "paid", "capped"}
    | {"estimated", "growing", "grows", "grew", "rising", "rises", "rose", "falling", "falls"}
    | {"fell"}
)
_WORDS_CHECKED_BEFORE = 3
_PAREN_RE = re.compile(rf"\(\s*{NUM}{NOT_PERCENT}")
#: What may follow a soft AIJRI number: the phrase must end there, not go on to a unit.
_CLAIM_END_RE = re.compile(
    r"\s*(?:$|[,;:()!?/\u2013\u2014]|\.(?!\d)|-\s|"
    r"(?:and|but|while|which|with|in|is|was|puts|places|makes|leaves|against|versus|vs|than|"
    r"compared)\b)",
    re.IGNORECASE,
)
_UPWARD = ("above", "over", "clear of", "beyond", "higher than", "ahead of")
_DISTANCE_RE = re.compile(
    rf"{NUM}\s*(?:points?|pts)\s+(?P<dir>below|under|short\s+of|shy\s+of|away\s+from|from|off|"
    rf"above|over|clear\s+of|beyond|into|of|higher\s+than|lower\s+than|ahead\s+of|behind)\b"
    rf"(?P<rest>{CLAUSE})",
    re.IGNORECASE,
)
#: How far after a distance the zone or role it is measured to may be named, in words.
_TARGET_WORDS = 8
_SPLIT_RE = re.compile(
    rf"{PERCENT}\s+(?:of\s+(?:(?:its|the|their|task|working|all)\s+)*time\s+)?"
    rf"(?:(?:is|was|are|already|being|now|marked|as|counted)\s+)*"
    rf"(?P<kind>displace\w*|augment\w*|not[\s_-]+involved)",
    re.IGNORECASE,
)
_SPLIT_KINDS = {"dis": Impact.displacement, "aug": Impact.augmentation, "not": Impact.not_involved}
_SHARE_RE = re.compile(
    rf"{PERCENT}\s+of\s+(?:(?:its|the|their|task|working|all)\s+)*(?:time|work)\b"
    rf"(?P<rest>{CLAUSE})",
    re.IGNORECASE,
)
_DIGIT_RE = re.compile(r"\d")
#: In an ASCII text, the only characters ``\d`` matches.
_ASCII_DIGITS = "0123456789"
_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@dataclass(frozen=True)
class _Total:
    figure: str
    pattern: re.Pattern[str]
    #: Bare forms ("Evidence +5") only count with an explicit sign.
    signed_only: bool = False
    integer: bool = True
    decimals_needed: bool = False


def _total(
    phrase: str,
    figure: str,
    *,
    signed_only: bool = False,
    integer: bool = True,
    decimals_needed: bool = False,
) -> _Total:
    return _Total(
        figure=figure,
        pattern=re.compile(rf"\b{phrase}{CONNECTOR}{NUM}{NOT_PERCENT}", re.IGNORECASE),
        signed_only=signed_only,
        integer=integer,
        decimals_needed=decimals_needed,
    )


_TOTALS = (
    _total(r"evidence\s+(?:total|sum)", "evidence_total"),
    _total(r"evidence", "evidence_total", signed_only=True),
    _total(r"barriers?\s+(?:total|sum)", "barrier_total"),
    _total(r"protective(?:\s+principles?)?\s+(?:total|sum)", "protective_total"),
    _total(r"task\s+resistance(?:\s+score)?", "task_resistance", integer=False),
    _total(r"(?:weighted\s+)?task\s+total", "task_total", integer=False),
    _total(r"(?:AI\s+)?growth\s+(?:correlation|score)", "growth"),
    _total(r"growth", "growth", signed_only=True),
    _total(r"raw(?:\s+(?:score|composite|value))?", "raw", integer=False, decimals_needed=True),
)


def has_digit(text: str) -> bool:
    """Whether ``\\d`` matches anywhere in ``text``. An ASCII text, as most prose is, is asked for
    each digit with ``in``, a few times faster than a regex scan of every character."""
    if text.isascii():
        return any(digit in text for digit in _ASCII_DIGITS)
    return _DIGIT_RE.search(text) is not None


def places(value: Decimal) -> int:
    """Decimal places written in ``value``: 2 for 3.05, 0 for 42."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def parse_number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace("\u2212", "-").removesuffix("%"))
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class Figure:
    """A computed figure a claim may mean, as shown, and how to write it as a reference."""

    what: str
    shown: str
    reference: str

    def agrees(self, written: str) -> bool:
        claimed, shown = parse_number(written), parse_number(self.shown)
        if claimed is None or shown is None:
            return written == self.shown
        if places(claimed) < places(shown):
            shown = shown.quantize(Decimal(1).scaleb(-places(claimed)), rounding=ROUND_HALF_UP)
        return claimed == shown


@dataclass(frozen=True)
class Claim:
    """A literal figure in prose: the phrase, the figure written and what it should equal."""

    phrase: str
    written: str
    #: The figures it may mean; the first is the one named when none agrees.
    figures: tuple[Figure, ...]

    @property
    def agreeing(self) -> Figure | None:
        return next((f for f in self.figures if f.agrees(self.written)), None)


@dataclass(frozen=True)
class Masked:
    """A text with each ``{{ ... }}`` replaced by one private-use character."""

    text: str
    originals: tuple[str, ...]
    references: tuple[Reference | None, ...]

    @classmethod
    def of(cls, text: str) -> Masked:
        if "{{" not in text:
            return cls(text, (), ())  # most prose: no reference to mask
        originals: list[str] = []
        references: list[Reference | None] = []

        def substitute(match: re.Match[str]) -> str:
            originals.append(match.group(0))
            references.append(parse_reference(match.group(1)))
            return chr(MARK_BASE + len(originals) - 1)

        return cls(REFERENCE_RE.sub(substitute, text), tuple(originals), tuple(references))

    def _number(self, char: str) -> int | None:
        number = ord(char) - MARK_BASE
        return number if 0 <= number < len(self.originals) else None

    def is_mark(self, char: str) -> bool:
        return self._number(char) is not None

    def reference(self, char: str) -> Reference | None:
        """What the mark ``char`` stands for (None for a plain character or an unknown one)."""
        number = self._number(char)
        return None if number is None else self.references[number]

    def unmask(self, part: str) -> str:
        """``part`` of the masked text with its references written back."""
        return "".join(
            c if (number := self._number(c)) is None else self.originals[number] for c in part
        )


#: Characters trimmed from either end of a name before it is looked up.
NAME_PUNCTUATION = "\"'()[],.;:!?\u2018\u2019\u201c\u201d"


def name_key(name: str) -> str:
    """A title or alias as it is looked up: lower case, single spaces, no outer punctuation."""
    return similarity.name_key(name).strip(NAME_PUNCTUATION)


@dataclass(frozen=True)
class RoleNames:
    """Every title and alias of a set of roles that names exactly one of them, by name_key."""

    slugs: dict[str, str]
    max_words: int

    @classmethod
    def of(cls, roles: Iterable[CanonicalRole]) -> RoleNames:
        owners: dict[str, set[str]] = {}
        for role in roles:
            for name in (role.title, *role.aliases):
                if key := name_key(name):
                    owners.setdefault(key, set()).add(role.slug)
        slugs = {key: next(iter(s)) for key, s in owners.items() if len(s) == 1}
        return cls(slugs=slugs, max_words=max((len(k.split()) for k in slugs), default=0))


class Subject(NamedTuple):
    """The role a figure is about, and where the phrase naming it starts."""

    start: int
    slug: str


class Names:
    """Which role a run of words names: this role, by its title or an alias, or a canonical one."""

    def __init__(self, assessment: Assessment, view: CanonicalSet) -> None:
        self.own_slug = assessment.slug
        self._assessment = assessment
        self._view = view
        self._canonical: RoleNames | None = None

    @cached_property
    def _own(self) -> dict[str, str]:
        """This role's title and aliases, looked up only once some phrase needs them."""
        a = self._assessment
        own = (name_key(n) for n in (a.title, *a.role.aliases))
        return {key: a.slug for key in own if key}

    @property
    def canonical(self) -> RoleNames:
        """The canonical set's names, looked up only once some phrase needs them."""
        if self._canonical is None:
            self._canonical = self._view.table(RoleNames.of)
        return self._canonical

    @cached_property
    def max_words(self) -> int:
        """The most words any name has: how far back or ahead a name is looked for."""
        return max([self.canonical.max_words, *(len(k.split()) for k in self._own)])

    def lookup(self, words: list[str]) -> str | None:
        """The slug of this role or of a role of the view that ``words`` name, else None."""
        key = name_key(" ".join(words))
        for candidate in (key, key[:-1] if key.endswith("s") else ""):
            slug = self._own.get(candidate) or self.canonical.slugs.get(candidate)
            if slug == self.own_slug or (slug is not None and slug in self._view):
                return slug
        return None

    def role_of_mark(self, masked: Masked, char: str) -> str | None:
        ref = masked.reference(char)
        if ref is None or ref.role_slug is None or ref.role_slug not in self._view:
            return None
        return ref.role_slug

    def ending_at(self, masked: Masked, end: int) -> Subject | None:
        """The role named right before ``end`` ("DevOps Engineer's (" included), if any."""
        offset = max(0, end - 300)
        head = re.sub(r"[\s(,]+$", "", masked.text[offset:end])
        head = re.sub(r"['\u2019]s$", "", head)
        if head and masked.is_mark(head[-1]):
            slug = self.role_of_mark(masked, head[-1])
            return None if slug is None else Subject(offset + len(head) - 1, slug)
        words = list(re.finditer(r"\S+", head))[-self.max_words :]
        for count in range(len(words), 0, -1):
            slug = self.lookup([w.group(0) for w in words[-count:]])
            if slug is not None:
                return Subject(offset + words[-count].start(), slug)
        return None

    def first_in(self, masked: Masked, start: int, end: int) -> tuple[int, int, str] | None:
        """The first role named between ``start`` and ``end``: where its name starts and ends,
        and its slug. A ``{{ role:slug }}`` reference names its role."""
        spans = list(re.finditer(r"\S+", masked.text[start:end]))
        for i, first in enumerate(spans):
            for char in first.group(0):
                slug = self.role_of_mark(masked, char) if masked.is_mark(char) else None
                if slug is not None:
                    return start + first.start(), start + first.end(), slug
            run = spans[i : i + self.max_words]
            for count in range(len(run), 0, -1):
                slug = self.lookup([m.group(0) for m in run[:count]])
                if slug is not None:
                    return start + first.start(), start + run[count - 1].end(), slug
        return None

    def other_named(self, masked: Masked, start: int, end: int) -> bool:
        """Whether a role other than this one is named between ``start`` and ``end``."""
        part = masked.text[start:end]
        if any((ref := masked.reference(c)) is not None and ref.is_role for c in part):
            return True
        words = part.split()
        return any(
            (slug := self.lookup(words[i : i + count])) is not None and slug != self.own_slug
            for i in range(len(words))
            for count in range(1, self.max_words + 1)
            if i + count <= len(words)
        )


@dataclass(frozen=True)
class _Patterns:
    """The patterns that depend on the rubric: zone names, labels, the exposed task score."""

    zone_word: re.Pattern[str]
    out_of: re.Pattern[str]
    exposed: re.Pattern[str]
    label_before: re.Pattern[str]
    label_after: re.Pattern[str]
    sub_labels: frozenset[str]
    #: The zone names and sub-labels that contain no other (a sub-label such as "Red (Imminent)"
    #: contains its zone's name): a text without any of them has no label at all.
    labels: tuple[str, ...]

    def mention_label(self, text: str) -> bool:
        """Whether ``text`` has a zone name or sub-label anywhere: the label patterns, slow to
        run (they try every position), cannot match a text without one."""
        return any(label in text for label in self.labels)


@cache
def _patterns(rubric_id: str) -> _Patterns:
    rubric = load_rubric(rubric_id)
    zones = [z.name for z in rubric.zones]
    sub_labels = frozenset(r.label for rules in rubric.sub_labels.values() for r in rules)

    def one_of(names: Iterable[str]) -> str:
        return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))

    labels = rf"(?:{one_of({*zones, *sub_labels})})(?!\w)"
    # Before the score a sub-label may stand anywhere, a bare zone name only where it can mean
    # nothing but this role's zone: not in "short of Green at {{ aijri }}".
    zone_context = r"(?:\A|(?<=[.!?:]\s)|(?<=\bin\s)|(?<=\bis\s))"
    label_first = rf"(?P<label>{one_of(sub_labels)}|{zone_context}(?:{one_of(zones)}))(?!\w)"
    exposed = rubric.exposed_task_score
    exposed_words = rf"(?:{exposed}|{_NUMBER_WORDS[exposed]})"
    top = int(rubric.formula.aijri_max)
    return _Patterns(
        zone_word=re.compile(rf"\b(?:{'|'.join(map(re.escape, zones))})\b"),
        out_of=re.compile(rf"(?<![\w.])(?P<num>\d+(?:\.\d+)?)\s*/\s*{top}\b"),
        exposed=re.compile(
            rf"\bscor\w*\s+(?:(?:of\s+)?at\s+least\s+{exposed_words}\b|"
            rf"{exposed_words}(?:\s*\+|\s+or\s+(?:more|above|higher|over)\b))",
            re.IGNORECASE,
        ),
        label_before=re.compile(
            rf"{label_first}\s+(?:at|with)\s+"
            rf"(?:an?\s+)?(?:AIJRI\s+(?:of\s+)?)?(?P<mark>{MARK})"
        ),
        label_after=re.compile(
            rf"(?P<mark>{MARK})(?:\s*\((?=\s*{labels}\s*\))|"
            rf"\s+(?:(?:puts|places|keeps)\s+it\s+|lands\s+|sits\s+)?in\s+(?:the\s+)?)"
            rf"\s*(?P<label>{labels})"
        ),
        sub_labels=sub_labels,
        labels=_innermost([*zones, *sorted(sub_labels)]),
    )


def _innermost(names: list[str]) -> tuple[str, ...]:
    """``names`` less those that contain another of them: a text with a name left out has the
    one it contains, so testing the rest finds every text with any."""
    return tuple(n for n in names if not any(o != n and o in n for o in names))


#: A finder reads one kind of phrase: it yields (start of the figure written, claim).
Finder = Callable[[Masked], Iterator[tuple[int, Claim]]]


class ClaimReader:
    """Finds the literal figure claims of texts, for one scored role and canonical set."""

    def __init__(
        self,
        assessment: Assessment,
        score: Score,
        rubric: Rubric,
        view: CanonicalSet,
    ) -> None:
        self.score = score
        self.rubric = rubric
        self.view = view
        self.names = Names(assessment, view)
        self.patterns = _patterns(rubric.id)

    @cached_property
    def shown(self) -> dict[str, str]:
        """This role's figures as shown, computed only once a claim needs them."""
        return shown_figures(self.score)

    def claims(self, text: str) -> list[Claim]:
        """Every literal figure claim of ``text``, in the order the finders read them."""
        numbered = has_digit(text)
        if not numbered and not self.patterns.mention_label(text):
            return []  # no number to read, nor a zone or sub-label to set beside {{ aijri }}
        masked = Masked.of(text)
        finders: list[Finder] = []
        # Most prose has no digit outside its references and no zone beside {{ aijri }}: skip it.
        if numbered and has_digit(masked.text):
            finders += (
                self._distances,
                self._splits,
                self._shares,
                self._totals,
                self._explicit_aijri,
                self._out_of,
                self._soft_aijri,
                self._after_name,
            )
        if any(
            ref is not None and ref.name == "aijri" for ref in masked.references
        ) and self.patterns.mention_label(masked.text):
            finders.append(self._labels)
        taken: set[int] = set()
        found: list[Claim] = []
        for finder in finders:
            for start, claim in finder(masked):
                if start not in taken:
                    taken.add(start)
                    found.append(claim)
        return found

    # Figures a claim may mean.

    def own(self, name: str) -> Figure:
        """The figure of this role that ``{{ name }}`` shows."""
        return Figure(FIGURES[name].what, self.shown[name], f"{{{{ {name} }}}}")

    def aijri_of(self, slug: str) -> tuple[Figure, ...]:
        if slug == self.names.own_slug:
            own = (self.own("aijri"),)
            return (*own, self.own("formula_aijri")) if self.score.overridden else own
        role = self._role(slug)
        return (
            Figure(
                f"{role.title}'s AIJRI in the canonical set",
                str(role.score.shown_aijri),
                f"{{{{ role:{slug}.aijri }}}}",
            ),
        )

    def distance_to_zone(self, zone: str, upward: bool) -> tuple[Figure, ...]:
        """Distances to the threshold a phrase about ``zone`` may mean.

        Below, from or into a zone means its own threshold (for the lowest zone, the threshold
        above it); above a zone may also mean its upper edge, the next zone's threshold.
        """
        zones = [z.name for z in self.rubric.zones]
        i = zones.index(zone)
        meant = [zones[i] if i < len(zones) - 1 else zones[i - 1]]
        if upward and i > 0:
            meant.append(zones[i - 1])
        return tuple(
            Figure(
                f"the distance from this role's AIJRI to the {name} threshold",
                str(self.score.distance_to(name)),
                f"{{{{ distance.{name.lower()} }}}}",
            )
            for name in dict.fromkeys(meant)  # "above Red": both readings are Yellow's
        )

    def distance_to_role(self, slug: str) -> Figure:
        role = self._role(slug)
        own, other = self.score.shown_aijri, role.score.shown_aijri
        return Figure(
            f"the gap between this role's AIJRI ({own}) and {role.title}'s ({other})",
            str(abs(own - other)),
            f"{{{{ aijri }}}} and {{{{ role:{slug}.aijri }}}} side by side",
        )

    def _role(self, slug: str) -> CanonicalRole:
        role = self.view.get(slug)
        assert role is not None, f"{slug} was looked up through the view, so it is in it"
        return role

    # Finders, one per kind of phrase.

    def _distances(self, masked: Masked) -> Iterator[tuple[int, Claim]]:
        for m in _DISTANCE_RE.finditer(masked.text):
            words = re.match(rf"(?:\s*\S+){{0,{_TARGET_WORDS}}}", m.group("rest"))
            window_end = m.start("rest") + (words.end() if words else 0)
            target = self._distance_target(masked, m, window_end)
            if target is not None:
                end, figures = target
                phrase = masked.unmask(masked.text[m.start() : end])
                yield m.start("num"), Claim(phrase, m.group("num"), figures)

    def _distance_target(
        self, masked: Masked, m: re.Match[str], end: int
    ) -> tuple[int, tuple[Figure, ...]] | None:
        """Where the zone or role a distance is measured to is named, and the figures meant."""
        zone = self.patterns.zone_word.search(masked.text, m.start("rest"), end)
        role = self.names.first_in(masked, m.start("rest"), end)
        if role is not None and (zone is None or role[0] < zone.start()):
            _, name_end, slug = role
            if slug == self.names.own_slug:
                return None
            return name_end, (self.distance_to_role(slug),)
        if zone is None:
            return None
        upward = " ".join(m.group("dir").lower().split()) in _UPWARD
        return zone.end(), self.distance_to_zone(zone.group(0), upward)

    def _splits(self, masked: Masked) -> Iterator[tuple[int, Claim]]:
        for m in _SPLIT_RE.finditer(masked.text):
            impact = _SPLIT_KINDS[m.group("kind").lower()[:3]]
            figure = self.own(f"split.{impact.value}")
            yield m.start("num"), Claim(masked.unmask(m.group(0)), m.group("num"), (figure,))

    def _shares(self, masked: Masked) -> Iterator[tuple[int, Claim]]:
        for m in _SHARE_RE.finditer(masked.text):
            exposed = self.patterns.exposed.search(m.group("rest"))
            if exposed is not None:
                end = m.start("rest") + exposed.end()
                phrase = masked.unmask(masked.text[m.start() : end])
                yield m.start("num"), Claim(phrase, m.group("num"), (self.own("share_3plus"),))

    def _totals(self, masked: Masked) -> Iterator[tuple[int, Claim]]:
        for total in _TOTALS:
            for m in total.pattern.finditer(masked.text):
                number = m.group("num")
                if total.signed_only and number[0] not in "+-\u2212":
                    continue
                if (total.integer and "." in number) or (
                    total.decimals_needed and "." not in number
                ):
                    continue
                claim = Claim(masked.unmask(m.group(0)), number, (self.own(total.figure),))
                yield m.start("num"), claim

    def _in_aijri_range(self, number: str) -> bool:
        value = parse_number(number)
        f = self.rubric.formula
        return value is not None and f.aijri_min <= value <= f.aijri_max

    def _subject(self, masked: Masked, start: int) -> Subject | None:
        """Whose aijri a phrase starting at ``start`` gives: a role named right before it, else
        this role, unless the sentence names another role before it (then None: ambiguous)."""
        named = self.names.ending_at(masked, start)
        if named is not None:
            return named
        sentence = max(masked.text.rfind(s, 0, start) for s in (". ", "! ", "? ", "; ", "\n"))
        if self.names.other_named(masked, sentence + 1, start):
            return None
        return Subject(start, self.names.own_slug)

    def _aijri_claim(
        self, masked: Masked, m: re.Match[str], subject: Subject | None
    ) -> Claim | None:
        number = m.group("num")
        if subject is None or not self._in_aijri_range(number):
            return None
        phrase = masked.unmask(masked.text[subject.start : m.end()])
        return Claim(phrase, number, self.aijri_of(subject.slug))

    def _explicit_aijri(self, masked: Masked) -> Iterator[tuple[int, Claim]]:
        for m in _AIJRI_RE.finditer(masked.text):
            claim = self._aijri_claim(masked, m, self._subject(masked, m.start()))
            if claim is not None:
                yield m.start("num"), claim

    def _soft_aijri(self, masked: Masked) -> Iterator[tuple[int, Claim]]:
        decimals = self.rubric.display.aijri_decimals
        for m in _SOFT_AIJRI_RE.finditer(masked.text):
            value = parse_number(m.group("num"))
            if value is None or places(value) != decimals:
                continue
            if not _CLAIM_END_RE.match(masked.text, m.end()):
                continue
            if not _NOT_AIJRI_BEFORE.isdisjoint(self._words_before(masked.text, m.start())):
                continue
            claim = self._aijri_claim(masked, m, self._subject(masked, m.start()))
            if claim is not None:
                yield m.start("num"), claim

    @staticmethod
    def _words_before(text: str, end: int) -> list[str]:
        """The last few words of the sentence before ``end``, lower-cased."""
        clause = re.split(r"[.;!?\n]\s", text[max(0, end - 80) : end])[-1]
        return clause.lower().split()[-_WORDS_CHECKED_BEFORE:]

    def _out_of(self, masked: Masked) -> Iterator[tuple[int, Claim]]:
        for m in self.patterns.out_of.finditer(masked.text):
            claim = self._aijri_claim(masked, m, self._subject(masked, m.start()))
            if claim is not None:
                yield m.start("num"), claim

    def _after_name(self, masked: Masked) -> Iterator[tuple[int, Claim]]:
        """A bracketed number, as in "DevOps Engineer (10.7)", counts only after a role's name."""
        for m in _PAREN_RE.finditer(masked.text):
            if not _CLAIM_END_RE.match(masked.text, m.end()):
                continue
            claim = self._aijri_claim(masked, m, self.names.ending_at(masked, m.start()))
            if claim is not None:
                yield m.start("num"), claim

    def _labels(self, masked: Masked) -> Iterator[tuple[int, Claim]]:
        for pattern in (self.patterns.label_before, self.patterns.label_after):
            for m in pattern.finditer(masked.text):
                ref = masked.reference(m.group("mark"))
                if ref is None or ref.name != "aijri":
                    continue
                label = m.group("label")
                figure = self.own("sub_label" if label in self.patterns.sub_labels else "zone")
                yield m.start("label"), Claim(masked.unmask(m.group(0)), label, (figure,))
