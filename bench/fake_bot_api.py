"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests and benchmarks of the bot.

The real python-telegram-bot client talks to it over HTTP exactly as it would talk to
api.telegram.org: long-polling getUpdates, sendMessage, editMessageText, getFile and
the file download path. Tests push updates (messages, button presses, documents),
then wait for the calls the bot makes. Every call is recorded with its decoded
parameters. Like Telegram, the server refuses (400) HTML it cannot parse, messages
over 4096 UTF-16 units, callback data over 64 bytes, edits that change nothing and
answers to unknown callback queries; unlike Telegram, it counts the raw HTML length,
which is stricter and so catches a splitter that cuts too late.

Standard library only (http.server in a thread): aiohttp is not a dependency.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import json
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijkl"
BOT_ID = 123456789
BOT_USERNAME = "planbot_test_bot"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Planbot", "username": BOT_USERNAME}

ALLOWED_TAGS = frozenset({"b", "i", "u", "s", "a", "code", "pre", "blockquote", "tg-spoiler"})
ALLOWED_ENTITIES = frozenset({"lt", "gt", "amp", "quot"})
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
MAX_DOWNLOAD = 20 * 1024 * 1024  # the Bot API refuses getFile above this
MAX_CAPTION = 1024
MAX_PHOTO = 10 * 1024 * 1024
MAX_UPLOAD = 50 * 1024 * 1024

_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "commands",
        "scope",
        "allowed_updates",
        "link_preview_options",
        "entities",
    }
)
_INT_PARAMS = frozenset({"chat_id", "message_id", "offset", "limit", "user_id", "cache_time"})
_FLOAT_PARAMS = frozenset({"timeout"})


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class ApiError(Exception):
    def __init__(self, description: str, code: int = 400):
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    ok: bool = True
    error: str | None = None
    at: float = field(default_factory=time.monotonic)

    def __repr__(self) -> str:  # short, for assertion messages
        text = self.params.get("text") or self.params.get("data") or ""
        return f"<{self.method} {'ok' if self.ok else self.error} {str(text)[:60]!r}>"


