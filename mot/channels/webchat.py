"""The web chat widget's channel: Rasa's socket.io channel, fixed and made to scale out.

``WebChatInput`` keeps Rasa's name ``socketio`` (so trackers, the satisfaction prompt's buttons and
``?output_channel=socketio`` work as documented) and speaks the same socket.io events as Rasa's
``SocketIOInput``, which the ``rasa-webchat`` widget expects. On top of it:

* it serves the chat page built from ``web/`` (``npm run build`` → ``web/dist``) at ``/chat/``, from
  the Rasa server itself, so the page and its socket share one origin and need no configuration;
* with ``XSD_SOCKETIO_REDIS_URL`` set, socket.io's message queue lives in Redis
  (``AsyncRedisManager``), so a message emitted by any Rasa instance reaches a customer whose page is
  connected to another one; without it the queue is in-process (one server, the embedded default);
* it awaits ``enter_room``: python-socketio 5.x made it a coroutine, and Rasa 3.6 calls it without
  ``await``, so with session persistence the socket never joined its session's room, and nothing
  addressed to the session (replies after a reconnect, pushes) reached the page;
* it emits in the configured namespace (Rasa's output channel always emits in ``/``);
* it escapes Markdown in bot text (the widget renders Markdown: the masked 户号 ``31****2345`` came out
  in italics without its asterisks) and keeps line breaks;
* with the two fixes above and the shared queue, ``get_output_channel()`` gives an output channel that
  works outside a request/response exchange, from any instance, so
  ``POST /conversations/{id}/tracker/events?output_channel=socketio&execute_side_effects=true``
  delivers a ``bot`` event (an agent's reply, a proactive notice) to the open page.
"""
from __future__ import annotations

import json
import logging
import mimetypes
import re
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import rasa.core.channels.channel
import rasa.shared.utils.io
import socketio
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from mot.settings import PROJECT_ROOT, get_settings

logger = logging.getLogger(__name__)

DEFAULT_PAGE_DIRECTORY = PROJECT_ROOT / "web" / "dist"
DEFAULT_PAGE_PATH = "/chat"


# Characters Markdown gives a meaning inside a line. The masked 户号 "31****2345" and name "张*华"
# would otherwise come out in italics with their asterisks gone.
_MARKDOWN_INLINE = re.compile(r"([\\`*_~\[\]])")


def as_widget_markdown(text: Text) -> Text:
    """Bot text as the widget must receive it to show it as written.

    rasa-webchat renders every bot text as Markdown: inline markup characters are escaped, and each
    line break becomes a Markdown hard break (a single newline would be joined into one paragraph).
    """
    return _MARKDOWN_INLINE.sub(r"\\\1", text).replace("\n", "  \n")


class WebChatOutput(SocketIOOutput):
    """Rasa's socket.io output channel, emitting in the channel's namespace, text as the widget shows it."""

    def __init__(self, sio: socketio.AsyncServer, bot_message_evt: Text, namespace: Optional[Text]) -> None:
        super().__init__(sio, bot_message_evt)
        self.namespace = namespace

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        """One widget message per paragraph (blank-line separated), as Rasa's channel does."""
        for part in text.strip().split("\n\n"):
            await self._send_message(recipient_id, {"text": as_widget_markdown(part)})

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        """Paragraphs as messages; the buttons, as quick replies, on the last one."""
        parts = text.strip().split("\n\n")
        replies = [
            {"content_type": "text", "title": button["title"], "payload": button["payload"]}
            for button in buttons
        ]
        for index, part in enumerate(parts):
            message: Dict[Text, Any] = {"text": as_widget_markdown(part)}
            if index == len(parts) - 1:
                message["quick_replies"] = replies
            await self._send_message(recipient_id, message)

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        """Emits one bot message to the room ``socket_id`` (a socket, or a persistent session)."""
        await self.sio.emit(self.bot_message_evt, response, room=socket_id, namespace=self.namespace)

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        """Emits a custom payload as it is, like Rasa's channel does, in the channel's namespace."""
        json_message = dict(json_message)
        json_message.setdefault("room", recipient_id)
        json_message.setdefault("namespace", self.namespace)
        await self.sio.emit(self.bot_message_evt, **json_message)


