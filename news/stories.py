"""One story, many tellings: the story of the last window a new article joins, or starts.

Pure, no I/O: an index fed one article at a time, in the order the bot sees them. An article
joins the open story (its first telling within the window) that resembles it best, when

- it resembles every telling of that story: the least of its pair scores reaches the threshold
  (complete linkage: a chain of near neighbours never drags unrelated news together), and
- that story leads the next-best open story by a margin: an article that fits two stories about
  as well is a new development, and a wrong merge hides news while a missed one only repeats it.

A pair score is the cosine of the two tellings' word vectors (TF-IDF, news/signature.py), less
a share for how much of each headline the other article never mentions (its names and numbers,
the marks, counting double), and nothing at all when the two headlines name only different
people, places or numbers, or fill one template with different ones. The IDF
comes from the tellings the index holds: those of the window, and at least the newest
`idf_articles` (so a quiet night does not make every word look rare). Each telling's weights are
fixed when it arrives, and the store keeps them (Signature.encode); `StoryIndex.restore` rebuilds
the same index from them after a restart, and `prune` says which tellings the store may forget.

The dot products run on SciPy sparse matrices (token rows by telling columns): a query touches
only the postings of its own words. New tellings go to a small matrix rebuilt as they come; it is
folded into a middle one every SMALL tellings and that into the big one every MIDDLE, so no add
rebuilds the big matrix more than once in MIDDLE adds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt
from scipy import sparse

from news.signature import Signature, Text, Words, words_of

__all__ = ["Policy", "StoryIndex", "Telling", "pair_score"]

SMALL = 64
MIDDLE = 2048
BIG_RUN, MIDDLE_RUN, SMALL_RUN = 0, 1, 2
# A headline's names and numbers count this many times its other words in a conflict.
MARK_WEIGHT = 2.0
# Share of the non-mark headline words two template twins have in common.
TEMPLATE_OVERLAP = 0.5
MIN_COSINE = 1e-9


@dataclass(frozen=True, slots=True)
class Policy:
    window: timedelta = timedelta(hours=36)
    # Complete-link cosine a story must reach, and its lead over the next open story.
    threshold: float = 0.18
    margin: float = 0.15
    # How much a conflict of headline names or numbers takes off a pair's cosine (0..1).
    conflict_weight: float = 0.5
    # The IDF is counted over at least this many of the newest tellings.
    idf_articles: int = 1000
    # Below this many tellings held, every article starts its own story: over a handful of
    # articles "the" and "in" look as rare as a name, and any two headlines would match.
    min_tellings: int = 12


@dataclass(frozen=True, slots=True)
class Telling:
    """One article in the index, as the store keeps it."""

    article_id: int
    story_id: int
    outlet: str
    at: datetime
    signature: Signature


def pair_score(cosine: float, a: Signature, b: Signature, conflict_weight: float) -> float:
    """A pair's cosine, less `conflict_weight` times how far their headlines disagree; nothing
    when the headlines name different people, places or numbers and nothing in common, or are
    one template filled in with other names or numbers."""
    if _strangers(a, b) or _template_twins(a, b):
        return 0.0
    return cosine * (1.0 - conflict_weight * min(_unmatched(a, b), _unmatched(b, a)))


def _unmatched(a: Signature, b: Signature) -> float:
    """The share of a's headline (by word weight, marks counted MARK_WEIGHT times) that b never
    mentions. The smaller of the two directions is the conflict: one headline's extra detail is
    none, while "Rossi visits flooded towns" against "Rossi presents the budget" is."""
    weights = {
        word: a.weights.get(word, 0.0) * (MARK_WEIGHT if word in a.marks else 1.0)
        for word in a.headline
    }
    total = math.fsum(weights.values())
    if total == 0.0:
        return 0.0
    return math.fsum(w for word, w in weights.items() if word not in b.weights) / total


def _strangers(a: Signature, b: Signature) -> bool:
    """Both headlines have names or numbers, and neither article mentions any of the other's."""
    return bool(
        a.marks
        and b.marks
        and a.marks.isdisjoint(b.weights.keys())
        and b.marks.isdisjoint(a.weights.keys())
    )