class _TelegramHtml(HTMLParser):
    """Parses a message the way Telegram's HTML mode does and keeps the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.errors.append(f'unsupported start tag "{tag}"')
        if tag == "a" and not dict(attrs).get("href"):
            self.errors.append("<a> without href")
        self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.errors.append(f'unsupported self-closing tag "{tag}"')

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f'unmatched end tag "{tag}"')
        else:
            self.stack.pop()

    def handle_data(self, data):
        for ch in "<>&":
            if ch in data:
                self.errors.append(f"unescaped {ch!r} in text")
        self.text.append(data)

    def handle_entityref(self, name):
        if name not in ALLOWED_ENTITIES:
            self.errors.append(f"unsupported entity &{name};")
        self.text.append({"lt": "<", "gt": ">", "amp": "&", "quot": '"'}.get(name, "?"))

    def handle_charref(self, name):
        self.text.append("?")

    def handle_comment(self, data):
        self.errors.append("comment")

    def handle_decl(self, decl):
        self.errors.append("declaration")

    def handle_pi(self, data):
        self.errors.append("processing instruction")

    def unknown_decl(self, data):
        self.errors.append("unknown declaration")


def parse_html(text: str) -> tuple[str, list[str]]:
    """(visible text, errors) of a message sent with parse_mode=HTML."""
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.stack:
        parser.errors.append(f"unclosed tags {parser.stack}")
    return "".join(parser.text), parser.errors


def check_text(text: Any, parse_mode: Any) -> str:
    """Validate a message text as Telegram would; returns the visible text."""
    if not isinstance(text, str) or not text.strip():
        raise ApiError("Bad Request: message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise ApiError(f"Bad Request: message is too long ({utf16_len(text)} UTF-16 units)")
    if str(parse_mode).upper() != "HTML":
        return text
    visible, errors = parse_html(text)
    if errors:
        raise ApiError(f"Bad Request: can't parse entities: {'; '.join(errors)}")
    if not visible.strip():
        raise ApiError("Bad Request: message text is empty")
    return visible


def check_markup(markup: Any) -> None:
    if markup is None:
        return
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if rows is None:
        return  # reply keyboards are not used by planbot; accept them unchecked
    for row in rows:
        for button in row:
            if not button.get("text"):
                raise ApiError("Bad Request: BUTTON_TEXT_INVALID")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
                raise ApiError("Bad Request: BUTTON_DATA_INVALID")


class FakeBotApi:
    """The server, its recorded calls, and helpers to push updates and wait for replies."""

    def __init__(self, token: str = TOKEN):
        self.token = token
        self.calls: list[Call] = []
        self.commands: dict[str, list[dict]] = {}  # scope type (+chat id) → commands
        self._cond = threading.Condition()
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(50000)
        self._callback_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._messages: dict[tuple[int, int], dict] = {}
        self._callbacks: dict[str, bool] = {}  # id → answered
        self._files: dict[str, dict] = {}
        self._closing = False
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle ------------------------------------------------------------------

    def start(self) -> "FakeBotApi":
        api = self

        class Handler(_Handler):
            fake = api

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        threading.Thread(target=self._server.serve_forever, name="fake-bot-api", daemon=True).start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> "FakeBotApi":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # --- pushing updates --------------------------------------------------------------

    @staticmethod
    def user(user_id: int, name: str = "Người dùng") -> dict:
        return {"id": user_id, "is_bot": False, "first_name": name, "language_code": "vi"}

    @staticmethod
    def private_chat(user_id: int) -> dict:
        return {"id": user_id, "type": "private", "first_name": "Người dùng"}

    @staticmethod
    def group_chat(chat_id: int = -1001234567890, title: str = "Tổ công tác") -> dict:
        return {"id": chat_id, "type": "supergroup", "title": title}

    def push(self, update: dict) -> dict:
        with self._cond:
            update = {"update_id": next(self._update_ids), **update}
            self._updates.append(update)
            self._cond.notify_all()
        return update

    def _new_message(self, user: dict, chat: dict | None, **fields) -> dict:
        chat = chat or self.private_chat(user["id"])
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            **fields,
        }
        with self._cond:
            self._messages[(chat["id"], message["message_id"])] = message
        return message

    def send_text(
        self, text: str, user: dict, chat: dict | None = None, reply_to: dict | None = None
    ) -> dict:
        """A user sends `text`; commands and @mentions get their entities, as Telegram does."""
        fields: dict[str, Any] = {"text": text}
        entities = _entities(text)
        if entities:
            fields["entities"] = entities
        if reply_to is not None:
            fields["reply_to_message"] = {k: v for k, v in reply_to.items() if k != "html"}
        message = self._new_message(user, chat, **fields)
        self.push({"message": message})
        return message

    def send_document(
        self,
        file_name: str,
        content: bytes,
        user: dict,
        chat: dict | None = None,
        file_size: int | None = None,
        mime_type: str = "application/octet-stream",
    ) -> dict:
        """A user sends a file; `file_size` lets a test announce a size the bytes do not have."""
        file_id = f"FILE{next(self._file_ids)}"
        size = len(content) if file_size is None else file_size
        suffix = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        with self._cond:
            self._files[file_id] = {
                "content": content,
                "size": size,
                "path": f"documents/file_{file_id}.{suffix}",
            }
        document = {
            "file_id": file_id,
            "file_unique_id": f"U{file_id}",
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": size,
        }
        message = self._new_message(user, chat, document=document)
        self.push({"message": message})
        return message

    def press(self, message: dict, data: str, user: dict) -> str:
        """A user presses an inline button (or forges one) on a message the bot sent."""
        query_id = f"CB{next(self._callback_ids)}"
        with self._cond:
            self._callbacks[query_id] = False
            current = self._messages.get((message["chat"]["id"], message["message_id"]), message)
            current = {k: v for k, v in current.items() if k != "html"}
        self.push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "message": current,
                    "chat_instance": str(message["chat"]["id"]),
                    "data": data,
                }
            }
        )
        return query_id

    # --- inspecting calls ---------------------------------------------------------------

    def mark(self) -> int:
        """The index from which later waits look; call it before pushing an update."""
        with self._cond:
            return len(self.calls)

    def calls_of(self, method: str, since: int = 0) -> list[Call]:
        with self._cond:
            return [c for c in self.calls[since:] if c.method == method]

    def errors(self, since: int = 0) -> list[Call]:
        with self._cond:
            return [c for c in self.calls[since:] if not c.ok]

    def message(self, chat_id: int, message_id: int) -> dict:
        with self._cond:
            return dict(self._messages[(chat_id, message_id)])

    async def wait_for(
        self,
        method: str,
        where: Callable[[dict], bool] | None = None,
        since: int = 0,
        timeout: float = 15.0,
    ) -> Call:
        """The first successful `method` call after `since` whose params satisfy `where`."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            with self._cond:
                for call in self.calls[since:]:
                    if call.method == method and call.ok and (where is None or where(call.params)):
                        return call
                recent = [c for c in self.calls[since:] if c.method != "getUpdates"][-12:]
            if loop.time() > end:
                raise AssertionError(f"no {method} call within {timeout}s; since then: {recent}")
            await asyncio.sleep(0.01)

    async def wait_reply(self, chat_id: int, since: int, timeout: float = 15.0) -> Call:
        return await self.wait_for("sendMessage", lambda p: p.get("chat_id") == chat_id, since, timeout)

    async def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until no call has arrived for `quiet` seconds (to assert that nothing was sent)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while loop.time() < end:
            with self._cond:
                last = max((c.at for c in self.calls if c.method != "getUpdates"), default=0.0)
            if time.monotonic() - last >= quiet:
                return
            await asyncio.sleep(0.05)

    def sent_message(self, call: Call) -> dict:
        """The message a sendMessage/editMessageText call created, as a user would see it."""
        with self._cond:
            return dict(self._messages[(call.params["chat_id"], call.params["_message_id"])])

    # --- the Bot API --------------------------------------------------------------------

    def handle(self, method: str, params: dict) -> Any:
        name = method.lower()
        handler = getattr(self, f"_api_{name}", None)
        if handler is None:
            raise ApiError("Not Found", 404)
        return handler(params)

    def _record(self, call: Call) -> None:
        with self._cond:
            self.calls.append(call)

    def _api_getme(self, p):
        return {
            **BOT_USER,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _api_deletewebhook(self, p):
        return True

    def _api_getupdates(self, p):
        offset = int(p.get("offset") or 0)
        limit = int(p.get("limit") or 100)
        end = time.monotonic() + float(p.get("timeout") or 0)
        with self._cond:
            if offset:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and not self._closing and time.monotonic() < end:
                self._cond.wait(max(0.0, end - time.monotonic()))
            return list(self._updates[:limit])

    def _store_bot_message(self, p: dict, visible: str) -> dict:
        chat_id = p["chat_id"]
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
        if chat_id < 0:
            chat["title"] = "Tổ công tác"
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": BOT_USER,
            "text": visible,
        }
        if p.get("reply_markup"):
            message["reply_markup"] = p["reply_markup"]
        reply = p.get("reply_parameters") or {}
        with self._cond:
            if reply.get("message_id") and (chat_id, reply["message_id"]) in self._messages:
                message["reply_to_message"] = self._messages[(chat_id, reply["message_id"])]
            self._messages[(chat_id, message["message_id"])] = {**message, "html": p.get("text")}
        p["_message_id"] = message["message_id"]
        return message

    def _upload(self, p: dict, field: str, limit: int) -> Upload:
        if not isinstance(p.get("chat_id"), int):
            raise ApiError("Bad Request: chat not found")
        upload = p.get(field)
        if isinstance(upload, str) and upload.startswith("attach://"):
            upload = p.get(upload[len("attach://") :])
        if not isinstance(upload, Upload) or not upload.content:
            raise ApiError(f"Bad Request: there is no {field} in the request")
        if len(upload.content) > limit:
            raise ApiError("Request Entity Too Large", 413)
        return upload

    def _caption(self, p: dict) -> str:
        if p.get("caption") is None:
            return ""
        if utf16_len(p["caption"]) > MAX_CAPTION:
            raise ApiError("Bad Request: message caption is too long")
        return check_text(p["caption"], p.get("parse_mode"))

    def _store_file_message(self, p: dict, field: str, value: Any, caption: str) -> dict:
        message = self._store_bot_message(p, "")
        message.pop("text")
        message[field] = value
        if caption:
            message["caption"] = caption
        with self._cond:
            stored = self._messages[(p["chat_id"], message["message_id"])]
            stored.pop("text")
            stored.update({field: value, "caption": caption, "html": p.get("caption")})
        return message

    def _api_sendphoto(self, p):
        upload = self._upload(p, "photo", MAX_PHOTO)
        from PIL import Image  # Telegram refuses what is not a picture

        try:
            with Image.open(io.BytesIO(upload.content)) as image:
                width, height = image.size
        except Exception as exc:
            raise ApiError(f"Bad Request: IMAGE_PROCESS_FAILED ({exc})") from exc
        if width + height > 10000 or max(width, height) > 20 * min(width, height):
            raise ApiError("Bad Request: PHOTO_INVALID_DIMENSIONS")
        caption = self._caption(p)
        check_markup(p.get("reply_markup"))
        file_id = f"photo{next(self._message_ids)}"
        sizes = [
            {
                "file_id": file_id,
                "file_unique_id": f"U{file_id}",
                "width": width,
                "height": height,
                "file_size": len(upload.content),
            }
        ]
        return self._store_file_message(p, "photo", sizes, caption)

    def _api_senddocument(self, p):
        upload = self._upload(p, "document", MAX_UPLOAD)
        caption = self._caption(p)
        check_markup(p.get("reply_markup"))
        file_id = f"doc{next(self._message_ids)}"
        document = {
            "file_id": file_id,
            "file_unique_id": f"U{file_id}",
            "file_name": upload.filename,
            "mime_type": upload.content_type,
            "file_size": len(upload.content),
        }
        return self._store_file_message(p, "document", document, caption)

    def _api_sendmessage(self, p):
        if not isinstance(p.get("chat_id"), int):
            raise ApiError("Bad Request: chat not found")
        visible = check_text(p.get("text"), p.get("parse_mode"))
        check_markup(p.get("reply_markup"))
        return self._store_bot_message(p, visible)

    def _find(self, p: dict, what: str) -> dict:
        with self._cond:
            message = self._messages.get((p.get("chat_id"), p.get("message_id")))
        if message is None or message.get("from", {}).get("id") != BOT_ID:
            raise ApiError(f"Bad Request: message to {what} not found")
        return message

    def _api_editmessagetext(self, p):
        message = self._find(p, "edit")
        visible = check_text(p.get("text"), p.get("parse_mode"))
        check_markup(p.get("reply_markup"))
        if p.get("text") == message.get("html") and p.get("reply_markup") == message.get("reply_markup"):
            raise ApiError(
                "Bad Request: message is not modified: specified new message content and reply markup are exactly the same"
            )
        with self._cond:
            message.update(text=visible, html=p.get("text"))
            message.pop("reply_markup", None)
            if p.get("reply_markup"):
                message["reply_markup"] = p["reply_markup"]
        p["_message_id"] = message["message_id"]
        return {k: v for k, v in message.items() if k != "html"}

    def _api_editmessagereplymarkup(self, p):
        message = self._find(p, "edit")
        check_markup(p.get("reply_markup"))
        if p.get("reply_markup") == message.get("reply_markup"):
            raise ApiError("Bad Request: message is not modified")
        with self._cond:
            message.pop("reply_markup", None)
            if p.get("reply_markup"):
                message["reply_markup"] = p["reply_markup"]
        return {k: v for k, v in message.items() if k != "html"}

    def _api_deletemessage(self, p):
        self._find(p, "delete")
        with self._cond:
            del self._messages[(p["chat_id"], p["message_id"])]
        return True

    def _api_answercallbackquery(self, p):
        query_id = p.get("callback_query_id")
        with self._cond:
            if self._callbacks.get(query_id, True):
                raise ApiError(
                    "Bad Request: query is too old and response timeout expired or query ID is invalid"
                )
            self._callbacks[query_id] = True
        if len(str(p.get("text") or "")) > 200:
            raise ApiError("Bad Request: MESSAGE_TOO_LONG")
        return True

    def _api_sendchataction(self, p):
        if p.get("action") not in {
            "typing",
            "upload_document",
            "upload_photo",
            "record_voice",
            "find_location",
        }:
            raise ApiError("Bad Request: wrong parameter action in request")
        return True

    def _api_setmycommands(self, p):
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError("Bad Request: commands must be a list")
        for command in commands:
            name, description = command.get("command", ""), command.get("description", "")
            if not (
                1 <= len(name) <= 32 and name.islower() and name.replace("_", "").isalnum() and name.isascii()
            ):
                raise ApiError(f"Bad Request: BOT_COMMAND_INVALID {name!r}")
            if not 1 <= len(description) <= 256:
                raise ApiError("Bad Request: command description is invalid")
        scope = p.get("scope") or {"type": "default"}
        key = scope["type"] + (f":{scope['chat_id']}" if "chat_id" in scope else "")
        self.commands[key] = commands
        return True

    def _api_getfile(self, p):
        with self._cond:
            info = self._files.get(p.get("file_id"))
        if info is None:
            raise ApiError("Bad Request: invalid file_id")
        if info["size"] > MAX_DOWNLOAD:
            raise ApiError("Bad Request: file is too big")
        return {
            "file_id": p["file_id"],
            "file_unique_id": f"U{p['file_id']}",
            "file_size": info["size"],
            "file_path": info["path"],
        }

    def download(self, file_path: str) -> bytes | None:
        with self._cond:
            for info in self._files.values():
                if info["path"] == file_path:
                    return info["content"]
        return None


