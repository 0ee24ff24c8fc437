"""Accent-free search over the procedure catalog: every query word must match, best matches first."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from counter_app.domain.text import search_key, tokens

_MAX_CACHED_PREFIXES = 20_000


@dataclass(frozen=True, slots=True)
class SearchEntry:
    """What the index knows of one procedure; ``extra`` holds more searchable words (synonyms)."""

    procedure_code: str
    name: str
    agency_name: str
    field_name: str
    extra: str = ""


class _Vocabulary:
    """Sorted distinct words, each with a bit mask of the entries that contain it."""

    def __init__(self, word_masks: dict[str, int]) -> None:
        self._words = sorted(word_masks)
        self._masks = [word_masks[w] for w in self._words]
        self._cache: dict[str, int] = {}

    def prefix_mask(self, prefix: str) -> int:
        """Entries with a word that starts with ``prefix``."""
        cached = self._cache.get(prefix)
        if cached is not None:
            return cached
        words, masks = self._words, self._masks
        mask = 0
        i = bisect_left(words, prefix)
        n = len(words)
        while i < n and words[i].startswith(prefix):
            mask |= masks[i]
            i += 1
        if len(self._cache) >= _MAX_CACHED_PREFIXES:
            self._cache.clear()
        self._cache[prefix] = mask
        return mask


def _bits(mask: int) -> Iterator[int]:
    """Positions of the set bits, lowest first."""
    if not mask:
        return
    text = bin(mask)[:1:-1]  # least significant bit first
    i = text.find("1")
    while i >= 0:
        yield i
        i = text.find("1", i + 1)


class CatalogIndex:
    """Search procedures by code, name, agency and field, ignoring accents and case.

    Every query word must be the start of a word of the name, agency, field or extra text, or
    occur inside the procedure code. Ranking, best first:

    0. the query is the code; 1. the code starts with the query; 2. the code contains the
    query (only for queries with a digit); 3. every query word starts a word of the name, in
    the query's order; 4. every query word starts a word of the name; 5. the rest (some word
    matched only the agency, field, extra text or code). Ties are ordered by name.
    """

    def __init__(self, entries: Iterable[SearchEntry]) -> None:
        keyed = [(search_key(e.name), e.name, e.procedure_code, e) for e in entries]
        keyed.sort(key=lambda item: item[:3])
        # Bit i of every mask is entry i in name order, so reading bits low to high is
        # already the tie order.
        self._codes: list[str] = [item[3].procedure_code for item in keyed]
        self._code_keys: list[str] = [search_key(code) for code in self._codes]
        self._name_lines: list[str] = []
        name_words: dict[str, int] = {}
        other_words: dict[str, int] = {}
        code_bits: dict[str, int] = {}
        other_tokens: dict[str, list[str]] = {}
        for i, (_, _, _, entry) in enumerate(keyed):
            bit = 1 << i
            words = tokens(entry.name)
            # " w1 w2 …": str.find(" " + t) finds a word starting with t, left to right.
            self._name_lines.append(" " + " ".join(words))
            for word in words:
                name_words[word] = name_words.get(word, 0) | bit
            for text in (entry.agency_name, entry.field_name, entry.extra):
                known = other_tokens.get(text)
                if known is None:  # agencies and fields repeat: split each text once
                    known = other_tokens[text] = tokens(text)
                words = known
                for word in words:
                    other_words[word] = other_words.get(word, 0) | bit
            key = self._code_keys[i]
            code_bits[key] = code_bits.get(key, 0) | bit
        self._size = len(keyed)
        self._name = _Vocabulary(name_words)
        self._other = _Vocabulary(other_words)
        self._code_exact = code_bits
        self._code_sorted = sorted(code_bits)
        self._code_sorted_masks = [code_bits[k] for k in self._code_sorted]
        self._contains_cache: dict[str, int] = {}

    def __len__(self) -> int:
        return self._size

    def _code_prefix_mask(self, prefix: str) -> int:
        keys, masks = self._code_sorted, self._code_sorted_masks
        mask = 0
        i = bisect_left(keys, prefix)
        while i < len(keys) and keys[i].startswith(prefix):
            mask |= masks[i]
            i += 1
        return mask

    def _code_contains_mask(self, part: str) -> int:
        cached = self._contains_cache.get(part)
        if cached is not None:
            return cached
        mask = 0
        for key, key_mask in zip(self._code_sorted, self._code_sorted_masks, strict=True):
            if part in key:
                mask |= key_mask
        if len(self._contains_cache) >= _MAX_CACHED_PREFIXES:
            self._contains_cache.clear()
        self._contains_cache[part] = mask
        return mask

    def _in_order(self, i: int, words: list[str]) -> bool:
        line = self._name_lines[i]
        pos = -1
        for word in words:
            pos = line.find(" " + word, pos + 1)
            if pos < 0:
                return False
        return True

    def search(self, query: str, limit: int = 50) -> list[str]:
        """Procedure codes matching ``query``, best first, at most ``limit``."""
        if limit <= 0:
            return []
        words = tokens(query, code_parts=False)
        if not words:
            return []
        matched = -1  # all bits
        in_name = -1
        for word in dict.fromkeys(words):
            name_mask = self._name.prefix_mask(word)
            matched &= name_mask | self._other.prefix_mask(word) | self._code_contains_mask(word)
            in_name &= name_mask
            if not matched:
                return []
        in_name &= matched

        query_key = search_key(query)
        tiers = [
            self._code_exact.get(query_key, 0) & matched,
            self._code_prefix_mask(query_key) & matched,
        ]
        if any(ch.isdigit() for ch in query_key):
            tiers.append(self._code_contains_mask(query_key) & matched)

        result: list[str] = []
        seen_codes: set[str] = set()
        taken = 0

        def take(indexes: Iterable[int]) -> bool:
            """Append codes in order; True once ``limit`` is reached."""
            for i in indexes:
                code = self._codes[i]
                if code not in seen_codes:
                    seen_codes.add(code)
                    result.append(code)
                    if len(result) >= limit:
                        return True
            return False

        for tier in tiers:
            tier &= ~taken
            if tier:
                taken |= tier
                if take(_bits(tier)):
                    return result

        name_rest = in_name & ~taken
        if name_rest:
            if len(words) == 1:
                if take(_bits(name_rest)):
                    return result
            else:
                # Bits come in name order: take the in-order ones at once, keep the others
                # for after them; stop scanning as soon as the limit is reached.
                out_of_order: list[int] = []
                for i in _bits(name_rest):
                    if self._in_order(i, words):
                        if take((i,)):
                            return result
                    else:
                        out_of_order.append(i)
                if take(out_of_order):
                    return result
            taken |= name_rest

        take(_bits(matched & ~taken))
        return result

    def closest(self, query: str, limit: int = 50) -> list[str]:
        """When no procedure has every word: those with most of them (at least half), best first.

        A clerk typing "cap lai giay khai sinh" still finds "Đăng ký lại khai sinh".
        """
        words = list(dict.fromkeys(tokens(query, code_parts=False)))
        if len(words) < 2:
            return []
        counts: dict[int, int] = {}
        for word in words:
            mask = self._name.prefix_mask(word) | self._other.prefix_mask(word) | self._code_contains_mask(word)
            for i in _bits(mask):
                counts[i] = counts.get(i, 0) + 1
        need = (len(words) + 1) // 2
        best = sorted((i for i, n in counts.items() if n >= need), key=lambda i: (-counts[i], i))
        result: list[str] = []
        for i in best:
            if self._codes[i] not in result:
                result.append(self._codes[i])
                if len(result) >= limit:
                    break
        return result