def _template_twins(a: Signature, b: Signature) -> bool:
    """Each headline has a name or number the other one lacks, and the rest of the two headlines
    is mostly the same: "Weather in Brest on 3 June" and "Weather in Gomel on 3 June"."""
    if not (_unsaid(a, b) and _unsaid(b, a)):
        return False
    rest_a, rest_b = a.headline - a.marks, b.headline - b.marks
    if not (rest_a and rest_b):
        return False
    return len(rest_a & rest_b) / len(rest_a | rest_b) >= TEMPLATE_OVERLAP


def _unsaid(a: Signature, b: Signature) -> bool:
    """Whether a's headline has a name b's article never mentions, or a number b's headline
    lacks. A lead is full of numbers (temperatures, counts, dates, ages), so one of them
    matching the other headline's number ("-8" in tomorrow's forecast, "8 June" in today's
    title) says nothing, while a name there does."""
    return any(mark not in (b.headline if mark[0].isdigit() else b.weights) for mark in a.marks)


@dataclass(slots=True)
class _Entry:
    telling: Telling
    slot: int
    ids: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]
    run: int = SMALL_RUN


@dataclass(slots=True)
class _Run:
    """Tellings whose postings share one sparse matrix (token rows, telling columns)."""

    slots: set[int] = field(default_factory=set)
    matrix: sparse.csr_matrix | None = None
    columns: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    dirty: bool = False
    dead: int = 0  # columns of forgotten tellings still in the matrix


