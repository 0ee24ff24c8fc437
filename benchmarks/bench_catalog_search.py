"""Benchmark: catalog search latency over 5,000 procedures with accent-free queries."""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from counter_app.domain.catalog_search import CatalogIndex, SearchEntry  # noqa: E402
from counter_app.domain.text import search_key  # noqa: E402

TARGET_P99_MS = 10.0
ENTRY_COUNT = 5_000
QUERY_COUNT = 3_000

ACTIONS = [
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Đăng ký",
    "Đăng ký lại",
    "Điều chỉnh",
    "Gia hạn",
    "Thu hồi",
    "Xác nhận",
    "Chứng thực",
    "Thẩm định",
    "Phê duyệt",
    "Công nhận",
    "Thay đổi",
    "Trích lục",
    "Giải quyết",
    "Hỗ trợ",
    "Chuyển đổi",
]
OBJECTS = [
    "Giấy khai sinh",
    "giấy chứng nhận kết hôn",
    "giấy phép xây dựng",
    "giấy phép lái xe",
    "giấy chứng nhận quyền sử dụng đất",
    "hộ tịch",
    "khai tử",
    "nhận cha mẹ con",
    "hợp đồng mua bán điện",
    "cấp điện mới từ lưới điện hạ áp",
    "chữ ký",
    "bản sao từ bản chính",
    "giấy phép kinh doanh",
    "hộ kinh doanh",
    "trợ cấp xã hội hằng tháng",
    "chế độ người có công",
    "giấy phép khai thác nước",
    "nhãn hiệu hàng hóa",
    "thẻ bảo hiểm y tế",
    "sổ hộ nghèo",
    "giấy phép lao động",
    "chứng chỉ hành nghề",
    "văn bằng",
    "di chuyển mộ liệt sĩ",
]
QUALIFIERS = [
    "",
    "",
    "",
    "cho người nước ngoài",
    "có yếu tố nước ngoài",
    "lưu động",
    "trực tuyến",
    "cho công dân Việt Nam cư trú ở nước ngoài",
    "do bị mất, hỏng",
    "lần đầu",
    "theo yêu cầu",
    "tại cấp xã",
    "tại cấp tỉnh",
    "đối với tổ chức",
    "đối với cá nhân",
]
AGENCIES = [
    "UBND xã",
    "UBND phường",
    "Sở Tư pháp",
    "Sở Xây dựng",
    "Sở Tài nguyên và Môi trường",
    "Sở Lao động - Thương binh và Xã hội",
    "Công ty Điện lực Hà Tĩnh",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Công an tỉnh",
    "Bảo hiểm xã hội tỉnh",
    "Sở Công Thương",
]
FIELDS = [
    "Hộ tịch",
    "Chứng thực",
    "Xây dựng",
    "Đất đai",
    "Điện",
    "Bảo trợ xã hội",
    "Người có công",
    "Kinh doanh",
    "Giao thông",
    "Tài nguyên nước",
    "Sở hữu trí tuệ",
    "Bảo hiểm",
    "Giáo dục",
    "Lao động",
    "Y tế",
]
QUERIES = [
    "cap lai giay khai sinh",
    "dien",
    "1.00",
    "ho tich",
    "dang ky ket hon",
    "giay phep xay dung",
    "chung thuc ban sao",
    "c",
    "ca",
    "cap",
    "tro cap xa hoi",
    "nguoi nuoc ngoai",
    "dat dai",
    "1.001",
    "2.00",
    "000123",
    "so tu phap",
    "bao hiem y te",
    "gia han giay phep lao dong",
    "khai tu luu dong",
    "ho kinh doanh",
    "dien luc ha tinh",
    "xa",
    "giay",
    "nhan cha me con",
    "1.002835",
    "the bao hiem",
    "di chuyen mo liet si",
    "cap doi",
    "van bang tai cap tinh",
]


def catalog(rng: random.Random) -> list[SearchEntry]:
    entries = []
    for i in range(ENTRY_COUNT):
        name = " ".join(
            p for p in (rng.choice(ACTIONS), rng.choice(OBJECTS), rng.choice(QUALIFIERS)) if p
        )
        code = f"{rng.choice('123')}.{rng.randrange(0, 1_000_000):06d}"
        if i % 10 == 0:  # local variant: national code plus the agency code
            code += f".000.00.{rng.randrange(100):02d}.H27"
        entries.append(SearchEntry(code, name, rng.choice(AGENCIES), rng.choice(FIELDS)))
    return entries


def queries(rng: random.Random, entries: list[SearchEntry]) -> list[str]:
    result = []
    for _ in range(QUERY_COUNT):
        kind = rng.random()
        if kind < 0.5:
            result.append(rng.choice(QUERIES))
        elif kind < 0.8:  # first few words of a real name, accent-free, maybe cut short
            words = search_key(rng.choice(entries).name).split()
            typed = " ".join(words[: rng.randint(1, len(words))])
            result.append(typed[: rng.randint(1, len(typed))])
        else:  # a code being typed
            code = rng.choice(entries).procedure_code
            result.append(code[: rng.randint(1, len(code))])
    return result


def main() -> int:
    rng = random.Random(118)
    entries = catalog(rng)
    started = time.perf_counter()
    index = CatalogIndex(entries)
    build_ms = (time.perf_counter() - started) * 1000
    qs = queries(rng, entries)
    timings = []
    hits = 0
    for query in qs:
        started = time.perf_counter()
        found = index.search(query)
        timings.append((time.perf_counter() - started) * 1000)
        hits += bool(found)
    timings.sort()
    p50 = statistics.median(timings)
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    print(f"entries: {len(entries)}, queries: {len(qs)}, with results: {hits}")
    print(f"index build: {build_ms:.1f} ms")
    print(f"p50: {p50:.3f} ms")
    print(f"p99: {p99:.3f} ms (target p99 <= {TARGET_P99_MS:g} ms)")
    print(f"max: {timings[-1]:.3f} ms")
    # Floor, same run: a linear scan testing each query word against precomputed entry keys.
    keys = [search_key(f"{e.procedure_code} {e.name} {e.agency_name} {e.field_name}") for e in entries]
    scan = []
    for query in qs:
        started = time.perf_counter()
        words = search_key(query).split()
        [k for k in keys if all(w in k for w in words)]
        scan.append((time.perf_counter() - started) * 1000)
    scan.sort()
    scan_p99 = scan[min(len(scan) - 1, int(len(scan) * 0.99))]
    print(f"floor_linear_scan: p50 {statistics.median(scan):.3f} ms, p99 {scan_p99:.3f} ms [floor]")
    print(f"catalog_search_p99_ms: {p99:.3f} {'PASS' if p99 <= TARGET_P99_MS else 'FAIL'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
