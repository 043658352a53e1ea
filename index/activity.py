"""The bot's own tables: the question log, feedback, deadline subscriptions and their statistics."""

from __future__ import annotations

import datetime as dt
import time

from index.search import Answer
from index.store import Store
from nlp.period import VIETNAM

# Why a 👎 was given, when the user said (the buttons under an answer).
FEEDBACK_REASONS = ("wrong_agency", "wrong_deadline", "irrelevant")


def vietnam_time(ts: float) -> str:
    """A stored UTC timestamp as the bot's users read it: "2026-12-01T07:05" in UTC+7."""
    return dt.datetime.fromtimestamp(ts, VIETNAM).isoformat(timespec="minutes")[:16]


class Activity:
    """What users did: questions asked, votes given, agencies followed."""

    def __init__(self, store: Store):
        self.store = store

    def log_question(self, user_id: int, chat_id: int, question: str, answer: Answer) -> int:
        top = answer.hits[0] if answer.hits else None
        with self.store.write() as db:
            return (
                db["questions"]
                .insert(
                    {
                        "ts": time.time(),
                        "user_id": user_id,
                        "chat_id": chat_id,
                        "question": question,
                        "answered": int(answer.answered),
                        "top_clause_id": top.clause.id if top else None,
                        "score": top.score if top else None,
                    }
                )
                .last_pk
            )

    def record_feedback(self, question_id: int, user_id: int, value: int, reason: str | None = None) -> None:
        row = {
            "question_id": question_id,
            "user_id": user_id,
            "value": 1 if value > 0 else -1,
            "ts": time.time(),
        }
        if reason is not None and value < 0:
            if reason not in FEEDBACK_REASONS:
                raise ValueError(f"unknown feedback reason {reason!r}")
            row["reason"] = reason
        with self.store.write() as db:
            db["feedback"].upsert(row, pk=("question_id", "user_id"))

    def stats(self, days: int = 7, now: float | None = None) -> dict:
        """Questions per day in Vietnam time (the `days` ending today there), declined and 👎 ones."""
        db = self.store.db
        now = time.time() if now is None else now
        first_day = dt.datetime.fromtimestamp(now, VIETNAM).date() - dt.timedelta(days=days - 1)
        since = dt.datetime.combine(first_day, dt.time(0), VIETNAM).timestamp()
        offset = int(VIETNAM.utcoffset(None).total_seconds())
        per_day = [
            (r["day"], r["n"])
            for r in db.query(
                "select date(ts + ?, 'unixepoch') as day, count(*) as n from questions where ts >= ? and ts <= ? "
                "group by day order by day",
                [offset, since, now],
            )
        ]
        declined = [
            (vietnam_time(r["ts"]), r["question"])
            for r in db.query(
                "select ts, question from questions where answered = 0 order by ts desc limit 20"
            )
        ]
        feedback = {"up": 0, "down": 0}
        for r in db.query("select value, count(*) as n from feedback group by value"):
            feedback["up" if r["value"] > 0 else "down"] = r["n"]
        disliked = [
            {
                "ts": vietnam_time(r["ts"]),
                "question": r["question"],
                "answered": bool(r["answered"]),
                "top_clause_id": r["top_clause_id"],
                "reason": r["reason"],
            }
            for r in db.query(
                "select q.ts, q.question, q.answered, q.top_clause_id, f.reason from feedback f "
                "join questions q on q.id = f.question_id where f.value < 0 order by f.ts desc limit 20"
            )
        ]
        return {"per_day": per_day, "declined": declined, "feedback": feedback, "disliked": disliked}

    def subscribe(self, chat_id: int, agency: str) -> None:
        """`agency` is an indexed agency's name (the caller resolves what the user typed)."""
        with self.store.write() as db:
            db["subscriptions"].upsert({"chat_id": chat_id, "agency": agency}, pk=("chat_id", "agency"))

    def unsubscribe(self, chat_id: int, agency: str | None = None) -> int:
        with self.store.write() as db:
            if agency is None:
                cursor = db.execute("delete from subscriptions where chat_id = ?", [chat_id])
            else:
                cursor = db.execute(
                    "delete from subscriptions where chat_id = ? and agency = ?", [chat_id, agency]
                )
            return cursor.rowcount

    def subscriptions(self) -> list[tuple[int, str]]:
        return [
            (r["chat_id"], r["agency"])
            for r in self.store.db.query("select chat_id, agency from subscriptions order by chat_id")
        ]
