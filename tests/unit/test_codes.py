"""Dossier codes and sequence leases: format, parse, next number, no collisions offline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from counter_app.domain.codes import (
    DossierCodeFormat,
    SequenceLease,
    check_leases,
    leases_overlap,
    next_sequence,
)
from counter_app.domain.errors import DomainError

FMT = DossierCodeFormat()
DAY = date(2023, 10, 27)
AGENCY = "000.00.06.H56"


def lease(
    first: int,
    last: int,
    device: str = "pc-1",
    agency: str = AGENCY,
    valid_from: date = date(2023, 10, 1),
    valid_to: date = date(2023, 10, 31),
) -> SequenceLease:
    return SequenceLease(agency, first, last, valid_from, valid_to, device)


class TestFormat:
    def test_real_example(self) -> None:
        assert FMT.format(AGENCY, DAY, 361) == "000.00.06.H56-231027-0361"
        assert FMT.format("000.17.22.H56", date(2021, 5, 31), 1) == "000.17.22.H56-210531-0001"

    def test_parse_real_examples(self) -> None:
        assert FMT.parse("000.00.06.H56-231027-0361") == (AGENCY, DAY, 361)
        assert FMT.parse(" 000.17.22.H56-210531-0001\n") == ("000.17.22.H56", date(2021, 5, 31), 1)

    def test_agency_with_dash_round_trips(self) -> None:
        code = FMT.format("H27-X", DAY, 5)
        assert FMT.parse(code) == ("H27-X", DAY, 5)

    def test_custom_pattern(self) -> None:
        fmt = DossierCodeFormat("{day:%Y%m%d}/{agency}/{seq:06d}", max_seq=999_999)
        code = fmt.format("H27", date(2025, 7, 1), 42)
        assert code == "20250701/H27/000042"
        assert fmt.parse(code) == ("H27", date(2025, 7, 1), 42)

    @pytest.mark.parametrize("seq", [0, -1, 10_000])
    def test_seq_out_of_range(self, seq: int) -> None:
        with pytest.raises(DomainError) as err:
            FMT.format(AGENCY, DAY, seq)
        assert err.value.code == "dossier_code.seq_out_of_range"
        assert err.value.params == {"seq": seq, "max_seq": 9999}

    @pytest.mark.parametrize("agency", ["", "H 56", " "])
    def test_bad_agency(self, agency: str) -> None:
        with pytest.raises(DomainError) as err:
            FMT.format(agency, DAY, 1)
        assert err.value.code == "dossier_code.bad_agency"

    @pytest.mark.parametrize(
        "code",
        [
            "",
            "abc",
            "000.00.06.H56-231027-361",  # too few digits
            "000.00.06.H56-231027-00361",  # too many
            "000.00.06.H56-231327-0361",  # month 13
            "000.00.06.H56-230229-0001",  # 29 Feb 2023
            "000.00.06.H56-231027-0000",  # sequence 0
            "-231027-0001",  # no agency
            "000.00.06.H56_231027_0361",
            "000 00.06.H56-231027-0361",
        ],
    )
    def test_malformed(self, code: str) -> None:
        with pytest.raises(DomainError) as err:
            FMT.parse(code)
        assert err.value.code == "dossier_code.malformed"
        assert err.value.params == {"value": code}

    @pytest.mark.parametrize(
        "pattern",
        [
            "{agency}-{seq:04d}",
            "{agency}-{day:%y%m%d}-{seq}-{seq}",
            "{x}{agency}{day}{seq}",
            "{agency",
        ],
    )
    def test_bad_pattern(self, pattern: str) -> None:
        with pytest.raises(DomainError) as err:
            DossierCodeFormat(pattern)
        assert err.value.code == "dossier_code.bad_pattern"

    @given(
        st.from_regex(r"[0-9A-Z]{1,3}(\.[0-9A-Z]{1,3}){0,3}", fullmatch=True),
        st.dates(date(2000, 1, 1), date(2068, 12, 31)),
        st.integers(1, 9999),
    )
    def test_round_trip(self, agency: str, day: date, seq: int) -> None:
        assert FMT.parse(FMT.format(agency, day, seq)) == (agency, day, seq)


class TestLease:
    def test_invalid_lease(self) -> None:
        for first, last in [(0, 5), (5, 4)]:
            with pytest.raises(DomainError) as err:
                lease(first, last)
            assert err.value.code == "dossier_code.lease_invalid"
        with pytest.raises(DomainError) as err:
            lease(1, 5, valid_from=date(2023, 11, 1), valid_to=date(2023, 10, 1))
        assert err.value.code == "dossier_code.lease_invalid"

    def test_size_and_covers(self) -> None:
        one = lease(101, 200)
        assert one.size == 100
        assert one.covers(AGENCY, DAY)
        assert not one.covers("OTHER", DAY)
        assert not one.covers(AGENCY, date(2023, 11, 1))
        assert one.covers(AGENCY, date(2023, 10, 31))


class TestNextSequence:
    def test_first_number_of_the_day(self) -> None:
        assert next_sequence([lease(101, 200)], AGENCY, DAY, None) == 101

    def test_after_last_used(self) -> None:
        assert next_sequence([lease(101, 200)], AGENCY, DAY, 150) == 151

    def test_moves_to_next_lease(self) -> None:
        leases = [lease(101, 110), lease(301, 310)]
        assert next_sequence(leases, AGENCY, DAY, 110) == 301

    def test_smallest_number_whatever_the_lease_order(self) -> None:
        leases = [lease(301, 310), lease(101, 110)]
        assert next_sequence(leases, AGENCY, DAY, None) == 101
        assert next_sequence(leases, AGENCY, DAY, 110) == 301

    def test_skips_leases_of_other_days_and_agencies(self) -> None:
        leases = [
            lease(1, 100, valid_from=date(2023, 9, 1), valid_to=date(2023, 9, 30)),
            lease(1, 100, agency="OTHER"),
            lease(501, 600),
        ]
        assert next_sequence(leases, AGENCY, DAY, None) == 501

    def test_exhausted(self) -> None:
        with pytest.raises(DomainError) as err:
            next_sequence([lease(101, 110)], AGENCY, DAY, 110)
        assert err.value.code == "dossier_code.lease_exhausted"
        assert err.value.params == {"agency_code": AGENCY, "day": DAY}

    def test_no_lease(self) -> None:
        with pytest.raises(DomainError) as err:
            next_sequence([lease(101, 110)], AGENCY, date(2023, 11, 2), None)
        assert err.value.code == "dossier_code.no_lease"
        assert err.value.params == {"agency_code": AGENCY, "day": date(2023, 11, 2)}
        with pytest.raises(DomainError) as err:
            next_sequence([], AGENCY, DAY, None)
        assert err.value.code == "dossier_code.no_lease"

    def test_restarts_every_day(self) -> None:
        leases = [lease(101, 102)]
        assert next_sequence(leases, AGENCY, DAY, None) == 101
        assert next_sequence(leases, AGENCY, DAY + timedelta(days=1), None) == 101


class TestOverlap:
    def test_overlap_needs_numbers_dates_and_agency(self) -> None:
        a = lease(1, 100, "pc-1")
        assert leases_overlap(a, lease(100, 200, "pc-2"))
        assert not leases_overlap(a, lease(101, 200, "pc-2"))
        assert not leases_overlap(a, lease(1, 100, "pc-2", agency="OTHER"))
        later = lease(1, 100, "pc-2", valid_from=date(2023, 11, 1), valid_to=date(2023, 11, 30))
        assert not leases_overlap(a, later)
        touching = lease(1, 100, "pc-2", valid_from=date(2023, 10, 31), valid_to=date(2023, 11, 30))
        assert leases_overlap(a, touching)
        assert leases_overlap(touching, a)

    def test_check_leases_rejects_two_devices(self) -> None:
        with pytest.raises(DomainError) as err:
            check_leases([lease(1, 100, "pc-1"), lease(201, 300, "pc-3"), lease(50, 60, "pc-2")])
        assert err.value.code == "dossier_code.lease_overlap"
        assert {err.value.params["device_id"], err.value.params["other_device_id"]} == {
            "pc-1",
            "pc-2",
        }

    def test_check_leases_accepts_disjoint_and_same_device(self) -> None:
        assert (
            check_leases(
                [
                    lease(1, 100, "pc-1"),
                    lease(50, 150, "pc-1"),  # same device: harmless
                    lease(151, 300, "pc-2"),
                    lease(1, 100, "pc-3", agency="OTHER"),
                ]
            )
            is None
        )

    def test_check_leases_finds_overlap_behind_a_long_lease(self) -> None:
        with pytest.raises(DomainError):
            check_leases([lease(1, 1000, "pc-1"), lease(2, 3, "pc-1"), lease(900, 901, "pc-2")])


def _issue_all(
    fmt: DossierCodeFormat, leases: list[SequenceLease], day: date, count: int
) -> list[str]:
    codes: list[str] = []
    last: int | None = None
    for _ in range(count):
        try:
            last = next_sequence(leases, AGENCY, day, last)
        except DomainError as err:
            assert err.code == "dossier_code.lease_exhausted"
            break
        codes.append(fmt.format(AGENCY, day, last))
    return codes


@st.composite
def disjoint_lease_sets(draw: st.DrawFn) -> tuple[list[SequenceLease], list[SequenceLease]]:
    """Leases of pc-1 and pc-2 over the same agency and October; numbers never shared."""
    cuts = sorted(draw(st.sets(st.integers(1, 400), min_size=2, max_size=12)))
    blocks = [(cuts[i], cuts[i + 1] - 1) for i in range(len(cuts) - 1)]
    owners = draw(
        st.lists(st.sampled_from(["pc-1", "pc-2"]), min_size=len(blocks), max_size=len(blocks))
    )
    first_days = [draw(st.integers(1, 31)) for _ in blocks]
    spans = [draw(st.integers(0, 30)) for _ in blocks]
    sets: dict[str, list[SequenceLease]] = {"pc-1": [], "pc-2": []}
    for (first, last), owner, d0, span in zip(blocks, owners, first_days, spans, strict=True):
        start = date(2023, 10, d0)
        sets[owner].append(
            lease(first, last, owner, valid_from=start, valid_to=start + timedelta(days=span))
        )
    return sets["pc-1"], sets["pc-2"]


@settings(max_examples=150, deadline=None)
@given(disjoint_lease_sets(), st.integers(1, 31), st.integers(1, 300), st.integers(1, 300))
def test_two_devices_never_produce_the_same_code(
    lease_sets: tuple[list[SequenceLease], list[SequenceLease]], day_number: int, n1: int, n2: int
) -> None:
    first, second = lease_sets
    check_leases(first + second)
    day = date(2023, 10, day_number)
    codes1 = _issue_all(FMT, first, day, n1) if any(x.covers(AGENCY, day) for x in first) else []
    codes2 = _issue_all(FMT, second, day, n2) if any(x.covers(AGENCY, day) for x in second) else []
    assert len(set(codes1)) == len(codes1)
    assert len(set(codes2)) == len(codes2)
    assert not set(codes1) & set(codes2)
    for code in codes1:
        seq = FMT.parse(code)[2]
        assert any(x.first <= seq <= x.last and x.covers(AGENCY, day) for x in first)


@given(
    st.integers(1, 500),
    st.integers(0, 500),
    st.integers(1, 500),
    st.integers(0, 500),
    st.integers(0, 20),
    st.integers(0, 20),
)
def test_overlap_is_symmetric_and_matches_brute_force(
    f1: int, w1: int, f2: int, w2: int, d1: int, d2: int
) -> None:
    a = lease(
        f1, f1 + w1, "a", valid_from=date(2023, 10, 1 + d1), valid_to=date(2023, 10, 1 + d1 + 5)
    )
    b = lease(
        f2, f2 + w2, "b", valid_from=date(2023, 10, 1 + d2), valid_to=date(2023, 10, 1 + d2 + 5)
    )
    shared_numbers = set(range(a.first, a.last + 1)) & set(range(b.first, b.last + 1))
    shared_days = abs(d1 - d2) <= 5
    assert leases_overlap(a, b) == leases_overlap(b, a) == bool(shared_numbers and shared_days)