class WebChatBlueprint(SocketBlueprint):
    """Attaches socket.io to the app; registers the chat page, the queue's start-up and shutdown."""

    def __init__(self, sio: socketio.AsyncServer, socketio_path: Text, page: Optional[Blueprint],
                 *args: Any, **kwargs: Any) -> None:
        super().__init__(sio, socketio_path, *args, **kwargs)
        self.ctx.page = page

    def register(self, app: Sanic, options: Dict[Text, Any]) -> None:
        """Registers the channel's routes (under /webhooks/socketio/), the page, and the listener.

        The page gets its own blueprint so it lives at a short path (``/chat/``) rather than under
        the webhook prefix Rasa gives the channel's own routes.
        """
        super().register(app, options)
        if self.ctx.page is not None:
            app.blueprint(self.ctx.page)
        sio: socketio.AsyncServer = self.ctx.sio

        async def start_message_queue(_app: Sanic, _loop: Any) -> None:
            # python-socketio starts the queue's listener (the Redis subscription) on the first
            # connection to this process; a push sent by another instance just after that connection
            # could be published before the subscription is made, and lost. Start it with the server.
            if not sio.manager_initialized:
                sio.manager_initialized = True
                sio.manager.initialize()

        async def close_sockets(_app: Sanic, _loop: Any) -> None:
            # Close the open pages' sockets (they reconnect to another instance, or when this one is
            # back) and stop socket.io's background tasks, so the server stops promptly and cleanly.
            if sio.eio.sockets:  # engineio's disconnect-all fails on an empty set
                await sio.eio.disconnect()
            await sio.shutdown()

        app.register_listener(start_message_queue, "after_server_start")
        app.register_listener(close_sockets, "before_server_stop")


def page_blueprint(directory: Path, path: Text) -> Blueprint:
    """The chat page: ``{path}/`` is ``index.html`` of ``directory``, ``{path}/<file>`` its assets."""
    path = "/" + path.strip("/")
    page = Blueprint("webchat_page", url_prefix=path, strict_slashes=True)
    root = directory.resolve()

    async def serve(name: Text) -> HTTPResponse:
        target = (root / name).resolve()
        hidden = any(part.startswith(".") for part in Path(name).parts)  # e.g. the build stamp
        if hidden or root not in target.parents or not target.is_file():
            if not (root / "index.html").is_file():
                return response.text("The chat page is not built: run `npm ci && npm run build` in "
                                     "web/ (scripts/bootstrap.sh does).", status=503)
            return response.text("Not found", status=404)
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith(("javascript", "json")):
            content_type += "; charset=utf-8"
        # The assets keep their names from build to build, so the browser must revalidate them.
        return await response.file(target, mime_type=content_type, headers={"Cache-Control": "no-cache"})

    @page.route("", methods=["GET"], strict_slashes=True)
    async def without_slash(_: Request) -> HTTPResponse:
        # The page's asset URLs are relative, so the page must be addressed with its trailing slash.
        return response.redirect(path + "/")

    @page.route("/", methods=["GET"], strict_slashes=True)
    async def index(_: Request) -> HTTPResponse:
        return await serve("index.html")

    @page.route("/<name:path>", methods=["GET"])
    async def asset(_: Request, name: Text) -> HTTPResponse:
        return await serve(name)

    return page


