"""The naming rules every service's settings follow (services/common/config.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories.fakes import FakeAnalyser

from deploy.settings import StackSettings
from services.alerts.app import create_app as create_alerts_app
from services.alerts.config import AlertsSettings
from services.api import ApiSettings
from services.classify.app import create_app as create_classify_app
from services.classify.config import ClassifySettings
from services.common.config import CommonSettings
from services.index.config import IndexSettings
from services.ingest.config import IngestSettings

ALL_SETTINGS = (ApiSettings, ClassifySettings, StackSettings, IndexSettings, IngestSettings, AlertsSettings)


@pytest.mark.parametrize("settings_class", ALL_SETTINGS)
def test_settings_durations_end_in_seconds(settings_class: type[CommonSettings]) -> None:
    other_units = [name for name in settings_class.model_fields if name.endswith(("_s", "_ms", "_secs"))]
    assert other_units == []


def test_settings_group_ids_and_state_dirs_follow_one_rule(tmp_path: Path) -> None:
    settings = CommonSettings(topic_prefix="p-", state_dir=tmp_path)
    assert settings.group_id("index") == "p-caresignal-index"
    assert settings.service_state_dir("ingest") == tmp_path / "ingest"
    assert IngestSettings(state_dir=tmp_path).seen_store_file().parent == tmp_path / "ingest"


def test_settings_faust_apps_are_named_caresignal_service(tmp_path: Path) -> None:
    common = {"topic_prefix": "p-", "state_dir": tmp_path}
    classify = create_classify_app(
        ClassifySettings(**common, classify_web_enabled=False), analyser=FakeAnalyser()
    )
    alerts = create_alerts_app(AlertsSettings(**common, alerts_web_enabled=False))
    assert (classify.conf.id, alerts.conf.id) == ("p-caresignal-classify", "p-caresignal-alerts")
    assert Path(classify.conf.datadir).parent == tmp_path / "classify"
    assert Path(alerts.conf.datadir).parent == tmp_path / "alerts"
    assert classify.conf.web_bind == alerts.conf.web_bind == "127.0.0.1"