def _entities(text: str) -> list[dict]:
    """bot_command at the start and every @mention, with UTF-16 offsets as Telegram sends."""
    out = []
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        out.append({"type": "bot_command", "offset": 0, "length": utf16_len(command)})
    for i, ch in enumerate(text):
        if ch == "@" and (i == 0 or not text[i - 1].isalnum()):
            j = i + 1
            while j < len(text) and (text[j].isalnum() or text[j] == "_"):
                j += 1
            if j - i > 1 and not (
                out and out[0]["type"] == "bot_command" and i < len(text.split(maxsplit=1)[0])
            ):
                out.append({"type": "mention", "offset": utf16_len(text[:i]), "length": utf16_len(text[i:j])})
    return out


def _decode(raw: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str) and key in _JSON_PARAMS:
            value = json.loads(value)
        elif isinstance(value, str) and key in _INT_PARAMS:
            with contextlib.suppress(ValueError):
                value = int(value)
        elif isinstance(value, str) and key in _FLOAT_PARAMS:
            value = float(value)
        params[key] = value
    return params


@dataclass
class Upload:
    """A file the bot sent (sendPhoto, sendDocument), as it came over the wire."""

    filename: str
    content: bytes
    content_type: str

    def __repr__(self) -> str:
        return f"<Upload {self.filename!r} {len(self.content)} bytes>"


