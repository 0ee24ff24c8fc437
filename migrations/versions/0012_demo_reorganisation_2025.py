"""demo province: the 2025 reorganisation in a demo store made before it

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04

Only a store that holds the sample province as it was (Sở Thông tin và Truyền thông, code
000.00.06.H27, still valid, at the provincial centre c-tinh TTPVHCC.H27) is changed; any other
store is left alone. As resources/demo/province.json now has it (issue 8 §6):
- Sở TT&TT and Sở LĐ-TB&XH end on 28/02/2025; Sở Y tế is added;
- each moved procedure goes to its successor from 01/03/2025 and leaves a dated copy under the old
  department ("<id>@<unit id>", code "<code>.<unit code>", with its documents and fees);
- demo procedures whose code is illustrative get sample = 1 (their copies too);
- counters 2 and 6 of c-tinh, their queue lines and the centre's agencies follow; commune centres
  are "Trung tâm Phục vụ hành chính công xã/phường …"; Sở Y tế gets the dossier-number blocks Sở
  Nội vụ has.
Dossiers keep the agency that received them. Downgrade keeps the data (the schema is unchanged).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LAST_DAY = "2025-02-28"
_FIRST_DAY = "2025-03-01"
_GONE = ("u-so-tttt", "u-so-ldtbxh")
_HEALTH = ("u-so-y-te", "000.00.10.H27", "Sở Y tế tỉnh Hà Tĩnh", "Sở Y tế")
_HOME_AFFAIRS_CODE = "000.00.01.H27"

_MOVED = (  # procedure id, the department that decided it until 28/02/2025, its successor
    ("p-tt-ban-tin", "u-so-tttt", "u-so-vhttdl"),
    ("p-tt-tai-lieu-khong-kinh-doanh", "u-so-tttt", "u-so-vhttdl"),
    ("p-tt-hoat-dong-in", "u-so-tttt", "u-so-vhttdl"),
    ("p-tt-giay-phep-buu-chinh", "u-so-tttt", "u-so-khcn"),
    ("p-tt-thong-bao-buu-chinh", "u-so-tttt", "u-so-khcn"),
    ("p-tt-trang-ttdt-tong-hop", "u-so-tttt", "u-so-vhttdl"),
    ("p-tt-diem-tro-choi", "u-so-tttt", "u-so-vhttdl"),
    ("p-tt-cot-ang-ten", "u-so-tttt", "u-so-khcn"),
    ("p-ld-giay-phep-lao-dong", "u-so-ldtbxh", "u-so-noi-vu"),
    ("p-ld-xac-nhan-khong-gpld", "u-so-ldtbxh", "u-so-noi-vu"),
    ("p-ld-dich-vu-viec-lam", "u-so-ldtbxh", "u-so-noi-vu"),
    ("p-ld-tro-cap-that-nghiep", "u-so-ldtbxh", "u-so-noi-vu"),
    ("p-ld-noi-quy-lao-dong", "u-so-ldtbxh", "u-so-noi-vu"),
    ("p-ld-di-chuyen-ho-so-ncc", "u-so-ldtbxh", "u-so-noi-vu"),
    ("p-ld-tro-cap-mot-lan-ncc", "u-so-ldtbxh", "u-so-noi-vu"),
    ("p-ld-co-so-tro-giup", "u-so-ldtbxh", "u-so-y-te"),
    ("p-ld-giao-duc-nghe-nghiep", "u-so-ldtbxh", "u-so-gddt"),
)

_SAMPLE = (  # demo procedures whose code could not be found in the national database
    "p-chung-thuc-hop-dong", "p-lien-thong-khai-sinh", "p-lien-thong-khai-tu", "p-nv-bang-khen",
    "p-nv-tap-the-ldxs", "p-nv-co-thi-dua", "p-nv-le-ngoai-co-so", "p-nv-thuyen-chuyen-chuc-sac",
    "p-nv-tiep-nhan-cong-chuc", "p-nv-khai-thac-luu-tru", "p-ngv-hoi-nghi-quoc-te", "p-ngv-abtc",
    "p-ngv-hop-phap-hoa", "p-ngv-doan-vao", "p-kh-hop-chuan", "p-kh-hop-quy", "p-kh-kiem-tra-nhap-khau",
    "p-kh-doanh-nghiep-khcn", "p-kh-dang-ky-ket-qua", "p-kh-to-chuc-khcn", "p-kh-x-quang",
    "p-tt-ban-tin", "p-tt-tai-lieu-khong-kinh-doanh", "p-tt-hoat-dong-in", "p-tt-giay-phep-buu-chinh",
    "p-tt-thong-bao-buu-chinh", "p-tt-trang-ttdt-tong-hop", "p-tt-diem-tro-choi", "p-tt-cot-ang-ten",
    "p-gd-ban-sao-van-bang", "p-gd-chinh-sua-van-bang", "p-gd-cong-nhan-van-bang-nn",
    "p-gd-chuyen-truong-thpt", "p-gd-trung-tam-ngoai-ngu", "p-gd-phuc-khao-thpt", "p-vh-karaoke",
    "p-vh-trien-lam", "p-vh-bieu-dien", "p-vh-lu-hanh-noi-dia", "p-vh-the-hdv-noi-dia",
    "p-vh-hang-luu-tru", "p-vh-kinh-doanh-the-thao", "p-ld-giay-phep-lao-dong",
    "p-ld-xac-nhan-khong-gpld", "p-ld-dich-vu-viec-lam", "p-ld-tro-cap-that-nghiep",
    "p-ld-noi-quy-lao-dong", "p-ld-di-chuyen-ho-so-ncc", "p-ld-tro-cap-mot-lan-ncc",
    "p-ld-co-so-tro-giup", "p-ld-giao-duc-nghe-nghiep", "p-tc-ma-so-dvqhns", "p-tc-thanh-ly-tai-san",
    "p-tc-mua-sam-tai-san", "p-tc-hiep-thuong-gia", "p-tc-thanh-lap-tnhh-1tv", "p-ct-attp",
    "p-ct-kien-thuc-attp", "p-ct-khuyen-mai-may-rui", "p-ct-hoa-chat", "p-ct-ban-le-lpg",
    "p-ct-ban-le-ruou", "p-ct-phat-dien", "p-ct-ban-le-dien", "p-ev-cap-dien-ha-ap",
    "p-ev-cap-dien-trung-ap", "p-ev-thay-doi-cong-suat", "p-ev-chuyen-ten-hop-dong",
    "p-ev-thay-doi-muc-dich", "p-ev-kiem-dinh-cong-to", "p-ev-di-doi-cong-to",
)  # fmt: skip

_COUNTERS = (  # counter id, old name, new name (= its queue line's group)
    ("c-tinh-q2", "Quầy 2 — Sở Thông tin và Truyền thông", "Quầy 2 — Sở Y tế"),
    ("c-tinh-q6", "Quầy 6 — Sở Lao động - Thương binh và Xã hội",
     "Quầy 6 — Sở Nội vụ: lao động, việc làm, người có công"),
)

_COMMUNE_CENTRES = ("c-p-thanh-sen", "c-p-bac-hong-linh", "c-x-cam-xuyen", "c-x-loc-ha", "c-x-ky-anh")
_OLD_PREFIX, _NEW_PREFIX = "Bộ phận Một cửa ", "Trung tâm Phục vụ hành chính công "

_PROCEDURE_COLUMNS = (
    "name, field_id, level, duration_unit, duration_amount, duration_cutoff, channels, post_dossier, "
    "post_result, requires_in_person, result_description, legal_basis, catalog_version, sample"
)


def _is_old_demo_store(bind: sa.engine.Connection) -> bool:
    unit = bind.execute(
        sa.text("SELECT code, valid_to FROM units WHERE id = 'u-so-tttt'")
    ).first()
    centre = bind.execute(sa.text("SELECT code FROM centres WHERE id = 'c-tinh'")).first()
    return (
        unit is not None and unit[0] == "000.00.06.H27" and unit[1] is None
        and centre is not None and centre[0] == "TTPVHCC.H27"
    )


def upgrade() -> None:
    bind = op.get_bind()
    if not _is_old_demo_store(bind):
        return
    run = bind.execute
    for procedure_id in _SAMPLE:
        run(sa.text("UPDATE procedures SET sample = 1 WHERE id = :id OR id LIKE :copies"),
            {"id": procedure_id, "copies": f"{procedure_id}@%"})
    run(sa.text(f"UPDATE units SET valid_to = '{_LAST_DAY}' WHERE id IN ('u-so-tttt', 'u-so-ldtbxh')"))
    if bind.execute(sa.text("SELECT 1 FROM units WHERE id = :id"), {"id": _HEALTH[0]}).first() is None:
        run(sa.text(
            "INSERT INTO units (id, code, name, short_name, kind, parent_id, valid_from, valid_to) "
            "VALUES (:id, :code, :name, :short, 'department', 'u-tinh-ha-tinh', NULL, NULL)"
        ), dict(zip(("id", "code", "name", "short"), _HEALTH, strict=True)))
    for procedure_id, old, new in _MOVED:
        found = run(
            sa.text("SELECT 1 FROM procedures WHERE id = :id AND agency_unit_id = :old"),
            {"id": procedure_id, "old": old},
        ).first()
        if found is None:
            continue
        copy = {"id": procedure_id, "copy": f"{procedure_id}@{old}", "old": old}
        run(sa.text(
            f"INSERT INTO procedures (id, code, agency_unit_id, valid_from, valid_to, {_PROCEDURE_COLUMNS}) "
            f"SELECT :copy, procedures.code || '.' || units.code, :old, procedures.valid_from, '{_LAST_DAY}', "
            f"{', '.join('procedures.' + c.strip() for c in _PROCEDURE_COLUMNS.split(','))} "
            "FROM procedures JOIN units ON units.id = :old WHERE procedures.id = :id"
        ), copy)
        run(sa.text(
            "INSERT INTO procedure_components "
            "(procedure_id, position, name, originals, certified_copies, photocopies, required, note) "
            "SELECT :copy, position, name, originals, certified_copies, photocopies, required, note "
            "FROM procedure_components WHERE procedure_id = :id"
        ), copy)
        run(sa.text(
            "INSERT INTO procedure_fees (procedure_id, position, name, amount, kind, note, due) "
            "SELECT :copy, position, name, amount, kind, note, due FROM procedure_fees WHERE procedure_id = :id"
        ), copy)
        run(sa.text(
            f"UPDATE procedures SET agency_unit_id = :new, valid_from = '{_FIRST_DAY}' WHERE id = :id"
        ), {"id": procedure_id, "new": new})
    for counter_id, old_name, new_name in _COUNTERS:
        run(sa.text("UPDATE counters SET name = :new WHERE id = :id AND name = :old"),
            {"id": counter_id, "old": old_name, "new": new_name})
        old_group, new_group = old_name.partition("— ")[2], new_name.partition("— ")[2]
        run(sa.text(
            "UPDATE queue_lines SET name = 'Nộp hồ sơ — ' || :new, group_name = :new "
            "WHERE centre_id = 'c-tinh' AND group_name = :old"
        ), {"old": old_group, "new": new_group})
    run(sa.text("DELETE FROM centre_agencies WHERE centre_id = 'c-tinh' AND unit_id IN ('u-so-tttt', 'u-so-ldtbxh')"))
    if run(sa.text("SELECT 1 FROM centre_agencies WHERE centre_id = 'c-tinh' AND unit_id = :u"),
           {"u": _HEALTH[0]}).first() is None:
        run(sa.text("INSERT INTO centre_agencies (centre_id, unit_id) VALUES ('c-tinh', :u)"), {"u": _HEALTH[0]})
    for centre_id in _COMMUNE_CENTRES:
        run(sa.text(
            "UPDATE centres SET name = :new_prefix || substr(name, :cut), code = 'TTPVHCC.' || substr(code, 6) "
            "WHERE id = :id AND name LIKE :old_like AND code LIKE 'BPMC.%'"
        ), {"id": centre_id, "new_prefix": _NEW_PREFIX, "cut": len(_OLD_PREFIX) + 1,
            "old_like": _OLD_PREFIX + "%"})
    if run(sa.text("SELECT 1 FROM sequence_leases WHERE agency_code = :c"), {"c": _HEALTH[1]}).first() is None:
        run(sa.text(
            "INSERT INTO sequence_leases (device_id, agency_code, first, last, valid_from, valid_to) "
            "SELECT device_id, :c, first, last, valid_from, valid_to FROM sequence_leases WHERE agency_code = :home"
        ), {"c": _HEALTH[1], "home": _HOME_AFFAIRS_CODE})


def downgrade() -> None:
    pass  # the data stays as the 2025 structure has it; the schema did not change
