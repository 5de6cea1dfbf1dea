"""Sheet definitions: which columns each kind has, their Chinese headers, and which field each fills."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False
    example: str = ""
    coded: bool = False  # value is a code with a Chinese label (see labels.py)
    multi: bool = False  # several values separated by 、 or ,


SHEETS: dict[str, tuple[Column, ...]] = {
    "houses": (
        Column("地址编码", "address_code", True, "C0001-1-1-3-0302"),
        Column("用途", "use", False, "住宅", coded=True),
        Column("产权性质", "ownership", False, "私有", coded=True),
        Column("出租状态", "rental_status", False, "自住", coded=True),
        Column("面积(平方米)", "area_m2", False, "89.5"),
        Column("备注", "note"),
    ),
    "persons": (
        Column("证件类型", "id_type", False, "居民身份证", coded=True),
        Column("证件号码", "id_number", True, "11010519491231002X"),
        Column("姓名", "name", True, "张三"),
        Column("性别", "gender", False, "", coded=True),
        Column("出生日期", "birth_date", False, ""),
        Column("民族", "ethnicity", False, "汉族"),
        Column("国籍", "nationality", False, "CHN"),
        Column("联系电话", "phone", False, "13800138000"),
        Column("人口类型", "population_type", False, "户籍", coded=True),
        Column("特殊人群", "special_categories", False, "", coded=True, multi=True),
        Column("备注", "note"),
    ),
    "residencies": (
        Column("证件类型", "id_type", False, "居民身份证", coded=True),
        Column("证件号码", "id_number", True, "11010519491231002X"),
        Column("地址编码", "address_code", True, "C0001-1-1-3-0302"),
        Column("关系", "relation", True, "业主", coded=True),
        Column("开始日期", "start_date", True, "2020-01-01"),
        Column("结束日期", "end_date", False, ""),
    ),
    "vehicles": (
        Column("车牌号码", "plate", True, "皖A12345"),
        Column("号牌颜色", "plate_color", False, "蓝", coded=True),
        Column("车身颜色", "vehicle_color", False, "白"),
        Column("品牌", "brand", False, ""),
        Column("车主证件号码", "owner_id_number", False, "11010519491231002X"),
        Column("地址编码", "address_code", False, "C0001-1-1-3-0302"),
        Column("通行类型", "pass_type", False, "业主车辆", coded=True),
        Column("有效期至", "valid_until", False, ""),
    ),
}
KIND_ZH = {"houses": "房屋", "persons": "人员", "residencies": "居住关系", "vehicles": "车辆"}
