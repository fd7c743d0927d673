from __future__ import annotations

import pytest

from provider.app import create_app
from tests.fake_upstream import FakeUpstream, valid_config


@pytest.fixture
def upstream():
    fake = FakeUpstream()
    yield fake
    fake.close()


@pytest.fixture
def env():
    """The environment the app reads LOOM_CONFIG_* from (empty: nothing leaks in)."""
    return {}


@pytest.fixture
def client(env):
    app = create_app(environ=env)
    with app.test_client() as test_client:
        yield test_client


@pytest.fixture
def ready(client, upstream):
    """A client whose plugin is initialized against the fake upstream."""
    response = client.post("/initialize", json=valid_config(upstream.url, timeout=2))
    assert response.status_code == 200, response.get_json()
    return client
