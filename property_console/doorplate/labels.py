"""zh-CN labels for the scan page."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "relation": {
        "owner": "房主",
        "family": "家庭成员",
        "tenant": "租户",
        "employee": "员工",
        "other": "其他",
    },
    "level": {"community": "小区", "building": "楼栋", "unit": "单元", "floor": "楼层", "room": "房屋"},
    "category": {
        "elderly_alone": "独居老人",
        "disabled": "残疾人",
        "minor_left_behind": "留守儿童",
        "key_care": "重点关注",
        "mental_health": "精神障碍",
        "veteran": "退役军人",
    },
    "population": {"registered": "户籍人口", "floating": "流动人口", "overseas": "境外人员"},
    "ownership": {"private": "私有", "public": "公有", "company": "单位", "other": "其他"},
    "rental": {"self_occupied": "自住", "rented": "出租", "partly_rented": "部分出租", "vacant": "空置"},
    "use": {"residential": "住宅", "commercial": "商用", "office": "办公", "mixed": "混合", "other": "其他"},
    "kind": {"move_in": "登记入住", "move_out": "登记迁出", "update": "信息变更"},
    "status": {"pending": "待确认", "confirmed": "已确认", "rejected": "已驳回"},
    "gender": {"male": "男", "female": "女", "unknown": "未知"},
}


def label(group: str, value: object) -> str:
    """The zh-CN label of a stored value (the value itself when unknown)."""
    if value is None:
        return ""
    return LABELS.get(group, {}).get(str(value), str(value))
