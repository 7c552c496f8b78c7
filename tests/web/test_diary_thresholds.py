"""The diary page words the summary with the summary's own thresholds, not copies of them."""

from __future__ import annotations

import inspect
import re

from spasmcheck.diary import summary
from spasmcheck.web import diary as web_diary


def test_the_page_imports_the_thresholds() -> None:
    page = vars(web_diary)
    for name in ("NIGHT_START_HOUR", "NIGHT_END_HOUR"):
        assert page[name] is getattr(summary, name), name
    # the trends are worded from the summary's one rule (issue 14 item 22), which holds the
    # significance level and the minimum weeks
    assert page["Direction"] is summary.Direction
    assert "SIGNIFICANCE" not in page and "MIN_TREND_WEEKS" not in page


def test_no_copied_threshold_in_the_page() -> None:
    source = inspect.getsource(web_diary)
    assert not re.search(r"p_value\s*<\s*0\.\d", source)
    assert not re.search(r"weeks\s*<\s*\d", source)
    assert "22:00" not in source
