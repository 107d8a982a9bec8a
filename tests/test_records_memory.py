"""100,000 records in one build (issue 15): the field names and the short values records repeat (people,
departments, statuses, dates) are held once, whether a record was read here or came back pickled from a
checking process or the cache. Counted by object identity, never the clock."""

from __future__ import annotations

import pickle

from generator.config import load_config
from generator.validate import load_repository


def _shared(records) -> tuple[int, int]:
    """(distinct key objects, key occurrences) over the records' front matter, and the same for short text."""
    keys = [k for r in records for k in r.fields]
    values = [v for r in records for v in r.fields.values() if type(v) is str and len(v) <= 20]
    return len({id(k) for k in keys}) + len({id(v) for v in values}), len(set(keys)) + len(set(values))


def test_records_share_their_field_names_and_short_values(demo):
    result = load_repository(demo, load_config(demo))
    assert not result.errors and len(result.records) > 100
    objects, distinct = _shared(result.records)
    assert objects == distinct            # one object per distinct name or value
    back = [pickle.loads(pickle.dumps(r)) for r in result.records]   # one by one, as they come back
    assert [r.fields for r in back] == [r.fields for r in result.records]
    objects, distinct = _shared(back)
    assert objects == distinct
