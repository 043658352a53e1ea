"""The bot's own tables: the question log, feedback, deadline subscriptions and their statistics."""
from __future__ import annotations

import datetime as dt
import time

from index.search import Answer
from index.store import Store


class Activity:
    """What users did: questions asked, votes given, agencies followed."""

    def __init__(self, store: Store):
        self.store = store

    def log_question(self, user_id: int, chat_id: int, question: str, answer: Answer) -> int:
        top = answer.hits[0] if answer.hits else None
        with self.store.write() as db:
            return db["questions"].insert({
                "ts": time.time(), "user_id": user_id, "chat_id": chat_id, "question": question,
                "answered": int(answer.answered), "top_clause_id": top.clause.id if top else None,
                "score": top.score if top else None}).last_pk

    def record_feedback(self, question_id: int, user_id: int, value: int) -> None:
        with self.store.write() as db:
            db["feedback"].upsert({"question_id": question_id, "user_id": user_id,
                                   "value": 1 if value > 0 else -1, "ts": time.time()},
                                  pk=("question_id", "user_id"))

    def stats(self, days: int = 7) -> dict:
        db = self.store.db
        since = time.time() - days * 86400
        per_day = [(r["day"], r["n"]) for r in db.query(
            "select date(ts, 'unixepoch') as day, count(*) as n from questions where ts >= ? "
            "group by day order by day", [since])]
        declined = [(dt.datetime.fromtimestamp(r["ts"]).isoformat(timespec="minutes"),
                     r["question"]) for r in db.query(
            "select ts, question from questions where answered = 0 order by ts desc limit 20")]
        feedback = {"up": 0, "down": 0}
        for r in db.query("select value, count(*) as n from feedback group by value"):
            feedback["up" if r["value"] > 0 else "down"] = r["n"]
        return {"per_day": per_day, "declined": declined, "feedback": feedback}

    def subscribe(self, chat_id: int, agency: str) -> None:
        """`agency` is an indexed agency's name (the caller resolves what the user typed)."""
        with self.store.write() as db:
            db["subscriptions"].upsert({"chat_id": chat_id, "agency": agency},
                                       pk=("chat_id", "agency"))

    def unsubscribe(self, chat_id: int, agency: str | None = None) -> int:
        with self.store.write() as db:
            if agency is None:
                cursor = db.execute("delete from subscriptions where chat_id = ?", [chat_id])
            else:
                cursor = db.execute("delete from subscriptions where chat_id = ? and agency = ?",
                                    [chat_id, agency])
            return cursor.rowcount

    def subscriptions(self) -> list[tuple[int, str]]:
        return [(r["chat_id"], r["agency"]) for r in
                self.store.db.query("select chat_id, agency from subscriptions order by chat_id")]
