"""Per-user question rate limit, kept in application.bot_data (one per Application)."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class QuestionLimiter:
    """At most `per_minute` questions per user in any sliding 60-second window.

    Each question costs an embedding and a search; one user pasting a script should
    not slow the bot down for everyone else.
    """

    WINDOW = 60.0

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic):
        self.per_minute = max(1, int(per_minute))
        self._clock = clock
        self._asked: dict[int, deque[float]] = {}
        self._lock = threading.Lock()  # handlers may run concurrently

    def check(self, user_id: int) -> int:
        """Count a question if allowed and return 0; otherwise the seconds to wait."""
        now = self._clock()
        with self._lock:
            times = self._asked.setdefault(user_id, deque())
            while times and now - times[0] >= self.WINDOW:
                times.popleft()
            if len(times) >= self.per_minute:
                return max(1, math.ceil(self.WINDOW - (now - times[0])))
            times.append(now)
            if len(self._asked) > 10_000:  # forget idle users so the dict cannot grow forever
                self._asked = {u: t for u, t in self._asked.items() if t and now - t[-1] < self.WINDOW}
            return 0