class WebChatInput(SocketIOInput):
    """Rasa's socket.io input channel for the web widget, with the fixes listed in the module doc.

    Configured in credentials.yml under ``mot.channels.webchat.WebChatInput:`` with Rasa's socketio
    keys (``session_persistence``, ``user_message_evt``, ``bot_message_evt``, ``namespace``,
    ``socketio_path``, ``jwt_key``, ``jwt_method``, ``metadata_key``) and ``page_path`` (where the
    page is served; ``null`` serves none). The Redis queue is a deployment setting, read from
    ``mot.settings`` (``XSD_SOCKETIO_REDIS_URL``, ``XSD_SOCKETIO_REDIS_CHANNEL``).
    """

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        """Builds the channel from its credentials.yml block and the process's settings."""
        credentials = credentials or {}
        settings = get_settings()
        return cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            credentials.get("session_persistence", False),
            credentials.get("socketio_path", "/socket.io"),
            credentials.get("jwt_key"),
            credentials.get("jwt_method", "HS256"),
            credentials.get("metadata_key", "metadata"),
            redis_url=settings.socketio_redis_url,
            redis_channel=settings.socketio_redis_channel,
            page_path=credentials.get("page_path", DEFAULT_PAGE_PATH),
        )

    def __init__(
        self,
        user_message_evt: Text = "user_uttered",
        bot_message_evt: Text = "bot_uttered",
        namespace: Optional[Text] = None,
        session_persistence: bool = False,
        socketio_path: Optional[Text] = "/socket.io",
        jwt_key: Optional[Text] = None,
        jwt_method: Optional[Text] = "HS256",
        metadata_key: Optional[Text] = "metadata",
        redis_url: Optional[Text] = None,
        redis_channel: Text = "xiaoshuidi-socketio",
        page_path: Optional[Text] = DEFAULT_PAGE_PATH,
        page_directory: Path = DEFAULT_PAGE_DIRECTORY,
    ) -> None:
        """Creates the channel; ``redis_url`` None keeps socket.io's queue in this process."""
        super().__init__(user_message_evt, bot_message_evt, namespace, session_persistence,
                         socketio_path, jwt_key, jwt_method, metadata_key)
        self.redis_url = redis_url
        self.redis_channel = redis_channel
        self.page_path = page_path
        self.page_directory = page_directory

    def client_manager(self) -> socketio.AsyncManager:
        """socket.io's message queue: shared through Redis when configured, else in-process."""
        if self.redis_url:
            return socketio.AsyncRedisManager(self.redis_url, channel=self.redis_channel)
        return socketio.AsyncManager()

    def get_output_channel(self) -> Optional[OutputChannel]:
        """An output channel for messages sent outside a customer's request (pushes).

        With the Redis queue it reaches the customer whichever Rasa instance their page is connected
        to; without it, only customers connected to this process.
        """
        if self.sio is None:
            rasa.shared.utils.io.raise_warning(
                "The socket.io output channel is used before the channel's blueprint was created."
            )
            return None
        return WebChatOutput(self.sio, self.bot_message_evt, self.namespace)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The socket.io server and its event handlers (Rasa's, with the fixes), and the page."""
        # cors_allowed_origins=[]: python-socketio leaves CORS to Sanic-Cors, as in Rasa's channel.
        sio = socketio.AsyncServer(
            async_mode="sanic", cors_allowed_origins=[], client_manager=self.client_manager()
        )
        page = (page_blueprint(self.page_directory, self.page_path) if self.page_path else None)
        socketio_webhook = WebChatBlueprint(sio, self.socketio_path, page, "socketio_webhook", __name__)
        self.sio = sio

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict]) -> bool:
            if not self.jwt_key:
                logger.debug(f"User {sid} connected to socketIO endpoint.")
                return True
            jwt_payload = None
            if auth and auth.get("token"):
                jwt_payload = rasa.core.channels.channel.decode_bearer_token(
                    auth.get("token"), self.jwt_key, self.jwt_algorithm
                )
            return bool(jwt_payload)

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: Text, *_: Any) -> None:
            logger.debug(f"User {sid} disconnected from socketIO endpoint.")

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            data = data or {}
            if not data.get("session_id"):
                data["session_id"] = uuid.uuid4().hex
            if self.session_persistence:
                # The fix: a coroutine in python-socketio 5.x (Rasa 3.6 does not await it).
                await sio.enter_room(sid, data["session_id"], namespace=self.namespace)
            await sio.emit("session_confirm", data["session_id"], room=sid, namespace=self.namespace)
            logger.debug(f"User {sid} joined session {data['session_id']}.")

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Dict) -> None:
            output_channel = WebChatOutput(sio, self.bot_message_evt, self.namespace)
            if self.session_persistence:
                if not data.get("session_id"):
                    rasa.shared.utils.io.raise_warning(
                        "A message without a valid session_id was received and ignored. Send "
                        "`session_request` first."
                    )
                    return
                sender_id = data["session_id"]
            else:
                sender_id = sid
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, Text):
                metadata = json.loads(metadata)
            message = UserMessage(
                data.get("message", ""), output_channel, sender_id,
                input_channel=self.name(), metadata=metadata,
            )
            await on_new_message(message)

        return socketio_webhook