class StoryIndex:
    def __init__(self, policy: Policy | None = None) -> None:
        self.policy = policy or Policy()
        self._entries: dict[int, _Entry] = {}  # by slot, in arrival order
        self._by_article: dict[int, int] = {}  # article id -> slot
        self._stories: dict[int, list[int]] = {}  # story id -> slots, first telling first
        self._vocabulary: dict[str, int] = {}
        self._document_frequency: list[int] = []
        self._free_ids: list[int] = []
        self._next_slot = 0
        self._runs = [_Run(), _Run(), _Run()]  # big, middle, small

    # -- what the store reads --------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def telling(self, article_id: int) -> Telling | None:
        slot = self._by_article.get(article_id)
        return None if slot is None else self._entries[slot].telling

    def tellings(self) -> list[Telling]:
        """Every telling held, in arrival order: what `restore` takes back."""
        return [entry.telling for entry in self._entries.values()]

    def story(self, story_id: int) -> list[Telling]:
        """A story's tellings held, first first; empty once its first telling is forgotten."""
        return [self._entries[slot].telling for slot in self._stories.get(story_id, [])]

    # -- what the poller does --------------------------------------------------------------

    def add(self, article_id: int, outlet: str, text: Text, at: datetime) -> int:
        """File a new article; returns its story's id (the id of the story's first article)."""
        known = self._by_article.get(article_id)
        if known is not None:
            return self._entries[known].telling.story_id
        words = words_of(text)
        for word in words.counts:
            self._count(word)
        signature = self._weigh(words, documents=len(self._entries) + 1, own=0)
        story_id = None
        if len(self._entries) >= self.policy.min_tellings:
            story_id = self._best_story(signature, at)
        if story_id is None:
            story_id = article_id
        self._hold(Telling(article_id, story_id, outlet, at, signature))
        return story_id

    def similarity(self, a: Text, b: Text) -> float:
        """The pair score two articles would get if both arrived now (nothing is filed): what
        `add` compares with the threshold when a story has one telling."""
        documents = len(self._entries) + 1
        first = self._weigh(words_of(a), documents=documents, own=1)
        second = self._weigh(words_of(b), documents=documents, own=1)
        pair = [first.weights, second.weights]
        vocabulary = {word: n for n, word in enumerate(set(first.weights) | set(second.weights))}
        rows = sparse.csr_matrix(
            (
                np.fromiter((w for weights in pair for w in weights.values()), np.float64),
                np.fromiter((vocabulary[w] for weights in pair for w in weights), np.int64),
                np.array([0, len(first.weights), len(first.weights) + len(second.weights)]),
            ),
            shape=(2, max(len(vocabulary), 1)),
        )
        cosine = float((rows[0] @ rows[1].T).sum())
        return pair_score(cosine, first, second, self.policy.conflict_weight)

    def prune(self, now: datetime) -> list[int]:
        """Forget tellings older than the window beyond the newest `idf_articles`; returns their
        article ids, which the store may delete (restore needs only the ones kept)."""
        horizon = now - self.policy.window
        spare = len(self._entries) - self.policy.idf_articles
        dropped = []
        for entry in list(self._entries.values()):
            if spare <= 0:
                break
            if entry.telling.at < horizon:
                dropped.append(entry.telling.article_id)
                self._forget(entry)
                spare -= 1
        return dropped

    @classmethod
    def restore(cls, tellings: Iterable[Telling], policy: Policy | None = None) -> StoryIndex:
        """The index again from what the store kept, in arrival order."""
        index = cls(policy)
        for telling in tellings:
            index.learn(telling)
        return index

    def learn(self, telling: Telling) -> None:
        """Hold a telling another index filed (another process on the same database), as it
        was filed there; one held already changes nothing."""
        if telling.article_id in self._by_article:
            return
        for word in telling.signature.weights:
            self._count(word)
        self._hold(telling)

    # -- weighing ----------------------------------------------------------------------------

    def _weigh(self, words: Words, *, documents: int, own: int) -> Signature:
        """Unit-length TF-IDF weights; `own` is 1 when the words are not counted in yet."""
        raw = {
            word: count * self._idf(word, documents, own) for word, count in words.counts.items()
        }
        norm = math.sqrt(math.fsum(value * value for value in raw.values()))
        if norm == 0.0:
            return Signature(weights={}, headline=words.headline, marks=words.marks)
        # Rounded, so what the store keeps is exactly what the index compares with.
        weights = {word: round(value / norm, 6) for word, value in raw.items() if value > 0.0}
        return Signature(weights=weights, headline=words.headline, marks=words.marks)

    def _idf(self, word: str, documents: int, own: int) -> float:
        word_id = self._vocabulary.get(word)
        frequency = (self._document_frequency[word_id] if word_id is not None else 0) + own
        return math.log((documents + 1) / max(frequency, 1))

    def _count(self, word: str) -> None:
        word_id = self._vocabulary.get(word)
        if word_id is None:
            if self._free_ids:
                word_id = self._free_ids.pop()
                self._document_frequency[word_id] = 0
            else:
                word_id = len(self._document_frequency)
                self._document_frequency.append(0)
            self._vocabulary[word] = word_id
        self._document_frequency[word_id] += 1

    def _uncount(self, word: str) -> None:
        word_id = self._vocabulary[word]
        self._document_frequency[word_id] -= 1
        if self._document_frequency[word_id] == 0:
            del self._vocabulary[word]
            self._free_ids.append(word_id)

    # -- holding -----------------------------------------------------------------------------

    def _hold(self, telling: Telling) -> None:
        ids, values = self._postings(telling.signature)
        slot = self._next_slot
        self._next_slot += 1
        self._entries[slot] = _Entry(telling, slot, ids, values)
        self._by_article[telling.article_id] = slot
        if telling.story_id == telling.article_id:
            self._stories[telling.story_id] = [slot]
        elif telling.story_id in self._stories:
            self._stories[telling.story_id].append(slot)
        self._file(slot, SMALL_RUN)
        if len(self._runs[SMALL_RUN].slots) >= SMALL:
            self._fold(SMALL_RUN, MIDDLE_RUN)
        if len(self._runs[MIDDLE_RUN].slots) >= MIDDLE:
            self._fold(MIDDLE_RUN, BIG_RUN)

    def _postings(
        self, signature: Signature
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        weights = signature.weights
        ids = np.fromiter((self._vocabulary[word] for word in weights), np.int64, len(weights))
        return ids, np.fromiter(weights.values(), np.float64, len(weights))

    def _file(self, slot: int, run: int) -> None:
        self._entries[slot].run = run
        self._runs[run].slots.add(slot)
        self._runs[run].dirty = True

    def _fold(self, source: int, target: int) -> None:
        for slot in self._runs[source].slots:
            self._file(slot, target)
        self._runs[source] = _Run(dirty=True)

    def _forget(self, entry: _Entry) -> None:
        telling = entry.telling
        del self._entries[entry.slot]
        del self._by_article[telling.article_id]
        for word in telling.signature.weights:
            self._uncount(word)
        members = self._stories.get(telling.story_id)
        if members is not None and members[0] == entry.slot:
            # A story whose first telling is forgotten is closed for good (it began before the
            # window), so its later tellings never need their story again.
            del self._stories[telling.story_id]
        elif members is not None:
            members.remove(entry.slot)
        run = self._runs[entry.run]
        run.slots.discard(entry.slot)
        # Columns of forgotten tellings are skipped when read; the matrix is rebuilt only once
        # they are a quarter of it, so a prune does not rebuild the big matrix every cycle.
        run.dead += 1
        if run.dead * 4 > len(run.slots):
            run.dirty = True

    # -- matching ----------------------------------------------------------------------------

    def _best_story(self, signature: Signature, at: datetime) -> int | None:
        if not signature.weights:
            return None
        threshold, margin = self.policy.threshold, self.policy.margin
        # A story sharing no word with the article is nobody's rival, whatever the policy.
        slots, cosines = self._cosines(signature, max(threshold - margin, MIN_COSINE))
        opened = at - self.policy.window
        # The best story that reaches the threshold ...
        leaders = [
            (score, story)
            for score, story in self._scores(signature, slots, cosines, threshold, opened)
            if score >= threshold
        ]
        if not leaders:
            return None
        best, story_id = min(leaders, key=lambda leader: (-leader[0], leader[1]))
        # ... joined only if no other open story comes within the margin of it.
        rivals = max(best - margin, MIN_COSINE)
        for score, other in self._scores(signature, slots, cosines, rivals, opened):
            if other != story_id and score >= best - margin:
                return None
        return story_id

    def _scores(
        self,
        signature: Signature,
        slots: npt.NDArray[np.int64],
        cosines: npt.NDArray[np.float64],
        cutoff: float,
        opened: datetime,
    ) -> Iterator[tuple[float, int]]:
        """(score, story id) of the open stories whose every telling's cosine reaches `cutoff`,
        best bound first: a story's least cosine bounds its score (conflicts only take away)."""
        close = cosines >= cutoff
        found = {
            slot: cosine
            for slot, cosine in zip(slots[close].tolist(), cosines[close].tolist(), strict=True)
            if slot in self._entries  # a forgotten telling's column, until the next rebuild
        }
        bounds = []
        for story_id in {self._entries[slot].telling.story_id for slot in found}:
            members = self._stories.get(story_id)
            if not members or self._entries[members[0]].telling.at < opened:
                continue
            if all(slot in found for slot in members):
                bounds.append((min(found[slot] for slot in members), story_id))
        bounds.sort(key=lambda bound: (-bound[0], bound[1]))
        for _, story_id in bounds:
            score = min(
                pair_score(
                    found[slot],
                    signature,
                    self._entries[slot].telling.signature,
                    self.policy.conflict_weight,
                )
                for slot in self._stories[story_id]
            )
            yield score, story_id

    def _cosines(
        self, signature: Signature, floor: float
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Slots of the tellings whose cosine with `signature` reaches `floor`, and those cosines
        (forgotten tellings included until their run is rebuilt)."""
        ids, values = self._postings(signature)
        slots, cosines = [np.zeros(0, np.int64)], [np.zeros(0, np.float64)]
        for run in self._runs:
            self._rebuild(run)
            if run.matrix is None:
                continue
            inside = ids < run.matrix.shape[0]
            # The rows of the query's words, summed with its weights: one cosine per column.
            found = run.matrix[ids[inside]].T @ values[inside]
            close = np.flatnonzero(found >= floor)
            slots.append(run.columns[close])
            cosines.append(found[close])
        return np.concatenate(slots), np.concatenate(cosines)

    def _rebuild(self, run: _Run) -> None:
        if not run.dirty:
            return
        run.dirty = False
        run.dead = 0
        slots = sorted(run.slots)
        if not slots:
            run.matrix = None
            run.columns = np.zeros(0, np.int64)
            return
        entries = [self._entries[slot] for slot in slots]
        rows = np.concatenate([entry.ids for entry in entries])
        data = np.concatenate([entry.values for entry in entries])
        pointers = np.zeros(len(entries) + 1, np.int64)
        np.cumsum([len(entry.ids) for entry in entries], out=pointers[1:])
        shape = (len(self._document_frequency), len(entries))
        run.matrix = sparse.csc_matrix((data, rows, pointers), shape=shape).tocsr()
        run.columns = np.array(slots, np.int64)
