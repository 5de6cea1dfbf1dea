"""Chinese labels for coded values, used in templates, imports and exports (codes are accepted too)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "use": {"residential": "住宅", "commercial": "商用", "office": "办公", "mixed": "商住", "other": "其他"},
    "ownership": {"private": "私有", "public": "公房", "company": "单位", "other": "其他"},
    "rental_status": {
        "self_occupied": "自住",
        "rented": "出租",
        "partly_rented": "部分出租",
        "vacant": "空置",
    },
    "id_type": {
        "resident_id": "居民身份证",
        "passport": "护照",
        "hk_macau_permit": "港澳居民来往内地通行证",
        "taiwan_permit": "台湾居民来往大陆通行证",
        "foreign_permanent": "外国人永久居留身份证",
        "other": "其他",
    },
    "gender": {"male": "男", "female": "女", "unknown": "未知"},
    "population_type": {"registered": "户籍", "floating": "流动", "overseas": "境外"},
    "special_categories": {
        "elderly_alone": "独居老人",
        "disabled": "残疾人",
        "minor_left_behind": "留守儿童",
        "key_care": "重点关爱",
        "mental_health": "精神障碍患者",
        "veteran": "退役军人",
    },
    "relation": {"owner": "业主", "family": "家属", "tenant": "租户", "employee": "员工", "other": "其他"},
    "plate_color": {
        "blue": "蓝",
        "yellow": "黄",
        "green": "绿",
        "yellow_green": "黄绿",
        "white": "白",
        "black": "黑",
    },
    "pass_type": {"resident": "业主车辆", "monthly": "月卡", "whitelist": "白名单", "blacklist": "黑名单"},
}
_REVERSE = {field: {label: code for code, label in m.items()} for field, m in LABELS.items()}


def to_code(field: str, value: str) -> str:
    """Label or code → code; unknown values pass through for the schema to refuse with its own message."""
    value = value.strip()
    return _REVERSE.get(field, {}).get(value, value)


def to_label(field: str, code: str | None) -> str:
    if code is None:
        return ""
    return LABELS.get(field, {}).get(code, code)
