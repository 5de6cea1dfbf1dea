"""Site configuration: YAML/JSON loading, strict fields, cross-checks with readable errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from perimeter import state_machine as sm
from perimeter.config import ConfigError, SiteConfig, build_machine, load_site

EXAMPLE = Path(__file__).resolve().parents[2] / "perimeter" / "sites" / "example.yaml"


def base() -> dict:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def test_example_loads_from_yaml_and_json(tmp_path: Path) -> None:
    site = load_site(EXAMPLE)
    as_json = tmp_path / "site.json"
    as_json.write_text(json.dumps(base(), ensure_ascii=False), encoding="utf-8")
    assert load_site(as_json) == site
    fence = next(z for z in site.zones if z.id == "fence-n")
    assert (fence.host, fence.input, fence.location and fence.location.x) == ("H1", 1, 120)


def test_build_machine_carries_zone_linkage() -> None:
    m = build_machine(load_site(EXAMPLE))
    z = m.zone("fence-n")
    assert (z.type, z.cameras, z.outputs, z.label) == (
        sm.ZoneType.PERIMETER,
        ("cam-n1",),
        ("light-n",),
        "北围墙电子围栏",
    )
    assert m.zone("H1-box").host_id == "H1"  # enclosure tamper belongs to its host
    assert m.zone("smoke-power").host_id == "S1"
    assert [p.id for p in m.partitions()] == ["P1", "P2"]
    assert m.timing == sm.Timing(180, 300, 86400)


def mutate(path: str, value: object) -> dict:
    data = base()
    node = data
    keys = path.split(".")
    for k in keys[:-1]:
        node = node[int(k)] if k.isdigit() else node[k]
    last = keys[-1]
    node[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("zones.0.colour", "red", "Extra inputs are not permitted"),
        ("zones.0.type", "sometimes", "Input should be"),
        ("zones.0.partition", "P9", "unknown partition P9"),
        ("zones.0.host", "H9", "unknown host H9"),
        ("zones.0.input", 17, "input 17 > host H1 inputs 16"),
        ("zones.1.input", 1, "already used by fence-n"),
        ("zones.2.id", "fence-n", "duplicate zone id fence-n"),
        ("zones.0.input", None, "host and input go together"),
        ("hosts.0.tamper_zone", "fence-n", "must be a tamper zone"),
        ("hosts.0.host", None, "tcp needs host"),
        ("hosts.0.protocol", "scah", "protocol scah goes with transport serial"),
        ("hosts.1.protocol", "scah", "protocol scah goes with transport serial"),
        ("hosts.1.transport", "serial", "protocol scah goes with transport serial"),
        ("safety.0.zone", "fence-n", "must be a fire/safety zone"),
        ("safety.0.high", None, "give low and/or high"),
        ("schedules.0.action", "disarm", "不允许定时自动撤防"),
        ("schedules.0.time", "25:00", "should match pattern"),
        ("schedules.0.partition", "P7", "schedule: unknown partition P7"),
        ("timing.resound_after", 0, "greater than 0"),
        ("partitions", [], "at least 1 item"),
    ],
)
def test_invalid_site_is_refused(path: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SiteConfig.model_validate(mutate(path, value))


def test_yaml_error_names_the_line(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "type: delay, host: H1, input: 4", "type: dely, host: H1, input: 4"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "dely" in t)
    with pytest.raises(ConfigError, match=rf"bad\.yaml:{line} \(zones\.3\.type\)"):
        load_site(bad)


def test_unparseable_file_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.json"):
        load_site(bad)


def test_safety_sensor_needs_a_modbus_host() -> None:
    data = mutate("hosts.1.protocol", "scah")
    data["hosts"][1]["transport"] = "serial"
    with pytest.raises(ValueError, match="unknown Modbus host S1"):
        SiteConfig.model_validate(data)