def _multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """multipart/form-data as python-telegram-bot sends uploads: fields as text, files as Upload."""
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    raw: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            raw[name] = Upload(part.get_filename(), payload, part.get_content_type())
        else:
            raw[name] = payload.decode("utf-8")
    return raw


class _Handler(BaseHTTPRequestHandler):
    fake: FakeBotApi
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # keep test output clean
        pass

    def _reply(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # a long poll the client gave up on
            pass

    def _json(self, status: int, payload: dict) -> None:
        self._reply(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"))

    def do_GET(self):
        prefix = f"/file/bot{self.fake.token}/"
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)  # PTB quotes the ":" of the token
        if path.startswith(prefix):
            content = self.fake.download(path[len(prefix) :])
            self.fake._record(Call("download", {"file_path": path[len(prefix) :]}, ok=content is not None))
            if content is None:
                self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            else:
                self._reply(200, content, "application/octet-stream")
            return
        self._api(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query)))

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type", "")
        if content_type.startswith("application/json"):
            raw = json.loads(body or b"{}")
        elif content_type.startswith("multipart/"):
            raw = _multipart(content_type, body)
        else:
            raw = dict(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        self._api(raw)

    def _api(self, raw: dict) -> None:
        path = urllib.parse.urlsplit(self.path).path
        prefix = f"/bot{self.fake.token}/"
        if not path.startswith(prefix):
            self._json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        method = path[len(prefix) :]
        try:
            params = _decode(raw)
        except (ValueError, json.JSONDecodeError) as exc:
            self._json(400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"})
            return
        call = Call(method, params)
        try:
            result = self.fake.handle(method, params)
        except ApiError as exc:
            call.ok, call.error = False, exc.description
            self.fake._record(call)
            self._json(exc.code, {"ok": False, "error_code": exc.code, "description": exc.description})
            return
        if method.lower() == "getupdates":
            call.params["_returned"] = [u["update_id"] for u in result]
        self.fake._record(call)
        self._json(200, {"ok": True, "result": result})


# --- running the real Application against the fake ----------------------------------


@contextlib.asynccontextmanager
async def running(application):
    """The bot as `run_polling` runs it (post_init included), polling the fake over HTTP."""
    from telegram import Update

    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.start()
    await application.updater.start_polling(poll_interval=0.0, timeout=2, allowed_updates=Update.ALL_TYPES)
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


def buttons(message: dict) -> dict[str, str]:
    """Button text → callback data of a message the bot sent."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return {b["text"]: b.get("callback_data") for row in rows for b in row}
