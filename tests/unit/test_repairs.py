"""Severity decides the promised arrival: emergencies must never be filed as routine."""
import pytest

from actions.backend.models import FaultType, Severity
from actions.repairs import assess_severity


@pytest.mark.parametrize(
    "fault, text, expected",
    [
        (FaultType.LEAK, "马路上水管爆了，水柱有一米多高", Severity.EMERGENCY),
        (FaultType.LEAK, "楼上漏下来的水把我家淹了", Severity.EMERGENCY),
        (FaultType.LEAK, "厨房水龙头一直滴水", Severity.NORMAL),
        (FaultType.NO_WATER, "家里没水了", Severity.URGENT),
        (FaultType.WATER_QUALITY, "水有点白，放一会就清了", Severity.NORMAL),
        (FaultType.WATER_QUALITY, "水是红色的，孩子喝了拉肚子", Severity.URGENT),
        (FaultType.LOW_PRESSURE, "水小得像眼泪", Severity.NORMAL),
        (FaultType.METER, "想校验一下水表", Severity.SCHEDULED),
        (FaultType.METER, "水表冻裂了在漏水", Severity.NORMAL),
    ],
)
def test_assess_severity(fault, text, expected):
    assert assess_severity(fault, text) == expected
